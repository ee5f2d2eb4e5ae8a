using System.Text.Json;
using ChainTrace.Indexing;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Node;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using ChainTrace.Tests.Storage;
using Xunit;

namespace ChainTrace.Tests.Ingest.Node;

/// <summary>
/// Sync from a loopback JSON-RPC node serving a generated chain: the store equals the one `index` builds from the
/// same files; adaptive ranges, retries, reorgs and chain checks.
/// </summary>
public sealed class NodeSyncTests
{
    private static readonly NodeOptions Fast = new() { RetryDelay = TimeSpan.FromMilliseconds(5) };

    private static (SynthResult Synth, NodeChain Chain) Generate(StoreDir dir, int transfers = 10_000, int seed = 3)
    {
        var synth = SynthGenerator.Generate(new SynthOptions { Seed = seed, Transfers = Math.Max(10_000, transfers) }, dir.Sub("synth"));
        var chain = new NodeChain();
        chain.LoadLogs(synth.JsonRpcFiles[0]);
        chain.LoadBlocks(synth.JsonRpcFiles[1]);
        return (synth, chain);
    }

    private static IReadOnlyList<Address> Usdt => [ChainProfile.Ethereum.DefaultToken.Contract];

    private static Task<NodeSyncResult> Sync(ChainTraceStore store, FakeNode node, NodeOptions options, NodeSyncRange? range = null, CancellationToken ct = default)
    {
        var source = new NodeSource(node.Url, store.Profile, Usdt, options);
        return SyncWith(store, source, range ?? new NodeSyncRange(Confirmations: 0), ct);
    }

    private static async Task<NodeSyncResult> SyncWith(ChainTraceStore store, NodeSource source, NodeSyncRange range, CancellationToken ct)
    {
        using (source)
            return await NodeSync.SyncAsync(store, source, range, new IndexOptions(), cancellationToken: ct);
    }

    private static void AssertSameDigest(ChainTraceStore expected, ChainTraceStore actual)
    {
        var da = expected.ComputeDigest();
        var db = actual.ComputeDigest();
        Assert.Equal(da.Count, db.Count);
        foreach (var (cf, digest) in da)
            Assert.True(db.TryGetValue(cf, out var other) && other == digest, $"column family '{cf}' differs");
    }

    [Fact]
    public async Task Sync_OneRangeSplitByTheNodesLimit_EqualsIndexOfTheSameFiles()
    {
        using var dir = new StoreDir();
        var (synth, chain) = Generate(dir);
        using var node = new FakeNode(chain) { MaxLogs = 700 };
        using var indexed = dir.Open("index");
        await new Indexer(indexed).IndexAsync(synth.JsonRpcFiles, new IndexOptions { Mode = IndexMode.Incremental });

        using var synced = dir.Open("sync");
        var options = new NodeOptions { Blocks = NodeBlockMode.All, InitialRange = 1_000_000, MaxRange = 1_000_000, RetryDelay = Fast.RetryDelay };
        var result = await Sync(synced, node, options, new NodeSyncRange(FromBlock: chain.Blocks.Keys.Min(), Confirmations: 0));

        Assert.True(node.TooManyErrors > 0, "the node's result limit was never hit");
        Assert.Equal(chain.Head, result.ToBlock);
        Assert.Equal(indexed.IndexedHead, synced.IndexedHead);
        Assert.Equal(chain.Blocks.Count, result.Summary.Blocks);
        AssertSameDigest(indexed, synced);
    }

