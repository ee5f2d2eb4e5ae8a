using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ChainTrace.Tests.Ingest.Node;

/// <summary>A log the fake node serves: its raw JSON and the fields filters look at.</summary>
internal sealed record NodeLog(ulong Block, string Address, string Topic0, string Raw);

/// <summary>A block the fake node serves: raw JSON with full transactions, and its hash fields.</summary>
internal sealed record NodeBlock(ulong Number, string Hash, string ParentHash, string Timestamp, string Raw);

/// <summary>A chain the fake node serves.</summary>
internal sealed class NodeChain
{
    public SortedDictionary<ulong, NodeBlock> Blocks { get; } = [];
    public List<NodeLog> Logs { get; } = [];
    public ulong? HeadOverride { get; set; }
    public ulong Head => HeadOverride ?? (Blocks.Count > 0 ? Blocks.Keys.Max() : Logs.Count > 0 ? Logs.Max(l => l.Block) : 0);

    /// <summary>Loads eth_getLogs / eth_getBlockByNumber responses (JSONL lines, or rpc-tests request/response files).</summary>
    public void LoadLogs(string path)
    {
        foreach (var result in Results(path))
            foreach (var log in result.EnumerateArray())
            {
                var topics = log.GetProperty("topics");
                Logs.Add(new NodeLog(Quantity(log.GetProperty("blockNumber").GetString()!), log.GetProperty("address").GetString()!.ToLowerInvariant(),
                    topics.GetArrayLength() > 0 ? topics[0].GetString()!.ToLowerInvariant() : "", log.GetRawText()));
            }
    }

    public void LoadBlocks(string path)
    {
        foreach (var result in Results(path))
        {
            if (result.ValueKind != JsonValueKind.Object) continue;
            var n = Quantity(result.GetProperty("number").GetString()!);
            Blocks[n] = new NodeBlock(n, result.GetProperty("hash").GetString()!, result.GetProperty("parentHash").GetString()!,
                result.GetProperty("timestamp").GetString()!, result.GetRawText());
        }
    }

    private static IEnumerable<JsonElement> Results(string path)
    {
        var text = File.ReadAllText(path);
        if (text.TrimStart().StartsWith('['))
        {
            using var doc = JsonDocument.Parse(text);
            var list = new List<JsonElement>();
            foreach (var item in doc.RootElement.EnumerateArray())
                list.Add(item.GetProperty("response").GetProperty("result").Clone());
            return list;
        }
        var lines = new List<JsonElement>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            lines.Add(doc.RootElement.GetProperty("result").Clone());
        }
        return lines;
    }

    public static ulong Quantity(string hex) => ulong.Parse(hex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>
    /// A fork of this chain after block <paramref name="fork"/>: every later block gets a new hash (parent links
    /// follow), and Transfer amounts in the forked blocks change; addresses and log positions stay.
    /// </summary>
    public NodeChain Fork(ulong fork, ulong extraBlocks = 0)
    {
        var result = new NodeChain();
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (n, b) in Blocks)
        {
            if (n <= fork) { result.Blocks[n] = b; continue; }
            string newHash = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes("fork" + b.Hash)));
            renamed[b.Hash] = newHash;
            string raw = b.Raw.Replace(b.Hash, newHash, StringComparison.Ordinal);
            string parent = renamed.TryGetValue(b.ParentHash, out var p) ? p : b.ParentHash;
            raw = raw.Replace(b.ParentHash, parent, StringComparison.Ordinal);
            result.Blocks[n] = b with { Hash = newHash, ParentHash = parent, Raw = raw };
        }
        foreach (var log in Logs)
        {
            if (log.Block <= fork) { result.Logs.Add(log); continue; }
            string raw = log.Raw;
            foreach (var (oldHash, newHash) in renamed) if (raw.Contains(oldHash, StringComparison.Ordinal)) raw = raw.Replace(oldHash, newHash, StringComparison.Ordinal);
            if (log.Topic0 == TransferTopic)
            {
                using var doc = JsonDocument.Parse(raw);
                string data = doc.RootElement.GetProperty("data").GetString()!;
                raw = raw.Replace("\"" + data + "\"", "\"0x" + new string('0', 62) + (log.Block % 200 + 16).ToString("x2", CultureInfo.InvariantCulture) + "\"", StringComparison.Ordinal);
            }
            result.Logs.Add(log with { Raw = raw });
        }
        if (extraBlocks > 0 && result.Blocks.Count > 0)
        {
            var last = result.Blocks[result.Blocks.Keys.Max()];
            for (ulong i = 1; i <= extraBlocks; i++)
            {
                ulong n = last.Number + i;
                string hash = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes("extra" + n)));
                string parent = result.Blocks[n - 1].Hash;
                ulong ts = Quantity(last.Timestamp) + 12 * i;
                string raw = $"{{\"number\":\"0x{n:x}\",\"hash\":\"{hash}\",\"parentHash\":\"{parent}\",\"timestamp\":\"0x{ts:x}\",\"transactions\":[]}}";
                result.Blocks[n] = new NodeBlock(n, hash, parent, $"0x{ts:x}", raw);
            }
        }
        return result;
    }

    public static readonly string TransferTopic = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
}

