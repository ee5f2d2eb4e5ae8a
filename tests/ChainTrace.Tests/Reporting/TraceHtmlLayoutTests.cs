using System.Globalization;
using System.Numerics;
using System.Xml.Linq;
using ChainTrace.Primitives;
using ChainTrace.Reporting;
using ChainTrace.Reporting.Html;
using ChainTrace.Tests.Tracing;
using ChainTrace.Tracing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ChainTrace.Tests.Reporting;

public class TraceHtmlLayoutTests
{
    private static readonly Address Seed = ChainBuilder.Addr(1);
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    /// <summary>The seed pays <paramref name="fanOut"/> addresses (amounts 1..fanOut USDT); each of the first half passes it on.</summary>
    private static TraceResult Fan(int fanOut)
    {
        var b = new ChainBuilder();
        b.Transfer(Address.Zero, Seed, 1_000_000_000_000);
        b.NextBlock();
        for (int i = 0; i < fanOut; i++) b.Transfer(Seed, ChainBuilder.Addr(100 + i), (i + 1) * 1_000_000L);
        b.NextBlock();
        for (int i = 0; i < fanOut / 2; i++) b.Transfer(ChainBuilder.Addr(100 + i), ChainBuilder.Addr(10_000 + i % 7), (i + 1) * 1_000_000L);
        return b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.Fifo });
    }

    [Fact]
    public void NodeCap_ShowsAtMostTheCap_AndSummarisesTheRestPerColumn()
    {
        var r = Fan(300);
        var m = r.Results[0];
        Assert.True(m.Nodes.Count > 300);
        var layout = FlowLayout.Build(m, maxNodes: 50, maxPerColumn: 1000);
        int shown = layout.Nodes.Count(n => n.Node is not null);
        Assert.Equal(50, shown);
        Assert.Equal(m.Nodes.Count - 50, layout.HiddenCount);
        Assert.Equal(layout.HiddenCount, layout.Nodes.Sum(n => n.HiddenCount));
        // The kept ones are the biggest receivers of their column.
        foreach (var col in layout.Nodes.GroupBy(n => n.Hop))
        {
            var summary = col.SingleOrDefault(n => n.Node is null);
            if (summary is null) continue;
            var hiddenMax = m.Nodes.Where(n => n.Hops == col.Key && !col.Any(f => f.Node?.Address == n.Address)).Max(n => n.Received);
            foreach (var f in col.Where(f => f.Node is not null && f.Node.Role != TraceRole.Seed)) Assert.True(f.Node!.Received >= hiddenMax);
            Assert.Equal(col.Max(n => n.Row), summary.Row);
        }
        // Folding hidden addresses into summary boxes keeps the traced value of every arrow.
        var total = m.Edges.Aggregate(UInt256.Zero, (a, e) => a + e.Amount);
        Assert.Equal(total, layout.Edges.Aggregate(UInt256.Zero, (a, e) => a + e.Amount));

        string html = TraceHtmlWriter.ToHtml(r, new TraceHtmlOptions { GeneratedAt = DateTimeOffset.UnixEpoch, MaxNodes = 50 });
        var svg = TraceHtmlWriterTests.Svgs(html).Single();
        var boxes = svg.Descendants(SvgNs + "g").Where(g => (string?)g.Attribute("class") == "node").ToList();
        Assert.Equal(layout.Nodes.Count, boxes.Count);
        int hiddenInText = 0;
        foreach (var t in svg.Descendants(SvgNs + "text").Select(t => t.Value).Where(v => v.StartsWith("…and ", StringComparison.Ordinal)))
            hiddenInText += int.Parse(t["…and ".Length..^" more".Length], CultureInfo.InvariantCulture);
        Assert.Equal(m.Nodes.Count - 50, hiddenInText);
    }

    [Fact]
    public void PerColumnCap_Holds()
    {
        var layout = FlowLayout.Build(Fan(120).Results[0], maxNodes: 200, maxPerColumn: 10);
        foreach (var col in layout.Nodes.GroupBy(n => n.Hop)) Assert.True(col.Count(n => n.Node is not null) <= 10);
        Assert.Contains(layout.Nodes, n => n.HiddenCount > 0);
    }

    [Fact]
    public void StrokeWidths_AreMonotonicInTheAmount_InTheLayoutAndInTheSvg()
    {
        var r = Fan(40);
        var layout = FlowLayout.Build(r.Results[0], 200, 200);
        var byAmount = layout.Edges.OrderBy(e => e.Amount).ToList();
        for (int i = 1; i < byAmount.Count; i++) Assert.True(byAmount[i].StrokeWidth >= byAmount[i - 1].StrokeWidth);
        Assert.Equal(FlowLayout.MinStroke, byAmount[0].StrokeWidth);
        Assert.Equal(FlowLayout.MaxStroke, byAmount[^1].StrokeWidth);
        Assert.True(byAmount[^1].StrokeWidth > byAmount[byAmount.Count / 2].StrokeWidth);
        Assert.True(byAmount[byAmount.Count / 2].StrokeWidth > byAmount[0].StrokeWidth);

        var svg = TraceHtmlWriterTests.Svgs(TraceHtmlWriter.ToHtml(r, new TraceHtmlOptions { GeneratedAt = DateTimeOffset.UnixEpoch })).Single();
        var drawn = svg.Descendants(SvgNs + "path").Where(p => p.Attribute("data-amount") is not null)
            .Select(p => (Amount: decimal.Parse((string)p.Attribute("data-amount")!, CultureInfo.InvariantCulture), Width: double.Parse((string)p.Attribute("stroke-width")!, CultureInfo.InvariantCulture)))
            .OrderBy(x => x.Amount).ToList();
        Assert.Equal(layout.Edges.Count, drawn.Count);
        for (int i = 1; i < drawn.Count; i++) Assert.True(drawn[i].Width >= drawn[i - 1].Width, $"{drawn[i - 1]} then {drawn[i]}");
    }

    [Fact]
    public void StrokeWidth_IsNonDecreasing_Property()
    {
        Prop.ForAll<ulong, ulong, (ulong Lo, ulong Hi)>((a, b, range) =>
        {
            var xs = new[] { a | 1, b | 1, range.Lo | 1, range.Hi | 1 }.Order().ToArray();
            UInt256 min = new(xs[0]), x = new(xs[1]), y = new(xs[2]), max = new(xs[3]);
            double wx = FlowLayout.StrokeWidth(x, min, max), wy = FlowLayout.StrokeWidth(y, min, max);
            return wx <= wy && wx >= FlowLayout.MinStroke && wy <= FlowLayout.MaxStroke;
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>Two seeds each feed their own chain; drawn in the order that reduces crossings, the chains do not cross.</summary>
    [Fact]
    public void Barycenter_KeepsParallelChainsUncrossed()
    {
        var b = new ChainBuilder();
        var s1 = ChainBuilder.Addr(1);
        var s2 = ChainBuilder.Addr(2);
        b.Transfer(Address.Zero, s1, 1_000_000_000);
        b.Transfer(Address.Zero, s2, 1_000_000_000);
        b.NextBlock();
        // Amounts chosen so that the importance order alone would cross the chains at every hop.
        b.Transfer(s1, ChainBuilder.Addr(11), 100);
        b.Transfer(s2, ChainBuilder.Addr(21), 900);
        b.NextBlock();
        b.Transfer(ChainBuilder.Addr(11), ChainBuilder.Addr(12), 100);
        b.Transfer(ChainBuilder.Addr(21), ChainBuilder.Addr(22), 900);
        b.NextBlock();
        b.Transfer(ChainBuilder.Addr(12), ChainBuilder.Addr(13), 100);
        b.Transfer(ChainBuilder.Addr(22), ChainBuilder.Addr(23), 900);
        var r = b.Trace(new TraceOptions { Seeds = [s1, s2], Models = TraceModel.Poison });
        var layout = FlowLayout.Build(r.Results[0], 200, 200);
        Assert.Equal(0, Crossings(layout));
        Assert.Equal(4, layout.Columns);
    }

    [Fact]
    public void Barycenter_NeverCrossesMoreThanTheImportanceOrder_OnRandomGraphs()
    {
        var rnd = new Random(42);
        for (int round = 0; round < 15; round++)
        {
            var b = new ChainBuilder();
            b.Transfer(Address.Zero, Seed, BigInteger.Pow(10, 15));
            var reached = new List<Address> { Seed };
            for (int i = 0; i < 40; i++)
            {
                b.NextBlock();
                var from = reached[rnd.Next(reached.Count)];
                var to = ChainBuilder.Addr(1000 + rnd.Next(60));
                b.Transfer(from, to, rnd.Next(1, 1_000_000) * 1_000L);
                if (!reached.Contains(to)) reached.Add(to);
            }
            var m = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.Poison, Hops = 6 }).Results[0];
            var layout = FlowLayout.Build(m, 200, 200);
            var naive = NaiveLayout(m, layout);
            Assert.True(Crossings(layout) <= Crossings(naive), $"round {round}: {Crossings(layout)} > {Crossings(naive)}");
        }
    }

    /// <summary>The same boxes in importance order (no barycenter pass).</summary>
    private static FlowLayout NaiveLayout(ModelResult m, FlowLayout laid)
    {
        var nodes = new List<FlowNode>();
        var map = new Dictionary<int, FlowNode>();
        foreach (var col in laid.Nodes.GroupBy(n => n.Hop))
        {
            var ordered = col.OrderBy(n => n.Node?.Role == TraceRole.Seed ? 0 : 1).ThenByDescending(n => n.Node is null ? UInt256.Zero : n.Received)
                .ThenBy(n => n.Node?.Hops ?? 0).ThenBy(n => n.Node?.Address ?? default).ToList();
            for (int i = 0; i < ordered.Count; i++)
            {
                var f = ordered[i] with { Row = i, Y = FlowLayout.Top + i * FlowLayout.RowPitch };
                map[ordered[i].Index] = f;
                nodes.Add(f);
            }
        }
        var edges = laid.Edges.Select(e => e with { From = map[e.From.Index], To = map[e.To.Index] }).ToList();
        return laid with { Nodes = nodes, Edges = edges };
    }

    /// <summary>Pairs of arrows between the same two adjacent columns whose ends are in opposite orders.</summary>
    private static int Crossings(FlowLayout layout)
    {
        var adjacent = layout.Edges.Where(e => e.To.Hop == e.From.Hop + 1).ToList();
        int crossings = 0;
        for (int i = 0; i < adjacent.Count; i++)
            for (int j = i + 1; j < adjacent.Count; j++)
            {
                var a = adjacent[i];
                var c = adjacent[j];
                if (a.From.Hop != c.From.Hop) continue;
                if ((a.From.Row - c.From.Row) * (a.To.Row - c.To.Row) < 0) crossings++;
            }
        return crossings;
    }
    [Fact]
    public void ManySeeds_CountTowardsTheCap()
    {
        var b = new ChainBuilder();
        var seeds = Enumerable.Range(0, 30).Select(i => ChainBuilder.Addr(500 + i)).ToList();
        foreach (var s in seeds) b.Transfer(Address.Zero, s, 1_000_000);
        b.NextBlock();
        foreach (var s in seeds) b.Transfer(s, ChainBuilder.Addr(900), 1_000);
        var m = b.Trace(new TraceOptions { Seeds = seeds, Models = TraceModel.Haircut }).Results[0];
        var layout = FlowLayout.Build(m, maxNodes: 200, maxPerColumn: 12);
        Assert.Equal(12, layout.Nodes.Count(n => n.Hop == 0 && n.Node is not null));
        Assert.Equal(18, layout.Nodes.Single(n => n.Hop == 0 && n.Node is null).HiddenCount);
        Assert.Contains(layout.Nodes, n => n.Hop == 1 && n.Node?.Address == ChainBuilder.Addr(900));
    }
}