    [Fact]
    public async Task Sync_ManySmallRangesInFlight_HoldsTheSameTransfersAsIndex()
    {
        using var dir = new StoreDir();
        var (synth, chain) = Generate(dir, transfers: 4_000, seed: 11);
        using var node = new FakeNode(chain) { MaxLogs = 150 };
        using var indexed = dir.Open("index");
        await new Indexer(indexed).IndexAsync(synth.JsonRpcFiles, new IndexOptions());

        using var synced = dir.Open("sync");
        var options = new NodeOptions { Blocks = NodeBlockMode.All, InitialRange = 200, MaxRange = 400, MaxInFlight = 3, BlocksPerBatch = 17, RetryDelay = Fast.RetryDelay };
        await Sync(synced, node, options, new NodeSyncRange(FromBlock: chain.Blocks.Keys.Min(), Confirmations: 0));

        Assert.True(node.TooManyErrors > 0);
        Assert.Equal(indexed.IndexedHead, synced.IndexedHead);
        Assert.Equal(Snapshot(indexed), Snapshot(synced));
        // Blocks and supply hold no address ids: byte-equal whatever order addresses were first seen in.
        var da = indexed.ComputeDigest();
        var db = synced.ComputeDigest();
        Assert.Equal(da[ColumnFamilies.Blocks], db[ColumnFamilies.Blocks]);
        Assert.Equal(da[ColumnFamilies.Supply], db[ColumnFamilies.Supply]);
    }

    /// <summary>Everything an analyst reads, with address ids resolved to addresses (ids depend on first-seen order).</summary>
    private static List<string> Snapshot(ChainTraceStore s)
    {
        var rows = new List<string>();
        var ids = new SortedSet<uint>();
        foreach (var t in s.ScanTransfers(Seq.MinValue, Seq.MaxValue))
        {
            rows.Add($"T {t.Seq} {t.TokenId} {s.GetAddress(t.FromId)} {s.GetAddress(t.ToId)} {t.Amount}");
            ids.Add(t.FromId);
            ids.Add(t.ToId);
        }
        foreach (var n in s.ScanNativeTransfers(Seq.MinValue, Seq.MaxValue))
            rows.Add($"N {n.Seq} {s.GetAddress(n.FromId)} {s.GetAddress(n.ToId)} {n.Value}");
        foreach (var a in s.ScanApprovals(Seq.MinValue, Seq.MaxValue))
            rows.Add($"A {a.Seq} {s.GetAddress(a.OwnerId)} {s.GetAddress(a.SpenderId)} {a.Amount}");
        var balances = new List<string>();
        s.TryGetTokenId(s.Profile.DefaultToken.Contract, out var token);
        foreach (var id in ids)
        {
            var address = s.GetAddress(id);
            string o = s.TryGetLastEdge(EdgeDirection.Out, id, token, out var eo) ? $"{eo.Seq}/{eo.BalanceAfter}/{eo.Count}" : "-";
            string i = s.TryGetLastEdge(EdgeDirection.In, id, token, out var ei) ? $"{ei.Seq}/{ei.BalanceAfter}/{ei.Count}" : "-";
            balances.Add($"B {address} {o} {i}");
        }
        balances.Sort(StringComparer.Ordinal);
        rows.AddRange(balances);
        return rows;
    }