/// <summary>
/// A loopback JSON-RPC node (HttpListener on 127.0.0.1) serving a <see cref="NodeChain"/>: eth_chainId,
/// eth_blockNumber, eth_getLogs (fromBlock/toBlock/address/topic0 filters, a result limit answered with the geth
/// "query returned more than N results" error), eth_getBlockByNumber, and batches.
/// </summary>
internal sealed class FakeNode : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _failures;

    public FakeNode(NodeChain chain, ulong chainId = 1)
    {
        Chain = chain;
        ChainId = chainId;
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(Url.ToString());
            try { _listener.Start(); break; }
            catch (HttpListenerException) when (attempt < 5) { }
        }
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; private set; }
    public NodeChain Chain { get; set; }
    public ulong ChainId { get; set; }
    public int MaxLogs { get; set; } = 10_000;
    public int LogRequests;
    public int TooManyErrors;
    public int BlockCalls;
    public int HttpRequests;
    public int HeadCalls;
    public long MaxLogsToBlock;

    /// <summary>The next <paramref name="count"/> HTTP requests get a 503.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failures, count);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private void Handle(HttpListenerContext ctx)
    {
        try
        {
            Interlocked.Increment(ref HttpRequests);
            string body;
            using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8)) body = reader.ReadToEnd();
            if (Interlocked.Decrement(ref _failures) >= 0)
            {
                ctx.Response.StatusCode = 503;
                ctx.Response.Close();
                return;
            }
            Interlocked.Exchange(ref _failures, Math.Max(0, Volatile.Read(ref _failures)));
            using var doc = JsonDocument.Parse(body);
            var sb = new StringBuilder();
            var chain = Chain;
            if (doc.RootElement.ValueKind == JsonValueKind.Array)
            {
                sb.Append('[');
                bool first = true;
                foreach (var call in doc.RootElement.EnumerateArray())
                {
                    if (!first) sb.Append(',');
                    first = false;
                    Answer(call, chain, sb);
                }
                sb.Append(']');
            }
            else
            {
                Answer(doc.RootElement, chain, sb);
            }
            var bytes = Encoding.UTF8.GetBytes(sb.ToString());
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength64 = bytes.Length;
            ctx.Response.OutputStream.Write(bytes);
            ctx.Response.Close();
        }
        catch (Exception e)
        {
            try
            {
                ctx.Response.StatusCode = 500;
                var bytes = Encoding.UTF8.GetBytes(e.ToString());
                ctx.Response.OutputStream.Write(bytes);
                ctx.Response.Close();
            }
            catch (Exception) { }
        }
    }

    private void Answer(JsonElement call, NodeChain chain, StringBuilder sb)
    {
        string id = call.GetProperty("id").GetRawText();
        string method = call.GetProperty("method").GetString()!;
        var ps = call.TryGetProperty("params", out var p) ? p : default;
        sb.Append("{\"jsonrpc\":\"2.0\",\"id\":").Append(id).Append(',');
        switch (method)
        {
            case "eth_chainId":
                sb.Append("\"result\":\"0x").Append(ChainId.ToString("x", CultureInfo.InvariantCulture)).Append("\"}");
                return;
            case "eth_blockNumber":
                Interlocked.Increment(ref HeadCalls);
                sb.Append("\"result\":\"0x").Append(chain.Head.ToString("x", CultureInfo.InvariantCulture)).Append("\"}");
                return;
            case "eth_getBlockByNumber":
            {
                Interlocked.Increment(ref BlockCalls);
                string tag = ps[0].GetString()!;
                ulong n = tag == "latest" ? chain.Head : NodeChain.Quantity(tag);
                bool full = ps[1].GetBoolean();
                if (!chain.Blocks.TryGetValue(n, out var b) || n > chain.Head) { sb.Append("\"result\":null}"); return; }
                if (full) sb.Append("\"result\":").Append(b.Raw).Append('}');
                else sb.Append($"\"result\":{{\"number\":\"0x{n:x}\",\"hash\":\"{b.Hash}\",\"parentHash\":\"{b.ParentHash}\",\"timestamp\":\"{b.Timestamp}\",\"transactions\":[]}}}}");
                return;
            }
            case "eth_getLogs":
            {
                Interlocked.Increment(ref LogRequests);
                var filter = ps[0];
                ulong from = NodeChain.Quantity(filter.GetProperty("fromBlock").GetString()!);
                ulong to = NodeChain.Quantity(filter.GetProperty("toBlock").GetString()!);
                long seen;
                while ((seen = Interlocked.Read(ref MaxLogsToBlock)) < (long)to && Interlocked.CompareExchange(ref MaxLogsToBlock, (long)to, seen) != seen) { }
                HashSet<string>? addresses = null;
                if (filter.TryGetProperty("address", out var a))
                {
                    addresses = new HashSet<string>(StringComparer.Ordinal);
                    if (a.ValueKind == JsonValueKind.String) addresses.Add(a.GetString()!.ToLowerInvariant());
                    else foreach (var x in a.EnumerateArray()) addresses.Add(x.GetString()!.ToLowerInvariant());
                    if (addresses.Count == 0) addresses = null;
                }
                HashSet<string>? topics = null;
                if (filter.TryGetProperty("topics", out var t) && t.GetArrayLength() > 0 && t[0].ValueKind != JsonValueKind.Null)
                {
                    topics = new HashSet<string>(StringComparer.Ordinal);
                    if (t[0].ValueKind == JsonValueKind.String) topics.Add(t[0].GetString()!.ToLowerInvariant());
                    else foreach (var x in t[0].EnumerateArray()) topics.Add(x.GetString()!.ToLowerInvariant());
                }
                var matches = new List<string>();
                foreach (var log in chain.Logs)
                {
                    if (log.Block < from || log.Block > to || log.Block > chain.Head) continue;
                    if (addresses is not null && !addresses.Contains(log.Address)) continue;
                    if (topics is not null && !topics.Contains(log.Topic0)) continue;
                    matches.Add(log.Raw);
                }
                if (matches.Count > MaxLogs)
                {
                    Interlocked.Increment(ref TooManyErrors);
                    sb.Append("\"error\":{\"code\":-32005,\"message\":\"query returned more than ").Append(MaxLogs).Append(" results\"}}");
                    return;
                }
                sb.Append("\"result\":[").AppendJoin(',', matches).Append("]}");
                return;
            }
            default:
                sb.Append("\"error\":{\"code\":-32601,\"message\":\"the method ").Append(method).Append(" does not exist/is not available\"}}");
                return;
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
