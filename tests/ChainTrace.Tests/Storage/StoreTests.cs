using System.Numerics;
using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Writing;
using Xunit;

namespace ChainTrace.Tests.Storage;

public sealed class StoreTests
{
    [Fact]
    public void WriteReopenRead_GivesTheSameView()
    {
        var h = HistoryGenerator.Generate(61, blocks: 80);
        using var dir = new StoreDir();
        IReadOnlyDictionary<string, string> digest;
        Dictionary<(EdgeDirection, Address), List<PlainEdge>> edges;
        using (var s = dir.Open())
        {
            Feed.Write(s, h.FileOrder());
            digest = s.ComputeDigest();
            edges = Reference.Edges(s, 1);
        }
        using (var s = dir.Open(readOnly: true))
        {
            Assert.True(s.ReadOnly);
            Assert.Equal(digest, s.ComputeDigest());
            Reference.AssertSameEdges(edges, Reference.Edges(s, 1));
            Assert.Equal(h.Events[^1].Block, s.IndexedHead);
            Assert.Throws<InvalidOperationException>(() => s.RollbackTo(1));
        }
    }

    [Fact]
    public void OpeningAnotherChainsStore_Fails_NamingBothChains()
    {
        using var dir = new StoreDir();
        using (dir.Open(profile: ChainProfile.Tron)) { }
        var e = Assert.Throws<StoreException>(() => dir.Open(profile: ChainProfile.Ethereum));
        Assert.Contains("indexes tron, not ethereum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpeningAnotherSchemaVersion_Fails_NamingBothVersions()
    {
        using var dir = new StoreDir();
        using (var s = dir.Open())
        {
            var meta = s.Meta.Clone();
            meta.Schema = 99;
            using var batch = new RocksDbSharp.WriteBatch();
            meta.WriteTo(batch, s.MetaFamily);
            s.Write(batch);
        }
        var e = Assert.Throws<StoreException>(() => dir.Open());
        Assert.Contains("schema version 99", e.Message, StringComparison.Ordinal);
        Assert.Contains($"schema version {ChainTraceStore.CurrentSchemaVersion}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingStore_WithoutCreate_Fails()
    {
        using var dir = new StoreDir();
        var e = Assert.Throws<StoreException>(() => ChainTraceStore.Open(dir.Sub("nothing"), new StoreOptions { CreateIfMissing = false }));
        Assert.Contains("No store at", e.Message, StringComparison.Ordinal);
        Assert.Throws<StoreException>(() => dir.Open("nothing", readOnly: true));
        Assert.False(Directory.Exists(dir.Sub("nothing")));
    }

    [Fact]
    public void Dispose_IsIdempotent_AndUseAfterDisposeThrows()
    {
        using var dir = new StoreDir();
        var s = dir.Open();
        s.Dispose();
        s.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.TryGetAddressId(Address.Zero, out _));
    }

    [Fact]
    public void SecondWriter_IsRefused()
    {
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Configure(s);
        using var core = new IndexCore(s, meta => new BatchTarget(s, meta, Feed.Small), Feed.Small);
        Assert.Throws<InvalidOperationException>(() => s.ImportLabels([]));
        Assert.Throws<InvalidOperationException>(() => s.RollbackTo(5));
        core.Complete();
        Assert.Equal(0, s.ImportLabels([]));
    }

    [Fact]
    public void DifferentTokenSet_IsAClearError()
    {
        using var dir = new StoreDir();
        using var s = dir.Open();
        s.ConfigureTokens([], allTokens: false);
        s.ConfigureTokens([ChainProfile.Ethereum.DefaultToken], allTokens: false);
        var other = new TokenInfo("DAI", Address.Parse("0x6B175474E89094C44Da98b954EedeAC495271d0F"), 18);
        var e = Assert.Throws<StoreException>(() => s.ConfigureTokens([other], allTokens: false));
        Assert.Contains("USDT", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x6B175474E89094C44Da98b954EedeAC495271d0F", e.Message, StringComparison.Ordinal);
        Assert.Throws<StoreException>(() => s.ConfigureTokens([], allTokens: true));
        Assert.Equal([(1u, ChainProfile.Ethereum.DefaultToken)], s.Tokens);
        Assert.True(s.TryGetToken(1, out var t) && t.Issuer == ChainProfile.Ethereum.DefaultToken.Issuer);
        Assert.False(s.TryGetToken(2, out _));
    }

    [Fact]
    public void Labels_AreDeduped_GiveIdsToNewAddresses_AndSurviveReopen()
    {
        using var dir = new StoreDir();
        var a = HistoryGenerator.AddressOf(1);
        var b = HistoryGenerator.AddressOf(2);
        var binance = new AddressLabel("exchange", "Binance", "tagpack");
        var ofac = new AddressLabel("sanctioned", "OFAC", "ofac.txt");
        using (var s = dir.Open())
        {
            Assert.Equal(2, s.ImportLabels([(a, binance), (a, binance), (b, ofac)]));
            Assert.Equal(1, s.ImportLabels([(a, binance), (a, ofac)]));
            Assert.Equal(2u, s.AddressCount);
            Assert.True(s.TryGetAddress(1, out var first, out var seen) && first == a && seen == Seq.MaxValue);
        }
        using (var s = dir.Open(readOnly: true))
        {
            Assert.True(s.TryGetAddressId(a, out uint ida));
            Assert.Equal([binance, ofac], s.GetLabels(ida));
            Assert.Equal([1u, 2u], s.LabelledAddressIds());
            Assert.Empty(s.GetLabels(99));
            Assert.Equal(3, s.GetStats().LabelCount);
        }
    }

    [Fact]
    public void LabelledAddresses_KeepTheirIds_WhenIndexed()
    {
        var h = HistoryGenerator.Generate(62, blocks: 40);
        using var dir = new StoreDir();
        using var s = dir.Open();
        var a = h.Events.First(e => e.Kind == TokenEventKind.Transfer).To;
        s.ImportLabels([(a, new AddressLabel("exchange", "X", "test"))]);
        Feed.Write(s, h.FileOrder(), bulk: true);
        Assert.True(s.TryGetAddressId(a, out uint id));
        Assert.Equal(1u, id);
        Reference.AssertSameEdges(Reference.Replay(h.Events, HistoryGenerator.Usdt, HistoryGenerator.Issuer), Reference.Edges(s, 1));
    }

    [Fact]
    public void AddressSummary_MatchesAPlainComputation()
    {
        var h = HistoryGenerator.Generate(63, blocks: 150, addresses: 20);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Write(s, h.FileOrder());
        var edges = Reference.Replay(h.Events, HistoryGenerator.Usdt, HistoryGenerator.Issuer);
        var busiest = edges.Where(kv => kv.Key.Item1 == EdgeDirection.Out).OrderByDescending(kv => kv.Value.Count).First().Key.Item2;
        var outs = edges.GetValueOrDefault((EdgeDirection.Out, busiest)) ?? [];
        var ins = edges.GetValueOrDefault((EdgeDirection.In, busiest)) ?? [];
        var summary = s.GetAddressSummary(busiest, 1, topCounterparties: 3);
        Assert.NotNull(summary);
        Assert.Equal(Sum(outs), summary.TotalOut);
        Assert.Equal(Sum(ins), summary.TotalIn);
        Assert.Equal(outs.Count, summary.CountOut);
        Assert.Equal(ins.Count, summary.CountIn);
        var all = outs.Concat(ins).OrderBy(e => e.Seq).ToList();
        Assert.Equal(all[^1].BalanceAfter, summary.Balance);
        Assert.Equal(Sum(ins) - Sum(outs), summary.Balance);
        Assert.Equal(all[0].Seq, summary.FirstSeen!.Value.Value);
        Assert.Equal(all[^1].Seq, summary.LastSeen!.Value.Value);
        Assert.Equal(1_600_000_000 + (long)(all[^1].Seq >> 32) * 12, summary.LastSeenTime);
        var volume = outs.Select(e => (e.Counterparty, Sent: e.Amount, Received: BigInteger.Zero))
            .Concat(ins.Select(e => (e.Counterparty, Sent: BigInteger.Zero, Received: e.Amount)))
            .GroupBy(x => x.Counterparty)
            .Select(g => (Address: g.Key, Sent: g.Aggregate(BigInteger.Zero, (t, x) => t + x.Sent), Received: g.Aggregate(BigInteger.Zero, (t, x) => t + x.Received), Count: g.Count()))
            .OrderByDescending(x => x.Sent + x.Received).Take(3).ToList();
        Assert.Equal(volume.Select(v => (v.Address, v.Sent, v.Received, (long)v.Count)),
            summary.TopCounterparties.Select(c => (c.Address, c.Sent, c.Received, c.Count)));
        Assert.Null(s.GetAddressSummary(Address.Parse("0x000000000000000000000000000000000000dEaD"), 1));
    }

    private static BigInteger Sum(IEnumerable<PlainEdge> edges) => edges.Aggregate(BigInteger.Zero, (t, e) => t + e.Amount);

    [Fact]
    public void Blacklist_FollowsTheLastEvent()
    {
        var h = HistoryGenerator.Generate(64, blocks: 200, addresses: 10);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Write(s, h.FileOrder());
        var listed = new Dictionary<Address, bool>();
        foreach (var e in h.Events.OrderBy(e => e.Seq.Value))
        {
            if (e.Kind is TokenEventKind.AddedBlackList or TokenEventKind.DestroyedBlackFunds) listed[e.From] = true;
            if (e.Kind is TokenEventKind.RemovedBlackList) listed[e.From] = false;
        }
        Assert.Contains(true, listed.Values);
        Assert.Contains(false, listed.Values);
        foreach (var (address, expected) in listed)
        {
            Assert.True(s.TryGetAddressId(address, out uint id));
            Assert.Equal(expected, s.IsBlacklisted(id, 1));
        }
    }

    [Fact]
    public void Stats_CountWhatIsStored()
    {
        var h = HistoryGenerator.Generate(65, blocks: 50);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Write(s, h.FileOrder());
        s.Compact();
        var stats = s.GetStats();
        Assert.Equal("ethereum", stats.Chain);
        Assert.Equal(h.Headers.Count, stats.BlockCount);
        Assert.Equal(h.Transactions.Select(t => (t.Block, t.TxIndex)).Concat(h.Events.Select(e => (e.Block, e.TxIndex))).Distinct().Count(), stats.TransactionCount);
        Assert.Equal(s.ScanTransfers(Seq.MinValue, Seq.MaxValue).LongCount(), stats.TransferCount);
        Assert.Equal(s.AddressCount, stats.AddressCount);
        Assert.Equal(ColumnFamilies.All.Count, stats.ColumnFamilies.Count);
        Assert.True(stats.ColumnFamilies.Single(c => c.Name == ColumnFamilies.Out).SstBytes > 0);
        Assert.Equal(stats.ColumnFamilies.Sum(c => c.TotalBytes), stats.TotalBytes);
    }

    [Fact]
    public void EdgeCursors_SeekAscendingAndDescending_FromAnyPosition()
    {
        var h = HistoryGenerator.Generate(66, blocks: 120, addresses: 8);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Write(s, h.FileOrder());
        var rng = new Random(1);
        for (uint id = 1; id <= s.AddressCount; id++)
        {
            var all = new List<Edge>();
            using (var c = s.OpenEdges(EdgeDirection.In, id, 1, Seq.MinValue)) while (c.MoveNext()) all.Add(c.Current);
            if (all.Count == 0) continue;
            for (int k = 0; k < 5; k++)
            {
                var at = new Seq(all[rng.Next(all.Count)].Seq.Value + (ulong)rng.Next(-1, 2));
                var up = new List<Edge>();
                using (var c = s.OpenEdges(EdgeDirection.In, id, 1, at)) while (c.MoveNext()) up.Add(c.Current);
                Assert.Equal(all.Where(e => e.Seq >= at), up);
                var down = new List<Edge>();
                using (var c = s.OpenEdges(EdgeDirection.In, id, 1, at, descending: true)) while (c.MoveNext()) down.Add(c.Current);
                Assert.Equal(all.Where(e => e.Seq <= at).Reverse(), down);
                Assert.Equal(down.Count > 0, s.TryGetEdgeAtOrBefore(EdgeDirection.In, id, 1, at, out var before));
                if (down.Count > 0) Assert.Equal(down[0], before);
            }
            Assert.False(s.OpenEdges(EdgeDirection.In, id, 2, Seq.MinValue).MoveNext());
        }
    }

    [Fact]
    public void InterruptedBulkLoad_IsRepairedAtOpen()
    {
        var h = HistoryGenerator.Generate(67, blocks: 60);
        using var dir = new StoreDir();
        IReadOnlyDictionary<string, string> empty, full;
        using (var s = dir.Open("ref"))
        {
            Feed.Configure(s);
            empty = s.ComputeDigest();
            Feed.Write(s, h.FileOrder(), bulk: true);
            full = s.ComputeDigest();
        }
        // Simulate a crash after ingestion but before the final meta: put the marker back with the old meta.
        using (var s = dir.Open("ref"))
        {
            var marker = new StoreMeta();
            marker.CopyFrom(s.Meta);
            marker.Cursor = null;
            marker.NextAddressId = 1;
            marker.TransferCount = marker.BlockCount = marker.TxCount = 0;
            marker.RecordsEnd = 0;
            marker.BulkInProgress = true;
            using var batch = new RocksDbSharp.WriteBatch();
            marker.WriteTo(batch, s.MetaFamily);
            s.Write(batch);
        }
        Assert.Throws<StoreException>(() => dir.Open("ref", readOnly: true));
        using (var s = dir.Open("ref"))
        {
            var repaired = s.ComputeDigest();
            Assert.Equal("", string.Join(",", empty.Where(kv => repaired[kv.Key] != kv.Value).Select(kv => kv.Key)));
            Assert.Equal(empty, repaired);
            Feed.Write(s, h.FileOrder(), bulk: true);
            Assert.Equal(full, s.ComputeDigest());
        }
    }
}