    /// <summary>
    /// Resuming (no from-block) finds the fork by comparing stored hashes with the node's and rolls back first;
    /// re-reading an explicit range that overlaps the fork leaves it to the writer, which sees the changed header.
    /// </summary>
    [Theory]
    [InlineData(NodeBlockMode.WithLogs, false)]
    [InlineData(NodeBlockMode.None, false)]
    [InlineData(NodeBlockMode.All, false)]
    [InlineData(NodeBlockMode.All, true)]
    [InlineData(NodeBlockMode.WithLogs, true)]
    public async Task Sync_AfterTheNodeReorgs_EqualsAStraightSyncOfTheFinalChain(NodeBlockMode blocks, bool explicitRange)
    {
        using var dir = new StoreDir();
        var (_, chain) = Generate(dir, transfers: 3_000, seed: 21);
        ulong first = chain.Blocks.Keys.Min();
        ulong head = chain.Head;
        ulong fork = head - 30;
        var final = chain.Fork(fork, extraBlocks: 5);
        // One range in flight: range sizes then grow the same way in both stores, so addresses are first seen in the same order.
        var options = new NodeOptions { Blocks = blocks, InitialRange = 64, MaxInFlight = 1, RetryDelay = Fast.RetryDelay };

        using var straight = dir.Open("straight");
        using (var node = new FakeNode(final))
            await Sync(straight, node, options, new NodeSyncRange(FromBlock: first, Confirmations: 0));

        using var reorged = dir.Open("reorged");
        using (var node = new FakeNode(chain))
        {
            var before = await Sync(reorged, node, options, new NodeSyncRange(FromBlock: first, Confirmations: 0));
            Assert.Null(before.RolledBackTo);
            Assert.True(reorged.IndexedHead > fork, "the first sync must reach past the fork for the test to mean anything");
            node.Chain = final;
            if (explicitRange)
            {
                var after = await Sync(reorged, node, options, new NodeSyncRange(FromBlock: fork - 10, Confirmations: 0));
                Assert.True(after.Summary.Reorgs > 0, "the writer should have seen the changed header");
            }
            else
            {
                var after = await Sync(reorged, node, options);
                Assert.NotNull(after.RolledBackTo);
                Assert.True(after.RolledBackTo <= fork);
            }
        }
        Assert.Equal(straight.IndexedHead, reorged.IndexedHead);
        Assert.Equal(Snapshot(straight), Snapshot(reorged));
        var ds = straight.ComputeDigest();
        var dr = reorged.ComputeDigest();
        Assert.Equal(ds[ColumnFamilies.Blocks], dr[ColumnFamilies.Blocks]);
        if (!explicitRange) AssertSameDigest(straight, reorged); // resuming re-reads the fork in the straight sync's order
    }

    [Fact]
    public async Task Sync_WithConfirmations_StopsBelowTheHead_AndResumesWhereItStopped()
    {
        using var dir = new StoreDir();
        var (synth, chain) = Generate(dir, transfers: 2_000, seed: 4);
        using var node = new FakeNode(chain);
        ulong first = chain.Blocks.Keys.Min();
        ulong head = chain.Head;
        var options = new NodeOptions { Blocks = NodeBlockMode.All, InitialRange = 50, RetryDelay = Fast.RetryDelay };
        using var synced = dir.Open("sync");
        var r1 = await Sync(synced, node, options, new NodeSyncRange(FromBlock: first, Confirmations: 40));
        Assert.Equal(head - 40, r1.ToBlock);
        Assert.True(synced.IndexedHead <= head - 40);
        Assert.False(synced.TryGetBlockHash(head - 39, out _));
        var r2 = await Sync(synced, node, options, new NodeSyncRange(Confirmations: 0));
        Assert.True(r2.FromBlock <= head - 39 && r2.FromBlock > first);
        Assert.Null(r2.RolledBackTo);

        using var indexed = dir.Open("index");
        await new Indexer(indexed).IndexAsync(synth.JsonRpcFiles, new IndexOptions());
        Assert.Equal(Snapshot(indexed), Snapshot(synced));
        Assert.Equal(indexed.ComputeDigest()[ColumnFamilies.Blocks], synced.ComputeDigest()[ColumnFamilies.Blocks]);
    }

    [Fact]
    public async Task TransportErrors_AreRetried_AndTheStoreIsComplete()
    {
        using var dir = new StoreDir();
        var (synth, chain) = Generate(dir, transfers: 1_000, seed: 8);
        using var node = new FakeNode(chain);
        node.FailNext(3);
        using var synced = dir.Open("sync");
        var options = new NodeOptions { Blocks = NodeBlockMode.All, InitialRange = 100_000, MaxRange = 100_000, RetryDelay = TimeSpan.FromMilliseconds(5) };
        var source = new NodeSource(node.Url, synced.Profile, Usdt, options);
        await NodeSync.SyncAsync(synced, source, new NodeSyncRange(FromBlock: chain.Blocks.Keys.Min(), Confirmations: 0), new IndexOptions());
        Assert.True(source.Retries >= 3, $"retries: {source.Retries}");
        source.Dispose();

        using var indexed = dir.Open("index");
        await new Indexer(indexed).IndexAsync(synth.JsonRpcFiles, new IndexOptions { Mode = IndexMode.Incremental });
        AssertSameDigest(indexed, synced);
    }

