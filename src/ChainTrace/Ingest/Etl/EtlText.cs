using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using ChainTrace.Primitives;

namespace ChainTrace.Ingest.Etl;

/// <summary>Outcome of parsing one field.</summary>
internal enum FieldProblem : byte
{
    None = 0,
    NotDecimal,
    TooLarge256,
    TooLarge64,
    BlockTooLarge,
    LogIndexTooLarge,
    TxIndexTooLarge,
    CountTooLarge,
    NotAddress,
    NotHash,
    BadHexData,
    NotTimestamp,
    TooManyTopics,
    BadQuote,
    NotString,
}

/// <summary>
/// Allocation-free parsers over UTF-16 (CSV via Sep) or UTF-8 (JSON) text; the character type T is
/// <see cref="char"/> or <see cref="byte"/>, and the JIT compiles one copy for each.
/// </summary>
internal static class EtlText
{
    private static readonly ulong[] Pow10 =
    [
        1UL, 10UL, 100UL, 1_000UL, 10_000UL, 100_000UL, 1_000_000UL, 10_000_000UL, 100_000_000UL,
        1_000_000_000UL, 10_000_000_000UL, 100_000_000_000UL, 1_000_000_000_000UL, 10_000_000_000_000UL,
        100_000_000_000_000UL, 1_000_000_000_000_000UL, 10_000_000_000_000_000UL, 100_000_000_000_000_000UL,
        1_000_000_000_000_000_000UL, 10_000_000_000_000_000_000UL,
    ];

    /// <summary>The problem text for a field error (built only when an error is thrown).</summary>
    public static string Describe(FieldProblem problem) => problem switch
    {
        FieldProblem.NotDecimal => "not a decimal integer",
        FieldProblem.TooLarge256 => "exceeds 2^256 - 1",
        FieldProblem.TooLarge64 => "exceeds 2^64 - 1",
        FieldProblem.BlockTooLarge => "block number exceeds 4294967295",
        FieldProblem.LogIndexTooLarge => "log index exceeds 65534",
        FieldProblem.TxIndexTooLarge => "transaction index exceeds 65535",
        FieldProblem.CountTooLarge => "count exceeds 2147483647",
        FieldProblem.NotAddress => "not an address (0x + 40 hex digits)",
        FieldProblem.NotHash => "not a hash (0x + 64 hex digits)",
        FieldProblem.BadHexData => "not 0x-prefixed hex bytes (bad digit or odd length)",
        FieldProblem.NotTimestamp => "not a timestamp (Unix seconds or 'YYYY-MM-DD HH:MM:SS[ UTC]')",
        FieldProblem.TooManyTopics => "more than 4 topics",
        FieldProblem.BadQuote => "malformed or unterminated quote",
        FieldProblem.NotString => "wrong JSON type",
        _ => "bad value",
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Digit<T>(T c) where T : unmanaged, IBinaryInteger<T>
    {
        uint d = uint.CreateTruncating(c) - '0';
        return d <= 9 ? (int)d : -1;
    }

    /// <summary>
    /// Parses a non-negative decimal integer of any number of digits into 256 bits without allocating: the digits
    /// are taken in chunks of up to 19, and each chunk multiplies the four 64-bit limbs by 10^k and adds the chunk,
    /// carrying limb to limb; a carry out of the top limb is an overflow.
    /// </summary>
    public static FieldProblem TryParseUInt256<T>(ReadOnlySpan<T> text, out UInt256 value) where T : unmanaged, IBinaryInteger<T>
    {
        value = default;
        if (text.IsEmpty) return FieldProblem.NotDecimal;
        ulong u0 = 0, u1 = 0, u2 = 0, u3 = 0;
        int i = 0;
        while (i < text.Length)
        {
            int n = Math.Min(19, text.Length - i);
            ulong chunk = 0;
            for (int k = 0; k < n; k++)
            {
                int d = Digit(text[i + k]);
                if (d < 0) return FieldProblem.NotDecimal;
                chunk = chunk * 10 + (uint)d;
            }
            i += n;
            ulong m = Pow10[n];
            ulong carry = chunk;
            u0 = MulAdd(u0, m, ref carry);
            u1 = MulAdd(u1, m, ref carry);
            u2 = MulAdd(u2, m, ref carry);
            u3 = MulAdd(u3, m, ref carry);
            if (carry != 0)
            {
                // Keep scanning so that a bad digit later on is reported as such, not as an overflow.
                for (; i < text.Length; i++) if (Digit(text[i]) < 0) return FieldProblem.NotDecimal;
                return FieldProblem.TooLarge256;
            }
        }
        value = new UInt256(u0, u1, u2, u3);
        return FieldProblem.None;
    }

    // x * m + carry: returns the low 64 bits and leaves the high 64 bits in carry. x*m < 2^64 * 10^19, so
    // high + 1 cannot overflow.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong x, ulong m, ref ulong carry)
    {
        ulong hi = Math.BigMul(x, m, out ulong lo);
        lo += carry;
        if (lo < carry) hi++;
        carry = hi;
        return lo;
    }

    /// <summary>Parses a non-negative decimal integer that fits in 64 bits.</summary>
    public static FieldProblem TryParseUInt64<T>(ReadOnlySpan<T> text, out ulong value) where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        if (text.IsEmpty) return FieldProblem.NotDecimal;
        ulong v = 0;
        bool overflow = false;
        foreach (T c in text)
        {
            int d = Digit(c);
            if (d < 0) return FieldProblem.NotDecimal;
            if (v > (ulong.MaxValue - (uint)d) / 10) overflow = true;
            else v = v * 10 + (uint)d;
        }
        if (overflow) return FieldProblem.TooLarge64;
        value = v;
        return FieldProblem.None;
    }

