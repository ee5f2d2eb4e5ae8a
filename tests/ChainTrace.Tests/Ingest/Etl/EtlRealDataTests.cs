using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;
using ChainTrace.Primitives;
using Xunit;

namespace ChainTrace.Tests.Ingest.Etl;

/// <summary>
/// Real mainnet logs (a Transfer-topic eth_getLogs over blocks 16,000,000–16,000,003, from erigontech/rpc-tests)
/// turned into the logs and token_transfers files ethereum-etl would write, then read back.
/// </summary>
public sealed class EtlRealDataTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "ethereum-mainnet", "eth_getLogs", "test_04.tar.extracted", "test_04.json");
    private static readonly Address Usdt = Address.Parse("0xdac17f958d2ee523a2206206994597c13d831ec7");
    private readonly string _dir = Directory.CreateTempSubdirectory("chaintrace-etl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record RpcLog(string Address, string BlockHash, ulong Block, long Timestamp, string Data, uint LogIndex, string[] Topics, string TxHash, uint TxIndex);

    private static ulong Quantity(string hex) => ulong.Parse(hex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static List<RpcLog> LoadLogs()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixture));
        return doc.RootElement[0].GetProperty("response").GetProperty("result").EnumerateArray().Select(l => new RpcLog(
            l.GetProperty("address").GetString()!, l.GetProperty("blockHash").GetString()!, Quantity(l.GetProperty("blockNumber").GetString()!),
            (long)Quantity(l.GetProperty("blockTimestamp").GetString()!), l.GetProperty("data").GetString()!,
            (uint)Quantity(l.GetProperty("logIndex").GetString()!), l.GetProperty("topics").EnumerateArray().Select(t => t.GetString()!).ToArray(),
            l.GetProperty("transactionHash").GetString()!, (uint)Quantity(l.GetProperty("transactionIndex").GetString()!))).ToList();
    }

    private static string Dec(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>ethereum-etl's logs.csv: topics joined with commas in one quoted cell.</summary>
    private static string LogsCsv(List<RpcLog> logs)
    {
        var sb = new StringBuilder("log_index,transaction_hash,transaction_index,block_hash,block_number,address,data,topics,block_timestamp\r\n");
        foreach (var l in logs)
            sb.Append(CultureInfo.InvariantCulture, $"{l.LogIndex},{l.TxHash},{l.TxIndex},{l.BlockHash},{l.Block},{l.Address},{l.Data},\"{string.Join(",", l.Topics)}\",{l.Timestamp}\r\n");
        return sb.ToString();
    }

    /// <summary>ethereum-etl's JSON lines for logs (export_receipts_and_logs --logs-output logs.json).</summary>
    private static string LogsJson(List<RpcLog> logs)
    {
        var sb = new StringBuilder();
        foreach (var l in logs)
        {
            sb.Append(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["type"] = "log", ["log_index"] = l.LogIndex, ["transaction_hash"] = l.TxHash, ["transaction_index"] = l.TxIndex,
                ["block_hash"] = l.BlockHash, ["block_number"] = l.Block, ["address"] = l.Address, ["data"] = l.Data, ["topics"] = l.Topics,
            })).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// What ethereum-etl's token transfer extractor writes: a Transfer-topic log whose topics plus data words
    /// make exactly four words (which includes ERC-721 transfers, with the token id as value).
    /// </summary>
    private static string TokenTransfersCsv(List<RpcLog> logs, out int rows)
    {
        var sb = new StringBuilder("token_address,from_address,to_address,value,transaction_hash,log_index,block_number,block_timestamp,block_hash\r\n");
        rows = 0;
        foreach (var l in logs)
        {
            if (l.Topics[0] != EventTopics.Transfer.ToString()) continue;
            var words = l.Topics.Concat(Enumerable.Range(0, (l.Data.Length - 2) / 64).Select(i => "0x" + l.Data.Substring(2 + 64 * i, 64))).ToArray();
            if (words.Length != 4) continue;
            string Addr(string w) => "0x" + w[^40..];
            var value = BigInteger.Parse("0" + words[3][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{l.Address},{Addr(words[1])},{Addr(words[2])},{value},{l.TxHash},{l.LogIndex},{l.Block},{l.Timestamp},{l.BlockHash}\r\n");
            rows++;
        }
        return sb.ToString();
    }

    private async Task<EtlRecordingSink> ReadFile(string name, string text, EtlTable table, bool json, EtlContext context)
    {
        string path = Path.Combine(_dir, name);
        await File.WriteAllTextAsync(path, text);
        var sink = new EtlRecordingSink();
        await using var stream = File.OpenRead(path);
        await EtlReader.ReadAsync(stream, name, table, json, context, sink, DecodeOptions.Default);
        return sink;
    }

    [Fact]
    public async Task RealLogs_AsEtlLogsAndTokenTransfers_Give325Erc20And106Erc721()
    {
        var logs = LoadLogs();
        Assert.Equal(431, logs.Count);

        foreach (bool json in new[] { false, true })
        {
            var fromLogs = await ReadFile(json ? "logs.json" : "logs.csv", json ? LogsJson(logs) : LogsCsv(logs), EtlTable.Logs, json, new EtlContext());
            Assert.Equal(325, fromLogs.Events.Count);
            Assert.All(fromLogs.Events, e => Assert.Equal(TokenEventKind.Transfer, e.Kind));
            Assert.Equal(46, fromLogs.Events.Count(e => e.Token == Usdt));
            Assert.Equal(106, fromLogs.SkipCount(SkipReason.Erc721));
            Assert.Equal(106, fromLogs.Skipped.Count);

            // Positions and hashes are the log's own.
            var byPos = logs.ToDictionary(l => (l.Block, l.LogIndex));
            foreach (var e in fromLogs.Events)
            {
                var l = byPos[(e.Block, e.LogIndex)];
                Assert.Equal(l.TxIndex, e.TxIndex);
                Assert.Equal(l.TxHash, e.TxHash.ToString());
                Assert.Equal(l.BlockHash, e.BlockHash.ToString());
                Assert.Equal(json ? 0 : l.Timestamp, e.Timestamp);
                Assert.Equal(l.Address, e.Token.ToHex());
            }
        }

        var logsSink = await ReadFile("logs2.csv", LogsCsv(logs), EtlTable.Logs, false, new EtlContext());
        var context = new EtlContext();
        var transfers = await ReadFile("token_transfers.csv", TokenTransfersCsv(logs, out int rows), EtlTable.TokenTransfers, false, context);
        Assert.Equal(431, rows); // ethereum-etl keeps ERC-721 transfers in token_transfers
        Assert.Equal(rows, transfers.Events.Count);
        Assert.Equal(rows, context.TxIndexFallbacks);

        // Each ERC-20 transfer from token_transfers equals the one decoded from logs, except the tx index.
        var erc20 = transfers.Events.Where(e => logsSink.Events.Any(l => l.Block == e.Block && l.LogIndex == e.LogIndex)).ToList();
        Assert.Equal(325, erc20.Count);
        Assert.Equal(46, erc20.Count(e => e.Token == Usdt));
        var fromLogsByPos = logsSink.Events.ToDictionary(e => (e.Block, e.LogIndex));
        foreach (var e in erc20)
        {
            var l = fromLogsByPos[(e.Block, e.LogIndex)];
            var same = e;
            same.TxIndex = l.TxIndex;
            Assert.Equal(Show.Of(l), Show.Of(same));
        }

        // The fallback index orders transactions exactly as the real index does.
        var realIndex = logs.ToDictionary(l => (l.Block, l.LogIndex), l => l.TxIndex);
        foreach (var block in transfers.Events.GroupBy(e => e.Block))
        {
            var list = block.ToList();
            foreach (var a in list)
            {
                foreach (var b in list)
                {
                    uint ra = realIndex[(a.Block, a.LogIndex)], rb = realIndex[(b.Block, b.LogIndex)];
                    Assert.Equal(ra.CompareTo(rb), a.TxIndex.CompareTo(b.TxIndex));
                }
            }
        }
    }
}
