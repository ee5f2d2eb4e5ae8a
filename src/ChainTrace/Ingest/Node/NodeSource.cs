using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ChainTrace.Ingest.Json;
using ChainTrace.Primitives;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth;
using Nethereum.RPC.Eth.Blocks;

namespace ChainTrace.Ingest.Node;

/// <summary>
/// Reads token logs and blocks from a node over JSON-RPC. Typed calls (eth_chainId, eth_blockNumber, a block's
/// hash) go through Nethereum; the bulk data (eth_getLogs filtered by contract and topic0, batches of
/// eth_getBlockByNumber with full transactions) is POSTed directly and each response body is decoded by
/// <see cref="JsonRpcDecoder"/> from its bytes, without a DOM. Ranges adapt to the node's result limits, a few are in
/// flight at once, and everything reaches the sink in block order: per range, its blocks then its logs.
/// A range's bodies are held in memory until the whole range arrived, so a failed request never leaves half a
/// range in the store.
/// </summary>
public sealed class NodeSource : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly Uri _url;
    private readonly ChainProfile _profile;
    private readonly IReadOnlyList<Address> _contracts;
    private readonly NodeOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly RpcClient _rpc;
    private long _range;
    private long _requestId;

    /// <summary>Creates a source for <paramref name="url"/> reading the logs of <paramref name="contracts"/> (empty: any contract).</summary>
    public NodeSource(Uri url, ChainProfile profile, IReadOnlyList<Address> contracts, NodeOptions? options = null, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(contracts);
        _url = url;
        _profile = profile;
        _contracts = contracts;
        _options = options ?? new NodeOptions();
        if (_options.InitialRange < 1 || _options.MaxRange < 1 || _options.MaxInFlight < 1 || _options.BlocksPerBatch < 1 || _options.MaxAttempts < 1)
            throw new ArgumentException("Node options: ranges, batch size, in-flight count and attempts must be at least 1.", nameof(options));
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = _options.RequestTimeout };
        _rpc = new RpcClient(url, _http);
        _range = Math.Min(_options.InitialRange, _options.MaxRange);
    }

    /// <summary>The node's URL.</summary>
    public Uri Url => _url;

    /// <summary>Current eth_getLogs range size in blocks (adapts during a run).</summary>
    public long RangeSize => Interlocked.Read(ref _range);

    /// <summary>eth_getLogs ranges that were split because the node refused them.</summary>
    public long RangeSplits => Interlocked.Read(ref _splits);
    private long _splits;

    /// <summary>HTTP requests retried after transport errors, timeouts, 429 or 5xx.</summary>
    public long Retries => Interlocked.Read(ref _retries);
    private long _retries;

    /// <summary>The node's chain id (eth_chainId).</summary>
    public async Task<ulong> GetChainIdAsync(CancellationToken cancellationToken = default)
    {
        var id = await TypedAsync("eth_chainId", () => new EthChainId(_rpc).SendRequestAsync(), cancellationToken).ConfigureAwait(false);
        return (ulong)id.Value;
    }

    /// <summary>The node's head block number (eth_blockNumber).</summary>
    public async Task<ulong> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        var n = await TypedAsync("eth_blockNumber", () => new EthBlockNumber(_rpc).SendRequestAsync(), cancellationToken).ConfigureAwait(false);
        return (ulong)n.Value;
    }

    /// <summary>The hash of block <paramref name="number"/> on the node's canonical chain, or null when the node has no such block.</summary>
    public async Task<Hash32?> GetBlockHashAsync(ulong number, CancellationToken cancellationToken = default)
    {
        var block = await TypedAsync("eth_getBlockByNumber",
            () => new EthGetBlockWithTransactionsHashesByNumber(_rpc).SendRequestAsync(new Nethereum.Hex.HexTypes.HexBigInteger(number)),
            cancellationToken).ConfigureAwait(false);
        if (block?.BlockHash is not { } text || !Hash32.TryParse(text, out var hash)) return null;
        return hash;
    }

    /// <summary>Throws a <see cref="ChainDataException"/> unless the node serves the profile's chain.</summary>
    public async Task VerifyChainAsync(CancellationToken cancellationToken = default)
    {
        ulong id = await GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        if (id != _profile.ChainId)
            throw new ChainDataException(_url.ToString(), null, null, "eth_chainId",
                $"the node serves chain id {id}, but the store is for {_profile.Name} (chain id {_profile.ChainId}); point --rpc at a {_profile.Name} node or use another --db");
    }

    /// <summary>
    /// Reads blocks <paramref name="from"/>..<paramref name="to"/> (inclusive) into <paramref name="sink"/> in block
    /// order. Bad responses throw <see cref="ChainDataException"/> naming the request.
    /// </summary>
    public async Task ReadAsync(ulong from, ulong to, IChainEventSink sink, DecodeOptions decode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(decode);
        if (from > to) return;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var window = new Queue<Task<RangeData>>();
        ulong next = from;
        bool planned = false; // every range up to `to` is queued (no next + 1 overflow at ulong.MaxValue)
        try
        {
            while (!planned || window.Count > 0)
            {
                while (window.Count < _options.MaxInFlight && !planned)
                {
                    ulong size = (ulong)Math.Max(1, RangeSize);
                    ulong end = to - next < size ? to : next + size - 1;
                    window.Enqueue(FetchRangeAsync(next, end, cts.Token));
                    if (end == to) planned = true;
                    else next = end + 1;
                }
                var data = await window.Dequeue().ConfigureAwait(false);
                await EmitAsync(data, sink, decode, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await cts.CancelAsync().ConfigureAwait(false);
            foreach (var t in window)
            {
                try { await t.ConfigureAwait(false); }
                catch (Exception) { /* the first failure is the one reported */ }
            }
            throw;
        }
    }

    private async Task EmitAsync(RangeData data, IChainEventSink sink, DecodeOptions decode, CancellationToken ct)
    {
        string blocksName = $"{_url} eth_getBlockByNumber {data.From}-{data.To}";
        foreach (var body in data.Blocks)
        {
            using var stream = new MemoryStream(body, writable: false);
            await JsonRpcDecoder.DecodeAsync(stream, blocksName, sink, decode, _profile, ct).ConfigureAwait(false);
        }
        string logsName = $"{_url} eth_getLogs {data.From}-{data.To}";
        foreach (var body in data.Logs)
        {
            using var stream = new MemoryStream(body, writable: false);
            await JsonRpcDecoder.DecodeAsync(stream, logsName, sink, decode, _profile, ct).ConfigureAwait(false);
        }
    }

    private sealed record RangeData(ulong From, ulong To, List<byte[]> Blocks, List<byte[]> Logs);

    private async Task<RangeData> FetchRangeAsync(ulong from, ulong to, CancellationToken ct)
    {
        var logs = new List<byte[]>();
        await FetchLogsAsync(from, to, logs, ct).ConfigureAwait(false);
        var blocks = new List<byte[]>();
        if (_options.Blocks != NodeBlockMode.None)
        {
            var numbers = new List<ulong>();
            if (_options.Blocks == NodeBlockMode.All)
            {
                for (ulong n = from; ; n++)
                {
                    numbers.Add(n);
                    if (n == to) break;
                }
            }
            else
            {
                foreach (var body in logs) CollectBlockNumbers(body, numbers);
                numbers.Sort();
                int w = 0;
                for (int i = 0; i < numbers.Count; i++)
                    if (w == 0 || numbers[i] != numbers[w - 1]) numbers[w++] = numbers[i];
                numbers.RemoveRange(w, numbers.Count - w);
            }
            for (int i = 0; i < numbers.Count; i += _options.BlocksPerBatch)
            {
                int count = Math.Min(_options.BlocksPerBatch, numbers.Count - i);
                blocks.Add(await FetchBlocksAsync(numbers, i, count, ct).ConfigureAwait(false));
            }
        }
        return new RangeData(from, to, blocks, logs);
    }

    private async Task FetchLogsAsync(ulong from, ulong to, List<byte[]> into, CancellationToken ct)
    {
        byte[] request = LogsRequest(from, to);
        string what = $"eth_getLogs {from}-{to}";
        var body = await PostAsync(request, what, ct).ConfigureAwait(false);
        var error = FindError(body, expectArray: false);
        if (error is null)
        {
            Grow(to - from + 1);
            into.Add(body);
            return;
        }
        if (!IsRangeTooLarge(error.Value)) ThrowRpc(what, error.Value);
        if (from == to) ThrowRpc(what, error.Value with { Message = error.Value.Message + " (a single block; the node's limit is below its log count)" });
        Interlocked.Increment(ref _splits);
        ulong half = (to - from + 1) / 2;
        Shrink((long)half);
        ulong mid = from + half - 1;
        await FetchLogsAsync(from, mid, into, ct).ConfigureAwait(false);
        await FetchLogsAsync(mid + 1, to, into, ct).ConfigureAwait(false);
    }

    private void Shrink(long size)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _range);
            if (size >= current) return;
        }
        while (Interlocked.CompareExchange(ref _range, Math.Max(1, size), current) != current);
    }

    private void Grow(ulong succeeded)
    {
        long current;
        long next;
        do
        {
            current = Interlocked.Read(ref _range);
            if ((long)Math.Min(succeeded, long.MaxValue) < current) return; // only a full-size success earns growth
            next = Math.Min(_options.MaxRange, current + Math.Max(1, current / 8));
            if (next == current) return;
        }
        while (Interlocked.CompareExchange(ref _range, next, current) != current);
    }

    private async Task<byte[]> FetchBlocksAsync(List<ulong> numbers, int start, int count, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 96);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            for (int i = start; i < start + count; i++)
            {
                w.WriteStartObject();
                w.WriteString("jsonrpc", "2.0");
                w.WriteNumber("id", Interlocked.Increment(ref _requestId));
                w.WriteString("method", "eth_getBlockByNumber");
                w.WriteStartArray("params");
                w.WriteStringValue(Quantity(numbers[i]));
                w.WriteBooleanValue(true);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        string what = $"eth_getBlockByNumber {numbers[start]}-{numbers[start + count - 1]}";
        var body = await PostAsync(buffer.WrittenMemory.ToArray(), what, ct).ConfigureAwait(false);
        if (FindError(body, expectArray: true) is { } error) ThrowRpc(what, error);
        return body;
    }

    private byte[] LogsRequest(ulong from, ulong to)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            w.WriteNumber("id", Interlocked.Increment(ref _requestId));
            w.WriteString("method", "eth_getLogs");
            w.WriteStartArray("params");
            w.WriteStartObject();
            w.WriteString("fromBlock", Quantity(from));
            w.WriteString("toBlock", Quantity(to));
            if (_contracts.Count > 0)
            {
                w.WriteStartArray("address");
                foreach (var c in _contracts) w.WriteStringValue(c.ToHex());
                w.WriteEndArray();
            }
            w.WriteStartArray("topics");
            w.WriteStartArray();
            foreach (var t in Topics) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenMemory.ToArray();
    }

    /// <summary>topic0 values requested: the events the decoder understands.</summary>
    internal static IReadOnlyList<string> Topics { get; } =
    [
        .. new[]
        {
            EventTopics.Transfer, EventTopics.Approval, EventTopics.Issue, EventTopics.Redeem,
            EventTopics.AddedBlackList, EventTopics.RemovedBlackList, EventTopics.DestroyedBlackFunds,
        }.Select(h => h.ToString()),
    ];

    private static string Quantity(ulong n) => "0x" + n.ToString("x", CultureInfo.InvariantCulture);

    private async Task<byte[]> PostAsync(byte[] request, string what, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            string problem;
            try
            {
                using var content = new ByteArrayContent(request);
                content.Headers.ContentType = Json;
                using var response = await _http.PostAsync(_url, content, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode) return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                problem = $"HTTP {status} {response.ReasonPhrase}";
                if (status != (int)HttpStatusCode.TooManyRequests && status < 500 && status != (int)HttpStatusCode.RequestTimeout)
                    throw new ChainDataException(_url.ToString(), null, null, what, problem);
            }
            catch (HttpRequestException e)
            {
                problem = e.Message;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                problem = "the request timed out";
            }
            if (attempt >= _options.MaxAttempts)
                throw new ChainDataException(_url.ToString(), null, null, what, $"{problem} (gave up after {attempt} attempts)");
            Interlocked.Increment(ref _retries);
            var delay = _options.RetryDelay * Math.Pow(2, attempt - 1);
            await Task.Delay(delay < TimeSpan.FromSeconds(30) ? delay : TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        }
    }

    private async Task<T> TypedAsync<T>(string what, Func<Task<T>> call, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            string problem;
            try
            {
                return await call().WaitAsync(ct).ConfigureAwait(false);
            }
            catch (RpcResponseException e)
            {
                throw new ChainDataException(_url.ToString(), null, null, what, $"JSON-RPC error {e.RpcError?.Code}: {e.RpcError?.Message ?? e.Message}");
            }
            catch (Exception e) when (e is RpcClientUnknownException or RpcClientTimeoutException or HttpRequestException)
            {
                problem = e.InnerException?.Message ?? e.Message;
            }
            if (attempt >= _options.MaxAttempts)
                throw new ChainDataException(_url.ToString(), null, null, what, $"{problem} (gave up after {attempt} attempts)");
            Interlocked.Increment(ref _retries);
            await Task.Delay(_options.RetryDelay * Math.Pow(2, attempt - 1), ct).ConfigureAwait(false);
        }
    }

    /// <summary>A JSON-RPC error (or a null block) found in a response.</summary>
    internal readonly record struct RpcError(long Code, string Message);

    /// <summary>Scans a response (object or batch array) for an error member or a null result; no DOM.</summary>
    internal static RpcError? FindError(ReadOnlySpan<byte> body, bool expectArray)
    {
        var r = new Utf8JsonReader(body);
        try
        {
            if (!r.Read()) return new RpcError(0, "empty response");
            if (r.TokenType == JsonTokenType.StartArray)
            {
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    if (r.TokenType != JsonTokenType.StartObject) return new RpcError(0, "a batch element is not an object");
                    if (ScanResponse(ref r, nullIsError: expectArray) is { } e) return e;
                }
                return null;
            }
            if (r.TokenType != JsonTokenType.StartObject) return new RpcError(0, "the response is not a JSON object");
            return ScanResponse(ref r, nullIsError: expectArray);
        }
        catch (JsonException e)
        {
            return new RpcError(0, "malformed JSON: " + e.Message);
        }
    }

    private static RpcError? ScanResponse(ref Utf8JsonReader r, bool nullIsError)
    {
        RpcError? found = null;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            bool isError = r.ValueTextEquals("error"u8);
            bool isResult = r.ValueTextEquals("result"u8);
            r.Read();
            if (isError && r.TokenType == JsonTokenType.StartObject)
            {
                long code = 0;
                string message = "";
                while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                {
                    bool isCode = r.ValueTextEquals("code"u8);
                    bool isMessage = r.ValueTextEquals("message"u8);
                    r.Read();
                    if (isCode && r.TokenType == JsonTokenType.Number) r.TryGetInt64(out code);
                    else if (isMessage && r.TokenType == JsonTokenType.String) message = r.GetString() ?? "";
                    else r.Skip();
                }
                found ??= new RpcError(code, message);
            }
            else if (isError && r.TokenType != JsonTokenType.Null)
            {
                found ??= new RpcError(0, "error");
                r.Skip();
            }
            else if (isResult && r.TokenType == JsonTokenType.Null && nullIsError)
            {
                found ??= new RpcError(0, "the node has no such block (null result)");
            }
            else
            {
                r.Skip();
            }
        }
        return found;
    }

    /// <summary>Node errors meaning "ask for fewer blocks" (geth, Erigon, Infura, Alchemy, QuickNode wordings).</summary>
    internal static bool IsRangeTooLarge(RpcError e) =>
        e.Code == -32005
        || e.Message.Contains("more than", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("limit exceeded", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("too many", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("range is too large", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("block range", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("response size", StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds the distinct blockNumber values of a logs response (in any order) to <paramref name="into"/>.</summary>
    internal static void CollectBlockNumbers(ReadOnlySpan<byte> body, List<ulong> into)
    {
        var r = new Utf8JsonReader(body);
        while (r.Read())
        {
            if (r.TokenType != JsonTokenType.PropertyName || !r.ValueTextEquals("blockNumber"u8)) continue;
            r.Read();
            if (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped && Hex.TryParseQuantity(r.ValueSpan, out ulong n)
                && (into.Count == 0 || into[^1] != n))
                into.Add(n);
        }
    }

    [DoesNotReturn]
    private void ThrowRpc(string what, RpcError error) =>
        throw new ChainDataException(_url.ToString(), null, null, what,
            error.Code != 0 ? $"JSON-RPC error {error.Code}: {error.Message}" : error.Message);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
