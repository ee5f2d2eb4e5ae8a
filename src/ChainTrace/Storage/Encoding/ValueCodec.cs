using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ChainTrace.Primitives;

namespace ChainTrace.Storage.Encoding;

/// <summary>
/// Compact value encodings. Amounts: one length byte (0..32) then the minimal big-endian bytes. Balances
/// (two's-complement 256-bit): sign and magnitude, the length byte's top bit is the sign. Small integers
/// (ids, counts): unsigned LEB128.
/// </summary>
internal static class ValueCodec
{
    /// <summary>Largest encoded amount or balance.</summary>
    public const int MaxAmountLength = 33;
    /// <summary>Largest encoded varint.</summary>
    public const int MaxVarintLength = 5;
    /// <summary>Largest edge value: counterparty, count, amount, balance.</summary>
    public const int MaxEdgeValueLength = 2 * MaxVarintLength + 2 * MaxAmountLength;
    /// <summary>Largest transfer value: token, from, to, amount.</summary>
    public const int MaxTransferValueLength = 3 * MaxVarintLength + MaxAmountLength;

    private const byte SignBit = 0x80;

    /// <summary>Writes an unsigned amount; returns the bytes written (1 + significant bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteAmount(Span<byte> destination, in UInt256 value) => WriteMagnitude(destination, value, 0);

    /// <summary>Reads an unsigned amount; returns the bytes consumed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadAmount(ReadOnlySpan<byte> source, out UInt256 value)
    {
        int n = source[0];
        if (n > 32 || source.Length < 1 + n) ThrowCorrupt("amount");
        value = ReadMagnitude(source.Slice(1, n));
        return 1 + n;
    }

    /// <summary>Writes a two's-complement balance as sign and magnitude; returns the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteBalance(Span<byte> destination, in UInt256 value) =>
        value.IsNegative ? WriteMagnitude(destination, value.Negate(), SignBit) : WriteMagnitude(destination, value, 0);

    /// <summary>Reads a balance written by <see cref="WriteBalance"/>; returns the bytes consumed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadBalance(ReadOnlySpan<byte> source, out UInt256 value)
    {
        int head = source[0];
        int n = head & ~SignBit;
        if (n > 32 || source.Length < 1 + n) ThrowCorrupt("balance");
        var magnitude = ReadMagnitude(source.Slice(1, n));
        if ((head & SignBit) != 0)
        {
            if (magnitude.IsZero) ThrowCorrupt("balance");
            value = magnitude.Negate();
        }
        else
        {
            value = magnitude;
        }
        return 1 + n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteMagnitude(Span<byte> destination, in UInt256 value, byte flag)
    {
        if (value.FitsInUInt64)
        {
            ulong v = value.Low;
            int n = v == 0 ? 0 : 8 - (System.Numerics.BitOperations.LeadingZeroCount(v) >> 3);
            destination[0] = (byte)(n | flag);
            for (int i = n; i > 0; i--)
            {
                destination[i] = (byte)v;
                v >>= 8;
            }
            return 1 + n;
        }
        int len = value.ByteLength;
        Span<byte> full = stackalloc byte[32];
        value.WriteBigEndian(full);
        destination[0] = (byte)(len | flag);
        full[(32 - len)..].CopyTo(destination[1..]);
        return 1 + len;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt256 ReadMagnitude(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= 8)
        {
            ulong v = 0;
            foreach (byte b in bytes) v = (v << 8) | b;
            return new UInt256(v);
        }
        return UInt256.ReadBigEndian(bytes);
    }

    /// <summary>Writes an unsigned LEB128 integer; returns the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteVarint(Span<byte> destination, uint value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads an unsigned LEB128 integer; returns the bytes consumed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadVarint(ReadOnlySpan<byte> source, out uint value)
    {
        uint result = 0;
        int shift = 0;
        for (int i = 0; i < MaxVarintLength && i < source.Length; i++)
        {
            byte b = source[i];
            if (i == MaxVarintLength - 1 && b > 0x0F) break;
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                value = result;
                return i + 1;
            }
            shift += 7;
        }
        value = 0;
        ThrowCorrupt("varint");
        return 0;
    }

