using BenchmarkDotNet.Running;
using ChainTrace.Benchmarks.Indexing;

namespace ChainTrace.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/ChainTrace.Benchmarks -- e2e [--transfers N]</c> runs the
/// end-to-end indexing measurement; anything else goes to BenchmarkDotNet's switcher (<c>--filter *Codec*</c>).
/// </summary>
public static class Program
{
    /// <summary>Runs the chosen benchmarks.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "e2e") return EndToEnd.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
