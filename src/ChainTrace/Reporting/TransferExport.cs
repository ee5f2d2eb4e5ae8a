using System.Globalization;
using System.Text;
using System.Text.Json;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using Parquet;
using Parquet.Schema;

namespace ChainTrace.Reporting;

/// <summary>File formats <see cref="TransferExport"/> writes.</summary>
public enum TransferExportFormat
{
    /// <summary>CSV with a header row (ethereum-etl <c>token_transfers.csv</c> columns plus block_timestamp).</summary>
    Csv,
    /// <summary>One JSON object per line, same fields as the CSV.</summary>
    Jsonl,
    /// <summary>Apache Parquet: strings for addresses, hashes and value; int64 for numbers.</summary>
    Parquet,
}

/// <summary>What to export and how.</summary>
public sealed record TransferExportOptions
{
    /// <summary>First block to export (inclusive); null for the start.</summary>
    public ulong? FromBlock { get; init; }

    /// <summary>Last block to export (inclusive); null for the end.</summary>
    public ulong? ToBlock { get; init; }

    /// <summary>
    /// Resolves a stored token id to its contract. Defaults to the chain profile's known tokens
    /// (looked up through <see cref="IChainReader.TryGetTokenId"/>); the store supplies one for every token.
    /// </summary>
    public Func<uint, Address?>? TokenContract { get; init; }

    /// <summary>Rows per Parquet row group.</summary>
    public int RowGroupSize { get; init; } = 100_000;

    /// <summary>Called now and then with the number of rows written so far.</summary>
    public Action<long>? OnProgress { get; init; }
}

/// <summary>
/// Writes indexed token transfers in the ethereum-etl <c>token_transfers</c> layout: token_address,
/// from_address, to_address, value (exact decimal string of base units), transaction_hash, log_index,
/// block_number, plus block_timestamp (Unix seconds; empty/null when the block's time is not stored).
/// Addresses print as lower-case 0x hex on Ethereum (as ethereum-etl does) and base58 T… on TRON.
/// </summary>
public static class TransferExport
{
    /// <summary>Column names in output order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["token_address", "from_address", "to_address", "value", "transaction_hash", "log_index", "block_number", "block_timestamp"];

