using System.Globalization;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Json;

namespace ChainTrace.Benchmarks.Ingest;

/// <summary>
/// Decodes a generated eth_getLogs dump held in memory: 100,000 logs as JSON lines of 1,000-log responses, shaped
/// like mainnet (ERC-20 transfers, ERC-721 transfers, other events with longer data; blockTimestamp and removed
/// present). Each benchmark reads the whole dump; OperationsPerInvoke makes the reported time and allocation
/// per log. Throughput in MB/s = <see cref="BytesPerLog"/> / (ns per log) * 1000.
/// </summary>
[MemoryDiagnoser]
public class JsonRpcDecoderBenchmarks
{
    /// <summary>Logs in the generated dump.</summary>
    public const int Logs = 100_000;

    private const string Transfer = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

    private byte[] _jsonl = [];
    private byte[] _gzip = [];
    private readonly Sink _sink = new();

    /// <summary>Average bytes of JSON per log in the dump (printed by setup).</summary>
    public static double BytesPerLog { get; private set; }

    /// <summary>Builds the dump.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        string Hex(int bytes)
        {
            Span<byte> b = stackalloc byte[bytes];
            rng.NextBytes(b);
            return Convert.ToHexStringLower(b);
        }
        string[] tokens = [.. Enumerable.Range(0, 50).Select(_ => Hex(20))];
        string[] holders = [.. Enumerable.Range(0, 5000).Select(_ => Hex(20))];
        var sb = new StringBuilder();
        const int perResponse = 1000;
        string txHash = "", blockHash = "";
        for (int r = 0; r < Logs / perResponse; r++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{{\"jsonrpc\":\"2.0\",\"id\":{r + 1},\"result\":[");
            for (int i = 0; i < perResponse; i++)
            {
                int n = r * perResponse + i;
                long block = 16_000_000 + n / 200;
                int logIndex = n % 200;
                if (logIndex == 0) blockHash = Hex(32);
                if (logIndex % 3 == 0) txHash = Hex(32);
                int shape = rng.Next(10);
                string topics, data;
                if (shape < 6)
                {
                    topics = $"\"{Transfer}\",\"0x000000000000000000000000{holders[rng.Next(holders.Length)]}\",\"0x000000000000000000000000{holders[rng.Next(holders.Length)]}\"";
                    data = "0x" + new string('0', 32) + Hex(16);
                }
                else if (shape < 7)
                {
                    topics = $"\"{Transfer}\",\"0x000000000000000000000000{holders[rng.Next(holders.Length)]}\",\"0x000000000000000000000000{holders[rng.Next(holders.Length)]}\",\"0x{Hex(32)}\"";
                    data = "0x";
                }
                else
                {
                    topics = $"\"0x{Hex(32)}\",\"0x{Hex(32)}\"";
                    data = "0x" + Hex(32 * rng.Next(1, 6));
                }
                if (i > 0) sb.Append(',');
                sb.Append(CultureInfo.InvariantCulture,
                    $"{{\"address\":\"0x{tokens[rng.Next(tokens.Length)]}\",\"blockHash\":\"0x{blockHash}\",\"blockNumber\":\"0x{block:x}\",\"blockTimestamp\":\"0x{1_668_000_000 + block:x}\",\"data\":\"{data}\",\"logIndex\":\"0x{logIndex:x}\",\"removed\":false,\"topics\":[{topics}],\"transactionHash\":\"0x{txHash}\",\"transactionIndex\":\"0x{logIndex / 3:x}\"}}");
            }
            sb.Append("]}\n");
        }
        _jsonl = Encoding.UTF8.GetBytes(sb.ToString());
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(_jsonl);
        _gzip = ms.ToArray();
        BytesPerLog = (double)_jsonl.Length / Logs;
        Console.WriteLine($"// dump: {_jsonl.Length:N0} bytes JSON ({BytesPerLog:F0} B/log), {_gzip.Length:N0} bytes gzip");
    }

    /// <summary>Plain JSON lines.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Logs)]
    public Task DecoderJsonLines() => Decode(_jsonl);

    /// <summary>The same dump gzip-compressed (decompression included).</summary>
    [Benchmark(OperationsPerInvoke = Logs)]
    public Task DecoderJsonLinesGzip() => Decode(_gzip);

    private async Task Decode(byte[] bytes)
    {
        _sink.Events = 0;
        await JsonRpcDecoder.DecodeAsync(new MemoryStream(bytes, writable: false), "bench.jsonl", _sink, DecodeOptions.Default).ConfigureAwait(false);
        if (_sink.Events + _sink.Skipped == 0) throw new InvalidOperationException("nothing decoded");
    }

    private sealed class Sink : IChainEventSink
    {
        public long Events, Skipped;
        public void OnBlock(in BlockHeader block) { }
        public void OnTransaction(in TransactionRecord transaction) { }
        public void OnTokenEvent(in TokenEvent tokenEvent) => Events++;
        public void OnSkipped(SkipReason reason, ulong block) => Skipped++;
    }
}
