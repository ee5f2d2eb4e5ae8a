using System.Buffers.Binary;

namespace ChainTrace.Primitives;

/// <summary>A 32-byte hash (transaction, block), a value type.</summary>
public readonly struct Hash32 : IEquatable<Hash32>
{
    /// <summary>Size in bytes.</summary>
    public const int Size = 32;

    private readonly ulong _a, _b, _c, _d; // big-endian chunks

    /// <summary>Reads exactly 32 bytes.</summary>
    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"A hash is 32 bytes, got {bytes.Length}.");
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>True when all bytes are zero (unknown).</summary>
    public bool IsZero => (_a | _b | _c | _d) == 0;

    /// <summary>Writes the 32 bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>Decodes 64 hex digits (UTF-8, no prefix).</summary>
    public static bool TryParseHexDigits(ReadOnlySpan<byte> hex64, out Hash32 hash)
    {
        Span<byte> b = stackalloc byte[Size];
        if (!Hex.TryDecode(hex64, b)) { hash = default; return false; }
        hash = new Hash32(b);
        return true;
    }

    /// <summary>Parses 0x + 64 hex digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Hash32 hash)
    {
        Span<byte> b = stackalloc byte[Size];
        if (!Hex.TryDecode(Hex.TrimPrefix(text), b)) { hash = default; return false; }
        hash = new Hash32(b);
        return true;
    }

    /// <summary>Lower-case 0x hex.</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[Size];
        WriteTo(b);
        return Hex.Encode(b);
    }

    /// <inheritdoc/>
    public bool Equals(Hash32 other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Hash32 o && Equals(o);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>Equality.</summary>
    public static bool operator ==(Hash32 a, Hash32 b) => a.Equals(b);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Hash32 a, Hash32 b) => !a.Equals(b);
}
