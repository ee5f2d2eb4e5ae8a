using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using ChainTrace.Primitives;

namespace ChainTrace.Storage.Encoding;

/// <summary>
/// Fixed-width big-endian keys: the byte order RocksDB sorts by is the numeric order of the fields, so a
/// range scan over one address and token is a scan in time order.
/// </summary>
internal static class KeyCodec
{
    /// <summary>Length of an edge key: id (4) | token (4) | seq (8). Blacklist keys share the layout.</summary>
    public const int EdgeKeyLength = 16;
    /// <summary>Length of an id key.</summary>
    public const int IdKeyLength = 4;
    /// <summary>Length of a seq key.</summary>
    public const int SeqKeyLength = 8;
    /// <summary>Length of a tx key: block (4) | tx index (2).</summary>
    public const int TxKeyLength = 6;
    /// <summary>Length of a block key.</summary>
    public const int BlockKeyLength = 4;
    /// <summary>Length of a native_in key: to id (4) | seq (8).</summary>
    public const int IdSeqKeyLength = 12;

    /// <summary>Writes id | token | seq.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteEdgeKey(Span<byte> destination, uint id, uint token, ulong seq)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, id);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], token);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], seq);
    }

    /// <summary>Reads id | token | seq.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReadEdgeKey(ReadOnlySpan<byte> key, out uint id, out uint token, out Seq seq)
    {
        id = BinaryPrimitives.ReadUInt32BigEndian(key);
        token = BinaryPrimitives.ReadUInt32BigEndian(key[4..]);
        seq = new Seq(BinaryPrimitives.ReadUInt64BigEndian(key[8..]));
    }

    /// <summary>
    /// Writes the exclusive upper bound of the (id, token) prefix: (id, token + 1, 0), or (id + 1, 0, 0) when the
    /// token is the largest. Returns false when no bound exists (id and token both maximal).
    /// </summary>
    public static bool WriteEdgePrefixEnd(Span<byte> destination, uint id, uint token)
    {
        if (token != uint.MaxValue) { WriteEdgeKey(destination, id, token + 1, 0); return true; }
        if (id != uint.MaxValue) { WriteEdgeKey(destination, id + 1, 0, 0); return true; }
        return false;
    }

    /// <summary>Writes a 4-byte id (or block) key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteId(Span<byte> destination, uint id) => BinaryPrimitives.WriteUInt32BigEndian(destination, id);

    /// <summary>Reads a 4-byte id (or block) key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadId(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadUInt32BigEndian(key);

    /// <summary>Writes an 8-byte seq key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteSeq(Span<byte> destination, ulong seq) => BinaryPrimitives.WriteUInt64BigEndian(destination, seq);

    /// <summary>Reads an 8-byte seq key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Seq ReadSeq(ReadOnlySpan<byte> key) => new(BinaryPrimitives.ReadUInt64BigEndian(key));

    /// <summary>Writes block | tx index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteTxKey(Span<byte> destination, uint block, ushort txIndex)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, block);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], txIndex);
    }

    /// <summary>Reads block | tx index.</summary>
    public static void ReadTxKey(ReadOnlySpan<byte> key, out uint block, out ushort txIndex)
    {
        block = BinaryPrimitives.ReadUInt32BigEndian(key);
        txIndex = BinaryPrimitives.ReadUInt16BigEndian(key[4..]);
    }

    /// <summary>Writes id | seq.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteIdSeq(Span<byte> destination, uint id, ulong seq)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, id);
        BinaryPrimitives.WriteUInt64BigEndian(destination[4..], seq);
    }

    /// <summary>Reads id | seq.</summary>
    public static void ReadIdSeq(ReadOnlySpan<byte> key, out uint id, out Seq seq)
    {
        id = BinaryPrimitives.ReadUInt32BigEndian(key);
        seq = new Seq(BinaryPrimitives.ReadUInt64BigEndian(key[4..]));
    }

    /// <summary>Prefix of a token-by-contract key in the tokens family.</summary>
    public const byte TokenByContract = (byte)'a';
    /// <summary>Prefix of a token-by-id key in the tokens family.</summary>
    public const byte TokenById = (byte)'i';

    /// <summary>Writes 'a' | contract (21 bytes).</summary>
    public static void WriteTokenContractKey(Span<byte> destination, Address contract)
    {
        destination[0] = TokenByContract;
        contract.WriteTo(destination[1..]);
    }

    /// <summary>Writes 'i' | token id (5 bytes).</summary>
    public static void WriteTokenIdKey(Span<byte> destination, uint tokenId)
    {
        destination[0] = TokenById;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], tokenId);
    }
}
