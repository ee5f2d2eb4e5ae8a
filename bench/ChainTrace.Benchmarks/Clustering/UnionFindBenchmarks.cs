using BenchmarkDotNet.Attributes;
using ChainTrace.Clustering;

namespace ChainTrace.Benchmarks.Clustering;

/// <summary>
/// Union-find over dense ids: a million random links over a million ids (about the shape of the links of a
/// 25M-transfer chain), then materialisation into cluster ids. Allocation is the two arrays only (5 B/id).
/// </summary>
[MemoryDiagnoser]
public class UnionFindBenchmarks
{
    private (uint, uint)[] _links = [];

    /// <summary>Ids.</summary>
    [Params(1_000_000)]
    public int Ids { get; set; }

    /// <summary>Random links, fixed seed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(42);
        _links = new (uint, uint)[Ids];
        for (int i = 0; i < _links.Length; i++) _links[i] = ((uint)r.Next(Ids), (uint)r.Next(Ids));
    }

    /// <summary>All unions, then materialise.</summary>
    [Benchmark]
    public uint UnionAllThenMaterialise()
    {
        var uf = new UnionFind(Ids);
        foreach (var (a, b) in _links) uf.Union(a, b);
        uf.Materialise();
        return uf.ClusterOf((uint)(Ids - 1));
    }

    /// <summary>Unions interleaved with finds (the service guard looks at roots).</summary>
    [Benchmark]
    public long UnionAndFind()
    {
        var uf = new UnionFind(Ids);
        long sum = 0;
        foreach (var (a, b) in _links)
        {
            sum += uf.Find(a);
            uf.Union(a, b);
        }
        return sum;
    }
}