    /// <summary>Writes an edge value: counterparty, count, amount, balance after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteEdge(Span<byte> destination, uint counterparty, uint count, in UInt256 amount, in UInt256 balanceAfter)
    {
        int n = WriteVarint(destination, counterparty);
        n += WriteVarint(destination[n..], count);
        n += WriteAmount(destination[n..], amount);
        n += WriteBalance(destination[n..], balanceAfter);
        return n;
    }

    /// <summary>Reads an edge value into an <see cref="Edge"/> at <paramref name="seq"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Edge ReadEdge(ReadOnlySpan<byte> value, Seq seq)
    {
        int n = ReadVarint(value, out uint counterparty);
        n += ReadVarint(value[n..], out uint count);
        n += ReadAmount(value[n..], out var amount);
        n += ReadBalance(value[n..], out var balance);
        if (n != value.Length) ThrowCorrupt("edge");
        return new Edge(seq, counterparty, amount, balance, count);
    }

    /// <summary>Writes a transfer value: token, from, to, amount.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteTransfer(Span<byte> destination, uint token, uint from, uint to, in UInt256 amount)
    {
        int n = WriteVarint(destination, token);
        n += WriteVarint(destination[n..], from);
        n += WriteVarint(destination[n..], to);
        n += WriteAmount(destination[n..], amount);
        return n;
    }

    /// <summary>Reads a transfer value.</summary>
    public static TransferRecord ReadTransfer(ReadOnlySpan<byte> value, Seq seq)
    {
        int n = ReadVarint(value, out uint token);
        n += ReadVarint(value[n..], out uint from);
        n += ReadVarint(value[n..], out uint to);
        n += ReadAmount(value[n..], out var amount);
        if (n != value.Length) ThrowCorrupt("transfer");
        return new TransferRecord(seq, token, from, to, amount);
    }

    /// <summary>Writes three ids then an amount (approvals: token, owner, spender, amount).</summary>
    public static int WriteIds3Amount(Span<byte> destination, uint a, uint b, uint c, in UInt256 amount) => WriteTransfer(destination, a, b, c, amount);

    /// <summary>Writes two ids then an amount (native: from, to, value).</summary>
    public static int WriteIds2Amount(Span<byte> destination, uint a, uint b, in UInt256 amount)
    {
        int n = WriteVarint(destination, a);
        n += WriteVarint(destination[n..], b);
        n += WriteAmount(destination[n..], amount);
        return n;
    }

    /// <summary>Reads two ids then an amount.</summary>
    public static void ReadIds2Amount(ReadOnlySpan<byte> value, out uint a, out uint b, out UInt256 amount)
    {
        int n = ReadVarint(value, out a);
        n += ReadVarint(value[n..], out b);
        n += ReadAmount(value[n..], out amount);
        if (n != value.Length) ThrowCorrupt("record");
    }

    /// <summary>Writes one id then an amount (native_in: from, value).</summary>
    public static int WriteIdAmount(Span<byte> destination, uint a, in UInt256 amount)
    {
        int n = WriteVarint(destination, a);
        n += WriteAmount(destination[n..], amount);
        return n;
    }

    /// <summary>Reads one id then an amount.</summary>
    public static void ReadIdAmount(ReadOnlySpan<byte> value, out uint a, out UInt256 amount)
    {
        int n = ReadVarint(value, out a);
        n += ReadAmount(value[n..], out amount);
        if (n != value.Length) ThrowCorrupt("record");
    }

    /// <summary>Throws the error for a stored value that does not decode.</summary>
    [DoesNotReturn]
    public static void ThrowCorrupt(string what) => throw new StoreException($"The store holds a malformed {what} value; the database is corrupt or was written by another program.");
}
