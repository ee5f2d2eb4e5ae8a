using System.Globalization;
using System.Numerics;
using System.Text;

namespace ChainTrace.Benchmarks.SideBySide;

/// <summary>
/// The SQL an analyst would write instead of ChainTrace's poison trace, and the comparison of the two answers.
/// Plain text and arithmetic only (no database dependency), so the test project can compile this file by link.
/// The query runs unchanged on DuckDB and PostgreSQL over two tables:
/// <c>transfers(from_addr, to_addr, amount, block, pos)</c> (addresses lower-case 0x hex, <c>pos</c> a global
/// time order: block × 1,000,000 + log index) and <c>labels(address, category)</c>.
/// </summary>
internal static class SqlTrace
{
    /// <summary>The zero address (burns), a terminal in ChainTrace.</summary>
    public const string ZeroAddress = "0x0000000000000000000000000000000000000000";

    /// <summary>Multiplier of the block number in <c>pos</c>; log indexes stay below it.</summary>
    public const long PosBlockFactor = 1_000_000;

    /// <summary>
    /// Forward poison reachability with time ordering, up to <paramref name="hops"/> hops, inside the block window:
    /// a transfer is followed when its sender is a seed, or was reached by a time-respecting chain of followed
    /// transfers of fewer than <paramref name="hops"/> hops that arrived before it; labelled stop addresses and
    /// the zero address absorb and are not expanded; transfers back into seeds, self-transfers and zero amounts
    /// are not followed. Returns one row per terminal: <c>terminal, amount, transfers</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A seed is not lower-case 0x hex, a category is not a plain word, or hops is out of range.</exception>
    public static string PoisonQuery(IReadOnlyList<string> seeds, int hops, ulong sinceBlock, ulong untilBlock, IReadOnlyList<string> stopCategories)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(stopCategories);
        if (seeds.Count == 0) throw new ArgumentException("No seed given.", nameof(seeds));
        if (hops is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(hops), hops, "Hops must be 1..64.");
        if (sinceBlock > untilBlock) throw new ArgumentException("The window starts after it ends.", nameof(sinceBlock));
        foreach (var s in seeds) if (!IsHexAddress(s)) throw new ArgumentException($"'{s}' is not a lower-case 0x hex address.", nameof(seeds));
        foreach (var c in stopCategories) if (!IsWord(c)) throw new ArgumentException($"'{c}' is not a plain category word.", nameof(stopCategories));

        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("WITH RECURSIVE\n");
        sb.Append("seeds(addr) AS (VALUES ").AppendJoin(", ", seeds.Select(s => $"('{s}')")).Append("),\n");
        sb.Append("stops(addr) AS (SELECT DISTINCT address FROM labels WHERE category IN (")
          .AppendJoin(", ", stopCategories.Select(c => $"'{c.ToLowerInvariant()}'"))
          .Append($") UNION SELECT '{ZeroAddress}'),\n");
        sb.Append(inv, $"win AS (SELECT from_addr, to_addr, amount, pos FROM transfers WHERE block BETWEEN {sinceBlock} AND {untilBlock} AND from_addr <> to_addr AND amount > 0),\n");
        sb.Append("reach(addr, hop, arrived) AS (\n");
        sb.Append("  SELECT addr, 0, CAST(-1 AS BIGINT) FROM seeds\n");
        sb.Append("  UNION\n");
        sb.Append("  SELECT w.to_addr, r.hop + 1, w.pos FROM reach r JOIN win w ON w.from_addr = r.addr AND w.pos > r.arrived\n");
        sb.Append(inv, $"  WHERE r.hop < {hops} AND (r.hop = 0 OR r.addr NOT IN (SELECT addr FROM stops)) AND w.to_addr NOT IN (SELECT addr FROM seeds)\n");
        sb.Append("),\n");
        sb.Append("followed AS (\n");
        sb.Append("  SELECT DISTINCT w.pos, w.to_addr, w.amount FROM reach r JOIN win w ON w.from_addr = r.addr AND w.pos > r.arrived\n");
        sb.Append(inv, $"  WHERE r.hop < {hops} AND (r.hop = 0 OR r.addr NOT IN (SELECT addr FROM stops)) AND w.to_addr NOT IN (SELECT addr FROM seeds)\n");
        sb.Append(")\n");
        sb.Append("SELECT to_addr AS terminal, CAST(SUM(amount) AS VARCHAR) AS amount, COUNT(*) AS transfers\n");
        sb.Append("FROM followed WHERE to_addr IN (SELECT addr FROM stops) GROUP BY to_addr ORDER BY to_addr");
        return sb.ToString();
    }

    /// <summary>
    /// What <see cref="PoisonQuery"/> computes, evaluated in plain C# by the same recursive definition (a fixpoint
    /// over reached (address, hop, arrival) rows): the reference the test project checks against ChainTrace's
    /// poison model on random histories. <paramref name="rows"/> are (from, to, amount, block, pos) with addresses
    /// in any consistent spelling and <c>pos</c> a strict global time order; returns terminal → amount.
    /// </summary>
    public static Dictionary<string, BigInteger> Evaluate(
        IReadOnlyList<(string From, string To, BigInteger Amount, ulong Block, long Pos)> rows,
        IReadOnlyCollection<string> seeds, int hops, ulong sinceBlock, ulong untilBlock, IReadOnlySet<string> stops)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(stops);
        bool IsStop(string a) => stops.Contains(a) || a == ZeroAddress;
        var win = rows.Where(w => w.Block >= sinceBlock && w.Block <= untilBlock && w.From != w.To && w.Amount > 0).ToList();
        var reach = new HashSet<(string Addr, int Hop, long Arrived)>(seeds.Select(s => (s, 0, -1L)));
        var followed = new HashSet<long>();
        var frontier = reach.ToList();
        while (frontier.Count > 0)
        {
            var next = new List<(string, int, long)>();
            foreach (var r in frontier)
            {
                if (r.Hop >= hops || (r.Hop != 0 && IsStop(r.Addr))) continue;
                foreach (var w in win)
                {
                    if (w.From != r.Addr || w.Pos <= r.Arrived || seeds.Contains(w.To)) continue;
                    followed.Add(w.Pos);
                    if (reach.Add((w.To, r.Hop + 1, w.Pos))) next.Add((w.To, r.Hop + 1, w.Pos));
                }
            }
            frontier = next;
        }
        var result = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
        foreach (var w in win)
            if (followed.Contains(w.Pos) && IsStop(w.To))
                result[w.To] = result.GetValueOrDefault(w.To) + w.Amount;
        return result;
    }

    /// <summary>True for "0x" followed by 40 lower-case hex digits.</summary>
    public static bool IsHexAddress(string text)
    {
        if (text is null || text.Length != 42 || text[0] != '0' || text[1] != 'x') return false;
        for (int i = 2; i < 42; i++) if (!char.IsAsciiHexDigitLower(text[i]) && !char.IsAsciiDigit(text[i])) return false;
        return true;
    }

    private static bool IsWord(string text)
    {
        if (string.IsNullOrEmpty(text)) return false;
        foreach (char c in text) if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_') return false;
        return true;
    }

    /// <summary>Compares terminal → amount maps of ChainTrace (<paramref name="engine"/>) and SQL (<paramref name="sql"/>).</summary>
    public static TerminalComparison Compare(IReadOnlyDictionary<string, BigInteger> engine, IReadOnlyDictionary<string, BigInteger> sql)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(sql);
        var onlyEngine = engine.Keys.Where(k => !sql.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var onlySql = sql.Keys.Where(k => !engine.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var mismatched = engine.Where(p => sql.TryGetValue(p.Key, out var v) && v != p.Value)
            .Select(p => (p.Key, p.Value, sql[p.Key])).OrderBy(x => x.Key, StringComparer.Ordinal).ToList();
        return new TerminalComparison(engine.Count, sql.Count, onlyEngine, onlySql, mismatched);
    }

    /// <summary>The <paramref name="p"/>-th percentile (0..100) by nearest rank of unsorted samples.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) return double.NaN;
        var sorted = samples.Order().ToArray();
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>How ChainTrace's and SQL's terminal sets and amounts differ.</summary>
/// <param name="EngineCount">Terminals ChainTrace reached.</param>
/// <param name="SqlCount">Terminals SQL reached.</param>
/// <param name="OnlyEngine">Reached by ChainTrace only.</param>
/// <param name="OnlySql">Reached by SQL only.</param>
/// <param name="AmountMismatches">Reached by both with different amounts: (terminal, ChainTrace, SQL).</param>
internal sealed record TerminalComparison(
    int EngineCount, int SqlCount, IReadOnlyList<string> OnlyEngine, IReadOnlyList<string> OnlySql,
    IReadOnlyList<(string Terminal, BigInteger Engine, BigInteger Sql)> AmountMismatches)
{
    /// <summary>Same terminals reached.</summary>
    public bool SameTerminals => OnlyEngine.Count == 0 && OnlySql.Count == 0;

    /// <summary>Same terminals and same amounts.</summary>
    public bool Identical => SameTerminals && AmountMismatches.Count == 0;
}
