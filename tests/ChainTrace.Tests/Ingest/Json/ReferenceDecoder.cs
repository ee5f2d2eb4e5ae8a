using System.Numerics;
using System.Text.Json;

namespace ChainTrace.Tests.Ingest.Json;

/// <summary>
/// A plain, obviously-correct decoder: System.Text.Json DOM, strings, BigInteger. It applies the documented rules
/// independently of the library (own topic constants, own hex and word handling) and prints the same
/// <see cref="Canon"/> lines as <see cref="RecordingSink"/>, so the fast decoder can be compared record by record.
/// </summary>
internal static class ReferenceDecoder
{
    // keccak256 of the event signatures (public constants).
    private const string Transfer = "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    private const string Approval = "8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925";
    private const string Issue = "cb8241adb0c3fdb35b70c24ce35c5eb0c17af7431c99f827d44a445ca624176a";
    private const string Redeem = "702d5967f45f6513a38ffc42d6ba9bf230bd40e8f53b16363c7eb4fd2deb9a44";
    private const string AddedBlackList = "42e160154868087d6bfdc0ca23d96a1c1cfa32f1b72ba9ba27b69b98a0d819dc";
    private const string RemovedBlackList = "d7e9ec6e6ecd65492dce6bf513cd6867560d49544421d0783ddf06e76c24470c";
    private const string DestroyedBlackFunds = "61e6e66b0d6339b2980aecc6ccc0039736791f0ccde9ed512e789a7fbdd698c6";

    // TRON infos carry no positions: consecutive infos of one block are numbered in file order.
    [ThreadStatic] private static ulong? _tronBlock;
    [ThreadStatic] private static uint _tronTx, _tronLog;

