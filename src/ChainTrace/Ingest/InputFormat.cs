using System.Text.Json;
using ChainTrace.Ingest.Etl;
using ChainTrace.Ingest.Json;

namespace ChainTrace.Ingest;

/// <summary>What an input file holds, found by sniffing its first bytes (after gzip).</summary>
public enum InputFormat
{
    /// <summary>eth_getLogs JSON-RPC responses (JSON lines, one response, or a batch).</summary>
    JsonRpcLogs,
    /// <summary>eth_getBlockByNumber/ByHash responses, or bare block objects.</summary>
    JsonRpcBlocks,
    /// <summary>eth_getBlockReceipts/eth_getTransactionReceipt responses, or bare receipts.</summary>
    JsonRpcReceipts,
    /// <summary>erigon rpc-tests records: <c>[{"request":…,"response":…}]</c>.</summary>
    ErigonRequestResponse,
    /// <summary>A bare JSON array of log objects, or one log object per line.</summary>
    BareLogArray,
    /// <summary>An ethereum-etl / BigQuery CSV export (see <see cref="InputFile.EtlTable"/>).</summary>
    EtlCsv,
    /// <summary>An ethereum-etl JSON-lines export (see <see cref="InputFile.EtlTable"/>).</summary>
    EtlJsonLines,
    /// <summary>TRON /wallet/gettransactioninfobyid results (one, an array, or an id → info object).</summary>
    TronTxInfo,
}

/// <summary>An input file with its detected format.</summary>
/// <param name="Path">File path.</param>
/// <param name="Format">Detected format.</param>
/// <param name="Length">Size on disk in bytes (compressed size for gzip).</param>
/// <param name="EtlTable">The ethereum-etl table, for <see cref="InputFormat.EtlCsv"/> and <see cref="InputFormat.EtlJsonLines"/>.</param>
public sealed record InputFile(string Path, InputFormat Format, long Length, EtlTable? EtlTable = null)
{
    /// <summary>Reading order: 0 blocks, 1 transactions, 2 logs, receipts and transfers.</summary>
    internal int Rank { get; init; } = 2;
}

/// <summary>Detects the format of an input from its first bytes.</summary>
public static class InputFormatDetector
{
    /// <summary>How many leading (decompressed) bytes detection looks at.</summary>
    public const int SniffBytes = 64 * 1024;

    /// <summary>
    /// Detects the format from the first bytes of the decompressed input; throws <see cref="ChainDataException"/>
    /// ("unknown format") naming <paramref name="sourceName"/> when nothing matches.
    /// </summary>
    /// <param name="head">Up to <see cref="SniffBytes"/> leading bytes.</param>
    /// <param name="isWholeInput">True when <paramref name="head"/> is the whole input.</param>
    /// <param name="sourceName">File name, for the error message.</param>
    public static InputFile Detect(ReadOnlySpan<byte> head, bool isWholeInput, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        return Sniff(head, isWholeInput) ?? throw new ChainDataException(sourceName, null, 0, null, Describe(head));
    }

