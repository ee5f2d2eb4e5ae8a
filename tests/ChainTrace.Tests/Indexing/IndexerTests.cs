using System.Numerics;
using System.Text.Json;
using ChainTrace.Indexing;
using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Writing;
using ChainTrace.Tests.Storage;
using Xunit;

namespace ChainTrace.Tests.Indexing;

public sealed class IndexerTests
{
    private static readonly Address Usdt = HistoryGenerator.Usdt;

    private static string Fixture(string relative) => Path.Combine(AppContext.BaseDirectory, "fixtures", "ethereum-mainnet", relative);

    [Theory]
    [InlineData(IndexMode.Incremental)]
    [InlineData(IndexMode.Bulk)]
    public async Task GetLogsFile_IndexesLikeThePlainReplay(IndexMode mode)
    {
        var h = HistoryGenerator.Generate(71, blocks: 150, addresses: 50);
        using var dir = new StoreDir();
        var file = GetLogsFile.Write(dir.Sub("logs.jsonl"), h.Events);
        using var store = dir.Open();
        var progress = new List<IndexProgress>();
        var summary = await new Indexer(store).IndexAsync([file], new IndexOptions { Mode = mode }, new Progress<IndexProgress>(progress.Add));

        var expected = Reference.Replay(h.Events, Usdt, HistoryGenerator.Issuer);
        Reference.AssertSameEdges(expected, Reference.Edges(store, 1));
        Assert.Equal(mode, summary.Mode);
        Assert.Equal(expected.Where(kv => kv.Key.Item1 == EdgeDirection.Out).Sum(kv => kv.Value.Count), summary.TransfersStored);
        Assert.Equal(h.Events.Count(e => e.Kind == TokenEventKind.Approval), summary.Approvals);
        Assert.Equal(h.Events[^1].Block, summary.IndexedHead);
        Assert.Equal(new FileInfo(file).Length, summary.BytesRead);
        Assert.True(summary.TransfersPerSecond > 0);
        Assert.All(h.Events, e => Assert.True(store.TryGetTxHash(e.Block, e.TxIndex, out var tx) && tx == e.TxHash));
        Assert.All(h.Events, e => Assert.True(store.TryGetBlockTimestamp(e.Block, out long t) && t == e.Timestamp));

        using var other = dir.Open("other");
        await new Indexer(other).IndexAsync([file], new IndexOptions { Mode = mode == IndexMode.Bulk ? IndexMode.Incremental : IndexMode.Bulk });
        Assert.Equal(store.ComputeDigest(), other.ComputeDigest());
    }

    [Fact]
    public async Task ForcedBulk_OnANonEmptyStore_FallsBackToIncremental()
    {
        var h = HistoryGenerator.Generate(72, blocks: 60);
        using var dir = new StoreDir();
        var first = GetLogsFile.Write(dir.Sub("a.jsonl"), h.Events.Where(e => e.Block < 130));
        var all = GetLogsFile.Write(dir.Sub("b.jsonl"), h.Events);
        using var store = dir.Open();
        Assert.Equal(IndexMode.Bulk, (await new Indexer(store).IndexAsync([first], new IndexOptions { Mode = IndexMode.Bulk })).Mode);
        var second = await new Indexer(store).IndexAsync([all], new IndexOptions { Mode = IndexMode.Bulk });
        Assert.Equal(IndexMode.Incremental, second.Mode);
        Assert.True(second.AlreadyIndexed > 0);
        Reference.AssertSameEdges(Reference.Replay(h.Events, Usdt, HistoryGenerator.Issuer), Reference.Edges(store, 1));
    }

    [Fact]
    public async Task BadRecord_StopsTheRun_NamingFileAndLine_AndLeavesTheStoreAsCommitted()
    {
        var h = HistoryGenerator.Generate(73, blocks: 120);
        using var dir = new StoreDir();
        var good = GetLogsFile.Write(dir.Sub("good.jsonl"), h.Events.Where(e => e.Block < 160));
        var full = GetLogsFile.Write(dir.Sub("full.jsonl"), h.Events);
        var lines = File.ReadAllLines(full);
        int bad = lines.Length * 3 / 4;
        int at = lines[bad].IndexOf("\"data\":\"0x", StringComparison.Ordinal) + 10;
        lines[bad] = lines[bad][..at] + "zz" + lines[bad][(at + 2)..];
        var corrupt = dir.Sub("corrupt.jsonl");
        File.WriteAllLines(corrupt, lines);
        using var store = dir.Open();
        await new Indexer(store).IndexAsync([good], new IndexOptions());
        var before = store.ComputeDigest();

        var e = await Assert.ThrowsAsync<ChainDataException>(() => new Indexer(store).IndexAsync([corrupt], new IndexOptions()));
        Assert.Contains($"corrupt.jsonl:{bad + 1}", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, store.ComputeDigest());

        var skipped = await new Indexer(store).IndexAsync([corrupt], new IndexOptions { SkipBad = true });
        Assert.Equal(1, skipped.BadRecords);
        Assert.Contains($"corrupt.jsonl:{bad + 1}", skipped.BadRecordMessages[0], StringComparison.Ordinal);
        Assert.True(skipped.TransfersStored > 0);
    }

