using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ChainTrace.Primitives;

namespace ChainTrace.Ingest.Json;

/// <summary>
/// Reads token values out of a <see cref="Utf8JsonReader"/> as UTF-8 spans and decodes hex straight from them,
/// without allocating. Values that span buffer segments or carry escapes are copied into a caller's bounded
/// scratch buffer.
/// </summary>
[SkipLocalsInit]
internal static class JsonValues
{
    /// <summary>Longest property name we ever compare against (longer names are unknown by definition).</summary>
    public const int NameScratchSize = 32;

    /// <summary>The current property name, or an empty span when it is longer than the scratch buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Name(in Utf8JsonReader reader, Span<byte> scratch) =>
        !reader.HasValueSequence && !reader.ValueIsEscaped ? reader.ValueSpan : CopySlow(in reader, scratch);

    /// <summary>
    /// The current string token's bytes, unescaped. False when the value is longer than <paramref name="scratch"/>
    /// would need to hold it (the caller reports a length error with <see cref="RawLength"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryText(in Utf8JsonReader reader, Span<byte> scratch, out ReadOnlySpan<byte> value)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            value = reader.ValueSpan;
            return true;
        }
        if (RawLength(in reader) > scratch.Length)
        {
            value = default;
            return false;
        }
        value = CopySlow(in reader, scratch);
        return true;
    }

    /// <summary>Length of the current token's raw (still escaped) bytes.</summary>
    public static long RawLength(in Utf8JsonReader reader) =>
        reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;

    /// <summary>The first two raw bytes of the current token (to check a 0x prefix of a value too long to copy).</summary>
    public static bool RawStartsWith0x(in Utf8JsonReader reader)
    {
        Span<byte> two = stackalloc byte[2];
        if (RawLength(in reader) < 2) return false;
        if (reader.HasValueSequence) reader.ValueSequence.Slice(0, 2).CopyTo(two);
        else reader.ValueSpan[..2].CopyTo(two);
        return two[0] == '0' && (two[1] | 0x20) == 'x';
    }

    private static ReadOnlySpan<byte> CopySlow(in Utf8JsonReader reader, Span<byte> scratch)
    {
        long raw = RawLength(in reader);
        if (raw > scratch.Length) return default;
        if (reader.ValueIsEscaped) return scratch[..reader.CopyString(scratch)];
        reader.ValueSequence.CopyTo(scratch);
        return scratch[..(int)raw];
    }

    /// <summary>Strips an optional 0x/0X prefix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Digits(ReadOnlySpan<byte> value) =>
        value.Length >= 2 && value[0] == '0' && (value[1] | 0x20) == 'x' ? value[2..] : value;

    /// <summary>Decodes exactly <c>destination.Length</c> bytes of hex (optional 0x prefix).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryHexFixed(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        var digits = Digits(value);
        return digits.Length == destination.Length * 2
            && Convert.FromHexString(digits, destination, out _, out int written) == OperationStatus.Done
            && written == destination.Length;
    }

    /// <summary>Decodes any even number of hex digits (optional 0x prefix) into the start of <paramref name="destination"/>.</summary>
    public static bool TryHexBytes(ReadOnlySpan<byte> value, Span<byte> destination, out int length)
    {
        var digits = Digits(value);
        length = digits.Length / 2;
        if ((digits.Length & 1) != 0 || length > destination.Length) return false;
        return Convert.FromHexString(digits, destination, out _, out int written) == OperationStatus.Done && written == length;
    }

    /// <summary>A 20-byte address from 40 hex digits (optional 0x prefix).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryAddress(ReadOnlySpan<byte> value, out Address address)
    {
        Span<byte> b = stackalloc byte[Address.Size];
        if (!TryHexFixed(value, b))
        {
            address = default;
            return false;
        }
        address = new Address(b);
        return true;
    }

    /// <summary>A 32-byte hash from 64 hex digits (optional 0x prefix).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryHash(ReadOnlySpan<byte> value, out Hash32 hash)
    {
        Span<byte> b = stackalloc byte[Hash32.Size];
        if (!TryHexFixed(value, b))
        {
            hash = default;
            return false;
        }
        hash = new Hash32(b);
        return true;
    }

    /// <summary>A hex quantity ("0x1b4"; at least one digit, at most 16 significant) as a ulong.</summary>
    public static bool TryQuantity(ReadOnlySpan<byte> value, out ulong result)
    {
        result = 0;
        var digits = Digits(value);
        if (digits.Length == 0) return false;
        int i = 0;
        while (i < digits.Length - 1 && digits[i] == '0') i++;
        digits = digits[i..];
        if (digits.Length > 16) return false;
        foreach (byte c in digits)
        {
            int n = Hex.Nibble(c);
            if (n < 0) return false;
            result = (result << 4) | (uint)n;
        }
        return true;
    }

    /// <summary>Outcome of <see cref="TryUInt256"/>.</summary>
    public enum UInt256Status : byte
    {
        /// <summary>Parsed.</summary>
        Ok,
        /// <summary>Not hex (or empty).</summary>
        NotHex,
        /// <summary>More than 256 bits.</summary>
        TooLarge,
    }

    /// <summary>A hex quantity of up to 256 bits ("0x0", "0xde0b6b3a7640000"; leading zeros allowed).</summary>
    public static UInt256Status TryUInt256(ReadOnlySpan<byte> value, out UInt256 result)
    {
        result = default;
        var digits = Digits(value);
        if (digits.Length == 0) return UInt256Status.NotHex;
        int i = 0;
        while (i < digits.Length - 1 && digits[i] == '0') i++;
        digits = digits[i..];
        if (digits.Length > 64)
        {
            foreach (byte c in digits)
                if (Hex.Nibble(c) < 0) return UInt256Status.NotHex;
            return UInt256Status.TooLarge;
        }
        Span<byte> b = stackalloc byte[32];
        b.Clear();
        int bi = 31;
        for (int k = digits.Length - 1; k >= 0; k -= 2)
        {
            int lo = Hex.Nibble(digits[k]);
            int hi = k > 0 ? Hex.Nibble(digits[k - 1]) : 0;
            if ((lo | hi) < 0) return UInt256Status.NotHex;
            b[bi--] = (byte)((hi << 4) | lo);
        }
        result = UInt256.ReadBigEndian(b);
        return UInt256Status.Ok;
    }

    /// <summary>Up to 80 characters of the current token's text, for an error message (cold path).</summary>
    public static string Snippet(in Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number or JsonTokenType.PropertyName))
            return reader.TokenType switch
            {
                JsonTokenType.Null => "null",
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                JsonTokenType.StartObject => "an object",
                JsonTokenType.StartArray => "an array",
                _ => reader.TokenType.ToString(),
            };
        byte[] raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
        string text = System.Text.Encoding.UTF8.GetString(raw, 0, Math.Min(raw.Length, 80));
        if (raw.Length > 80) text += "…";
        return reader.TokenType == JsonTokenType.String ? "\"" + text + "\"" : text;
    }
}
