using System.Buffers.Binary;

namespace ChainTrace.Primitives;

/// <summary>
/// Position of an event in the chain's total order: <c>block:32 | txIndex:16 | sub:16</c>, where sub is 0 for
/// a transaction's native value transfer and 1 + logIndex for its logs. Big-endian in keys, so RocksDB's byte
/// order is time order.
/// </summary>
public readonly record struct Seq(ulong Value) : IComparable<Seq>
{
    /// <summary>The smallest position.</summary>
    public static readonly Seq MinValue = new(0);

    /// <summary>The largest position.</summary>
    public static readonly Seq MaxValue = new(ulong.MaxValue);

    /// <summary>Builds a position from its parts.</summary>
    public static Seq From(ulong block, uint txIndex, uint sub)
    {
        if (block > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(block), block, "Block numbers above 2^32 − 1 do not fit in a Seq.");
        if (txIndex > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(txIndex), txIndex, "Transaction index above 65535.");
        if (sub > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(sub), sub, "Log index above 65534.");
        return new Seq((block << 32) | ((ulong)txIndex << 16) | sub);
    }

    /// <summary>Position of log <paramref name="logIndex"/> (block-wide) in transaction <paramref name="txIndex"/>.</summary>
    public static Seq ForLog(ulong block, uint txIndex, uint logIndex) => From(block, txIndex, logIndex + 1);

    /// <summary>Position of a transaction's native value transfer.</summary>
    public static Seq ForNative(ulong block, uint txIndex) => From(block, txIndex, 0);

    /// <summary>First position in a block.</summary>
    public static Seq BlockStart(ulong block) => new(block << 32);

    /// <summary>Block number.</summary>
    public ulong Block => Value >> 32;

    /// <summary>Transaction index in the block.</summary>
    public uint TxIndex => (uint)(Value >> 16) & 0xFFFF;

    /// <summary>0 for a native transfer, else 1 + log index.</summary>
    public uint Sub => (uint)Value & 0xFFFF;

    /// <summary>Writes 8 big-endian bytes.</summary>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64BigEndian(destination, Value);

    /// <summary>Reads 8 big-endian bytes.</summary>
    public static Seq Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt64BigEndian(source));

    /// <inheritdoc/>
    public int CompareTo(Seq other) => Value.CompareTo(other.Value);

    /// <summary>Ordering.</summary>
    public static bool operator <(Seq a, Seq b) => a.Value < b.Value;

    /// <summary>Ordering.</summary>
    public static bool operator >(Seq a, Seq b) => a.Value > b.Value;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Seq a, Seq b) => a.Value <= b.Value;

    /// <summary>Ordering.</summary>
    public static bool operator >=(Seq a, Seq b) => a.Value >= b.Value;

    /// <summary>"block:tx:sub".</summary>
    public override string ToString() => $"{Block}:{TxIndex}:{Sub}";
}
