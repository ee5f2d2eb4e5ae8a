using System.Numerics;
using System.Text.Json;
using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Reporting;
using ChainTrace.Storage.Memory;
using ChainTrace.Tracing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ChainTrace.Tests.Tracing;

public class TraceReportingTests
{
    private static readonly Address Seed = ChainBuilder.Addr(1);
    private static readonly Address Mid = ChainBuilder.Addr(2);
    private static readonly Address ExA = ChainBuilder.Addr(3);
    private static readonly Address ExB = ChainBuilder.Addr(4);
    private static readonly Address Clean = ChainBuilder.Addr(5);

    private static BigInteger U(long usdt) => usdt * 1_000_000L;

    private static TraceResult PaperTrace()
    {
        var b = new ChainBuilder();
        b.Label(ExA, LabelCategories.Exchange, "Exchange \"A\", Ltd").Label(ExB, LabelCategories.Exchange, "Exchange B");
        b.Transfer(Address.Zero, Seed, U(10_000));
        b.Transfer(Address.Zero, Clean, U(5_000));
        b.NextBlock();
        b.Transfer(Clean, Mid, U(1_000));
        b.NextBlock();
        b.Transfer(Seed, Mid, U(3_000) + 500_000); // 3,000.5
        b.NextBlock();
        b.Transfer(Mid, ExA, U(2_000));
        b.NextBlock();
        b.Transfer(Mid, ExB, U(2_000));
        return b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All });
    }

    [Fact]
    public void Json_HasTheDocumentedShapeAndExactDecimalAmounts()
    {
        var result = PaperTrace();
        using var doc = JsonDocument.Parse(TraceJsonWriter.ToJson(result));
        var root = doc.RootElement;
        Assert.Equal("forward", root.GetProperty("direction").GetString());
        Assert.Equal(5, root.GetProperty("hops").GetInt32());
        Assert.Equal(ChainProfile.Ethereum.Format(Seed), root.GetProperty("seeds")[0].GetString());
        var token = root.GetProperty("token");
        Assert.Equal("USDT", token.GetProperty("symbol").GetString());
        Assert.Equal("0xdAC17F958D2ee523a2206206994597C13D831ec7", token.GetProperty("address").GetString());
        Assert.Equal(6, token.GetProperty("decimals").GetInt32());
        var results = root.GetProperty("results");
        Assert.Equal(4, results.GetArrayLength());
        foreach (var r in results.EnumerateArray())
        {
            var model = TraceModels.Parse(r.GetProperty("model").GetString()!);
            var expected = result.Get(model)!;
            var summary = r.GetProperty("summary");
            Assert.Equal("3000.5", summary.GetProperty("traced").GetString());
            Assert.Equal(expected.Summary.ReachedTerminals.ToTokenString(6), summary.GetProperty("reached_terminals").GetString());
            Assert.Equal(expected.Summary.Held.ToTokenString(6), summary.GetProperty("held").GetString());
            Assert.Equal(expected.Summary.Dropped.ToTokenString(6), summary.GetProperty("dropped").GetString());
            Assert.Equal(model == TraceModel.Poison, summary.GetProperty("upper_bound").GetBoolean());
            var terminals = r.GetProperty("terminals");
            Assert.Equal(expected.Terminals.Count, terminals.GetArrayLength());
            foreach (var t in terminals.EnumerateArray())
            {
                Assert.Equal("exchange", t.GetProperty("category").GetString());
                Assert.Equal(2, t.GetProperty("hops").GetInt32());
                Assert.Equal(5UL, t.GetProperty("first_arrival").GetProperty("block").GetUInt64() + (t.GetProperty("entity").GetString() == "Exchange B" ? 0UL : 1UL));
                Assert.NotNull(t.GetProperty("first_arrival").GetProperty("time").GetString());
            }
            Assert.Equal(expected.Nodes.Count, r.GetProperty("nodes").GetArrayLength());
            Assert.Equal(expected.Edges.Count, r.GetProperty("edges").GetArrayLength());
            Assert.Equal(expected.Paths.Count, r.GetProperty("paths").GetArrayLength());
        }
        // The paper's split, as decimal strings: FIFO takes the 1,000 clean first.
        var fifo = results.EnumerateArray().Single(r => r.GetProperty("model").GetString() == "fifo");
        var toA = fifo.GetProperty("terminals").EnumerateArray().Single(t => t.GetProperty("entity").GetString() == "Exchange \"A\", Ltd");
        Assert.Equal("1000", toA.GetProperty("amount").GetString());
        var haircut = results.EnumerateArray().Single(r => r.GetProperty("model").GetString() == "haircut");
        var hA = haircut.GetProperty("terminals").EnumerateArray().Single(t => t.GetProperty("entity").GetString() == "Exchange B");
        Assert.Equal(result.Get(TraceModel.Haircut)!.TerminalAmount(ExB).ToTokenString(6), hA.GetProperty("amount").GetString());
        var bands = root.GetProperty("bands");
        Assert.Equal(2, bands.GetArrayLength());
        var bandB = bands.EnumerateArray().Single(b => b.GetProperty("entity").GetString() == "Exchange B");
        Assert.Equal("1000.5", bandB.GetProperty("min").GetString()); // LIFO: 3,000.5 traced, 2,000 to A, 1,000.5 left for B
        Assert.Equal("2000", bandB.GetProperty("max").GetString());
        var path = haircut.GetProperty("paths")[0];
        Assert.Equal(2, path.GetProperty("transfers").GetArrayLength());
    }

    [Fact]
    public void Csv_OneRowPerTerminalNodeAndEdge_WithQuoting()
    {
        var result = PaperTrace();
        var sw = new StringWriter();
        TraceCsvWriter.Write(sw, result);
        var lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TraceCsvWriter.Header, lines[0]);
        int expected = result.Results.Sum(r => r.Terminals.Count + r.Nodes.Count + r.Edges.Count);
        Assert.Equal(expected + 1, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("fifo,terminal,", StringComparison.Ordinal) && l.Contains("\"Exchange \"\"A\"\", Ltd\"", StringComparison.Ordinal) && l.Contains(",1000,", StringComparison.Ordinal));
        int columns = TraceCsvWriter.Header.Split(',').Length;
        foreach (var l in lines.Where(l => !l.Contains('"', StringComparison.Ordinal))) Assert.Equal(columns, l.Split(',').Length);
    }

    [Fact]
    public void Dot_HasAClusterPerModelAndEveryEdge()
    {
        var result = PaperTrace();
        var sw = new StringWriter();
        TraceDotWriter.Write(sw, result);
        var dot = sw.ToString();
        Assert.StartsWith("digraph chaintrace {", dot, StringComparison.Ordinal);
        Assert.EndsWith("}\n", dot.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        foreach (var r in result.Results)
        {
            Assert.Contains($"subgraph \"cluster_{TraceModels.Name(r.Model)}\"", dot, StringComparison.Ordinal);
            foreach (var e in r.Edges)
                Assert.Contains($"\"{TraceModels.Name(r.Model)}:{result.Format(e.From)}\" -> \"{TraceModels.Name(r.Model)}:{result.Format(e.To)}\"", dot, StringComparison.Ordinal);
        }
        Assert.Contains("Exchange \\\"A\\\", Ltd", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockTimes_MatchALinearScan_WithGapsInStoredTimestamps()
    {
        var gen =
            from blocks in Gen.Choose(1, 60)
            from gaps in Gen.ListOf(Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))), 61)
            from steps in Gen.ListOf(Gen.Choose(0, 20), 61)
            from probe in Gen.Choose(-50, 1_500)
            select (blocks, gaps, steps, probe);
        Prop.ForAll(Arb.From(gen), c =>
        {
            var store = new MemoryChainStore();
            var times = new SortedDictionary<ulong, long>();
            long t = 1_000;
            store.AddTransfer(Seq.ForLog(3, 0, 0), ChainProfile.Ethereum.DefaultToken.Contract, Address.Zero, Seed, 1);
            for (ulong b = 3; b < 3 + (ulong)c.blocks; b++)
            {
                t += c.steps[(int)(b - 3)];
                if (c.gaps[(int)(b - 3)] && b != 3) continue; // no stored timestamp
                times[b] = t;
                var h = new BlockHeader { Number = b, Timestamp = t };
                store.OnBlock(in h);
            }
            ulong last = 3 + (ulong)c.blocks - 1;
            store.AddTransfer(Seq.ForLog(last, 0, 0), ChainProfile.Ethereum.DefaultToken.Contract, Address.Zero, Seed, 1);
            long probe = 1_000 + c.probe;
            ulong? first = null, lastBefore = null;
            foreach (var (b, bt) in times)
            {
                if (first is null && bt >= probe) first = b;
                if (bt <= probe) lastBefore = b;
            }
            Assert.Equal(first, BlockTimes.FirstBlockAtOrAfter(store, probe));
            // The last block at or before: blocks without a stored time right after a match belong to it too.
            var lb = BlockTimes.LastBlockAtOrBefore(store, probe);
            if (lastBefore is null) Assert.Null(lb);
            else
            {
                Assert.NotNull(lb);
                Assert.True(lb >= lastBefore);
                Assert.DoesNotContain(times, kv => kv.Key > lastBefore && kv.Key <= lb);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    }

    [Fact]
    public void BlockTimes_Resolve_AcceptsBlocksAndIsoTimes_RejectsGarbage()
    {
        var b = new ChainBuilder();
        b.Transfer(Address.Zero, Seed, 1);
        b.NextBlock(9);
        b.Transfer(Seed, Mid, 1); // block 10; ChainBuilder stores times 1_600_000_000 + 12 * block
        var store = b.Build();
        Assert.Equal(7UL, BlockTimes.ResolveSince(store, "7"));
        string iso = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000 + 12 * 5 + 1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(6UL, BlockTimes.ResolveSince(store, iso));
        Assert.Equal(5UL, BlockTimes.ResolveUntil(store, iso));
        var bad = Assert.Throws<ArgumentException>(() => BlockTimes.ResolveSince(store, "yesterday-ish"));
        Assert.Contains("ISO-8601", bad.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BlockTimes.ResolveSince(store, "2099-01-01"));
        Assert.Throws<ArgumentException>(() => BlockTimes.ResolveUntil(store, "1999-01-01"));
    }

    [Fact]
    public void Totals_GroupOfScamAddresses_VictimsOffRampsBlacklistedAndFreezable()
    {
        var scam1 = ChainBuilder.Addr(100);
        var scam2 = ChainBuilder.Addr(101);
        var v1 = ChainBuilder.Addr(200);
        var v2 = ChainBuilder.Addr(201);
        var v3 = ChainBuilder.Addr(202);
        var frozen = ChainBuilder.Addr(300);
        var parked = ChainBuilder.Addr(301);
        var b = new ChainBuilder();
        b.Label(ExA, LabelCategories.Exchange, "Exchange A");
        foreach (var v in new[] { v1, v2, v3 }) b.Transfer(Address.Zero, v, U(10_000));
        b.Transfer(Address.Zero, scam1, U(1)); // a mint is not a victim
        b.NextBlock();
        b.Transfer(v1, scam1, U(1_000));
        b.Transfer(v1, scam1, U(500));
        b.Transfer(v2, scam2, U(2_000));
        b.Transfer(v3, scam1, U(700));
        b.NextBlock();
        b.Transfer(scam1, scam2, U(1_000)); // inside the group
        b.NextBlock();
        b.Transfer(scam2, ExA, U(2_500));
        b.Transfer(scam1, frozen, U(400));
        b.Transfer(scam2, parked, U(300));
        var store = b.Build();
        var blacklist = new TokenEvent { Kind = TokenEventKind.AddedBlackList, Block = b.Block + 1, Token = ChainProfile.Ethereum.DefaultToken.Contract, From = frozen };
        store.OnTokenEvent(in blacklist);

        var totals = LaunderingTotals.Compute(store, new TraceOptions { Seeds = [scam1, scam2], Models = TraceModel.All });
        Assert.Equal(UInt256.FromBigInteger(U(4_200)), totals.ReceivedFromOutside);
        Assert.Equal(4, totals.InflowCount);
        Assert.Equal(3, totals.DistinctSenders);
        var ex = Assert.Single(totals.OffRamps);
        Assert.Equal("Exchange A", ex.Entity);
        Assert.All(TraceModels.Order, m => Assert.Equal(UInt256.FromBigInteger(U(2_500)), ex.PerModel[m]));
        // frozen holds 400 traced (blacklisted), parked 300; the seeds still hold 1 + 4,200 - 3,200 = 1,001.
        Assert.All(TraceModels.Order, m => Assert.Equal(UInt256.FromBigInteger(U(400)), totals.AtBlacklisted[m]));
        Assert.All(TraceModels.Order, m => Assert.Equal(UInt256.FromBigInteger(U(300) + U(1_001)), totals.Freezable[m]));
        var f = totals.Holdings.Single(h => h.Address == frozen);
        Assert.True(f.Blacklisted);
        Assert.Equal(1, f.Hops);
        Assert.NotNull(f.LastActivity);
        Assert.Equal(2, totals.Holdings.Count(h => h.Role == TraceRole.Seed));
    }
}
