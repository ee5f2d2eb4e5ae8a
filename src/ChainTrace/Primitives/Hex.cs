using System.Runtime.CompilerServices;

namespace ChainTrace.Primitives;

/// <summary>Hex helpers that work on spans without allocating.</summary>
public static class Hex
{
    /// <summary>Value of a hex digit, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Nibble(int c)
    {
        uint d = (uint)(c - '0');
        if (d <= 9) return (int)d;
        uint l = (uint)((c | 0x20) - 'a');
        return l <= 5 ? (int)l + 10 : -1;
    }

    /// <summary>Decodes an even number of hex digits (no prefix) into <paramref name="destination"/>; false on a bad digit or length.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2) return false;
        for (int i = 0; i < destination.Length; i++)
        {
            int hi = Nibble(hex[2 * i]), lo = Nibble(hex[2 * i + 1]);
            if ((hi | lo) < 0) return false;
            destination[i] = (byte)((hi << 4) | lo);
        }
        return true;
    }

    /// <summary>Decodes hex characters (no prefix).</summary>
    public static bool TryDecode(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2) return false;
        for (int i = 0; i < destination.Length; i++)
        {
            int hi = Nibble(hex[2 * i]), lo = Nibble(hex[2 * i + 1]);
            if ((hi | lo) < 0) return false;
            destination[i] = (byte)((hi << 4) | lo);
        }
        return true;
    }

    /// <summary>Strips an optional 0x/0X prefix.</summary>
    public static ReadOnlySpan<byte> TrimPrefix(ReadOnlySpan<byte> s) =>
        s.Length >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x' ? s[2..] : s;

    /// <summary>Strips an optional 0x/0X prefix.</summary>
    public static ReadOnlySpan<char> TrimPrefix(ReadOnlySpan<char> s) =>
        s.Length >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x' ? s[2..] : s;

    /// <summary>Parses a hex quantity ("0x1b4", no leading-zero rule enforced) into a ulong.</summary>
    public static bool TryParseQuantity(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        var s = TrimPrefix(text);
        if (s.Length == 0 || s.Length > 16) return false;
        foreach (byte b in s)
        {
            int n = Nibble(b);
            if (n < 0) return false;
            value = (value << 4) | (uint)n;
        }
        return true;
    }

    /// <summary>Lower-case hex with 0x prefix.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);
}
