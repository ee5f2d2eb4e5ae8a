using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace ChainTrace.Primitives;

/// <summary>How a chain prints and parses its account addresses.</summary>
public enum AddressFormat
{
    /// <summary>0x-prefixed hex, EIP-55 checksummed (Ethereum and EVM chains).</summary>
    Hex,

    /// <summary>TRON base58check: 0x41 prefix + 20 bytes + 4-byte double-SHA-256 checksum ("T…").</summary>
    TronBase58,
}

/// <summary>A 20-byte account address, a value type that compares byte-wise.</summary>
[SkipLocalsInit]
public readonly struct Address : IEquatable<Address>, IComparable<Address>
{
    /// <summary>Size in bytes.</summary>
    public const int Size = 20;

    private readonly ulong _a; // bytes 0..7, big-endian
    private readonly ulong _b; // bytes 8..15, big-endian
    private readonly uint _c;  // bytes 16..19, big-endian

    /// <summary>The zero address (mints and burns).</summary>
    public static readonly Address Zero;

    /// <summary>Reads an address from exactly 20 bytes.</summary>
    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) ThrowLength(bytes.Length);
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    /// <summary>True for the zero address.</summary>
    public bool IsZero => (_a | _b | _c) == 0;

    /// <summary>Writes the 20 bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
    }

    /// <summary>The 20 bytes as a new array (cold paths).</summary>
    public byte[] ToArray()
    {
        var a = new byte[Size];
        WriteTo(a);
        return a;
    }

    /// <summary>Decodes 40 hex digits (no prefix, any case, no checksum check) from UTF-8 bytes.</summary>
    public static bool TryParseHexDigits(ReadOnlySpan<byte> hex40, out Address address)
    {
        Span<byte> b = stackalloc byte[Size];
        if (!Hex.TryDecode(hex40, b)) { address = default; return false; }
        address = new Address(b);
        return true;
    }

    /// <summary>
    /// Parses "0x" + 40 hex digits in any case; when the letters are mixed case the EIP-55 checksum must hold.
    /// </summary>
    public static bool TryParseHex(ReadOnlySpan<char> text, out Address address, out string? error)
    {
        address = default;
        error = null;
        if (text.Length != 42 || text[0] != '0' || (text[1] | 0x20) != 'x')
        {
            error = text.Length == 42 ? "must start with 0x" : $"expected 0x + 40 hex digits, got {text.Length} characters";
            return false;
        }
        var digits = text[2..];
        Span<byte> b = stackalloc byte[Size];
        if (!Hex.TryDecode(digits, b)) { error = "not hex"; return false; }
        bool hasUpper = false, hasLower = false;
        foreach (char c in digits)
        {
            if (c is >= 'A' and <= 'F') hasUpper = true;
            else if (c is >= 'a' and <= 'f') hasLower = true;
        }
        address = new Address(b);
        if (hasUpper && hasLower && !digits.SequenceEqual(address.ToChecksumHex().AsSpan(2)))
        {
            error = "mixed-case address fails its EIP-55 checksum";
            address = default;
            return false;
        }
        return true;
    }

    /// <summary>Parses a TRON base58check address ("T…").</summary>
    public static bool TryParseTron(ReadOnlySpan<char> text, out Address address, out string? error)
    {
        address = default;
        Span<byte> raw = stackalloc byte[25];
        if (!Base58.TryDecode(text, raw, out int len) || len != 25)
        {
            error = "not a 25-byte base58 string";
            return false;
        }
        if (raw[0] != 0x41) { error = "TRON addresses start with byte 0x41"; return false; }
        Span<byte> h = stackalloc byte[32];
        SHA256.HashData(raw[..21], h);
        SHA256.HashData(h, h);
        if (!h[..4].SequenceEqual(raw[21..25])) { error = "base58check checksum mismatch"; return false; }
        address = new Address(raw[1..21]);
        error = null;
        return true;
    }

    /// <summary>Parses either form: 0x hex (EVM, or TRON's hex with 41 prefix) or TRON base58.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Address address, out string? error)
    {
        text = text.Trim();
        if (text.Length == 42 && text[0] == '0') return TryParseHex(text, out address, out error);
        if (text.Length == 42 && text[0] == '4' && text[1] == '1')
        {
            Span<byte> b = stackalloc byte[Size];
            if (Hex.TryDecode(text[2..], b)) { address = new Address(b); error = null; return true; }
        }
        if (text.Length == 34 && text[0] == 'T') return TryParseTron(text, out address, out error);
        address = default;
        error = "not an address (expected 0x + 40 hex digits or a TRON T… base58 address)";
        return false;
    }

    /// <summary>Parses either form or throws <see cref="FormatException"/> naming the problem.</summary>
    public static Address Parse(string text) =>
        TryParse(text, out var a, out var err) ? a : throw new FormatException($"'{text}': {err}");

    /// <summary>Lower-case 0x hex.</summary>
    public string ToHex()
    {
        Span<byte> b = stackalloc byte[Size];
        WriteTo(b);
        return Hex.Encode(b);
    }

    /// <summary>EIP-55 mixed-case 0x hex.</summary>
    public string ToChecksumHex()
    {
        string lower = ToHex();
        Span<byte> ascii = stackalloc byte[40];
        for (int i = 0; i < 40; i++) ascii[i] = (byte)lower[i + 2];
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(ascii, hash);
        return string.Create(42, (lower, hash[0], hash.ToArray()), static (dst, st) =>
        {
            dst[0] = '0'; dst[1] = 'x';
            for (int i = 0; i < 40; i++)
            {
                char c = st.lower[i + 2];
                int nib = (st.Item3[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF;
                dst[i + 2] = c >= 'a' && nib >= 8 ? (char)(c - 32) : c;
            }
        });
    }

    /// <summary>TRON base58check form ("T…").</summary>
    public string ToTron()
    {
        Span<byte> raw = stackalloc byte[25];
        raw[0] = 0x41;
        WriteTo(raw[1..]);
        Span<byte> h = stackalloc byte[32];
        SHA256.HashData(raw[..21], h);
        SHA256.HashData(h, h);
        h[..4].CopyTo(raw[21..]);
        return Base58.Encode(raw);
    }

    /// <summary>Prints in the given format.</summary>
    public string ToString(AddressFormat format) => format == AddressFormat.TronBase58 ? ToTron() : ToChecksumHex();

    /// <summary>Lower-case 0x hex.</summary>
    public override string ToString() => ToHex();

    /// <inheritdoc/>
    public bool Equals(Address other) => _a == other._a && _b == other._b && _c == other._c;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Address o && Equals(o);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c);

    /// <inheritdoc/>
    public int CompareTo(Address other)
    {
        int c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        return c != 0 ? c : _c.CompareTo(other._c);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Address a, Address b) => a.Equals(b);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Address a, Address b) => !a.Equals(b);

    /// <summary>Byte-wise less-than.</summary>
    public static bool operator <(Address a, Address b) => a.CompareTo(b) < 0;

    /// <summary>Byte-wise greater-than.</summary>
    public static bool operator >(Address a, Address b) => a.CompareTo(b) > 0;

    /// <summary>Byte-wise less-or-equal.</summary>
    public static bool operator <=(Address a, Address b) => a.CompareTo(b) <= 0;

    /// <summary>Byte-wise greater-or-equal.</summary>
    public static bool operator >=(Address a, Address b) => a.CompareTo(b) >= 0;

    [DoesNotReturn]
    private static void ThrowLength(int n) => throw new ArgumentException($"An address is 20 bytes, got {n}.");
}
