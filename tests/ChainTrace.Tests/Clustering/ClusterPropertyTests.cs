using ChainTrace.Clustering;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Clustering;

public sealed class ClusterPropertyTests
{
    /// <summary>Connected components by plain breadth-first search: the reference the union-find is checked against.</summary>
    private static int[] Components(int n, IEnumerable<(int, int)> edges)
    {
        var adj = new List<int>[n];
        for (int i = 0; i < n; i++) adj[i] = [];
        foreach (var (a, b) in edges) { adj[a].Add(b); adj[b].Add(a); }
        var comp = new int[n];
        Array.Fill(comp, -1);
        for (int s = 0; s < n; s++)
        {
            if (comp[s] >= 0) continue;
            var q = new Queue<int>();
            q.Enqueue(s);
            comp[s] = s;
            while (q.Count > 0)
                foreach (int y in adj[q.Dequeue()])
                    if (comp[y] < 0) { comp[y] = s; q.Enqueue(y); }
        }
        return comp;
    }

    private static Arbitrary<(int N, (int, int)[] Edges)> Graphs() =>
        (from n in Gen.Choose(1, 60)
         from m in Gen.Choose(0, 90)
         from edges in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, n - 1), Gen.Choose(0, n - 1)), m)
         select (n, edges)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property UnionFind_SameSetIsExactlyTheConnectedComponent() =>
        Prop.ForAll(Graphs(), g =>
        {
            var uf = new UnionFind(g.N);
            foreach (var (a, b) in g.Edges) uf.Union((uint)a, (uint)b);
            var comp = Components(g.N, g.Edges);
            for (int i = 0; i < g.N; i++)
                for (int j = 0; j < g.N; j++)
                    if (uf.Connected((uint)i, (uint)j) != (comp[i] == comp[j])) return false;
            return true;
        });

    [Property(MaxTest = 300)]
    public Property UnionFind_MaterialisedIdIsTheSmallestMemberOfTheComponent() =>
        Prop.ForAll(Graphs(), g =>
        {
            var uf = new UnionFind(g.N);
            foreach (var (a, b) in g.Edges) uf.Union((uint)a, (uint)b);
            uf.Materialise();
            var comp = Components(g.N, g.Edges); // BFS from ascending starts labels each component with its smallest member
            for (int i = 0; i < g.N; i++) if (uf.ClusterOf((uint)i) != (uint)comp[i]) return false;
            return true;
        });

    [Property(MaxTest = 200)]
    public Property UnionFind_RanksStayLogarithmic() =>
        Prop.ForAll(Graphs(), g =>
        {
            var uf = new UnionFind(g.N);
            foreach (var (a, b) in g.Edges) uf.Union((uint)a, (uint)b);
            // Depth of any element before compression is bounded by log2(n) + 1 under union by rank.
            return Enumerable.Range(0, g.N).All(i => uf.Find((uint)i) < g.N);
        });

    [Fact]
    public void UnionFind_UsesFiveBytesPerElement()
    {
        Assert.Equal(5, UnionFind.BytesPerElement);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var uf = new UnionFind(1_000_000);
        long used = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(used, 5_000_000, 5_001_000);
        Assert.Equal(1_000_000, uf.Count);
    }

    [Property(MaxTest = 60)]
    public void Clusters_AreTheConnectedComponentsOfTheStoredLinks(PositiveInt seed)
    {
        var h = new RandomHistory(seed.Get);
        var s = h.NewScript();
        h.Apply(s, 0, h.Count);
        var c = s.Clusterer(out var store);
        var result = c.Run();
        Assert.Equal(0, result.RefusedLinkCount); // one service only: nothing to refuse

        int n = (int)s.Store.AddressCount + 1;
        // Gas and approval links join anchor and member; a deposit star joins its customers, not its deposit address.
        var edges = new List<(int, int)>();
        foreach (var star in store.ScanLinks().GroupBy(l => (l.Heuristic, l.Anchor)))
        {
            var first = star.First();
            foreach (var l in star)
                edges.Add(l.Heuristic == LinkHeuristic.DepositReuse ? ((int)first.Member, (int)l.Member) : ((int)l.Anchor, (int)l.Member));
        }
        var comp = Components(n, edges);
        for (uint i = 1; i < n; i++)
            for (uint j = i; j < n; j++)
                Assert.Equal(comp[i] == comp[j], store.GetClusterId(i) == store.GetClusterId(j));
        for (uint i = 1; i < n; i++) Assert.Equal((uint)comp[i], store.GetClusterId(i)); // id = smallest member

        // Every cluster's header agrees with its member rows.
        long clustered = 0;
        foreach (var (id, header) in store.ScanClusters())
        {
            var members = store.GetMembers(id).ToList();
            Assert.Equal((int)header.Size, members.Count);
            Assert.Equal(id, members.Min());
            clustered += members.Count;
        }
        Assert.Equal(result.ClusteredAddresses, clustered);
    }

    [Property(MaxTest = 40)]
    public void Why_ReturnsAValidChainForEveryPairInACluster(PositiveInt seed, bool depositInCluster)
    {
        var h = new RandomHistory(seed.Get);
        var s = h.NewScript();
        h.Apply(s, 0, h.Count);
        var options = new ClusterOptions { Deposit = new DepositReuseOptions { LinkDepositAddressToCustomer = depositInCluster } };
        var c = s.Clusterer(out var store, options);
        c.Run(options);
        var links = store.ScanLinks().Select(l => (l.Heuristic, l.Anchor, l.Member)).ToHashSet();

        foreach (var (id, _) in store.ScanClusters())
        {
            var members = store.GetMembers(id).ToList();
            foreach (uint a in members)
                foreach (uint b in members)
                {
                    var path = c.FindPath(a, b);
                    Assert.NotNull(path);
                    uint at = a;
                    foreach (var (from, to, stepLinks) in path)
                    {
                        Assert.Equal(at, from);
                        Assert.Equal(id, store.GetClusterId(to));
                        foreach (var l in stepLinks) Assert.Contains((l.Heuristic, l.Anchor, l.Member), links);
                        if (stepLinks.Count == 1)
                        {
                            Assert.True((stepLinks[0].Anchor, stepLinks[0].Member) == (from, to) || (stepLinks[0].Anchor, stepLinks[0].Member) == (to, from));
                        }
                        else
                        {
                            // Two customers of one deposit address (kept out of their cluster).
                            Assert.False(depositInCluster);
                            Assert.Equal(2, stepLinks.Count);
                            Assert.All(stepLinks, l => Assert.Equal(LinkHeuristic.DepositReuse, l.Heuristic));
                            Assert.Equal(stepLinks[0].Anchor, stepLinks[1].Anchor);
                            Assert.Equal((from, to), (stepLinks[0].Member, stepLinks[1].Member));
                        }
                        at = to;
                    }
                    Assert.Equal(b, at);
                }
        }
        // Addresses of different clusters have no chain.
        var ids = store.ScanClusters().Select(x => x.ClusterId).ToList();
        if (ids.Count >= 2) Assert.Null(c.FindPath(ids[0], ids[1]));
    }

    [Property(MaxTest = 120)]
    public void Incremental_AfterAnyNumberOfIndexRuns_EqualsAFullRebuild(PositiveInt seed, PositiveInt cuts, bool twoServices)
    {
        var h = new RandomHistory(seed.Get, twoServices: twoServices);
        var s = h.NewScript();
        var incremental = s.Clusterer(out var inc);
        var rnd = new Random(seed.Get ^ 0x5EED);
        var points = Enumerable.Range(0, 1 + cuts.Get % 4).Select(_ => rnd.Next(h.Count)).Order().Append(h.Count).ToList();
        int done = 0;
        ClusterResult? last = null;
        foreach (int p in points)
        {
            h.Apply(s, done, p);
            done = p;
            last = incremental.Update();
        }
        var full = s.Clusterer(out var reference);
        var fresh = full.Run();

        // The running figures of the incremental runs equal those of a full run.
        Assert.Equal(fresh.Clusters, last!.Clusters);
        Assert.Equal(fresh.ClusteredAddresses, last.ClusteredAddresses);
        Assert.Equal(fresh.SizeHistogram, last.SizeHistogram);
        Assert.Equal(fresh.Largest, last.Largest);
        Assert.Equal(fresh.LinksPerHeuristic.OrderBy(x => x.Key), last.LinksPerHeuristic.OrderBy(x => x.Key));
        Assert.Equal(fresh.DepositAddresses, last.DepositAddresses);
        Assert.Equal(fresh.HotWallets, last.HotWallets);
        Assert.Equal(fresh.ConflictCount, last.ConflictCount);
        Assert.Equal(fresh.RefusedLinkCount, last.RefusedLinkCount);
        // …and those of a plain count over the stored clusters.
        var scanned = ClusterRun.ClusterStats.Compute(reference, new ClusterOptions());
        Assert.Equal(scanned.Clusters, fresh.Clusters);
        Assert.Equal(scanned.ClusteredAddresses, fresh.ClusteredAddresses);
        Assert.Equal(scanned.Histogram, fresh.SizeHistogram);
        Assert.Equal(scanned.DepositAddresses, fresh.DepositAddresses);
        Assert.Equal(scanned.HotWallets, fresh.HotWallets);
        Assert.Equal(scanned.ConflictCount, fresh.ConflictCount);
        Assert.Equal(scanned.Largest, fresh.Largest);
        Assert.Equal(scanned.LinksPerHeuristic.OrderBy(x => x.Key), fresh.LinksPerHeuristic.OrderBy(x => x.Key));

        Assert.Equal(reference.ScanLinks().ToList(), inc.ScanLinks().ToList());
        Assert.Equal(reference.ScanDeposits().ToList(), inc.ScanDeposits().ToList());
        for (uint i = 1; i <= s.Store.AddressCount; i++) Assert.Equal(reference.GetClusterId(i), inc.GetClusterId(i));
        Assert.Equal(reference.ScanClusters().ToList(), inc.ScanClusters().ToList());
        Assert.Equal(reference.ReadMeta()!.Cursor, inc.ReadMeta()!.Cursor);
    }
}