    /// <summary>Parses "0x" + 40 hex digits in any case.</summary>
    public static bool TryParseAddress<T>(ReadOnlySpan<T> text, out Address address) where T : unmanaged, IBinaryInteger<T>
    {
        Span<byte> b = stackalloc byte[Address.Size];
        if (!HasPrefix(text) || !TryDecodeHex(text[2..], b)) { address = default; return false; }
        address = new Address(b);
        return true;
    }

    /// <summary>Parses "0x" + 64 hex digits in any case.</summary>
    public static bool TryParseHash<T>(ReadOnlySpan<T> text, out Hash32 hash) where T : unmanaged, IBinaryInteger<T>
    {
        Span<byte> b = stackalloc byte[Hash32.Size];
        if (!TryParseHash(text, b)) { hash = default; return false; }
        hash = new Hash32(b);
        return true;
    }

    /// <summary>Parses "0x" + 64 hex digits in any case into 32 bytes.</summary>
    public static bool TryParseHash<T>(ReadOnlySpan<T> text, Span<byte> hash32) where T : unmanaged, IBinaryInteger<T> =>
        HasPrefix(text) && TryDecodeHex(text[2..], hash32);

    /// <summary>
    /// Checks "0x" + an even number of hex digits; decodes the first <paramref name="destination"/>.Length bytes
    /// (or fewer) into it and returns the full byte length in <paramref name="length"/>.
    /// </summary>
    public static bool TryParseData<T>(ReadOnlySpan<T> text, Span<byte> destination, out int length) where T : unmanaged, IBinaryInteger<T>
    {
        length = 0;
        if (!HasPrefix(text)) return false;
        var hex = text[2..];
        if ((hex.Length & 1) != 0) return false;
        int total = hex.Length / 2;
        int keep = Math.Min(total, destination.Length);
        if (!TryDecodeHex(hex[..(keep * 2)], destination[..keep])) return false;
        Span<byte> scratch = stackalloc byte[128];
        for (var rest = hex[(keep * 2)..]; !rest.IsEmpty;)
        {
            int n = Math.Min(rest.Length, 2 * scratch.Length);
            if (!TryDecodeHex(rest[..n], scratch[..(n / 2)])) return false;
            rest = rest[n..];
        }
        length = total;
        return true;
    }