    [Fact]
    public async Task FailureAfterSomeCommits_KeepsWholeBlocksOnly_AndARerunCompletesIt()
    {
        var h = HistoryGenerator.Generate(74, blocks: 200);
        using var dir = new StoreDir();
        IReadOnlyDictionary<string, string> straight;
        var settings = new WriterSettings { CommitBlocks = 6, CommitRecords = 45, CacheCapacity = 10, PipelineChunk = 16 };
        using (var s = dir.Open("straight"))
        {
            await new Indexer(s) { Settings = settings }.IndexSourcesAsync([Feed.Source("all", h.FileOrder())], new IndexOptions(), null, CancellationToken.None);
            straight = s.ComputeDigest();
        }
        using var store = dir.Open();
        int items = h.FileOrder().Count();
        var e = await Assert.ThrowsAsync<ChainDataException>(() =>
            new Indexer(store) { Settings = settings }.IndexSourcesAsync([Feed.Source("all", h.FileOrder(), failAfter: items * 2 / 3)], new IndexOptions(), null, CancellationToken.None));
        Assert.Contains("injected", e.Message, StringComparison.Ordinal);
        Assert.NotNull(store.IndexedHead);
        ulong head = store.IndexedHead!.Value;
        Assert.True(head < h.Events[^1].Block);
        Reference.AssertSameEdges(Reference.Replay(h.Events.Where(x => x.Block <= head), Usdt, HistoryGenerator.Issuer), Reference.Edges(store, 1));
        Assert.All(store.ScanTransfers(Seq.MinValue, Seq.MaxValue), t => Assert.True(t.Seq.Block <= head));

        await new Indexer(store) { Settings = settings }.IndexSourcesAsync([Feed.Source("all", h.FileOrder())], new IndexOptions(), null, CancellationToken.None);
        Assert.Equal(straight, store.ComputeDigest());
    }

