using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Memory;
using ChainTrace.Storage.Writing;
using Xunit;

namespace ChainTrace.Tests.Storage;

public sealed class WriterTests
{
    private static readonly Address Usdt = HistoryGenerator.Usdt;
    private static readonly Address Issuer = HistoryGenerator.Issuer;

    private static MemoryChainStore Memory(History h)
    {
        var m = new MemoryChainStore(ChainProfile.Ethereum);
        Feed.Push(m, h.FileOrder());
        return m;
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void RandomHistory_EdgesMatchPlainReplay_AndMemoryStore(int seed, bool bulk)
    {
        var h = HistoryGenerator.Generate(seed, blocks: 120, addresses: 30 + seed * 7);
        using var dir = new StoreDir();
        using var store = dir.Open();
        var counters = Feed.Write(store, h.FileOrder(), bulk);

        var expected = Reference.Replay(h.Events, Usdt, Issuer);
        Reference.AssertSameEdges(expected, Reference.Edges(store, 1));
        Reference.AssertSameView(Memory(h), store, h);
        Assert.Equal(expected.Where(kv => kv.Key.Item1 == EdgeDirection.Out).Sum(kv => kv.Value.Count), counters.Transfers);
        Assert.Equal(counters.Transfers, store.GetStats().TransferCount);
        Assert.Equal((ulong)h.Events[^1].Block, store.IndexedHead);
    }

    [Fact]
    public void Incremental_And_Bulk_GiveIdenticalDigests()
    {
        var h = HistoryGenerator.Generate(11, blocks: 150, addresses: 60);
        using var dir = new StoreDir();
        IReadOnlyDictionary<string, string> a, b;
        using (var s = dir.Open("inc")) { Feed.Write(s, h.FileOrder(), bulk: false); a = s.ComputeDigest(); }
        using (var s = dir.Open("bulk")) { Feed.Write(s, h.FileOrder(), bulk: true); b = s.ComputeDigest(); }
        Assert.Equal(a, b);
        // The digest is sensitive: one more transfer changes it.
        h.Events.Add(h.Events[^1] with { LogIndex = h.Events[^1].LogIndex + 1, Kind = TokenEventKind.Transfer, Amount = UInt256.One });
        using (var s = dir.Open("more")) { Feed.Write(s, h.FileOrder()); Assert.NotEqual(a[ColumnFamilies.Out], s.ComputeDigest()[ColumnFamilies.Out]); }
    }

    [Fact]
    public void AllTokens_IncrementalAndBulk_Agree_AndTrackEachTokenSeparately()
    {
        var h = HistoryGenerator.Generate(12, blocks: 100, otherToken: true);
        using var dir = new StoreDir();
        IReadOnlyDictionary<string, string> a, b;
        using (var s = dir.Open("inc"))
        {
            Feed.Write(s, h.FileOrder(), allTokens: true);
            a = s.ComputeDigest();
            Assert.True(s.TryGetTokenId(HistoryGenerator.OtherToken, out uint other));
            Reference.AssertSameEdges(Reference.Replay(h.Events, HistoryGenerator.OtherToken, null), Reference.Edges(s, other));
            Reference.AssertSameEdges(Reference.Replay(h.Events, Usdt, Issuer), Reference.Edges(s, 1));
        }
        using (var s = dir.Open("bulk")) { Feed.Write(s, h.FileOrder(), bulk: true, allTokens: true); b = s.ComputeDigest(); }
        Assert.Equal(a, b);
    }

    [Fact]
    public void UntrackedToken_IsSkipped_AndCounted()
    {
        var h = HistoryGenerator.Generate(13, blocks: 60, otherToken: true, specials: false);
        using var dir = new StoreDir();
        using var s = dir.Open();
        var c = Feed.Write(s, h.FileOrder());
        Assert.Equal(h.Events.Count(e => e.Token == HistoryGenerator.OtherToken), c.Skipped[(int)SkipReason.UntrackedToken]);
        Assert.False(s.TryGetTokenId(HistoryGenerator.OtherToken, out _));
        Reference.AssertSameEdges(Reference.Replay(h.Events, Usdt, Issuer), Reference.Edges(s, 1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IndexingTwice_ChangesNothing(bool bulkFirst)
    {
        var h = HistoryGenerator.Generate(21, blocks: 80);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Write(s, h.FileOrder(), bulk: bulkFirst);
        var first = s.ComputeDigest();
        var again = Feed.Write(s, h.FileOrder());
        Assert.Equal(0, again.Transfers);
        Assert.Equal(Reference.Replay(h.Events, Usdt, Issuer).Where(kv => kv.Key.Item1 == EdgeDirection.Out).Sum(kv => kv.Value.Count), again.AlreadyIndexed);
        Assert.Equal(first, s.ComputeDigest());
    }

    [Fact]
    public void AlreadyIndexedBlocks_AreSkipped_AndTheRestEqualsAStraightRun()
    {
        var h = HistoryGenerator.Generate(22, blocks: 90);
        ulong mid = h.Headers[45].Number;
        using var dir = new StoreDir();
        IReadOnlyDictionary<string, string> straight;
        // Ids are handed out on first sight, so the reference sees the records in the same order as the split runs.
        using (var s = dir.Open("straight")) { Feed.Write(s, h.FileOrder(toBlock: mid).Concat(h.FileOrder(fromBlock: mid + 1))); straight = s.ComputeDigest(); }
        using var t = dir.Open("split");
        Feed.Write(t, h.FileOrder(toBlock: mid));
        Assert.Equal(h.Events.Where(e => e.Block <= mid).Max(e => e.Block), t.IndexedHead);
        var second = Feed.Write(t, h.FileOrder());
        Assert.True(second.AlreadyIndexed > 0);
        Assert.Equal(straight, t.ComputeDigest());
    }

    [Fact]
    public void SameEventsFromTwoFiles_AreStoredOnce()
    {
        var h = HistoryGenerator.Generate(23, blocks: 70);
        using var dir = new StoreDir();
        IReadOnlyDictionary<string, string> straight;
        using (var s = dir.Open("straight")) { Feed.Write(s, h.FileOrder()); straight = s.ComputeDigest(); }
        using var t = dir.Open("twice");
        Feed.Configure(t);
        using (var core = new IndexCore(t, meta => new BatchTarget(t, meta, Feed.Small), Feed.Small))
        {
            core.BeginFile("token_transfers.csv");
            Feed.Push(core, h.FileOrder());
            core.BeginFile("logs.csv");
            Feed.Push(core, h.Events.Select(e => new HistoryItem.Token(e)));
            core.Complete();
            Assert.True(core.Counters.AlreadyIndexed + core.Counters.Duplicates > 0);
        }
        Assert.Equal(straight, t.ComputeDigest());
    }

    [Fact]
    public void OutOfOrderBlocksInOneFile_Throw_AndKeepTheLastCommit()
    {
        var h = HistoryGenerator.Generate(24, blocks: 40, specials: false);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Configure(s);
        var before = s.ComputeDigest();
        var events = h.Events.ToList();
        int i = events.FindIndex(e => e.Block > events[0].Block + 5);
        var swapped = events[i] with { Block = events[0].Block + 1, LogIndex = 999 };
        events.Insert(i + 3, swapped);
        var settings = new WriterSettings { CommitBlocks = 1_000_000, CommitRecords = 1_000_000 };
        var core = new IndexCore(s, meta => new BatchTarget(s, meta, settings), settings);
        core.BeginFile("sorted-wrong.jsonl");
        var ex = Assert.Throws<ChainDataException>(() => Feed.Push(core, events.Select(e => new HistoryItem.Token(e))));
        core.Abort();
        Assert.Contains("sorted-wrong.jsonl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not in block order", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, s.ComputeDigest());
    }

    [Fact]
    public void RemovedLogs_AreCounted_NotStored()
    {
        var h = HistoryGenerator.Generate(25, blocks: 30, specials: false);
        for (int i = 0; i < h.Events.Count; i += 3) h.Events[i] = h.Events[i] with { Removed = true };
        using var dir = new StoreDir();
        using var s = dir.Open();
        var c = Feed.Write(s, h.FileOrder());
        Assert.Equal(h.Events.Count(e => e.Removed), c.Skipped[(int)SkipReason.RemovedLog]);
        Reference.AssertSameEdges(Reference.Replay(h.Events, Usdt, Issuer), Reference.Edges(s, 1));
    }

    [Fact]
    public void RollbackTo_RestoresBalancesAndCounts_AndReindexingEqualsAStraightRun()
    {
        var h = HistoryGenerator.Generate(31, blocks: 100);
        ulong fork = h.Headers[60].Number;
        using var dir = new StoreDir();
        IReadOnlyDictionary<string, string> straight;
        using (var s = dir.Open("straight")) { Feed.Write(s, h.FileOrder()); straight = s.ComputeDigest(); }
        using var t = dir.Open("rolled");
        Feed.Write(t, h.FileOrder());
        long transfersBefore = t.GetStats().TransferCount;
        t.RollbackTo(fork);
        Assert.Equal(fork, t.IndexedHead);
        Reference.AssertSameEdges(Reference.Replay(h.Events.Where(e => e.Block <= fork), Usdt, Issuer), Reference.Edges(t, 1));
        Assert.All(t.ScanTransfers(Seq.MinValue, Seq.MaxValue), r => Assert.True(r.Seq.Block <= fork));
        Assert.False(t.TryGetBlockTimestamp(fork + 1, out _));
        Assert.True(t.TryGetBlockTimestamp(fork, out _));
        var stats = t.GetStats();
        Assert.Equal(t.ScanTransfers(Seq.MinValue, Seq.MaxValue).LongCount(), stats.TransferCount);
        Assert.True(stats.TransferCount < transfersBefore);
        Assert.Equal(h.Headers.Count(b => b.Number <= fork), stats.BlockCount);
        Feed.Write(t, h.FileOrder());
        Assert.Equal(straight, t.ComputeDigest());
    }

    [Fact]
    public void Reorg_ReplacedBlock_RollsBackToTheForkAndIndexesTheNewBranch()
    {
        var main = HistoryGenerator.Generate(41, blocks: 60, firstBlock: 100);
        var branch = HistoryGenerator.Generate(42, blocks: 30, firstBlock: 140, branch: 7);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Write(s, main.FileOrder());
        Assert.Equal(main.Events[^1].Block, s.IndexedHead);
        var c = Feed.Write(s, branch.FileOrder());
        Assert.Equal(1, c.Reorgs);
        var canonical = main.Events.Where(e => e.Block < 140).Concat(branch.Events).ToList();
        Reference.AssertSameEdges(Reference.Replay(canonical, Usdt, Issuer), Reference.Edges(s, 1));
        Assert.True(s.TryGetBlockHash(150, out var hash));
        Assert.Equal(HistoryGenerator.HashOf(8, 150), hash);
        Assert.True(s.TryGetBlockHash(139, out var kept));
        Assert.Equal(HistoryGenerator.HashOf(1, 139), kept);
        Assert.Equal(branch.Events[^1].Block, s.IndexedHead);
        Assert.Equal(s.ScanTransfers(Seq.MinValue, Seq.MaxValue).LongCount(), s.GetStats().TransferCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reorg_InsideOneRun_CommitsRollsBackAndContinues(bool bulk)
    {
        var main = HistoryGenerator.Generate(44, blocks: 60, firstBlock: 100);
        var branch = HistoryGenerator.Generate(45, blocks: 30, firstBlock: 140, branch: 3);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Configure(s);
        using (var core = new IndexCore(s, meta => bulk ? new BulkTarget(s, meta, Feed.Small) : new BatchTarget(s, meta, Feed.Small), Feed.Small))
        {
            core.BeginFile("main");
            Feed.Push(core, main.FileOrder());
            core.BeginFile("branch");
            Feed.Push(core, branch.FileOrder());
            core.Complete();
            Assert.Equal(1, core.Counters.Reorgs);
        }
        var canonical = main.Events.Where(e => e.Block < 140).Concat(branch.Events).ToList();
        Reference.AssertSameEdges(Reference.Replay(canonical, Usdt, Issuer), Reference.Edges(s, 1));
        Assert.Equal(branch.Events[^1].Block, s.IndexedHead);
        Assert.True(s.TryGetBlockHash(145, out var hash) && hash == HistoryGenerator.HashOf(4, 145));
        Assert.Equal(s.ScanTransfers(Seq.MinValue, Seq.MaxValue).LongCount(), s.GetStats().TransferCount);
        Assert.Equal(main.Headers.Count(h => h.Number < 140) + branch.Headers.Count, s.GetStats().BlockCount);
    }

    [Fact]
    public void Reorg_ParentMismatch_DropsTheOrphanedParent()
    {
        var main = HistoryGenerator.Generate(43, blocks: 20, firstBlock: 100, specials: false);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Write(s, main.FileOrder());
        var last = main.Headers[^1];
        var orphanTip = main.Headers[^1].Number;
        var next = new BlockHeader { Number = last.Number + 1, Hash = HistoryGenerator.HashOf(99, last.Number + 1), ParentHash = HistoryGenerator.HashOf(98, last.Number), Timestamp = last.Timestamp + 12 };
        var c = Feed.Write(s, [new HistoryItem.Header(next)]);
        Assert.Equal(1, c.Reorgs);
        Assert.False(s.TryGetBlockHash(orphanTip, out _));
        Assert.True(s.TryGetBlockHash(next.Number, out var h) && h == next.Hash);
        Assert.Equal(orphanTip - 1, s.IndexedHead);
        Reference.AssertSameEdges(Reference.Replay(main.Events.Where(e => e.Block < orphanTip), Usdt, Issuer), Reference.Edges(s, 1));
    }

    [Fact]
    public void SmallCaches_FallBackToStoredEdges_AndStayCorrect()
    {
        var h = HistoryGenerator.Generate(51, blocks: 200, addresses: 120);
        using var dir = new StoreDir();
        using var s = dir.Open();
        Feed.Configure(s);
        var settings = new WriterSettings { CommitBlocks = 3, CommitRecords = 30, CacheCapacity = 4 };
        using var core = new IndexCore(s, meta => new BatchTarget(s, meta, settings), settings);
        core.BeginFile("x");
        Feed.Push(core, h.FileOrder());
        core.Complete();
        Assert.True(core.StoreLookups > 0);
        Reference.AssertSameEdges(Reference.Replay(h.Events, Usdt, Issuer), Reference.Edges(s, 1));
    }

    [Fact]
    public void BulkOverMemoryBudget_HandsOverToIncremental_AndStaysCorrect()
    {
        var h = HistoryGenerator.Generate(52, blocks: 150, addresses: 50);
        using var dir = new StoreDir();
        IReadOnlyDictionary<string, string> straight;
        using (var s = dir.Open("straight")) { Feed.Write(s, h.FileOrder()); straight = s.ComputeDigest(); }
        using var t = dir.Open("bulk");
        Feed.Configure(t);
        var settings = new WriterSettings { BulkMemoryBudget = 1, CommitBlocks = 5, CommitRecords = 50, CacheCapacity = 8, BulkFileBytes = 2048 };
        using var core = new IndexCore(t, meta => new BulkTarget(t, meta, settings), settings);
        core.BeginFile("x");
        Feed.Push(core, h.FileOrder());
        Assert.IsType<BatchTarget>(core.Target);
        core.Complete();
        Assert.Equal(straight, t.ComputeDigest());
    }
}
