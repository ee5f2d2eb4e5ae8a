using System.Globalization;
using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Tracing;

/// <summary>
/// Turns times into block numbers with a binary search over the store's block timestamps (non-decreasing in
/// block number). Blocks whose timestamp is not stored are skipped by probing forward from the midpoint, up to
/// <see cref="MaxGap"/> blocks; the search starts at the first block with an indexed transfer.
/// </summary>
public static class BlockTimes
{
    /// <summary>Largest run of blocks without a stored timestamp the search steps over.</summary>
    public const int MaxGap = 10_000;

    /// <summary>The first block whose time is at or after <paramref name="unixSeconds"/>; null if every stored block is earlier.</summary>
    public static ulong? FirstBlockAtOrAfter(IChainReader reader, long unixSeconds)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.IndexedHead is not { } head || FirstIndexedBlock(reader) is not { } lo) return null;
        ulong hi = head;
        ulong? found = null;
        while (lo <= hi)
        {
            ulong mid = lo + (hi - lo) / 2;
            if (NextStored(reader, mid, hi) is not { } m)
            {
                if (mid == 0) break;
                hi = mid - 1;
                continue;
            }
            if (m.Time >= unixSeconds)
            {
                found = m.Block;
                if (mid == 0) break;
                hi = mid - 1;
            }
            else lo = m.Block + 1;
        }
        return found;
    }

    /// <summary>The last block whose time is at or before <paramref name="unixSeconds"/>; null if every stored block is later.</summary>
    public static ulong? LastBlockAtOrBefore(IChainReader reader, long unixSeconds)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.IndexedHead is not { } head || FirstIndexedBlock(reader) is not { } first) return null;
        if (unixSeconds == long.MaxValue) return head;
        if (FirstBlockAtOrAfter(reader, unixSeconds + 1) is not { } after) return head;
        return after == 0 || after - 1 < first ? null : after - 1;
    }

    /// <summary>
    /// Resolves a <c>--since</c> value: a block number, or an ISO-8601 time (e.g. 2024-05-01 or
    /// 2024-05-01T12:00:00Z; no offset means UTC) turned into the first block at or after it.
    /// </summary>
    /// <exception cref="ArgumentException">Neither a block number nor a time, or later than every indexed block.</exception>
    public static ulong ResolveSince(IChainReader reader, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParseBlock(text, out ulong block)) return block;
        long t = ParseTime(text, "--since");
        return FirstBlockAtOrAfter(reader, t)
            ?? throw new ArgumentException($"--since {text}: no indexed block is at or after that time (or the store has no block timestamps).");
    }

    /// <summary>Resolves an <c>--until</c> value: a block number, or an ISO-8601 time turned into the last block at or before it.</summary>
    /// <exception cref="ArgumentException">Neither a block number nor a time, or earlier than every indexed block.</exception>
    public static ulong ResolveUntil(IChainReader reader, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParseBlock(text, out ulong block)) return block;
        long t = ParseTime(text, "--until");
        return LastBlockAtOrBefore(reader, t)
            ?? throw new ArgumentException($"--until {text}: no indexed block is at or before that time (or the store has no block timestamps).");
    }

    private static bool TryParseBlock(string text, out ulong block) =>
        ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out block);

    private static long ParseTime(string text, string option)
    {
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return time.ToUnixTimeSeconds();
        throw new ArgumentException($"{option} {text}: expected a block number or an ISO-8601 time such as 2024-05-01T12:00:00Z.");
    }

    private static ulong? FirstIndexedBlock(IChainReader reader)
    {
        foreach (var t in reader.ScanTransfers(Seq.MinValue, Seq.MaxValue)) return t.Seq.Block;
        return null;
    }

    private static (ulong Block, long Time)? NextStored(IChainReader reader, ulong from, ulong hi)
    {
        ulong end = Math.Min(hi, from + MaxGap);
        for (ulong b = from; b <= end; b++)
        {
            if (reader.TryGetBlockTimestamp(b, out long t)) return (b, t);
            if (b == ulong.MaxValue) break;
        }
        return null;
    }
}
