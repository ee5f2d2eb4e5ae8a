using System.Diagnostics;
using System.Globalization;
using ChainTrace.Clustering;
using ChainTrace.Indexing;
using ChainTrace.Labels;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Synthetic;

namespace ChainTrace.Benchmarks.Clustering;

/// <summary>
/// End-to-end clustering figures on a synthetic chain indexed into RocksDB: full clustering time per phase,
/// memory, incremental update after a number of new blocks (the store is rolled back by that many blocks,
/// clustered, re-indexed, and updated), and a no-op update. The store is built once under <c>--dir</c> and reused.
/// Usage: <c>cluster [--transfers N] [--dir DIR] [--blocks K] [--repeat R] [--scan]</c> (--scan: also time bare reads).
/// </summary>
internal static class ClusterEndToEnd
{
    public static int Run(string[] args)
    {
        long transfers = 10_000_000;
        string? dir = null;
        int blocks = 100, repeat = 1;
        bool scan = false;
        var heuristics = LinkHeuristics.All;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--transfers": transfers = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": dir = args[++i]; break;
                case "--blocks": blocks = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--scan": scan = true; break;
                case "--heuristics": LinkHeuristicNames.TryParse(args[++i], out heuristics, out _); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; usage: cluster [--transfers N] [--dir DIR] [--blocks K] [--repeat R] [--scan]");
                    return 2;
            }
        }
        dir ??= Path.Combine(Path.GetTempPath(), "ct-bench-cluster-" + transfers.ToString(CultureInfo.InvariantCulture));
        string synthDir = Path.Combine(dir, "synth"), storeDir = Path.Combine(dir, "store");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {RuntimeInformationText()}");
        var sw = Stopwatch.StartNew();
        if (!File.Exists(Path.Combine(synthDir, "ground-truth.json")))
        {
            Directory.CreateDirectory(synthDir);
            SynthGenerator.Generate(new SynthOptions { Seed = 5, Transfers = transfers }, synthDir);
            Console.WriteLine($"generated {transfers:N0} synthetic transfers in {sw.Elapsed.TotalSeconds:F1} s");
        }
        var files = Directory.GetFiles(synthDir, "*.jsonl").Order(StringComparer.Ordinal).ToList();
        if (!File.Exists(Path.Combine(storeDir, "CURRENT")))
        {
            sw.Restart();
            using var s = ChainTraceStore.Open(storeDir, new StoreOptions { Profile = ChainProfile.Ethereum });
            new Indexer(s).IndexAsync(files, new IndexOptions()).GetAwaiter().GetResult();
            s.ImportLabels(LabelFileReader.Read(Path.Combine(synthDir, "labels.csv"), ChainProfile.Ethereum).Labels);
            s.Compact();
            Console.WriteLine($"indexed in {sw.Elapsed.TotalSeconds:F1} s");
        }

        using var store = ChainTraceStore.Open(storeDir, new StoreOptions { Profile = ChainProfile.Ethereum });
        var clusterer = new Clusterer(store, new RocksClusterStore(store), new ClusterOptions { Heuristics = heuristics });
        Console.WriteLine($"store: {store.AddressCount:N0} addresses, head block {store.IndexedHead}");
        if (scan) { ScanOnly(store); return 0; }
        for (int r = 0; r < repeat; r++)
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var full = clusterer.Run(progress: new PhasePrinter());
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            Print("full", full);
            Console.WriteLine($"  CPU time {cpu.TotalSeconds:F2} s (wall time suffers when other processes share the cores); tx lookups {ChainTrace.Clustering.ClusterRun.TxLookups:N0}");
            Console.WriteLine($"  allocated {allocated / 1e6:F0} MB ({(double)allocated / store.AddressCount:F1} B/address); union-find {full.UnionFindBytesPerAddress} B/address; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        }
        var noop = clusterer.Update();
        Print("update, no new blocks", noop);

        if (blocks > 0 && store.IndexedHead is { } head)
        {
            store.RollbackTo(head - (ulong)blocks);
            clusterer.Run();
            sw.Restart();
            new Indexer(store).IndexAsync(files, new IndexOptions()).GetAwaiter().GetResult();
            Console.WriteLine($"re-indexed the last {blocks} blocks in {sw.Elapsed.TotalSeconds:F1} s");
            var inc = clusterer.Update();
            Print($"update after {blocks} new blocks", inc);
        }
        return 0;
    }

    /// <summary>What reading the events alone costs (the floor under the scan phase).</summary>
    private static void ScanOnly(ChainTraceStore store)
    {
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        long n = 0, sum = 0;
        foreach (var t in store.ScanTransfers(Seq.MinValue, Seq.MaxValue)) { n++; sum += t.FromId; if ((n & 0xFFFFF) == 0) Console.WriteLine($"  {n:N0} transfers in {sw.Elapsed.TotalSeconds:F1} s"); }
        var transfers = sw.Elapsed;
        Console.WriteLine($"transfers {transfers.TotalSeconds:F1} s");
        sw.Restart();
        foreach (var t in store.ScanNativeTransfers(Seq.MinValue, Seq.MaxValue)) { n++; sum += t.FromId; }
        var native = sw.Elapsed;
        sw.Restart();
        long tx = 0;
        int probes = 0;
        foreach (var t in store.ScanTransfers(Seq.MinValue, Seq.MaxValue))
        {
            if (++tx % 1000 != 0) continue;
            if (store.TryGetTransaction(t.Seq.Block, t.Seq.TxIndex, out var r)) tx += r.FromId;
            if (++probes == 10_000) break;
        }
        Console.WriteLine($"{probes} tx lookups (during a transfer scan) in {sw.Elapsed.TotalMilliseconds:F0} ms");
        sw.Restart();
        probes = 0;
        tx = 0;
        using (var txs = new ChainTrace.Storage.Rocks.NativeIterator(store.Database, store.TxsFamily))
        {
            Span<byte> key = stackalloc byte[6];
            foreach (var t in store.ScanTransfers(Seq.MinValue, Seq.MaxValue))
            {
                if (++tx % 1000 != 0) continue;
                ChainTrace.Storage.Encoding.KeyCodec.WriteTxKey(key, (uint)t.Seq.Block, (ushort)t.Seq.TxIndex);
                txs.Seek(key);
                if (txs.Valid) sum += txs.Value.Length;
                if (++probes == 10_000) break;
            }
        }
        Console.WriteLine($"{probes} tx seeks on one iterator (during a transfer scan) in {sw.Elapsed.TotalMilliseconds:F0} ms");
        sw.Restart();
        var tail = sw.Elapsed;
        sw.Restart();
        long raw = 0;
        using (var it = new ChainTrace.Storage.Rocks.NativeIterator(store.Database, store.TransfersFamily, default, default, fillCache: false))
        {
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                var t = ChainTrace.Storage.Encoding.ValueCodec.ReadTransfer(it.Value, ChainTrace.Storage.Encoding.KeyCodec.ReadSeq(it.Key));
                raw += t.ToId;
            }
        }
        Console.WriteLine($"raw iterator over transfers (no cache fill): {sw.Elapsed.TotalMilliseconds:F0} ms ({raw}); scans CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F2} s");
        sw = Stopwatch.StartNew();
        sw.Restart();
        Console.WriteLine($"scan only: transfers {transfers.TotalMilliseconds:F0} ms, native {native.TotalMilliseconds:F0} ms ({n:N0} records); transfers + tx lookup each {tail.TotalMilliseconds:F0} ms ({sum + tx})");
    }

    private static void Print(string what, ClusterResult r) =>
        Console.WriteLine($"{what}: {r.Elapsed.TotalSeconds:F2} s, {r.EventsProcessed:N0} events ({(r.Elapsed.TotalSeconds > 0 ? r.EventsProcessed / r.Elapsed.TotalSeconds : 0):N0}/s), " +
            $"relinked {r.Relinked}, links +{r.LinksWritten:N0} −{r.LinksRemoved:N0}; {r.Clusters:N0} clusters, {r.ClusteredAddresses:N0} addresses, largest {r.Largest.FirstOrDefault()?.Size}, " +
            $"{r.DepositAddresses:N0} deposit addresses\n  phases: " + string.Join(", ", r.Phases.Select(p => $"{p.Key} {p.Value.TotalMilliseconds:F0} ms")));

    /// <summary>Prints each phase as it starts, and progress every few seconds.</summary>
    private sealed class PhasePrinter : IProgress<ClusterProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private string _phase = "";
        private TimeSpan _last;

        public void Report(ClusterProgress value)
        {
            if (value.Phase == _phase && _clock.Elapsed - _last < TimeSpan.FromSeconds(5)) return;
            _phase = value.Phase;
            _last = _clock.Elapsed;
            Console.WriteLine($"  [{_clock.Elapsed.TotalSeconds,6:F1} s] {value.Phase} {value.Done:N0}/{value.Total:N0}; CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s; tx lookups {ChainTrace.Clustering.ClusterRun.TxLookups:N0}");
        }
    }

    private static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.OSDescription;
}
