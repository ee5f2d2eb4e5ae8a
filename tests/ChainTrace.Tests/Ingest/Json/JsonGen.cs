using System.Text;
using ChainTrace.Ingest;
using ChainTrace.Primitives;
using FsCheck;
using FsCheck.Fluent;

namespace ChainTrace.Tests.Ingest.Json;

/// <summary>A generated log, with everything a JSON writer needs.</summary>
internal sealed record LogSpec(
    byte[] Token, byte[][] Topics, byte[] Data, ulong Block, uint TxIndex, uint LogIndex,
    byte[]? TxHash, byte[]? BlockHash, ulong? Timestamp, bool? Removed);

/// <summary>A generated transaction of a full block.</summary>
internal sealed record TxGen(byte[] Hash, byte[] From, byte[]? To, byte[] Value);

/// <summary>A generated block with full transactions (or hashes only).</summary>
internal sealed record BlockGen(ulong Number, byte[] Hash, byte[] Parent, ulong Timestamp, TxGen[] Txs, bool HashesOnly);

/// <summary>FsCheck generators for logs of every shape the decoder distinguishes.</summary>
internal static class JsonGen
{
    public static Gen<byte[]> Bytes(int n) => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), n);

    private static Gen<ulong> UInt64 => Gen.ArrayOf(Gen.Choose(0, 65535), 4)
        .Select(p => ((ulong)(uint)p[0] << 48) | ((ulong)(uint)p[1] << 32) | ((ulong)(uint)p[2] << 16) | (uint)p[3]);

    /// <summary>A 32-byte amount word from 0 to 2^256 − 1, weighted to small, 64-bit, full and edge values.</summary>
    public static Gen<byte[]> AmountWord => Gen.Frequency(
        (3, Gen.Choose(0, 1_000_000).Select(i => Word(new UInt256((ulong)i)))),
        (3, UInt64.Select(v => Word(new UInt256(v)))),
        (3, Bytes(32)),
        (1, Gen.Elements(Word(UInt256.MaxValue), Word(UInt256.Zero), Word(new UInt256(0, 0, 0, 1)))));

    private static byte[] Word(UInt256 v)
    {
        var b = new byte[32];
        v.WriteBigEndian(b);
        return b;
    }

    /// <summary>An address word: mostly valid (12 zero bytes), sometimes with dirty upper bytes, sometimes TRON's 0x41 at byte 11.</summary>
    public static Gen<byte[]> AddressWord => Gen.Frequency(
        (12, Bytes(20).Select(a => (byte[])[.. new byte[12], .. a])),
        (1, Gen.Constant(new byte[32])),
        (1, Bytes(32)),
        (1, Bytes(20).Select(a => (byte[])[.. new byte[11], 0x41, .. a])));

    private static byte[] TopicOf(Hash32 h)
    {
        var b = new byte[32];
        h.WriteTo(b);
        return b;
    }

    private static Gen<(byte[][] Topics, byte[] Data)> Shape => Gen.OneOf(
        // ERC-20 Transfer, and with wrong data lengths
        from f in AddressWord from t in AddressWord from a in AmountWord from cut in Gen.Frequency((6, Gen.Constant(32)), (1, Gen.Elements(0, 31, 64)))
        select (new[] { TopicOf(EventTopics.Transfer), f, t }, cut <= 32 ? a[..cut] : [.. a, .. a]),
        // 1 topic + 3 data words (early tokens)
        from f in AddressWord from t in AddressWord from a in AmountWord
        select (new[] { TopicOf(EventTopics.Transfer) }, (byte[])[.. f, .. t, .. a]),
        // ERC-721 (token id indexed) and odd topic counts
        from f in AddressWord from t in AddressWord from id in AmountWord from n in Gen.Elements(2, 4, 4, 4)
        select (new[] { TopicOf(EventTopics.Transfer), f, t, id }[..n], Array.Empty<byte>()),
        from f in AddressWord from t in AddressWord from a in AmountWord from n in Gen.Elements(3, 3, 3, 4)
        select (new[] { TopicOf(EventTopics.Approval), f, t, a }[..n], n == 3 ? a : Array.Empty<byte>()),
        from a in AmountWord from issue in Gen.Elements(true, false) from extra in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        select (extra ? new[] { TopicOf(issue ? EventTopics.Issue : EventTopics.Redeem), a } : [TopicOf(issue ? EventTopics.Issue : EventTopics.Redeem)], a),
        from u in AddressWord from added in Gen.Elements(true, false)
        select (new[] { TopicOf(added ? EventTopics.AddedBlackList : EventTopics.RemovedBlackList) }, u),
        from u in AddressWord from a in AmountWord
        select (new[] { TopicOf(EventTopics.DestroyedBlackFunds) }, (byte[])[.. u, .. a]),
        // anything else, including logs without topics and long data
        from n in Gen.Choose(0, 4) from topics in Gen.ArrayOf(Bytes(32), n) from len in Gen.Frequency((3, Gen.Choose(0, 100)), (1, Gen.Choose(100, 600))) from data in Bytes(len)
        select (topics, data));

    public static Gen<LogSpec> Log =>
        from token in Bytes(20)
        from shape in Shape
        from block in Gen.Frequency((3, Gen.Choose(0, 30_000_000).Select(i => (ulong)i)), (1, Gen.Elements(0UL, uint.MaxValue)))
        from tx in Gen.Frequency((4, Gen.Choose(0, 300)), (1, Gen.Elements(0, 65535)))
        from log in Gen.Frequency((4, Gen.Choose(0, 2000)), (1, Gen.Elements(0, 65534)))
        from txHash in Gen.Frequency((6, Bytes(32).Select(b => (byte[]?)b)), (1, Gen.Constant<byte[]?>(null)))
        from blockHash in Gen.Frequency((6, Bytes(32).Select(b => (byte[]?)b)), (1, Gen.Constant<byte[]?>(null)))
        from ts in Gen.Frequency((3, Gen.Choose(1_438_269_973, int.MaxValue).Select(i => (ulong?)(ulong)i)), (1, Gen.Constant<ulong?>(null)))
        from removed in Gen.Frequency((6, Gen.Constant<bool?>(false)), (1, Gen.Constant<bool?>(true)), (2, Gen.Constant<bool?>(null)))
        select new LogSpec(token, shape.Topics, shape.Data, block, (uint)tx, (uint)log, txHash, blockHash, ts, removed);

    public static Gen<TxGen> Tx =>
        from hash in Bytes(32)
        from f in Bytes(20)
        from to in Gen.Frequency((6, Bytes(20).Select(b => (byte[]?)b)), (1, Gen.Constant<byte[]?>(null)))
        from v in AmountWord
        select new TxGen(hash, f, to, v);

    public static Gen<BlockGen> Block =>
        from n in Gen.Choose(0, 30_000_000)
        from hash in Bytes(32)
        from parent in Bytes(32)
        from ts in Gen.Choose(1_438_269_973, int.MaxValue)
        from count in Gen.Choose(0, 6)
        from txs in Gen.ArrayOf(Tx, count)
        from hashesOnly in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new BlockGen((ulong)n, hash, parent, (ulong)ts, txs, hashesOnly);
}

