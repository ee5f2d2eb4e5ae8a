using System.Numerics;
using ChainTrace.Benchmarks.SideBySide;
using ChainTrace.Primitives;
using ChainTrace.Tests.Tracing;
using ChainTrace.Tracing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ChainTrace.Tests.Bench;

/// <summary>
/// The side-by-side benchmark's SQL semantics (bench/ChainTrace.Benchmarks/SideBySide/SqlTrace.cs, compiled in by
/// link): its plain evaluation agrees with ChainTrace's poison model on random histories, and the comparer and
/// query builder behave. The SQL text itself runs against DuckDB only in the benchmark (no database here).
/// </summary>
public class SqlTraceTests
{
    [Fact]
    public void Evaluate_RandomHistories_AgreesWithPoisonTrace()
    {
        Prop.ForAll(TraceCases.Cases.ToArbitrary(), c =>
        {
            var options = c.Options with
            {
                Direction = TraceDirection.Forward,
                Models = TraceModel.Poison,
                MinAmount = UInt256.Zero,
                MaxDegree = null,
                PathsPerTerminal = 0,
            };
            var engine = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
            foreach (var t in c.Chain.Trace(options).Get(TraceModel.Poison)!.Terminals) engine[t.Address.ToHex()] = t.Amount.ToBigInteger();

            var rows = c.Chain.Transfers.Select(t => (t.From.ToHex(), t.To.ToHex(), t.Amount, t.Seq.Block, (long)t.Seq.Value)).ToList();
            var stops = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (address, labels) in c.Chain.Labels)
                if (labels.Any(l => LabelCategories.DefaultStops.Contains(l.Category, StringComparer.OrdinalIgnoreCase))) stops.Add(address.ToHex());
            var sql = SqlTrace.Evaluate(rows, [.. options.Seeds.Select(s => s.ToHex())], options.Hops,
                options.SinceBlock ?? 0, options.UntilBlock ?? ulong.MaxValue, stops);

            var cmp = SqlTrace.Compare(engine, sql);
            Assert.True(cmp.Identical, $"{c}\nonly engine: {string.Join(",", cmp.OnlyEngine)}; only sql: {string.Join(",", cmp.OnlySql)}; " +
                $"amounts: {string.Join(",", cmp.AmountMismatches)}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    }

    [Fact]
    public void Compare_DifferentMaps_ReportsEachDifference()
    {
        string a = "0x" + new string('a', 40), b = "0x" + new string('b', 40), d = "0x" + new string('d', 40);
        var engine = new Dictionary<string, BigInteger> { [a] = 5, [b] = 7 };
        var sql = new Dictionary<string, BigInteger> { [b] = 8, [d] = 1 };
        var cmp = SqlTrace.Compare(engine, sql);
        Assert.Equal([a], cmp.OnlyEngine);
        Assert.Equal([d], cmp.OnlySql);
        Assert.Equal([(b, (BigInteger)7, (BigInteger)8)], cmp.AmountMismatches);
        Assert.False(cmp.SameTerminals);
        Assert.True(SqlTrace.Compare(engine, new Dictionary<string, BigInteger>(engine)).Identical);
    }

    [Fact]
    public void PoisonQuery_RejectsTextThatIsNotAnAddressOrCategory()
    {
        string seed = "0x" + new string('1', 40);
        Assert.Throws<ArgumentException>(() => SqlTrace.PoisonQuery(["0x1'; DROP TABLE transfers; --"], 3, 0, 10, ["exchange"]));
        Assert.Throws<ArgumentException>(() => SqlTrace.PoisonQuery([seed], 3, 0, 10, ["exchange') OR ('1"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SqlTrace.PoisonQuery([seed], 0, 0, 10, ["exchange"]));
        string sql = SqlTrace.PoisonQuery([seed], 4, 17, 99, ["Exchange", "otc"]);
        Assert.Contains($"('{seed}')", sql, StringComparison.Ordinal);
        Assert.Contains("r.hop < 4", sql, StringComparison.Ordinal);
        Assert.Contains("BETWEEN 17 AND 99", sql, StringComparison.Ordinal);
        Assert.Contains("'exchange', 'otc'", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Percentile_NearestRank()
    {
        double[] samples = [5, 1, 4, 2, 3];
        Assert.Equal(3, SqlTrace.Percentile(samples, 50));
        Assert.Equal(5, SqlTrace.Percentile(samples, 99));
        Assert.Equal(1, SqlTrace.Percentile(samples, 0));
    }
}