    private static string Describe(ReadOnlySpan<byte> head)
    {
        var text = Trim(head);
        if (text.IsEmpty) return "unknown format: the input is empty";
        int n = text.IndexOfAny((byte)'\n', (byte)'\r');
        var first = text[..(n < 0 ? Math.Min(text.Length, 60) : Math.Min(n, 60))];
        return "unknown format: not JSON-RPC logs/blocks/receipts, an erigon record, TRON transaction info or an " +
               $"ethereum-etl export (starts with \"{System.Text.Encoding.UTF8.GetString(first)}\")";
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) head = head[3..];
        int k = head.IndexOfAnyExcept(" \t\r\n"u8);
        return k < 0 ? default : head[k..];
    }

    internal static InputFile? Sniff(ReadOnlySpan<byte> head, bool complete)
    {
        var text = Trim(head);
        if (text.IsEmpty) return null;
        int nl = text.IndexOf((byte)'\n');
        var firstLine = (nl < 0 ? text : text[..nl]).TrimEnd("\r \t"u8);
        if (text[0] == '{' && (nl >= 0 || complete) && EtlReader.DetectJsonTable(firstLine) is { } jsonTable)
            return Make(InputFormat.EtlJsonLines, jsonTable);
        if (text[0] is (byte)'{' or (byte)'[')
        {
            try
            {
                return SniffJson(text, complete);
            }
            catch (JsonException)
            {
                // Malformed from the start: still JSON-RPC to us; the decoder reports where and what.
                return Make(InputFormat.JsonRpcLogs, null);
            }
        }
        if ((nl >= 0 || complete) && firstLine.Contains((byte)',') && EtlReader.DetectCsvTable(firstLine) is { } csvTable)
            return Make(InputFormat.EtlCsv, csvTable);
        return null;
    }

    private static InputFile Make(InputFormat format, EtlTable? table, int? rank = null) =>
        new("", format, 0, table)
        {
            Rank = rank ?? (format == InputFormat.JsonRpcBlocks || table == Etl.EtlTable.Blocks ? 0
                : table == Etl.EtlTable.Transactions ? 1 : 2),
        };

    private static InputFile? SniffJson(ReadOnlySpan<byte> text, bool complete)
    {
        var r = new Utf8JsonReader(text, complete, new JsonReaderState(new JsonReaderOptions { AllowMultipleValues = true }));
        if (!r.Read()) return null;
        if (r.TokenType == JsonTokenType.StartArray)
        {
            if (!r.Read()) return Make(InputFormat.JsonRpcLogs, null);
            if (r.TokenType == JsonTokenType.EndArray) return Make(InputFormat.BareLogArray, null);
            if (r.TokenType != JsonTokenType.StartObject) return null;
        }
        return ObjectFormat(ref r, topLevel: true);
    }

    /// <summary>Reader on an object's StartObject: what does a file starting with it hold?</summary>
    private static InputFile? ObjectFormat(ref Utf8JsonReader r, bool topLevel)
    {
        bool first = true;
        bool response = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (first && !r.HasValueSequence && JsonShapes.IsTxIdKey(r.ValueSpan)) return Make(InputFormat.TronTxInfo, null);
            first = false;
            if (r.ValueTextEquals("result"u8))
            {
                if (!r.Read()) return Make(InputFormat.JsonRpcLogs, null);
                if (r.TokenType == JsonTokenType.StartArray)
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return Make(InputFormat.JsonRpcLogs, null);
                    return ElementFormat(ref r) ?? Make(InputFormat.JsonRpcLogs, null);
                }
                if (r.TokenType == JsonTokenType.StartObject) return ElementFormat(ref r) ?? Make(InputFormat.JsonRpcLogs, null);
                return Make(InputFormat.JsonRpcLogs, null);
            }
            if (r.ValueTextEquals("request"u8) && topLevel)
            {
                if (!r.Read()) return Make(InputFormat.ErigonRequestResponse, null);
                int rank = 2;
                if (r.TokenType == JsonTokenType.StartObject)
                {
                    int depth = r.CurrentDepth;
                    while (r.Read() && r.CurrentDepth > depth)
                    {
                        if (r.TokenType == JsonTokenType.PropertyName && r.CurrentDepth == depth + 1 && r.ValueTextEquals("method"u8)
                            && r.Read() && r.TokenType == JsonTokenType.String && (r.ValueTextEquals("eth_getBlockByNumber"u8) || r.ValueTextEquals("eth_getBlockByHash"u8)))
                            rank = 0;
                    }
                }
                return Make(InputFormat.ErigonRequestResponse, null, rank);
            }
            switch (JsonShapes.Classify(r.HasValueSequence ? default : r.ValueSpan))
            {
                case JsonShape.Response:
                    response = true;
                    if (r.ValueTextEquals("error"u8)) return Make(InputFormat.JsonRpcLogs, null);
                    break;
                case JsonShape.Erigon:
                    if (topLevel) return Make(InputFormat.ErigonRequestResponse, null);
                    break;
                case JsonShape.Log when !response: return Make(InputFormat.BareLogArray, null);
                case JsonShape.Block when !response: return Make(InputFormat.JsonRpcBlocks, null);
                case JsonShape.Receipt when !response: return Make(InputFormat.JsonRpcReceipts, null);
                case JsonShape.TronTxInfo when !response: return Make(InputFormat.TronTxInfo, null);
            }
            if (!r.TrySkip()) return response ? Make(InputFormat.JsonRpcLogs, null) : null;
        }
        return response ? Make(InputFormat.JsonRpcLogs, null) : null;
    }

    /// <summary>Reader on the first result object: a log, a block or a receipt?</summary>
    private static InputFile? ElementFormat(ref Utf8JsonReader r)
    {
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            switch (JsonShapes.Classify(r.HasValueSequence ? default : r.ValueSpan))
            {
                case JsonShape.Log: return Make(InputFormat.JsonRpcLogs, null);
                case JsonShape.Block: return Make(InputFormat.JsonRpcBlocks, null);
                case JsonShape.Receipt: return Make(InputFormat.JsonRpcReceipts, null);
                case JsonShape.TronTxInfo: return Make(InputFormat.TronTxInfo, null);
            }
            if (!r.TrySkip()) return null;
        }
        return null;
    }
}