/// <summary>How generated records are laid out as JSON-RPC data.</summary>
internal enum Layout
{
    ResponsePerLine,
    SingleResponse,
    SingleResponsePretty,
    BareArray,
    LogPerLine,
    Batch,
    Erigon,
}

/// <summary>Writes generated logs and blocks as JSON text; every formatting choice comes from one seed.</summary>
internal sealed class JsonWriterGen(int seed)
{
    private readonly Random _rng = new(seed);

    private bool Chance(double p) => _rng.NextDouble() < p;

    private string Hex(byte[] b)
    {
        string h = Convert.ToHexStringLower(b);
        if (Chance(0.1)) h = h.ToUpperInvariant();
        return "0x" + h;
    }

    private static string Quantity(ulong v) => "0x" + v.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    private string ValueQuantity(byte[] word)
    {
        var v = new System.Numerics.BigInteger(word, isUnsigned: true, isBigEndian: true);
        string h = v.IsZero ? "0" : v.ToString("x", System.Globalization.CultureInfo.InvariantCulture).TrimStart('0');
        return "0x" + (h.Length == 0 ? "0" : h);
    }

    private string Object(List<(string Name, string Json)> members)
    {
        var shuffled = Chance(0.5) ? members.OrderBy(_ => _rng.Next()).ToList() : members;
        if (Chance(0.2)) shuffled.Insert(_rng.Next(shuffled.Count + 1), ("extraField", Chance(0.5) ? "{\"nested\":[1,2,{\"x\":null}]}" : "\"ignored\""));
        string sep = Chance(0.3) ? ", " : ",";
        return "{" + string.Join(sep, shuffled.Select(m => $"\"{m.Name}\":{(Chance(0.2) ? " " : "")}{m.Json}")) + "}";
    }

    public string Log(LogSpec l)
    {
        var m = new List<(string, string)>
        {
            ("address", $"\"{Hex(l.Token)}\""),
            ("topics", "[" + string.Join(",", l.Topics.Select(t => $"\"{Hex(t)}\"")) + "]"),
            ("data", $"\"{Hex(l.Data)}\""),
            ("blockNumber", $"\"{Quantity(l.Block)}\""),
            ("transactionIndex", $"\"{Quantity(l.TxIndex)}\""),
            ("logIndex", $"\"{Quantity(l.LogIndex)}\""),
        };
        if (l.TxHash is { } th) m.Add(("transactionHash", $"\"{Hex(th)}\""));
        else if (Chance(0.5)) m.Add(("transactionHash", "null"));
        if (l.BlockHash is { } bh) m.Add(("blockHash", $"\"{Hex(bh)}\""));
        if (l.Timestamp is { } ts) m.Add(("blockTimestamp", $"\"{Quantity(ts)}\""));
        if (l.Removed is { } r) m.Add(("removed", r ? "true" : "false"));
        return Object(m);
    }

