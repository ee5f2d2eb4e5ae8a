using System.Text.Json;
using ChainTrace.Primitives;

namespace ChainTrace.Ingest.Json;

internal sealed partial class JsonRpcParser
{
    private const int ValueScratchSize = 2 + 2 * LogRules.MaxDecodedData;

    [Flags]
    private enum LogFields : ushort
    {
        None = 0,
        Address = 1,
        Topics = 2,
        Data = 4,
        BlockNumber = 8,
        TransactionIndex = 16,
        LogIndex = 32,
        TransactionHash = 64,
        BlockHash = 128,
        Removed = 256,
        BlockTimestamp = 512,
        Required = Address | Topics | Data | BlockNumber | TransactionIndex | LogIndex,
    }

    private static LogFields LogField(ReadOnlySpan<byte> n) => n.Length switch
    {
        7 => n.SequenceEqual("address"u8) ? LogFields.Address : n.SequenceEqual("removed"u8) ? LogFields.Removed : LogFields.None,
        6 => n.SequenceEqual("topics"u8) ? LogFields.Topics : LogFields.None,
        4 => n.SequenceEqual("data"u8) ? LogFields.Data : LogFields.None,
        11 => n.SequenceEqual("blockNumber"u8) ? LogFields.BlockNumber : LogFields.None,
        16 => n.SequenceEqual("transactionIndex"u8) ? LogFields.TransactionIndex : LogFields.None,
        8 => n.SequenceEqual("logIndex"u8) ? LogFields.LogIndex : LogFields.None,
        15 => n.SequenceEqual("transactionHash"u8) ? LogFields.TransactionHash : LogFields.None,
        9 => n.SequenceEqual("blockHash"u8) ? LogFields.BlockHash : LogFields.None,
        14 => n.SequenceEqual("blockTimestamp"u8) ? LogFields.BlockTimestamp : LogFields.None,
        _ => LogFields.None,
    };

    /// <summary>
    /// Decodes one log object (reader on its StartObject) and emits it. False, with nothing emitted, when the
    /// object is not complete in the buffer.
    /// </summary>
    private bool DecodeLog(ref Utf8JsonReader r)
    {
        long start = r.TokenStartIndex;
        Span<byte> name = stackalloc byte[JsonValues.NameScratchSize];
        Span<byte> scratch = stackalloc byte[ValueScratchSize];
        Span<byte> topics = stackalloc byte[LogRules.MaxTopics * 32];
        Span<byte> data = stackalloc byte[LogRules.MaxDecodedData];
        int topicCount = 0, dataLength = 0;
        var seen = LogFields.None;
        TokenEvent ev = default;
        while (true)
        {
            if (!r.Read()) return false;
            if (r.TokenType == JsonTokenType.EndObject) break;
            var field = LogField(JsonValues.Name(in r, name));
            if (field == LogFields.None)
            {
                if (!r.TrySkip()) return false;
                continue;
            }
            if (!r.Read()) return false;
            if (r.TokenType == JsonTokenType.Null && (field & LogFields.Required) == 0) continue;
            seen |= field;
            switch (field)
            {
                case LogFields.Address:
                    ev.Token = ReadAddress(in r, scratch, "address");
                    break;
                case LogFields.Topics:
                    topicCount = ReadTopics(ref r, topics, scratch);
                    if (topicCount < 0) return false;
                    break;
                case LogFields.Data:
                    dataLength = ReadData(in r, data, scratch, "data");
                    break;
                case LogFields.BlockNumber:
                    ev.Block = ReadBlockNumber(in r, scratch, "blockNumber");
                    _currentBlock = ev.Block;
                    break;
                case LogFields.TransactionIndex:
                    ev.TxIndex = ReadIndex(in r, scratch, "transactionIndex", ushort.MaxValue);
                    break;
                case LogFields.LogIndex:
                    ev.LogIndex = ReadIndex(in r, scratch, "logIndex", ushort.MaxValue - 1);
                    break;
                case LogFields.TransactionHash:
                    ev.TxHash = ReadHash(in r, scratch, "transactionHash");
                    break;
                case LogFields.BlockHash:
                    ev.BlockHash = ReadHash(in r, scratch, "blockHash");
                    break;
                case LogFields.BlockTimestamp:
                    ev.Timestamp = ReadTimestamp(in r, scratch, "blockTimestamp", _millis);
                    break;
                case LogFields.Removed:
                    if (r.TokenType is not (JsonTokenType.True or JsonTokenType.False)) Fail(in r, "removed", "expected true or false");
                    ev.Removed = r.TokenType == JsonTokenType.True;
                    break;
            }
        }
        if ((seen & LogFields.Required) != LogFields.Required) MissingLogField(start, seen);
        Emit(topics, topicCount, data, dataLength, ref ev);
        return true;
    }

    private void Emit(ReadOnlySpan<byte> topics, int topicCount, ReadOnlySpan<byte> data, int dataLength, ref TokenEvent ev)
    {
        if (LogRules.TryClassify(topics, topicCount, data, dataLength, _tron, ref ev, out var reason))
            _sink.OnTokenEvent(in ev);
        else
            _sink.OnSkipped(reason, ev.Block);
    }

    private void MissingLogField(long start, LogFields seen)
    {
        foreach (var f in (ReadOnlySpan<LogFields>)[LogFields.Address, LogFields.Topics, LogFields.Data, LogFields.BlockNumber, LogFields.TransactionIndex, LogFields.LogIndex])
            if ((seen & f) == 0)
                FailAt(start, FieldName(f), "the log has no " + FieldName(f));
    }

