using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ChainTrace.Tracing;

namespace ChainTrace.Benchmarks.Tracing;

/// <summary>
/// Latency of one trace from a planted seed (each invocation takes the next planted case): a 5-hop forward
/// haircut trace, and all four models in one pass. One trace per iteration, so the median and P95 columns are
/// per-trace percentiles. Store: CHAINTRACE_BENCH_STORE (<c>rocks:DIR</c> or <c>memory:N</c>; default memory:100000).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 20, iterationCount: 200, invocationCount: 1)]
public class TraceBenchmarks
{
    private TraceBenchStore _store = null!;
    private Tracer _tracer = null!;
    private int _next;

    /// <summary>The store spec.</summary>
    public static IEnumerable<string> Stores => [Environment.GetEnvironmentVariable("CHAINTRACE_BENCH_STORE") ?? "memory:100000"];

    [ParamsSource(nameof(Stores))]
    public string Store { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _store = TraceBenchStore.Open(Store);
        _tracer = new Tracer(_store.Reader);
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    private TraceOptions Next(TraceModel models) => new()
    {
        Seeds = _store.PlantedSeeds[_next++ % _store.PlantedSeeds.Count],
        Models = models,
        Hops = 5,
    };

    [Benchmark(Baseline = true)]
    public long Haircut5Hops() => _tracer.Trace(Next(TraceModel.Haircut)).Stats.EdgesVisited;

    [Benchmark]
    public long AllModels5Hops() => _tracer.Trace(Next(TraceModel.All)).Stats.EdgesVisited;
}

/// <summary>Cost of a forward haircut trace against the hop limit, from background (non-planted) seeds.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 40, invocationCount: 1)]
public class TraceHopsBenchmarks
{
    private TraceBenchStore _store = null!;
    private Tracer _tracer = null!;
    private int _next;

    /// <summary>The store spec (same as <see cref="TraceBenchmarks.Stores"/>).</summary>
    public static IEnumerable<string> Stores => TraceBenchmarks.Stores;

    [ParamsSource(nameof(Stores))]
    public string Store { get; set; } = "";

    [Params(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    public int Hops { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = TraceBenchStore.Open(Store);
        _tracer = new Tracer(_store.Reader);
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark]
    public long HaircutFromBackgroundSeed() =>
        _tracer.Trace(new TraceOptions { Seeds = _store.BackgroundSeeds[_next++ % _store.BackgroundSeeds.Count], Models = TraceModel.Haircut, Hops = Hops }).Stats.EdgesVisited;
}