    private static bool HasPrefix<T>(ReadOnlySpan<T> text) where T : unmanaged, IBinaryInteger<T> =>
        text.Length >= 2 && int.CreateTruncating(text[0]) == '0' && (int.CreateTruncating(text[1]) | 0x20) == 'x';

    private static bool TryDecodeHex<T>(ReadOnlySpan<T> hex, Span<byte> destination) where T : unmanaged, IBinaryInteger<T>
    {
        if (hex.Length != destination.Length * 2) return false;
        // The vectorised decoders of the runtime; the JIT keeps only the branch for T.
        OperationStatus status;
        int written;
        if (typeof(T) == typeof(char))
            status = Convert.FromHexString(MemoryMarshal.Cast<T, char>(hex), destination, out _, out written);
        else if (typeof(T) == typeof(byte))
            status = Convert.FromHexString(MemoryMarshal.Cast<T, byte>(hex), destination, out _, out written);
        else
            throw new NotSupportedException();
        return status == OperationStatus.Done && written == destination.Length;
    }

    /// <summary>
    /// Parses a block time: decimal Unix seconds (ethereum-etl) or a UTC date-time as BigQuery exports it
    /// ("2022-11-19 00:00:11 UTC", also with 'T', a fraction, "Z" or "+00:00").
    /// </summary>
    public static bool TryParseTimestamp<T>(ReadOnlySpan<T> text, out long seconds) where T : unmanaged, IBinaryInteger<T>
    {
        seconds = 0;
        if (TryParseUInt64(text, out ulong s) == FieldProblem.None)
        {
            if (s > long.MaxValue) return false;
            seconds = (long)s;
            return true;
        }
        // YYYY-MM-DD?HH:MM:SS
        if (text.Length < 19) return false;
        if (!Num(text, 0, 4, out int year) || !Is(text[4], '-') || !Num(text, 5, 2, out int month) || !Is(text[7], '-') ||
            !Num(text, 8, 2, out int day) || !(Is(text[10], ' ') || Is(text[10], 'T')) || !Num(text, 11, 2, out int hour) ||
            !Is(text[13], ':') || !Num(text, 14, 2, out int minute) || !Is(text[16], ':') || !Num(text, 17, 2, out int second))
            return false;
        if (year < 1970 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        var rest = text[19..];
        if (!rest.IsEmpty && Is(rest[0], '.'))
        {
            int k = 1;
            while (k < rest.Length && Digit(rest[k]) >= 0) k++;
            if (k == 1) return false;
            rest = rest[k..];
        }
        while (!rest.IsEmpty && Is(rest[0], ' ')) rest = rest[1..];
        if (!(rest.IsEmpty || IsText(rest, "UTC") || IsText(rest, "Z") || IsText(rest, "+00:00") || IsText(rest, "+0000")))
            return false;
        var t = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        seconds = (t.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
        return true;
    }

    private static bool Is<T>(T c, char expected) where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(c) == expected;

    private static bool IsText<T>(ReadOnlySpan<T> text, string expected) where T : unmanaged, IBinaryInteger<T>
    {
        if (text.Length != expected.Length) return false;
        for (int i = 0; i < text.Length; i++) if (int.CreateTruncating(text[i]) != expected[i]) return false;
        return true;
    }

    private static bool Num<T>(ReadOnlySpan<T> text, int start, int count, out int value) where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            int d = Digit(text[i]);
            if (d < 0) return false;
            value = value * 10 + d;
        }
        return true;
    }

    /// <summary>True when the text is empty or only spaces, tabs and line breaks.</summary>
    public static bool IsBlank<T>(ReadOnlySpan<T> text) where T : unmanaged, IBinaryInteger<T>
    {
        foreach (T c in text)
        {
            int v = int.CreateTruncating(c);
            if (v is not (' ' or '\t' or '\r' or '\n')) return false;
        }
        return true;
    }
}
