using System.Text.Json;

namespace ChainTrace.Ingest.Etl;

/// <summary>The ethereum-etl export tables ChainTrace reads.</summary>
public enum EtlTable
{
    /// <summary><c>token_transfers</c>: decoded ERC-20 (and, in ethereum-etl, ERC-721) transfers, without transaction index.</summary>
    TokenTransfers,
    /// <summary><c>logs</c>: raw logs (address, data, topics), decoded like JSON-RPC logs.</summary>
    Logs,
    /// <summary><c>blocks</c>: block headers.</summary>
    Blocks,
    /// <summary><c>transactions</c>: transactions with native value.</summary>
    Transactions,
}

/// <summary>
/// Reads ethereum-etl exports (<c>export_blocks_and_transactions</c>, <c>export_receipts_and_logs</c>,
/// <c>export_token_transfers</c>; also BigQuery's <c>crypto_ethereum</c> tables) as CSV or as JSON lines.
/// Columns are matched by header name in any order; extra columns are ignored.
/// </summary>
public static class EtlReader
{
    /// <summary>Which table a CSV file holds, from its header line (UTF-8); null when none fits.</summary>
    public static EtlTable? DetectCsvTable(ReadOnlySpan<byte> headerLine)
    {
        if (headerLine.StartsWith("\uFEFF"u8)) headerLine = headerLine[3..];
        int eol = headerLine.IndexOfAny((byte)'\n', (byte)'\r');
        if (eol >= 0) headerLine = headerLine[..eol];
        uint seen = 0;
        while (true)
        {
            int comma = headerLine.IndexOf((byte)',');
            var name = (comma < 0 ? headerLine : headerLine[..comma]).Trim(" \t"u8);
            if (name.Length >= 2 && name[0] == '"' && name[^1] == '"') name = name[1..^1];
            seen |= EtlFields.Bit(EtlFields.Lookup(name));
            if (comma < 0) break;
            headerLine = headerLine[(comma + 1)..];
        }
        return EtlFields.Classify(seen & ~EtlFields.Bit(EtlField.None));
    }

    /// <summary>
    /// Which table a JSON-lines file holds, from its first object (UTF-8; may be cut short): ethereum-etl's
    /// <c>type</c> property when present, else the property names. Null when none fits or the bytes are not JSON.
    /// </summary>
    public static EtlTable? DetectJsonTable(ReadOnlySpan<byte> firstJsonObject)
    {
        if (firstJsonObject.StartsWith("\uFEFF"u8)) firstJsonObject = firstJsonObject[3..];
        var json = new Utf8JsonReader(firstJsonObject, isFinalBlock: false, state: default);
        uint seen = 0;
        try
        {
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject) return null;
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                var field = json.ValueIsEscaped ? EtlField.None : EtlFields.Lookup(json.ValueSpan);
                if (!json.Read()) break;
                if (field == EtlField.Type && json.TokenType == JsonTokenType.String)
                {
                    if (EtlFields.TableOfType(json.ValueSpan) is { } table) return table;
                }
                seen |= EtlFields.Bit(field);
                if ((json.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) && !json.TrySkip()) break;
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return EtlFields.Classify(seen & ~EtlFields.Bit(EtlField.None));
    }

    /// <summary>
    /// Reads one ethereum-etl file and sends its records to <paramref name="sink"/>: token transfers and decoded
    /// logs as <see cref="TokenEvent"/>s (skipped logs as <see cref="IChainEventSink.OnSkipped"/>), blocks as
    /// <see cref="BlockHeader"/>s, transactions as <see cref="TransactionRecord"/>s. Token transfers of a block are
    /// emitted when the block's rows end, with the transaction index from <paramref name="context"/> (or the rank
    /// fallback, counted in <see cref="EtlContext.TxIndexFallbacks"/>).
    /// </summary>
    /// <param name="decompressed">The file's bytes (already decompressed); not disposed.</param>
    /// <param name="sourceName">File name for errors.</param>
    /// <param name="table">The table the file holds (JSON lines: the default when a line has no <c>type</c>).</param>
    /// <param name="jsonLines">True for JSON lines (one object per line), false for CSV with a header line.</param>
    /// <param name="context">The run's shared state (transaction indexes, block times).</param>
    /// <param name="sink">Receives the records.</param>
    /// <param name="options">Bad-record handling and progress.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="ChainDataException">Bad input (file, line, field), unless skipped by <see cref="DecodeOptions.SkipBad"/>.</exception>
    public static Task ReadAsync(Stream decompressed, string sourceName, EtlTable table, bool jsonLines, EtlContext context,
        IChainEventSink sink, DecodeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decompressed);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(table)) throw new ArgumentOutOfRangeException(nameof(table), table, "Unknown ethereum-etl table.");
        return jsonLines
            ? EtlJsonReader.ReadAsync(decompressed, sourceName, table, context, sink, options, cancellationToken)
            : EtlCsvReader.ReadAsync(decompressed, sourceName, table, context, sink, options, cancellationToken);
    }
}