public sealed class RandomHistoryCoverageTests
{
    /// <summary>The random histories must exercise every heuristic and every incremental path, or the properties above prove little.</summary>
    [Fact]
    public void RandomHistories_ExerciseEveryHeuristicAndEveryUnionPath()
    {
        long deposits = 0, refused = 0, overlayRuns = 0, relinkRuns = 0, clusters = 0;
        var perHeuristic = new Dictionary<LinkHeuristic, long>();
        for (int seed = 1; seed <= 60; seed++)
        {
            var h = new RandomHistory(seed, twoServices: seed % 2 == 0);
            var s = h.NewScript();
            var c = s.Clusterer(out _);
            int third = h.Count / 3;
            foreach (int p in new[] { third, 2 * third, h.Count })
            {
                h.Apply(s, p == third ? 0 : p - third, p);
                var r = c.Update();
                if (r.Incremental && r.Relinked) relinkRuns++;
                if (r.Incremental && !r.Relinked && r.LinksWritten > 0) overlayRuns++;
                if (p == h.Count)
                {
                    deposits += r.DepositAddresses;
                    refused += r.RefusedLinkCount;
                    clusters += r.Clusters;
                    foreach (var (k, v) in r.LinksPerHeuristic) perHeuristic[k] = perHeuristic.GetValueOrDefault(k) + v;
                }
            }
        }
        Assert.True(deposits > 5, $"deposits {deposits}");
        Assert.True(clusters > 20, $"clusters {clusters}");
        Assert.True(refused > 0, $"refused {refused} deposits {deposits} clusters {clusters} overlay {overlayRuns} relink {relinkRuns} {string.Join(",", perHeuristic)}");
        Assert.True(overlayRuns > 5, $"overlay runs {overlayRuns}");
        Assert.True(relinkRuns > 5, $"relink runs {relinkRuns}");
        foreach (var heuristic in LinkHeuristicNames.Each) Assert.True(perHeuristic[heuristic] > 5, $"{heuristic}: {perHeuristic[heuristic]}");
    }
}
