using System.Numerics;
using System.Runtime.CompilerServices;
using ChainTrace.Primitives;

namespace ChainTrace.Ingest.Etl;

/// <summary>Up to four 32-byte log topics, inline, back to back (the form <c>LogRules</c> reads).</summary>
[InlineArray(4 * 32)]
internal struct Topics128
{
    private byte _element;
}

/// <summary>The first 96 bytes of a log's data, inline (every shape we decode has at most three words).</summary>
[InlineArray(Json.LogRules.MaxDecodedData)]
internal struct Data96
{
    private byte _element;
}

/// <summary>
/// One ethereum-etl row / JSON object, field by field, whatever its table: the CSV and JSON readers fill it from
/// spans, then <see cref="EtlEmitter"/> checks what the table needs and builds the event. A plain struct reused
/// for every record, so decoding allocates nothing.
/// </summary>
internal struct EtlRecord
{
    /// <summary>Fields seen with a non-empty value.</summary>
    public uint Present;
    /// <summary>Fields seen at all (a JSON property with null, an empty CSV cell, or a value).</summary>
    public uint Seen;

    public Address TokenAddress, FromAddress, ToAddress, Address;
    public UInt256 Value;
    public Hash32 TransactionHash, BlockHash, Hash, ParentHash;
    public ulong BlockNumber, Number;
    public uint LogIndex, TransactionIndex, TransactionCount;
    public long BlockTimestamp, Timestamp;
    public int TopicCount;
    public Topics128 Topics;
    public int DataLength;
    public Data96 Data;
    /// <summary>The JSON <c>type</c> property, when present (set by the JSON reader).</summary>
    public EtlTable? Type;
    /// <summary>The JSON <c>type</c> names a record type we do not read.</summary>
    public bool OtherType;

    /// <summary>Clears the record for the next row (only the masks matter; values are overwritten when set).</summary>
    public void Reset()
    {
        Present = 0;
        Seen = 0;
        TopicCount = 0;
        DataLength = 0;
        Type = null;
        OtherType = false;
    }

    /// <summary>True when the field had a non-empty value.</summary>
    public readonly bool Has(EtlField field) => (Present & EtlFields.Bit(field)) != 0;

    /// <summary>
    /// Sets a scalar field from its text. Empty text marks the field seen but absent. <see cref="EtlField.Topics"/>
    /// here takes CSV's comma-separated list; JSON adds topics one by one with <see cref="AddTopic{T}"/>.
    /// </summary>
    public FieldProblem Set<T>(EtlField field, ReadOnlySpan<T> text) where T : unmanaged, IBinaryInteger<T>
    {
        Seen |= EtlFields.Bit(field);
        if (text.IsEmpty) return FieldProblem.None;
        FieldProblem p = FieldProblem.None;
        switch (field)
        {
            case EtlField.TokenAddress: p = Addr(text, out TokenAddress); break;
            case EtlField.FromAddress: p = Addr(text, out FromAddress); break;
            case EtlField.ToAddress: p = Addr(text, out ToAddress); break;
            case EtlField.Address: p = Addr(text, out Address); break;
            case EtlField.TransactionHash: p = HashOf(text, out TransactionHash); break;
            case EtlField.BlockHash: p = HashOf(text, out BlockHash); break;
            case EtlField.Hash: p = HashOf(text, out Hash); break;
            case EtlField.ParentHash: p = HashOf(text, out ParentHash); break;
            case EtlField.Value: p = EtlText.TryParseUInt256(text, out Value); break;
            case EtlField.BlockNumber: p = Block(text, out BlockNumber); break;
            case EtlField.Number: p = Block(text, out Number); break;
            case EtlField.TransactionCount: p = Small(text, int.MaxValue, FieldProblem.CountTooLarge, out TransactionCount); break;
            case EtlField.LogIndex: p = Small(text, 65534, FieldProblem.LogIndexTooLarge, out LogIndex); break;
            case EtlField.TransactionIndex: p = Small(text, 65535, FieldProblem.TxIndexTooLarge, out TransactionIndex); break;
            case EtlField.BlockTimestamp: p = EtlText.TryParseTimestamp(text, out BlockTimestamp) ? FieldProblem.None : FieldProblem.NotTimestamp; break;
            case EtlField.Timestamp: p = EtlText.TryParseTimestamp(text, out Timestamp) ? FieldProblem.None : FieldProblem.NotTimestamp; break;
            case EtlField.Data:
                p = EtlText.TryParseData(text, Data, out DataLength) ? FieldProblem.None : FieldProblem.BadHexData;
                break;
            case EtlField.Topics:
                p = SetTopicList(text);
                break;
            default:
                return FieldProblem.None;
        }
        if (p == FieldProblem.None) Present |= EtlFields.Bit(field);
        return p;
    }

    /// <summary>Adds one topic (JSON array element).</summary>
    public FieldProblem AddTopic<T>(ReadOnlySpan<T> text) where T : unmanaged, IBinaryInteger<T>
    {
        if (TopicCount == 4) return FieldProblem.TooManyTopics;
        Span<byte> topics = Topics;
        if (!EtlText.TryParseHash(text, topics.Slice(32 * TopicCount, 32))) return FieldProblem.NotHash;
        TopicCount++;
        return FieldProblem.None;
    }

    private FieldProblem SetTopicList<T>(ReadOnlySpan<T> text) where T : unmanaged, IBinaryInteger<T>
    {
        TopicCount = 0;
        T comma = T.CreateTruncating(',');
        while (true)
        {
            int at = text.IndexOf(comma);
            var one = at < 0 ? text : text[..at];
            var p = AddTopic(one);
            if (p != FieldProblem.None) return p;
            if (at < 0) return FieldProblem.None;
            text = text[(at + 1)..];
        }
    }

    private static FieldProblem Addr<T>(ReadOnlySpan<T> text, out Address a) where T : unmanaged, IBinaryInteger<T> =>
        EtlText.TryParseAddress(text, out a) ? FieldProblem.None : FieldProblem.NotAddress;

    private static FieldProblem HashOf<T>(ReadOnlySpan<T> text, out Hash32 h) where T : unmanaged, IBinaryInteger<T> =>
        EtlText.TryParseHash(text, out h) ? FieldProblem.None : FieldProblem.NotHash;

    private static FieldProblem Block<T>(ReadOnlySpan<T> text, out ulong block) where T : unmanaged, IBinaryInteger<T>
    {
        var p = EtlText.TryParseUInt64(text, out block);
        if (p == FieldProblem.TooLarge64 || (p == FieldProblem.None && block > uint.MaxValue)) return FieldProblem.BlockTooLarge;
        return p;
    }

    private static FieldProblem Small<T>(ReadOnlySpan<T> text, uint max, FieldProblem tooLarge, out uint value) where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        var p = EtlText.TryParseUInt64(text, out ulong v);
        if (p == FieldProblem.TooLarge64 || (p == FieldProblem.None && v > max)) return tooLarge;
        value = (uint)v;
        return p;
    }
}
