using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace ChainTrace.Primitives;

/// <summary>
/// An unsigned 256-bit integer: an ERC-20 amount in base units. Arithmetic wraps modulo 2^256, so a running
/// balance can also be read as a two's-complement signed value (<see cref="IsNegative"/>), which is what a
/// balance becomes when history before the indexed range is missing.
/// </summary>
public readonly struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>
{
    // Little-endian limbs: _u0 is the least significant 64 bits.
    private readonly ulong _u0, _u1, _u2, _u3;

    /// <summary>Zero.</summary>
    public static readonly UInt256 Zero;

    /// <summary>2^256 − 1.</summary>
    public static readonly UInt256 MaxValue = new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    /// <summary>Builds a value from its four 64-bit limbs, least significant first.</summary>
    public UInt256(ulong u0, ulong u1 = 0, ulong u2 = 0, ulong u3 = 0)
    {
        _u0 = u0; _u1 = u1; _u2 = u2; _u3 = u3;
    }

    /// <summary>Least significant limb.</summary>
    public ulong Low => _u0;

    /// <summary>True when the value is zero.</summary>
    public bool IsZero => (_u0 | _u1 | _u2 | _u3) == 0;

    /// <summary>True when the value fits in 64 bits.</summary>
    public bool FitsInUInt64 => (_u1 | _u2 | _u3) == 0;

    /// <summary>True when the top bit is set: read as a signed balance, the value is negative.</summary>
    public bool IsNegative => (long)_u3 < 0;

    /// <summary>Implicit conversion from a 64-bit value.</summary>
    public static implicit operator UInt256(ulong value) => new(value);

    /// <summary>Adds modulo 2^256.</summary>
    public static UInt256 operator +(UInt256 a, UInt256 b)
    {
        ulong r0 = a._u0 + b._u0; ulong c = r0 < a._u0 ? 1UL : 0;
        ulong t1 = a._u1 + b._u1; ulong c1 = t1 < a._u1 ? 1UL : 0; ulong r1 = t1 + c; c1 |= r1 < t1 ? 1UL : 0;
        ulong t2 = a._u2 + b._u2; ulong c2 = t2 < a._u2 ? 1UL : 0; ulong r2 = t2 + c1; c2 |= r2 < t2 ? 1UL : 0;
        ulong r3 = a._u3 + b._u3 + c2;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>Subtracts modulo 2^256.</summary>
    public static UInt256 operator -(UInt256 a, UInt256 b) => a + b.Negate();

    /// <summary>Two's-complement negation modulo 2^256.</summary>
    public UInt256 Negate() => new UInt256(~_u0, ~_u1, ~_u2, ~_u3) + One;

    /// <summary>One.</summary>
    public static readonly UInt256 One = new(1);

    /// <summary>Adds, reporting whether the sum overflowed 256 bits.</summary>
    public static bool TryAdd(UInt256 a, UInt256 b, out UInt256 sum)
    {
        sum = a + b;
        return sum >= a;
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(UInt256 a, UInt256 b) => a.Equals(b);

    /// <summary>Inequality.</summary>
    public static bool operator !=(UInt256 a, UInt256 b) => !a.Equals(b);

    /// <summary>Unsigned less-than.</summary>
    public static bool operator <(UInt256 a, UInt256 b) => a.CompareTo(b) < 0;

    /// <summary>Unsigned greater-than.</summary>
    public static bool operator >(UInt256 a, UInt256 b) => a.CompareTo(b) > 0;

    /// <summary>Unsigned less-or-equal.</summary>
    public static bool operator <=(UInt256 a, UInt256 b) => a.CompareTo(b) <= 0;

    /// <summary>Unsigned greater-or-equal.</summary>
    public static bool operator >=(UInt256 a, UInt256 b) => a.CompareTo(b) >= 0;

    /// <inheritdoc/>
    public bool Equals(UInt256 other) => _u0 == other._u0 && _u1 == other._u1 && _u2 == other._u2 && _u3 == other._u3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is UInt256 o && Equals(o);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_u0, _u1, _u2, _u3);

    /// <summary>Unsigned comparison.</summary>
    public int CompareTo(UInt256 other)
    {
        if (_u3 != other._u3) return _u3 < other._u3 ? -1 : 1;
        if (_u2 != other._u2) return _u2 < other._u2 ? -1 : 1;
        if (_u1 != other._u1) return _u1 < other._u1 ? -1 : 1;
        if (_u0 != other._u0) return _u0 < other._u0 ? -1 : 1;
        return 0;
    }

    /// <summary>Signed (two's-complement) comparison, for balances.</summary>
    public int CompareSigned(UInt256 other)
    {
        bool an = IsNegative, bn = other.IsNegative;
        if (an != bn) return an ? -1 : 1;
        return CompareTo(other);
    }

    /// <summary>Writes the 32-byte big-endian form.</summary>
    public void WriteBigEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _u3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _u2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _u1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _u0);
    }

    /// <summary>Reads a big-endian value of at most 32 bytes (shorter inputs are left-padded with zeros).</summary>
    public static UInt256 ReadBigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length > 32) ThrowTooLong();
        Span<byte> buf = stackalloc byte[32];
        buf.Clear();
        source.CopyTo(buf[(32 - source.Length)..]);
        return new UInt256(
            BinaryPrimitives.ReadUInt64BigEndian(buf[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(buf[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(buf[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(buf));
    }

    /// <summary>Number of significant bytes (0 for zero).</summary>
    public int ByteLength
    {
        get
        {
            if (_u3 != 0) return 24 + 8 - (BitOperations.LeadingZeroCount(_u3) >> 3);
            if (_u2 != 0) return 16 + 8 - (BitOperations.LeadingZeroCount(_u2) >> 3);
            if (_u1 != 0) return 8 + 8 - (BitOperations.LeadingZeroCount(_u1) >> 3);
            if (_u0 != 0) return 8 - (BitOperations.LeadingZeroCount(_u0) >> 3);
            return 0;
        }
    }

    /// <summary>Converts to a <see cref="BigInteger"/> (cold paths: printing, tests).</summary>
    public BigInteger ToBigInteger()
    {
        Span<byte> buf = stackalloc byte[32];
        WriteBigEndian(buf);
        return new BigInteger(buf, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Reads the value as a signed two's-complement 256-bit number.</summary>
    public BigInteger ToSignedBigInteger() => IsNegative ? -Negate().ToBigInteger() : ToBigInteger();

    /// <summary>Converts from a <see cref="BigInteger"/>; negative values wrap to two's complement.</summary>
    public static UInt256 FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0) return FromBigInteger(-value).Negate();
        int count = value.GetByteCount(isUnsigned: true);
        if (count > 32) throw new OverflowException("Value does not fit in 256 bits.");
        Span<byte> buf = stackalloc byte[32];
        value.TryWriteBytes(buf, out int written, isUnsigned: true, isBigEndian: true);
        return ReadBigEndian(buf[..written]);
    }

    /// <summary>The value as a double (approximate; for ratios).</summary>
    public double ToDouble() => _u0 + _u1 * 18446744073709551616.0 + _u2 * 3.402823669209385e38 + _u3 * 6.277101735386681e57;

    /// <summary>Decimal digits of the unsigned value.</summary>
    public override string ToString() => FitsInUInt64 ? _u0.ToString(CultureInfo.InvariantCulture) : ToBigInteger().ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats the value in token units with <paramref name="decimals"/> decimals, trimming trailing zeros ("1.5").</summary>
    public string ToTokenString(int decimals) => FormatUnits(ToBigInteger(), decimals);

    /// <summary>Formats a signed base-unit amount in token units.</summary>
    public static string FormatUnits(BigInteger value, int decimals)
    {
        bool neg = value.Sign < 0;
        string digits = BigInteger.Abs(value).ToString(CultureInfo.InvariantCulture);
        string s;
        if (decimals == 0) s = digits;
        else
        {
            if (digits.Length <= decimals) digits = new string('0', decimals - digits.Length + 1) + digits;
            string whole = digits[..^decimals], frac = digits[^decimals..].TrimEnd('0');
            s = frac.Length == 0 ? whole : whole + "." + frac;
        }
        return neg ? "-" + s : s;
    }

    /// <summary>Parses a decimal integer ("123") or a 0x-prefixed hex integer.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out UInt256 value)
    {
        value = default;
        if (text.Length == 0) return false;
        if (text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        {
            var hex = text[2..];
            while (hex.Length > 1 && hex[0] == '0') hex = hex[1..];
            if (hex.Length > 64) return false;
            Span<byte> buf = stackalloc byte[32];
            buf.Clear();
            for (int i = 0; i < hex.Length; i++)
            {
                int nib = Hex.Nibble(hex[hex.Length - 1 - i]);
                if (nib < 0) return false;
                buf[31 - i / 2] |= (byte)(i % 2 == 0 ? nib : nib << 4);
            }
            value = ReadBigEndian(buf);
            return true;
        }
        foreach (char ch in text) if (ch < '0' || ch > '9') return false;
        if (text.Length <= 19) { value = ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture); return true; }
        var big = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        if (big.GetByteCount(isUnsigned: true) > 32) return false;
        value = FromBigInteger(big);
        return true;
    }

    /// <summary>Parses an amount in token units ("1.5" with 6 decimals = 1500000 base units).</summary>
    public static bool TryParseUnits(ReadOnlySpan<char> text, int decimals, out UInt256 value)
    {
        value = default;
        int dot = text.IndexOf('.');
        ReadOnlySpan<char> whole = dot < 0 ? text : text[..dot];
        ReadOnlySpan<char> frac = dot < 0 ? [] : text[(dot + 1)..];
        if (whole.Length == 0 && frac.Length == 0) return false;
        if (frac.Length > decimals) return false;
        string digits = string.Concat(whole.Length == 0 ? "0" : whole, frac, new string('0', decimals - frac.Length));
        return TryParse(digits, out value);
    }

    /// <summary>Parses, throwing <see cref="FormatException"/> on bad input.</summary>
    public static UInt256 Parse(string text) => TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a 256-bit unsigned integer.");

    [DoesNotReturn]
    private static void ThrowTooLong() => throw new ArgumentException("More than 32 bytes for a 256-bit value.");
}