    private static string FieldName(LogFields f) => f switch
    {
        LogFields.Address => "address",
        LogFields.Topics => "topics",
        LogFields.Data => "data",
        LogFields.BlockNumber => "blockNumber",
        LogFields.TransactionIndex => "transactionIndex",
        _ => "logIndex",
    };

    /// <summary>Reads the topics array into 32-byte slots; −1 when the array is not complete in the buffer.</summary>
    private int ReadTopics(ref Utf8JsonReader r, scoped Span<byte> topics, scoped Span<byte> scratch)
    {
        if (r.TokenType != JsonTokenType.StartArray) Fail(in r, "topics", "expected an array of topics");
        int n = 0;
        while (true)
        {
            if (!r.Read()) return -1;
            if (r.TokenType == JsonTokenType.EndArray) return n;
            if (n == LogRules.MaxTopics) Fail(in r, "topics", "a log has at most 4 topics");
            if (r.TokenType != JsonTokenType.String || !JsonValues.TryText(in r, scratch, out var text)
                || !JsonValues.TryHexFixed(text, topics.Slice(n * 32, 32)))
                Fail(in r, "topics", "expected a 32-byte topic (0x + 64 hex digits)");
            n++;
        }
    }

    /// <summary>
    /// Reads hex data; decodes it into <paramref name="data"/> when it is at most 96 bytes (the longest any event
    /// we decode carries), else only checks its length. Returns the length in bytes.
    /// </summary>
    private int ReadData(in Utf8JsonReader r, Span<byte> data, Span<byte> scratch, string field)
    {
        if (r.TokenType != JsonTokenType.String) Fail(in r, field, "expected hex data");
        if (JsonValues.RawLength(in r) <= scratch.Length && JsonValues.TryText(in r, scratch, out var text))
        {
            var digits = JsonValues.Digits(text);
            if ((digits.Length & 1) != 0) Fail(in r, field, "hex data has an odd number of digits");
            if (digits.Length / 2 > data.Length) return digits.Length / 2; // longer than any event we decode
            if (!JsonValues.TryHexBytes(digits, data, out int length)) Fail(in r, field, "not hex");
            return length;
        }
        if (r.ValueIsEscaped) Fail(in r, field, "hex data must not contain escapes");
        long raw = JsonValues.RawLength(in r);
        long digitCount = JsonValues.RawStartsWith0x(in r) ? raw - 2 : raw;
        if ((digitCount & 1) != 0) Fail(in r, field, "hex data has an odd number of digits");
        if (digitCount / 2 > int.MaxValue) Fail(in r, field, "hex data too long");
        return (int)(digitCount / 2);
    }

    private Address ReadAddress(in Utf8JsonReader r, Span<byte> scratch, string field)
    {
        if (r.TokenType != JsonTokenType.String || !JsonValues.TryText(in r, scratch, out var text) || !JsonValues.TryAddress(text, out var address))
        {
            Fail(in r, field, "expected a 20-byte address (0x + 40 hex digits)");
            return default;
        }
        return address;
    }

    private Hash32 ReadHash(in Utf8JsonReader r, Span<byte> scratch, string field)
    {
        if (r.TokenType != JsonTokenType.String || !JsonValues.TryText(in r, scratch, out var text) || !JsonValues.TryHash(text, out var hash))
        {
            Fail(in r, field, "expected a 32-byte hash (0x + 64 hex digits)");
            return default;
        }
        return hash;
    }

    /// <summary>A quantity: a hex string ("0x1b4") or a JSON number.</summary>
    private ulong ReadQuantity(in Utf8JsonReader r, Span<byte> scratch, string field)
    {
        ulong value;
        if (r.TokenType == JsonTokenType.String)
        {
            if (JsonValues.TryText(in r, scratch, out var text) && JsonValues.TryQuantity(text, out value)) return value;
        }
        else if (r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out value))
        {
            return value;
        }
        Fail(in r, field, "expected a hex quantity of at most 64 bits");
        return 0;
    }

    private ulong ReadBlockNumber(in Utf8JsonReader r, Span<byte> scratch, string field)
    {
        ulong n = ReadQuantity(in r, scratch, field);
        if (n > uint.MaxValue) Fail(in r, field, "block numbers above 2^32 − 1 are not supported");
        return n;
    }

    private uint ReadIndex(in Utf8JsonReader r, Span<byte> scratch, string field, uint max)
    {
        ulong n = ReadQuantity(in r, scratch, field);
        if (n > max) Fail(in r, field, $"index above {max} is not supported");
        return (uint)n;
    }

    private long ReadTimestamp(in Utf8JsonReader r, Span<byte> scratch, string field, bool milliseconds)
    {
        ulong n = ReadQuantity(in r, scratch, field);
        if (milliseconds) n /= 1000;
        if (n > long.MaxValue) Fail(in r, field, "timestamp out of range");
        return (long)n;
    }

    private UInt256 ReadValue(in Utf8JsonReader r, Span<byte> scratch, string field)
    {
        if (r.TokenType == JsonTokenType.String)
        {
            if (!JsonValues.TryText(in r, scratch, out var text)) Fail(in r, field, "value is longer than 32 bytes");
            switch (JsonValues.TryUInt256(text, out var value))
            {
                case JsonValues.UInt256Status.Ok: return value;
                case JsonValues.UInt256Status.TooLarge: Fail(in r, field, "value is longer than 32 bytes (above 2^256 − 1)"); break;
                default: Fail(in r, field, "expected a hex quantity"); break;
            }
        }
        else if (r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out ulong small))
        {
            return small;
        }
        Fail(in r, field, "expected a hex quantity");
        return default;
    }
}
