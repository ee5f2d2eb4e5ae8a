using System.Numerics;
using System.Text.Json;
using ChainTrace.Indexing;
using ChainTrace.Ingest.Node;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Tests.Storage;
using Xunit;

namespace ChainTrace.Tests.Ingest.Node;

/// <summary>Real Ethereum mainnet responses (erigontech/rpc-tests fixtures) served by the loopback node flow through sync.</summary>
public sealed class RealResponseTests
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", "ethereum-mainnet", .. parts]);

    [Fact]
    public async Task MainnetTransferLogs_ThroughSync_StoreEveryUsdtTransfer()
    {
        string path = Fixture("eth_getLogs", "test_04.tar.extracted", "test_04.json");
        var chain = new NodeChain();
        chain.LoadLogs(path);
        var usdt = ChainProfile.Ethereum.DefaultToken.Contract;

        // Reference: the USDT Transfer logs of the fixture, read with System.Text.Json.
        var expected = new List<(ulong Block, uint LogIndex, string From, string To, BigInteger Amount)>();
        using (var doc = JsonDocument.Parse(File.ReadAllText(path)))
            foreach (var log in doc.RootElement[0].GetProperty("response").GetProperty("result").EnumerateArray())
            {
                if (!string.Equals(log.GetProperty("address").GetString(), usdt.ToHex(), StringComparison.OrdinalIgnoreCase)) continue;
                var topics = log.GetProperty("topics");
                if (topics.GetArrayLength() != 3) continue;
                expected.Add((Quantity(log.GetProperty("blockNumber").GetString()!), (uint)Quantity(log.GetProperty("logIndex").GetString()!),
                    "0x" + topics[1].GetString()![26..], "0x" + topics[2].GetString()![26..],
                    BigInteger.Parse("0" + log.GetProperty("data").GetString()![2..], System.Globalization.NumberStyles.HexNumber)));
            }
        Assert.NotEmpty(expected);

        // The node's limit: the busiest block fits, the whole range does not (so the range must be split).
        int perBlock = expected.GroupBy(e => e.Block).Max(g => g.Count());
        Assert.True(expected.Count > perBlock, "the fixture's USDT transfers all sit in one block");
        using var node = new FakeNode(chain) { MaxLogs = perBlock };
        using var dir = new StoreDir();
        using var store = dir.Open();
        using var source = new NodeSource(node.Url, store.Profile, [usdt], new NodeOptions { Blocks = NodeBlockMode.None, InitialRange = 4 });
        var result = await NodeSync.SyncAsync(store, source, new NodeSyncRange(16_000_000, 16_000_003, 0), new IndexOptions());
        Assert.True(node.TooManyErrors > 0, "the 4-block request should have been split");
        var actual = store.ScanTransfers(Seq.MinValue, Seq.MaxValue)
            .Select(t => (t.Seq.Block, t.Seq.Sub - 1, store.GetAddress(t.FromId).ToHex(), store.GetAddress(t.ToId).ToHex(), t.Amount.ToBigInteger()))
            .ToList();
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Select(e => (e.Block, e.LogIndex, e.From, e.To, e.Amount)), actual.Select(a => (a.Block, (uint)a.Item2, a.Item3, a.Item4, a.Item5)));
        Assert.Equal(expected.Count, result.Summary.TransfersStored);
    }

    [Fact]
    public async Task MainnetBlock_ThroughSync_StoresItsHeaderAndTransactions()
    {
        string path = Fixture("eth_getBlockByNumber", "test_08.json");
        var chain = new NodeChain();
        chain.LoadBlocks(path);
        using var node = new FakeNode(chain);
        using var dir = new StoreDir();
        using var store = dir.Open();
        using var source = new NodeSource(node.Url, store.Profile, [ChainProfile.Ethereum.DefaultToken.Contract], new NodeOptions { Blocks = NodeBlockMode.All });
        var result = await NodeSync.SyncAsync(store, source, new NodeSyncRange(18_000_000, 18_000_000, 0), new IndexOptions());

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var block = doc.RootElement[0].GetProperty("response").GetProperty("result");
        var txs = block.GetProperty("transactions");
        Assert.Equal(1, result.Summary.Blocks);
        Assert.Equal(txs.GetArrayLength(), result.Summary.Transactions);
        Assert.True(store.TryGetBlockHash(18_000_000, out var hash));
        Assert.Equal(block.GetProperty("hash").GetString(), hash.ToString());
        Assert.True(store.TryGetBlockTimestamp(18_000_000, out var ts));
        Assert.Equal((long)Quantity(block.GetProperty("timestamp").GetString()!), ts);
        int natives = txs.EnumerateArray().Count(t => t.GetProperty("to").ValueKind == JsonValueKind.String && t.GetProperty("value").GetString() != "0x0");
        Assert.Equal(natives, store.ScanNativeTransfers(Seq.MinValue, Seq.MaxValue).Count());
    }

    private static ulong Quantity(string hex) => ulong.Parse(hex.AsSpan(2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
}
