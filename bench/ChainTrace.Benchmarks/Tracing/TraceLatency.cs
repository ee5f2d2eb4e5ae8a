using System.Diagnostics;
using System.Globalization;
using ChainTrace.Tracing;
using TraceOptions = ChainTrace.Tracing.TraceOptions;

namespace ChainTrace.Benchmarks.Tracing;

/// <summary>
/// <c>trace-latency [STORE…]</c>: the tracing figures of docs/BENCHMARKS.md in one run, per store spec
/// (<c>rocks:DIR</c>, <c>memory:N</c>): p50/p99 of a 5-hop forward haircut trace from the planted seeds, all
/// four models against one, bytes allocated per visited edge, and cost against the hop limit (1..10) from
/// background seeds. Prints markdown tables. (BenchmarkDotNet's TraceBenchmarks measure the same with its
/// statistics; this is the quick, many-seed version.)
/// </summary>
public static class TraceLatency
{
    /// <summary>Runs the measurements.</summary>
    public static int Run(string[] args)
    {
        var specs = args.Length > 0 ? args : ["memory:100000"];
        foreach (var spec in specs)
        {
            var clock = Stopwatch.StartNew();
            using var store = TraceBenchStore.Open(spec);
            Console.WriteLine($"## {store.Name} ({spec}; opened in {clock.Elapsed.TotalSeconds:0.0} s; {store.PlantedSeeds.Count} planted cases, {store.BackgroundSeeds.Count} background seeds)");
            var tracer = new Tracer(store.Reader);
            const int rounds = 25;

            // Warm up: JIT, caches, buffers.
            foreach (var s in store.PlantedSeeds) tracer.Trace(new TraceOptions { Seeds = s, Models = TraceModel.All, Hops = 5 });

            if (Environment.GetEnvironmentVariable("CHAINTRACE_BENCH_SLOW") == "1")
            {
                var timing = new TimingReader(store.Reader);
                var timed = new Tracer(timing);
                long t1 = Stopwatch.GetTimestamp();
                double engine = 0;
                foreach (var s in store.PlantedSeeds) engine += timed.Trace(new TraceOptions { Seeds = s, Hops = 5 }).Stats.Elapsed.TotalMilliseconds;
                Console.WriteLine($"planted seeds, haircut 5 hops, {store.PlantedSeeds.Count} traces: {Stopwatch.GetElapsedTime(t1).TotalMilliseconds:0.0} ms total, engine {engine:0.0} ms");
                Console.WriteLine(timing.Report());
                timing.Reset();
                var rng = new Random(1);
                ulong head = store.Reader.IndexedHead ?? 0;
                for (int k = 0; k < 5; k++)
                {
                    ulong b = head - (ulong)rng.Next(300_000);
                    for (int rep = 0; rep < 3; rep++)
                    {
                        long t2 = Stopwatch.GetTimestamp();
                        bool found = store.Reader.TryGetTxHash(b, 0, out _);
                        Console.WriteLine($"tx hash block {b} try {rep}: {Stopwatch.GetElapsedTime(t2).TotalMicroseconds:0.0} µs {found}");
                    }
                }
                var slow = new List<(double Ms, TraceStats Stats, string Seed)>();
                foreach (var s in store.BackgroundSeeds)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    var r = tracer.Trace(new TraceOptions { Seeds = s, Hops = 5 });
                    slow.Add((Stopwatch.GetElapsedTime(t0).TotalMilliseconds, r.Stats, r.Format(s[0])));
                }
                foreach (var x in slow.OrderByDescending(x => x.Ms).Take(8))
                    Console.WriteLine($"slow: {x.Ms:0.0} ms total, engine {x.Stats.Elapsed.TotalMilliseconds:0.0} ms, {x.Stats.EdgesVisited} edges, {x.Stats.Addresses} addresses, {x.Stats.CursorsOpened} cursors, seed {x.Seed}");
                continue;
            }

            var one = Measure(tracer, store.PlantedSeeds, TraceModel.Haircut, 5, rounds);
            var bare = Measure(tracer, store.PlantedSeeds, TraceModel.Haircut, 5, rounds, paths: false);
            var all = Measure(tracer, store.PlantedSeeds, TraceModel.All, 5, rounds);
            Console.WriteLine();
            Console.WriteLine("| 5-hop forward trace, planted seeds | p50 | p99 | max | edges/trace | engine B/edge | engine B/cursor | total B/trace |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            Console.WriteLine(Row("haircut", one));
            Console.WriteLine(Row("haircut, no paths (no tx-hash lookups)", bare));
            Console.WriteLine(Row("all four models", all));
            Console.WriteLine($"all four / haircut (p50): {all.P50 / one.P50:0.00}x");

            Console.WriteLine();
            if (Environment.GetEnvironmentVariable("CHAINTRACE_BENCH_NO_HOPS") == "1") continue;
            Console.WriteLine("| hops | p50 | p99 | mean edges/trace | mean addresses/trace | engine B/edge | engine B/cursor |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var s in store.BackgroundSeeds.Take(20)) tracer.Trace(new TraceOptions { Seeds = s, Hops = 3 });
            for (int hops = 1; hops <= 10; hops++)
            {
                var m = Measure(tracer, store.BackgroundSeeds, TraceModel.Haircut, hops, 1);
                Console.WriteLine($"| {hops} | {Ms(m.P50)} | {Ms(m.P99)} | {m.Edges:0} | {m.Addresses:0} | {m.EngineBytesPerEdge:0.0} | {m.EngineBytesPerCursor:0} |");
            }
            Console.WriteLine();
        }
        return 0;
    }

    private sealed record Figures(double P50, double P99, double Max, double Edges, double Addresses, double BytesPerTrace, double EngineBytesPerEdge, double EngineBytesPerCursor);

    private static Figures Measure(Tracer tracer, IReadOnlyList<Primitives.Address[]> seeds, TraceModel models, int hops, int rounds, bool paths = true)
    {
        var times = new List<double>();
        long edges = 0, addresses = 0, traces = 0, engineBytes = 0, cursors = 0;
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < rounds; r++)
            foreach (var s in seeds)
            {
                long t0 = Stopwatch.GetTimestamp();
                var result = tracer.Trace(new TraceOptions { Seeds = s, Models = models, Hops = hops, PathsPerTerminal = paths ? 3 : 0 });
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                edges += result.Stats.EdgesVisited;
                addresses += result.Stats.Addresses;
                engineBytes += result.Stats.AllocatedBytes;
                cursors += result.Stats.CursorsOpened;
                traces++;
            }
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        times.Sort();
        double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return new Figures(P(0.50), P(0.99), times[^1], (double)edges / traces, (double)addresses / traces, (double)bytes / traces,
            edges == 0 ? 0 : (double)engineBytes / edges, cursors == 0 ? 0 : (double)engineBytes / cursors);
    }

    private static string Ms(double ms) => ms.ToString(ms < 1 ? "0.000" : "0.0", CultureInfo.InvariantCulture) + " ms";

    private static string Row(string name, Figures f) =>
        $"| {name} | {Ms(f.P50)} | {Ms(f.P99)} | {Ms(f.Max)} | {f.Edges:0} | {f.EngineBytesPerEdge:0.0} | {f.EngineBytesPerCursor:0} | {f.BytesPerTrace:0} |";
}
