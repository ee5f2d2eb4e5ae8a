using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;

namespace ChainTrace.Benchmarks.Ingest;

/// <summary>
/// Reads a generated 100,000-row ethereum-etl token_transfers file from memory (CSV with Sep, and the same rows
/// as JSON lines), with and without the transactions' indexes known. One operation = the whole file.
/// </summary>
[MemoryDiagnoser]
public class EtlCsvBenchmarks
{
    /// <summary>Rows in the generated file.</summary>
    public const int Rows = 100_000;

    private byte[] _csv = [];
    private byte[] _json = [];
    private EtlContext _known = new();
    private readonly CountingSink _sink = new();

    /// <summary>Builds the files: 20 transfers per block, 2 per transaction, values up to 2^128.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var csv = new StringBuilder("token_address,from_address,to_address,value,transaction_hash,log_index,block_number,block_timestamp,block_hash\n");
        var json = new StringBuilder();
        var txs = new StringBuilder("hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp\n");
        string Hex(int bytes)
        {
            Span<byte> b = stackalloc byte[bytes];
            rng.NextBytes(b);
            return "0x" + Convert.ToHexStringLower(b);
        }
        string[] tokens = [.. Enumerable.Range(0, 50).Select(_ => Hex(20))];
        string[] holders = [.. Enumerable.Range(0, 5000).Select(_ => Hex(20))];
        string tx = "", blockHash = "";
        for (int i = 0; i < Rows; i++)
        {
            long block = 16_000_000 + i / 20;
            int log = i % 20;
            if (log == 0) blockHash = Hex(32);
            if (log % 2 == 0)
            {
                tx = Hex(32);
                txs.Append(CultureInfo.InvariantCulture, $"{tx},1,{blockHash},{block},{log / 2 * 3},{holders[rng.Next(holders.Length)]},{tokens[0]},0,21000,1,0x,{1_668_000_000 + block}\n");
            }
            var value = (UInt128)(ulong)rng.NextInt64() * (ulong)rng.Next(1, int.MaxValue);
            string token = tokens[rng.Next(tokens.Length)], from = holders[rng.Next(holders.Length)], to = holders[rng.Next(holders.Length)];
            long time = 1_668_000_000 + block;
            csv.Append(CultureInfo.InvariantCulture, $"{token},{from},{to},{value},{tx},{log},{block},{time},{blockHash}\n");
            json.Append(CultureInfo.InvariantCulture,
                $"{{\"token_address\": \"{token}\", \"from_address\": \"{from}\", \"to_address\": \"{to}\", \"value\": {value}, \"transaction_hash\": \"{tx}\", \"log_index\": {log}, \"block_number\": {block}, \"type\": \"token_transfer\", \"block_timestamp\": {time}, \"block_hash\": \"{blockHash}\"}}\n");
        }
        _csv = Encoding.UTF8.GetBytes(csv.ToString());
        _json = Encoding.UTF8.GetBytes(json.ToString());
        _known = new EtlContext();
        EtlReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(txs.ToString())), "transactions.csv", EtlTable.Transactions, false,
            _known, _sink, DecodeOptions.Default).GetAwaiter().GetResult();
    }

    /// <summary>CSV, no transactions file read: transaction index by rank fallback.</summary>
    [Benchmark(Baseline = true)]
    public Task TokenTransfersCsv() => Read(_csv, jsonLines: false, new EtlContext());

    /// <summary>CSV, transactions read before: exact transaction index from the context.</summary>
    [Benchmark]
    public Task TokenTransfersCsv_TxIndexKnown() => Read(_csv, jsonLines: false, _known);

    /// <summary>The same rows as ethereum-etl JSON lines.</summary>
    [Benchmark]
    public Task TokenTransfersJsonLines() => Read(_json, jsonLines: true, new EtlContext());

    private async Task Read(byte[] bytes, bool jsonLines, EtlContext context)
    {
        _sink.Count = 0;
        await EtlReader.ReadAsync(new MemoryStream(bytes, writable: false), "token_transfers", EtlTable.TokenTransfers, jsonLines,
            context, _sink, DecodeOptions.Default).ConfigureAwait(false);
        if (_sink.Count != Rows) throw new InvalidOperationException($"read {_sink.Count} rows, expected {Rows}");
    }

    private sealed class CountingSink : IChainEventSink
    {
        public int Count;
        public void OnBlock(in BlockHeader block) { }
        public void OnTransaction(in TransactionRecord transaction) { }
        public void OnTokenEvent(in TokenEvent tokenEvent) => Count++;
        public void OnSkipped(SkipReason reason, ulong block) { }
    }
}
