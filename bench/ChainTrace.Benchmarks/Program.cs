using BenchmarkDotNet.Running;
using ChainTrace.Benchmarks.Indexing;

namespace ChainTrace.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/ChainTrace.Benchmarks -- e2e [--transfers N]</c> runs the
/// end-to-end indexing measurement; <c>-- cluster [--transfers N]</c> the end-to-end clustering measurement;
/// <c>-- sidebyside [--transfers N] [--hops H]</c> ChainTrace next to DuckDB recursive SQL;
/// <c>-- trace-latency [rocks:DIR|memory:N …]</c> the tracing latency figures;
/// anything else goes to BenchmarkDotNet's switcher (<c>--filter *Codec*</c>, <c>--filter *UnionFind*</c>).
/// </summary>
public static class Program
{
    /// <summary>Runs the chosen benchmarks.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "e2e") return EndToEnd.Run(args[1..]);
        if (args.Length > 0 && args[0] == "cluster") return Clustering.ClusterEndToEnd.Run(args[1..]);
        if (args.Length > 0 && args[0] == "sidebyside") return SideBySide.SideBySideRunner.Run(args[1..]);
        if (args.Length > 0 && args[0] == "trace-latency") return Tracing.TraceLatency.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