    [Fact]
    public async Task ANodeThatKeepsFailing_GivesUpWithAClearError_AndTheStoreKeepsNothingHalfDone()
    {
        using var dir = new StoreDir();
        var (_, chain) = Generate(dir, transfers: 500, seed: 9);
        using var node = new FakeNode(chain);
        using var synced = dir.Open("sync");
        var options = new NodeOptions { MaxAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(5) };
        using var source = new NodeSource(node.Url, synced.Profile, Usdt, options);
        await source.VerifyChainAsync();
        node.FailNext(1_000);
        var e = await Assert.ThrowsAsync<ChainDataException>(() => source.ReadAsync(chain.Blocks.Keys.Min(), chain.Head, new NullSink(), DecodeOptions.Default));
        Assert.Contains("503", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempts", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChainIdMismatch_IsAClearError_AndWritesNothing()
    {
        using var dir = new StoreDir();
        var (_, chain) = Generate(dir, transfers: 300, seed: 2);
        using var node = new FakeNode(chain, chainId: 5);
        using var synced = dir.Open("sync");
        var e = await Assert.ThrowsAsync<ChainDataException>(() => Sync(synced, node, Fast));
        Assert.Contains("chain id 5", e.Message, StringComparison.Ordinal);
        Assert.Equal("eth_chainId", e.Field);
        Assert.Null(synced.IndexedHead);
        Assert.Equal(0, node.LogRequests);
    }

    [Fact]
    public async Task Cancellation_StopsTheSync()
    {
        using var dir = new StoreDir();
        var (_, chain) = Generate(dir, transfers: 2_000, seed: 6);
        using var node = new FakeNode(chain);
        using var synced = dir.Open("sync");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sync(synced, node, Fast, new NodeSyncRange(FromBlock: 0, Confirmations: 0), cts.Token));
    }

    [Fact]
    public void ErrorScan_FindsErrorsAndNullBlocks_InObjectsAndBatches()
    {
        Assert.Null(NodeSource.FindError("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}"u8, expectArray: false));
        var e = NodeSource.FindError("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32005,\"message\":\"query returned more than 10000 results\"}}"u8, false);
        Assert.NotNull(e);
        Assert.Equal(-32005, e.Value.Code);
        Assert.True(NodeSource.IsRangeTooLarge(e.Value));
        Assert.False(NodeSource.IsRangeTooLarge(new NodeSource.RpcError(-32601, "the method eth_getLogs does not exist")));
        Assert.True(NodeSource.IsRangeTooLarge(new NodeSource.RpcError(-32602, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range")));
        Assert.NotNull(NodeSource.FindError("[{\"id\":1,\"result\":{\"number\":\"0x1\"}},{\"id\":2,\"result\":null}]"u8, expectArray: true));
        Assert.Null(NodeSource.FindError("[{\"id\":1,\"result\":{\"number\":\"0x1\",\"error\":null}}]"u8, expectArray: true));
        Assert.NotNull(NodeSource.FindError("[{\"id\":1,\"result\":{}}, {\"id\":2,\"error\":{\"code\":-32000,\"message\":\"header not found\"}}]"u8, expectArray: true));
    }

    private sealed class NullSink : IChainEventSink
    {
        public void OnBlock(in BlockHeader header) { }
        public void OnTransaction(in TransactionRecord tx) { }
        public void OnTokenEvent(in TokenEvent e) { }
        public void OnSkipped(SkipReason reason, ulong block) { }
    }
}