    [Fact]
    public async Task Cancellation_StopsTheRun_AndARerunCompletesIt()
    {
        var h = HistoryGenerator.Generate(75, blocks: 100);
        using var dir = new StoreDir();
        using var store = dir.Open();
        using var cts = new CancellationTokenSource();
        var items = h.FileOrder().ToList();
        var source = new IndexSource("all", 1, (sink, _, ct) =>
        {
            for (int i = 0; i < items.Count; i++)
            {
                if (i == items.Count / 2) cts.Cancel();
                ct.ThrowIfCancellationRequested();
                Feed.Push(sink, [items[i]]);
            }
            return Task.CompletedTask;
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Indexer(store).IndexSourcesAsync([source], new IndexOptions(), null, cts.Token));
        await new Indexer(store).IndexSourcesAsync([Feed.Source("all", items)], new IndexOptions(), null, CancellationToken.None);
        Reference.AssertSameEdges(Reference.Replay(h.Events, Usdt, HistoryGenerator.Issuer), Reference.Edges(store, 1));
    }

    [Fact]
    public async Task OutOfOrderInput_ThroughThePipeline_IsAClearError()
    {
        var h = HistoryGenerator.Generate(76, blocks: 50, specials: false);
        using var dir = new StoreDir();
        var events = h.Events.ToList();
        (events[10], events[^3]) = (events[^3], events[10]);
        var file = GetLogsFile.Write(dir.Sub("unsorted.jsonl"), events);
        using var store = dir.Open();
        var e = await Assert.ThrowsAsync<ChainDataException>(() => new Indexer(store).IndexAsync([file], new IndexOptions()));
        Assert.Contains("unsorted.jsonl", e.Message, StringComparison.Ordinal);
        Assert.Contains("block order", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherTokenSet_IsRefused()
    {
        var h = HistoryGenerator.Generate(77, blocks: 20);
        using var dir = new StoreDir();
        var file = GetLogsFile.Write(dir.Sub("logs.jsonl"), h.Events);
        using var store = dir.Open();
        await new Indexer(store).IndexAsync([file], new IndexOptions());
        await Assert.ThrowsAsync<StoreException>(() => new Indexer(store).IndexAsync([file], new IndexOptions { AllTokens = true }));
    }

    [Fact]
    public async Task RealGetLogs_UsdtTransfers_MatchAnIndependentJsonReading()
    {
        var file = Fixture("eth_getLogs/test_04.tar.extracted/test_04.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var events = new List<TokenEvent>();
        foreach (var log in doc.RootElement[0].GetProperty("response").GetProperty("result").EnumerateArray())
        {
            var topics = log.GetProperty("topics").EnumerateArray().Select(t => t.GetString()!).ToList();
            if (!Address.Parse(log.GetProperty("address").GetString()!).Equals(Usdt) || topics.Count != 3) continue;
            events.Add(new TokenEvent
            {
                Kind = TokenEventKind.Transfer,
                Token = Usdt,
                Block = Convert.ToUInt64(log.GetProperty("blockNumber").GetString(), 16),
                TxIndex = Convert.ToUInt32(log.GetProperty("transactionIndex").GetString(), 16),
                LogIndex = Convert.ToUInt32(log.GetProperty("logIndex").GetString(), 16),
                From = Address.Parse("0x" + topics[1][26..]),
                To = Address.Parse("0x" + topics[2][26..]),
                Amount = UInt256.FromBigInteger(BigInteger.Parse("0" + log.GetProperty("data").GetString()![2..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture)),
            });
        }
        Assert.NotEmpty(events);
        using var dir = new StoreDir();
        using var store = dir.Open();
        var summary = await new Indexer(store).IndexAsync([file], new IndexOptions());
        Assert.Equal(events.Count, summary.TransfersStored);
        Assert.True(summary.Skipped[SkipReason.Erc721] > 0);
        Assert.True(summary.Skipped[SkipReason.UntrackedToken] > 0);
        Reference.AssertSameEdges(Reference.Replay(events, Usdt, HistoryGenerator.Issuer), Reference.Edges(store, 1));
        Assert.Equal(16_000_003UL, store.IndexedHead);
    }

    [Fact]
    public async Task RealReceipts_UsdtTransfersOfBlock18M_AreIndexed()
    {
        var file = Fixture("eth_getBlockReceipts/test_02.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        int usdt = 0;
        foreach (var receipt in doc.RootElement[0].GetProperty("response").GetProperty("result").EnumerateArray())
            foreach (var log in receipt.GetProperty("logs").EnumerateArray())
            {
                var topics = log.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ToList();
                if (Address.Parse(log.GetProperty("address").GetString()!) == Usdt && topics.Count == 3 && topics[0] == EventTopics.Transfer.ToString()) usdt++;
            }
        using var dir = new StoreDir();
        using var store = dir.Open();
        var summary = await new Indexer(store).IndexAsync([file], new IndexOptions());
        Assert.Equal(usdt, summary.TransfersStored);
    }

    [Fact]
    public async Task RealBlock_StoresHeaderTransactionsAndNativeTransfers()
    {
        var blockFile = Fixture("eth_getBlockByNumber/test_08.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(blockFile));
        var block = doc.RootElement[0].GetProperty("response").GetProperty("result");
        var txs = block.GetProperty("transactions").EnumerateArray().ToList();
        using var dir = new StoreDir();
        using var store = dir.Open();
        var summary = await new Indexer(store).IndexAsync([blockFile], new IndexOptions());
        Assert.Equal(1, summary.Blocks);
        Assert.Equal(txs.Count, summary.Transactions);
        Assert.True(store.TryGetBlockHash(18_000_000, out var hash));
        Assert.Equal(block.GetProperty("hash").GetString(), hash.ToString());
        Assert.True(store.TryGetBlockTimestamp(18_000_000, out long ts));
        Assert.Equal(Convert.ToInt64(block.GetProperty("timestamp").GetString(), 16), ts);
        foreach (var tx in txs)
        {
            uint index = Convert.ToUInt32(tx.GetProperty("transactionIndex").GetString(), 16);
            Assert.True(store.TryGetTransaction(18_000_000, index, out var rec));
            Assert.Equal(tx.GetProperty("hash").GetString(), rec.Hash.ToString());
            Assert.Equal(Address.Parse(tx.GetProperty("from").GetString()!), store.GetAddress(rec.FromId));
        }
        int withValue = txs.Count(t => t.GetProperty("value").GetString() != "0x0" && t.GetProperty("to").ValueKind == JsonValueKind.String);
        Assert.Equal(withValue, store.ScanNativeTransfers(Seq.MinValue, Seq.MaxValue).Count());
        Assert.Equal(store.GetStats().TransactionCount, txs.Count);
    }
}
