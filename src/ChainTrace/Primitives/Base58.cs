using System.Text;

namespace ChainTrace.Primitives;

/// <summary>Bitcoin-alphabet base58, as TRON addresses use it.</summary>
public static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static readonly sbyte[] Map = BuildMap();

    private static sbyte[] BuildMap()
    {
        var m = new sbyte[128];
        Array.Fill(m, (sbyte)-1);
        for (int i = 0; i < Alphabet.Length; i++) m[Alphabet[i]] = (sbyte)i;
        return m;
    }

    /// <summary>Decodes into <paramref name="destination"/>; false on a bad character or if it does not fit.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.Length == 0 || text.Length > 64) return false;
        Span<byte> buf = stackalloc byte[64];
        buf.Clear();
        int len = 0; // little-endian base-256 digits in buf[0..len]
        foreach (char c in text)
        {
            if (c >= 128 || Map[c] < 0) return false;
            int carry = Map[c];
            for (int i = 0; i < len; i++)
            {
                carry += buf[i] * 58;
                buf[i] = (byte)carry;
                carry >>= 8;
            }
            while (carry > 0) { buf[len++] = (byte)carry; carry >>= 8; }
        }
        int zeros = 0;
        while (zeros < text.Length && text[zeros] == '1') zeros++;
        int total = zeros + len;
        if (total > destination.Length) return false;
        destination[..zeros].Clear();
        for (int i = 0; i < len; i++) destination[zeros + i] = buf[len - 1 - i];
        written = total;
        return true;
    }

    /// <summary>Encodes bytes as base58.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        Span<byte> digits = stackalloc byte[data.Length * 2 + 1];
        int len = 0;
        foreach (byte b in data)
        {
            int carry = b;
            for (int i = 0; i < len; i++)
            {
                carry += digits[i] << 8;
                digits[i] = (byte)(carry % 58);
                carry /= 58;
            }
            while (carry > 0) { digits[len++] = (byte)(carry % 58); carry /= 58; }
        }
        var sb = new StringBuilder();
        for (int i = 0; i < data.Length && data[i] == 0; i++) sb.Append('1');
        for (int i = len - 1; i >= 0; i--) sb.Append(Alphabet[digits[i]]);
        return sb.ToString();
    }
}