    public static List<string> Decode(byte[] utf8, bool tron = false)
    {
        _tronBlock = null;
        var output = new List<string>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            Walk(doc.RootElement, null, output, tron);
        }
        return output;
    }

    private static void Walk(JsonElement e, string? hint, List<string> output, bool tron)
    {
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray()) Walk(item, hint, output, tron);
            return;
        }
        if (e.ValueKind != JsonValueKind.Object) throw new InvalidDataException("expected an object");
        switch (hint)
        {
            case "log": Log(e, output, tron); return;
            case "block": Block(e, output); return;
            case "receipt": Receipt(e, output, tron); return;
        }
        if (e.TryGetProperty("request", out var request) || e.TryGetProperty("response", out _))
        {
            string method = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("method", out var m) ? m.GetString()! : "";
            string? kind = method switch
            {
                "eth_getLogs" or "eth_getFilterLogs" or "eth_getFilterChanges" => "log",
                "eth_getBlockByNumber" or "eth_getBlockByHash" => "block",
                "eth_getBlockReceipts" or "eth_getTransactionReceipt" => "receipt",
                _ => "skip",
            };
            if (kind != "skip") Response(e.GetProperty("response"), kind, output, tron);
            return;
        }
        if (e.TryGetProperty("jsonrpc", out _) || e.TryGetProperty("result", out _) || e.TryGetProperty("error", out _))
        {
            Response(e, null, output, tron);
            return;
        }
        if (e.TryGetProperty("topics", out _)) Log(e, output, tron);
        else if (e.TryGetProperty("logs", out _)) Receipt(e, output, tron);
        else if (e.TryGetProperty("transactions", out _) || e.TryGetProperty("parentHash", out _)) Block(e, output);
        else if (e.TryGetProperty("log", out _) || e.TryGetProperty("blockTimeStamp", out _)) TronTxInfo(e, output);
        else if (e.EnumerateObject().FirstOrDefault().Name is { Length: 64 })
            foreach (var p in e.EnumerateObject()) TronTxInfo(p.Value, output);
        else throw new InvalidDataException("unknown object");
    }

    private static void Response(JsonElement e, string? hint, List<string> output, bool tron)
    {
        if (e.TryGetProperty("error", out _)) throw new InvalidDataException("JSON-RPC error");
        if (!e.TryGetProperty("result", out var result) || result.ValueKind == JsonValueKind.Null)
            throw new InvalidDataException("no result");
        Walk(result, hint, output, tron);
    }

    private static void Receipt(JsonElement e, List<string> output, bool tron)
    {
        if (e.TryGetProperty("logs", out var logs) && logs.ValueKind == JsonValueKind.Array)
            foreach (var log in logs.EnumerateArray()) Log(log, output, tron);
    }

    private static void Block(JsonElement e, List<string> output)
    {
        ulong number = Quantity(e.GetProperty("number"));
        long time = (long)Quantity(e.GetProperty("timestamp"));
        int count = e.TryGetProperty("transactions", out var txs) && txs.ValueKind == JsonValueKind.Array ? txs.GetArrayLength() : -1;
        output.Add(Canon.Block(number, Hex(Bytes(e.GetProperty("hash"), 32)), Hex(Bytes(e.GetProperty("parentHash"), 32)), time, count));
        if (count <= 0) return;
        foreach (var tx in txs.EnumerateArray())
        {
            if (tx.ValueKind == JsonValueKind.String) continue;
            var to = tx.GetProperty("to");
            output.Add(Canon.Tx(number, (uint)Quantity(tx.GetProperty("transactionIndex")), Hex(Bytes(tx.GetProperty("hash"), 32)),
                Hex(Bytes(tx.GetProperty("from"), 20)), to.ValueKind == JsonValueKind.Null ? null : Hex(Bytes(to, 20)),
                BigInteger.Parse("0" + Digits(tx.GetProperty("value").GetString()!), System.Globalization.NumberStyles.HexNumber), time));
        }
    }

    private static void Log(JsonElement e, List<string> output, bool tron)
    {
        string token = Hex(Bytes(e.GetProperty("address"), 20));
        var topics = e.GetProperty("topics").EnumerateArray().Select(t => Bytes(t, 32)).ToList();
        byte[] data = Bytes(e.GetProperty("data"), -1);
        ulong block = Quantity(e.GetProperty("blockNumber"));
        uint txIndex = (uint)Quantity(e.GetProperty("transactionIndex"));
        uint logIndex = (uint)Quantity(e.GetProperty("logIndex"));
        string txHash = Optional(e, "transactionHash") is { } th ? Hex(Bytes(th, 32)) : Zero32;
        string blockHash = Optional(e, "blockHash") is { } bh ? Hex(Bytes(bh, 32)) : Zero32;
        long time = Optional(e, "blockTimestamp") is { } ts ? (long)Quantity(ts) : 0;
        bool removed = Optional(e, "removed") is { } rm && rm.GetBoolean();
        Classify(topics, data, block, tron, output, (kind, from, to, amount) =>
            Canon.Event(kind, block, txIndex, logIndex, txHash, blockHash, time, token, from, to, amount, removed));
    }

    private static void TronTxInfo(JsonElement e, List<string> output)
    {
        string txHash = Hex(Bytes(e.GetProperty("id"), 32));
        ulong block = e.GetProperty("blockNumber").GetUInt64();
        long time = e.TryGetProperty("blockTimeStamp", out var ts) ? ts.GetInt64() / 1000 : 0;
        if (_tronBlock != block) (_tronBlock, _tronTx, _tronLog) = (block, 0, 0);
        uint txIndex = _tronTx++;
        if (!e.TryGetProperty("log", out var logs)) return;
        foreach (var log in logs.EnumerateArray())
        {
            string address = log.GetProperty("address").GetString()!;
            if (address.Length == 42 && address.StartsWith("41", StringComparison.Ordinal)) address = address[2..];
            string token = "0x" + address.ToLowerInvariant();
            var topics = log.GetProperty("topics").EnumerateArray().Select(t => Bytes(t, 32)).ToList();
            byte[] data = log.TryGetProperty("data", out var d) ? Bytes(d, -1) : [];
            uint logIndex = _tronLog++;
            Classify(topics, data, block, true, output, (kind, from, to, amount) =>
                Canon.Event(kind, block, txIndex, logIndex, txHash, Zero32, time, token, from, to, amount, false));
        }
    }

    private static void Classify(List<byte[]> topics, byte[] data, ulong block, bool tron, List<string> output,
        Func<string, string, string, BigInteger, string> ev)
    {
        string zero = Hex(new byte[20]);
        if (topics.Count == 0) { output.Add(Canon.Skip("OtherEvent", block)); return; }
        string t0 = Convert.ToHexStringLower(topics[0]);
        string? Word(byte[] w) =>
            w.Take(11).All(b => b == 0) && (w[11] == 0 || (tron && w[11] == 0x41)) ? Hex(w[12..]) : null;
        BigInteger Amount(byte[] w) => new(w, isUnsigned: true, isBigEndian: true);
        string? skip = null;
        string? line = null;
        if (t0 == Transfer)
        {
            if (topics.Count == 3 && data.Length == 32)
                line = Word(topics[1]) is { } f && Word(topics[2]) is { } t ? ev("Transfer", f, t, Amount(data)) : null;
            else if (topics.Count == 1 && data.Length == 96)
                line = Word(data[..32]) is { } f && Word(data[32..64]) is { } t ? ev("Transfer", f, t, Amount(data[64..])) : null;
            skip = topics.Count == 4 ? "Erc721" : "MalformedTransferShape";
        }
        else if (t0 == Approval)
        {
            if (topics.Count == 3 && data.Length == 32 && Word(topics[1]) is { } f && Word(topics[2]) is { } t)
                line = ev("Approval", f, t, Amount(data));
        }
        else if ((t0 == Issue || t0 == Redeem) && topics.Count == 1 && data.Length == 32)
        {
            line = ev(t0 == Issue ? "Issue" : "Redeem", zero, zero, Amount(data));
        }
        else if ((t0 == AddedBlackList || t0 == RemovedBlackList) && topics.Count == 1 && data.Length == 32 && Word(data) is { } user)
        {
            line = ev(t0 == AddedBlackList ? "AddedBlackList" : "RemovedBlackList", user, zero, 0);
        }
        else if (t0 == DestroyedBlackFunds && topics.Count == 1 && data.Length == 64 && Word(data[..32]) is { } u)
        {
            line = ev("DestroyedBlackFunds", u, zero, Amount(data[32..]));
        }
        output.Add(line ?? Canon.Skip(skip ?? "OtherEvent", block));
    }

    private static readonly string Zero32 = Hex(new byte[32]);

    private static JsonElement? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static string Digits(string s) => s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;

    private static ulong Quantity(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number ? e.GetUInt64() : Convert.ToUInt64(Digits(e.GetString()!), 16);

    /// <summary>Hex string to bytes; <paramref name="length"/> −1 for any length.</summary>
    private static byte[] Bytes(JsonElement e, int length)
    {
        byte[] b = Convert.FromHexString(Digits(e.GetString()!));
        if (length >= 0 && b.Length != length) throw new InvalidDataException($"expected {length} bytes, got {b.Length}");
        return b;
    }

    private static string Hex(byte[] b) => "0x" + Convert.ToHexStringLower(b);
}