    public string Block(BlockGen b)
    {
        var txs = b.Txs.Select((t, i) => b.HashesOnly ? $"\"{Hex(t.Hash)}\"" : Object(
        [
            ("hash", $"\"{Hex(t.Hash)}\""),
            ("from", $"\"{Hex(t.From)}\""),
            ("to", t.To is null ? "null" : $"\"{Hex(t.To)}\""),
            ("value", $"\"{ValueQuantity(t.Value)}\""),
            ("transactionIndex", $"\"{Quantity((ulong)i)}\""),
            ("blockNumber", $"\"{Quantity(b.Number)}\""),
            ("input", "\"0x\""),
        ]));
        // Header fields before the transactions, as nodes print them.
        return "{" + string.Join(",",
            $"\"hash\":\"{Hex(b.Hash)}\"", $"\"number\":\"{Quantity(b.Number)}\"", $"\"parentHash\":\"{Hex(b.Parent)}\"",
            $"\"miner\":\"{Hex(new byte[20])}\"", $"\"timestamp\":\"{Quantity(b.Timestamp)}\"",
            "\"transactions\":[" + string.Join(",", txs) + "]", "\"uncles\":[]") + "}";
    }

    /// <summary>
    /// A TRON /wallet/gettransactioninfobyid result: hex without 0x, addresses as 20 bytes or with the 41 prefix,
    /// block time in milliseconds.
    /// </summary>
    public string TronInfo(ulong block, byte[] id, long timeMs, IEnumerable<LogSpec> logs)
    {
        string Bare(byte[] b) => Convert.ToHexStringLower(b);
        var logJson = logs.Select(l => Object(
        [
            ("address", $"\"{(Chance(0.3) ? "41" : "")}{Bare(l.Token)}\""),
            ("topics", "[" + string.Join(",", l.Topics.Select(t => $"\"{Bare(t)}\"")) + "]"),
            ("data", $"\"{Bare(l.Data)}\""),
        ]));
        var m = new List<(string, string)>
        {
            ("id", $"\"{Bare(id)}\""),
            ("fee", "1100000"),
            ("blockNumber", block.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("blockTimeStamp", timeMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("contractResult", "[\"\"]"),
            ("receipt", "{\"net_fee\":100000,\"result\":\"SUCCESS\"}"),
        };
        var list = logJson.ToList();
        if (list.Count > 0 || Chance(0.5)) m.Add(("log", "[" + string.Join(",", list) + "]"));
        return Object(m);
    }

    private static string Response(string result, int id) => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{result}}}";

    /// <summary>Lays out logs, or with <paramref name="blocks"/> blocks (one per response), as a whole file.</summary>
    public string Write(IReadOnlyList<string> items, Layout layout, bool blocks = false)
    {
        var sb = new StringBuilder();
        var results = new List<string>();
        if (blocks)
        {
            results.AddRange(items);
        }
        else
        {
            int i = 0;
            do
            {
                int n = Math.Min(items.Count - i, _rng.Next(0, 5));
                results.Add("[" + string.Join(",", items.Skip(i).Take(n)) + "]");
                i += n;
            }
            while (i < items.Count);
        }
        var responses = results.Select((r, k) => Response(r, k + 1)).ToList();
        string method = blocks ? "eth_getBlockByNumber" : "eth_getLogs";
        switch (layout)
        {
            case Layout.ResponsePerLine:
                foreach (var g in responses) sb.Append(g).Append(Chance(0.2) ? "\r\n" : "\n");
                break;
            case Layout.Batch:
                sb.Append('[').Append(string.Join(",\n", responses)).Append(']');
                break;
            case Layout.Erigon:
                sb.Append('[').Append(string.Join(",", responses.Select(g =>
                    $"{{\"test\":{{\"description\":\"generated\"}},\"request\":{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\",\"params\":[],\"id\":1}},\"response\":{g}}}"))).Append(']');
                break;
            case Layout.SingleResponse:
                sb.Append(Response("[" + string.Join(",", items) + "]", 1));
                break;
            case Layout.SingleResponsePretty:
                sb.Append("{\n  \"jsonrpc\": \"2.0\",\n  \"id\": 1,\n  \"result\": [\n    ").Append(string.Join(",\n    ", items)).Append("\n  ]\n}\n");
                break;
            case Layout.BareArray:
                sb.Append("[\n").Append(string.Join(",\n", items)).Append("\n]");
                break;
            case Layout.LogPerLine:
                foreach (var item in items) sb.Append(item).Append('\n');
                break;
        }
        return sb.ToString();
    }
}