    /// <summary>Writes the selected transfers to <paramref name="output"/>; returns the number of rows.</summary>
    public static async Task<long> WriteAsync(IChainReader reader, Stream output, TransferExportFormat format,
        TransferExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new TransferExportOptions();
        var rows = Rows(reader, options);
        return format switch
        {
            TransferExportFormat.Csv => await WriteTextAsync(rows, output, csv: true, options, cancellationToken).ConfigureAwait(false),
            TransferExportFormat.Jsonl => await WriteTextAsync(rows, output, csv: false, options, cancellationToken).ConfigureAwait(false),
            TransferExportFormat.Parquet => await WriteParquetAsync(rows, output, options, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    /// <summary>Parses a format name (csv, jsonl, parquet), case-insensitive.</summary>
    public static bool TryParseFormat(string? name, out TransferExportFormat format)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "csv": format = TransferExportFormat.Csv; return true;
            case "jsonl" or "ndjson" or "json": format = TransferExportFormat.Jsonl; return true;
            case "parquet": format = TransferExportFormat.Parquet; return true;
            default: format = default; return false;
        }
    }

    /// <summary>The rows an export writes, as strings and numbers (also what tests compare against).</summary>
    public static IEnumerable<TransferExportRow> Rows(IChainReader reader, TransferExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new TransferExportOptions();
        var profile = reader.Profile;
        var tokenContract = options.TokenContract ?? DefaultTokenResolver(reader);
        var from = options.FromBlock is { } fb ? Seq.BlockStart(fb) : Seq.MinValue;
        var to = options.ToBlock is { } tb ? (tb >= uint.MaxValue ? Seq.MaxValue : new Seq(Seq.BlockStart(tb + 1).Value - 1)) : Seq.MaxValue;

        // Addresses repeat a lot; cache their printed form per id (bounded).
        var names = new Dictionary<uint, string>();
        string Name(uint id)
        {
            if (names.TryGetValue(id, out var s)) return s;
            var a = id == 0 ? Address.Zero : reader.GetAddress(id);
            s = profile.AddressFormat == AddressFormat.Hex ? a.ToHex() : a.ToTron();
            if (names.Count >= 1 << 20) names.Clear();
            names[id] = s;
            return s;
        }
        var tokens = new Dictionary<uint, string>();
        ulong lastBlock = ulong.MaxValue;
        long? lastTime = null;
        foreach (var t in reader.ScanTransfers(from, to))
        {
            if (!tokens.TryGetValue(t.TokenId, out var token))
            {
                var c = tokenContract(t.TokenId);
                token = c is { } ca ? (profile.AddressFormat == AddressFormat.Hex ? ca.ToHex() : ca.ToTron()) : "";
                tokens[t.TokenId] = token;
            }
            var block = t.Seq.Block;
            if (block != lastBlock)
            {
                lastBlock = block;
                lastTime = reader.TryGetBlockTimestamp(block, out var ts) ? ts : null;
            }
            var hash = reader.TryGetTxHash(block, t.Seq.TxIndex, out var h) ? h.ToString() : "";
            long logIndex = t.Seq.Sub == 0 ? -1 : t.Seq.Sub - 1;
            yield return new TransferExportRow(token, Name(t.FromId), Name(t.ToId), t.Amount.ToString(), hash,
                logIndex, (long)block, lastTime);
        }
    }

    private static Func<uint, Address?> DefaultTokenResolver(IChainReader reader)
    {
        var map = new Dictionary<uint, Address>();
        foreach (var t in reader.Profile.Tokens)
            if (reader.TryGetTokenId(t.Contract, out var id)) map[id] = t.Contract;
        return id => map.TryGetValue(id, out var a) ? a : null;
    }

    private static async Task<long> WriteTextAsync(IEnumerable<TransferExportRow> rows, Stream output, bool csv,
        TransferExportOptions options, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        await using (writer.ConfigureAwait(false))
        {
            if (csv) await writer.WriteLineAsync(string.Join(',', Columns)).ConfigureAwait(false);
            long n = 0;
            var json = new JsonRowWriter();
            foreach (var r in rows)
            {
                if (csv)
                {
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{r.TokenAddress},{r.FromAddress},{r.ToAddress},{r.Value},{r.TransactionHash},{r.LogIndex},{r.BlockNumber},{r.BlockTimestamp}"))
                        .ConfigureAwait(false);
                }
                else
                {
                    await writer.WriteLineAsync(json.Serialize(r)).ConfigureAwait(false);
                }
                if ((++n & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    options.OnProgress?.Invoke(n);
                }
            }
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            options.OnProgress?.Invoke(n);
            return n;
        }
    }

    private static async Task<long> WriteParquetAsync(IEnumerable<TransferExportRow> rows, Stream output,
        TransferExportOptions options, CancellationToken cancellationToken)
    {
        var fTokenAddress = new DataField<string>("token_address", false);
        var fFrom = new DataField<string>("from_address", false);
        var fTo = new DataField<string>("to_address", false);
        var fValue = new DataField<string>("value", false);
        var fHash = new DataField<string>("transaction_hash", false);
        var fLogIndex = new DataField<long>("log_index", false);
        var fBlock = new DataField<long>("block_number", false);
        var fTime = new DataField<long?>("block_timestamp", true);
        var schema = new ParquetSchema(fTokenAddress, fFrom, fTo, fValue, fHash, fLogIndex, fBlock, fTime);

        int size = Math.Max(1, options.RowGroupSize);
        var tokenAddress = new List<string>(size);
        var from = new List<string>(size);
        var to = new List<string>(size);
        var value = new List<string>(size);
        var hash = new List<string>(size);
        var logIndex = new long[size];
        var block = new long[size];
        var time = new long?[size];
        int count = 0;
        long total = 0;

        var writer = await ParquetWriter.CreateAsync(schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var _ = writer.ConfigureAwait(false);
        async Task FlushAsync()
        {
            if (count == 0) return;
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(fTokenAddress, tokenAddress, null).ConfigureAwait(false);
            await group.WriteAsync(fFrom, from, null).ConfigureAwait(false);
            await group.WriteAsync(fTo, to, null).ConfigureAwait(false);
            await group.WriteAsync(fValue, value, null).ConfigureAwait(false);
            await group.WriteAsync(fHash, hash, null).ConfigureAwait(false);
            await group.WriteAsync<long>(fLogIndex, logIndex.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<long>(fBlock, block.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<long>(fTime, time.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
            tokenAddress.Clear(); from.Clear(); to.Clear(); value.Clear(); hash.Clear();
            count = 0;
            options.OnProgress?.Invoke(total);
        }

        foreach (var r in rows)
        {
            tokenAddress.Add(r.TokenAddress);
            from.Add(r.FromAddress);
            to.Add(r.ToAddress);
            value.Add(r.Value);
            hash.Add(r.TransactionHash);
            logIndex[count] = r.LogIndex;
            block[count] = r.BlockNumber;
            time[count] = r.BlockTimestamp;
            count++;
            total++;
            if (count == size)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await FlushAsync().ConfigureAwait(false);
            }
        }
        await FlushAsync().ConfigureAwait(false);
        return total;
    }

    /// <summary>Serialises one row as a compact JSON object, reusing its buffer.</summary>
    private sealed class JsonRowWriter
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(512);
        private readonly Utf8JsonWriter _json;

        public JsonRowWriter() => _json = new Utf8JsonWriter(_buffer);

        public string Serialize(in TransferExportRow r)
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteString("token_address"u8, r.TokenAddress);
            _json.WriteString("from_address"u8, r.FromAddress);
            _json.WriteString("to_address"u8, r.ToAddress);
            _json.WriteString("value"u8, r.Value);
            _json.WriteString("transaction_hash"u8, r.TransactionHash);
            _json.WriteNumber("log_index"u8, r.LogIndex);
            _json.WriteNumber("block_number"u8, r.BlockNumber);
            if (r.BlockTimestamp is { } ts) _json.WriteNumber("block_timestamp"u8, ts);
            else _json.WriteNull("block_timestamp"u8);
            _json.WriteEndObject();
            _json.Flush();
            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }
    }
}

/// <summary>One exported transfer.</summary>
/// <param name="TokenAddress">Token contract.</param>
/// <param name="FromAddress">Sender.</param>
/// <param name="ToAddress">Receiver.</param>
/// <param name="Value">Amount in base units, exact decimal.</param>
/// <param name="TransactionHash">0x hash; empty when transactions were not indexed.</param>
/// <param name="LogIndex">Block-wide log index.</param>
/// <param name="BlockNumber">Block number.</param>
/// <param name="BlockTimestamp">Block time (Unix seconds), null when unknown.</param>
public readonly record struct TransferExportRow(
    string TokenAddress, string FromAddress, string ToAddress, string Value, string TransactionHash,
    long LogIndex, long BlockNumber, long? BlockTimestamp);
