using System.Globalization;
using System.Numerics;
using ChainTrace.Primitives;

namespace ChainTrace.Cli.Infrastructure;

/// <summary>How the CLI prints numbers, amounts and times (invariant culture, UTC).</summary>
internal static class Format
{
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Count(ulong n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Exact token amount (base units scaled by decimals), e.g. "1234.5".</summary>
    public static string Units(BigInteger raw, int decimals) => UInt256.FormatUnits(raw, decimals);

    /// <summary>Exact token amount with thousands separators for tables, e.g. "1,234.5 USDT".</summary>
    public static string Amount(BigInteger raw, TokenInfo token)
    {
        var s = UInt256.FormatUnits(BigInteger.Abs(raw), token.Decimals);
        int dot = s.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? s : s[..dot];
        var frac = dot < 0 ? "" : s[dot..];
        var grouped = BigInteger.Parse(whole, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture);
        return $"{(raw.Sign < 0 ? "-" : "")}{grouped}{frac} {token.Symbol}";
    }

    public static string Time(long unixSeconds) =>
        unixSeconds <= 0 ? "?" : DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Iso(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{bytes} B" : v.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[u];
    }

    public static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : t.TotalMinutes >= 1 ? t.ToString(@"m\:ss", CultureInfo.InvariantCulture)
        : t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    public static string Rate(double perSecond) =>
        perSecond >= 1e6 ? (perSecond / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + "M"
        : perSecond >= 1e3 ? (perSecond / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "k"
        : perSecond.ToString("0", CultureInfo.InvariantCulture);
}
