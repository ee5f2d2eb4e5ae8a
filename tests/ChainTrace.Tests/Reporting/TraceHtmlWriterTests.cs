using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
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

public partial class TraceHtmlWriterTests
{
    private const string Hostile = "<script>alert('x')</script> & \"Co\"";
    private static readonly Address Seed = ChainBuilder.Addr(1);
    private static readonly Address Mid = ChainBuilder.Addr(2);
    private static readonly Address ExA = ChainBuilder.Addr(3);
    private static readonly Address ExB = ChainBuilder.Addr(4);
    private static readonly Address Clean = ChainBuilder.Addr(5);
    private static readonly Address Mixer = ChainBuilder.Addr(6);
    private static readonly DateTimeOffset Generated = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static BigInteger U(long usdt) => usdt * 1_000_000L;

    private static ChainBuilder Paper()
    {
        var b = new ChainBuilder();
        b.Label(ExA, LabelCategories.Exchange, Hostile).Label(ExB, LabelCategories.Exchange, "Exchange B").Label(Mixer, LabelCategories.Mixer, "Mixer </svg><svg>");
        b.Transfer(Address.Zero, Seed, U(10_000));
        b.Transfer(Address.Zero, Clean, U(5_000));
        b.NextBlock();
        b.Transfer(Clean, Mid, U(1_000));
        b.NextBlock();
        b.Transfer(Seed, Mid, U(3_000) + 500_000);
        b.NextBlock();
        b.Transfer(Mid, ExA, U(2_000));
        b.NextBlock();
        b.Transfer(Mid, ExB, U(1_500) + 1);
        b.NextBlock();
        b.Transfer(Seed, Mixer, U(777) + 123_456);
        return b;
    }

    private static TraceResult PaperTrace() => Paper().Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All });

    private static string Html(TraceResult r, int maxNodes = 200) =>
        TraceHtmlWriter.ToHtml(r, new TraceHtmlOptions { GeneratedAt = Generated, CommandLine = "chaintrace trace --from x --format html", MaxNodes = maxNodes });

    [GeneratedRegex("<svg[ >].*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgRegex();

    internal static List<XDocument> Svgs(string html) => [.. SvgRegex().Matches(html).Select(m => XDocument.Parse(m.Value))];

    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    private static string Section(string html, string id)
    {
        int start = html.IndexOf($"<section id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, id);
        int end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [Fact]
    public void Svg_ParsesAsXml_OnePicturePerModel_WithEveryShownNode()
    {
        var r = PaperTrace();
        string html = Html(r);
        var svgs = Svgs(html);
        Assert.Equal(r.Results.Count, svgs.Count);
        for (int i = 0; i < r.Results.Count; i++)
        {
            var boxes = svgs[i].Descendants(SvgNs + "g").Where(g => (string?)g.Attribute("class") == "node").ToList();
            Assert.Equal(r.Results[i].Nodes.Count, boxes.Count);
            var titles = string.Join("\n", boxes.Select(b => b.Element(SvgNs + "title")!.Value));
            foreach (var n in r.Results[i].Nodes) Assert.Contains(r.Format(n.Address), titles, StringComparison.Ordinal);
            Assert.Equal(r.Results[i].Edges.Count, svgs[i].Descendants(SvgNs + "path").Count(p => p.Attribute("data-amount") is not null));
        }
    }

    [Fact]
    public void Terminals_AndSummaries_ShowTheJsonWritersAmounts()
    {
        var r = PaperTrace();
        string html = Html(r);
        string terminals = Section(html, "terminals");
        string summary = Section(html, "summary");
        var rows = terminals.Split("<tr>", StringSplitOptions.None);
        using var doc = JsonDocument.Parse(TraceJsonWriter.ToJson(r));
        int checkedAmounts = 0;
        var modelOrder = doc.RootElement.GetProperty("results").EnumerateArray().Select(m => m.GetProperty("model").GetString()!).ToList();
        foreach (var model in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            int column = modelOrder.IndexOf(model.GetProperty("model").GetString()!);
            foreach (var t in model.GetProperty("terminals").EnumerateArray())
            {
                string address = t.GetProperty("address").GetString()!;
                var row = Assert.Single(rows, x => x.Contains(address, StringComparison.Ordinal));
                var cells = Regex.Matches(row, "<td class=\"n\">(.*?)</td>").Select(m => m.Groups[1].Value).ToList();
                Assert.Equal(t.GetProperty("hops").GetInt32().ToString(CultureInfo.InvariantCulture), cells[0]);
                Assert.Equal(t.GetProperty("amount").GetString(), cells[1 + column]);
                Assert.Contains(HtmlText.Escape(t.GetProperty("entity").GetString()), row, StringComparison.Ordinal);
                checkedAmounts++;
            }
            var s = model.GetProperty("summary");
            string name = model.GetProperty("model").GetString()!;
            var sumRow = summary.Split("<tr").Single(x => x.StartsWith($" class=\"model-{name}\"", StringComparison.Ordinal));
            string prefix = s.GetProperty("upper_bound").GetBoolean() ? "≤ " : "";
            foreach (var field in new[] { "traced", "reached_terminals", "held", "dropped" })
                Assert.Contains($"<td class=\"n\">{prefix}{s.GetProperty(field).GetString()}</td>", sumRow, StringComparison.Ordinal);
            Assert.Equal(name == "poison", sumRow.Contains("(upper bound)", StringComparison.Ordinal));
        }
        Assert.True(checkedAmounts >= 12, $"only {checkedAmounts} terminal amounts checked");
        Assert.Contains("1500.000001", terminals, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileLabels_AreEscaped_AndThePageLoadsNothing()
    {
        string html = Html(PaperTrace());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;", html, StringComparison.Ordinal);
        Assert.Contains("Mixer &lt;/svg&gt;&lt;svg&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        // Only plain links (explorers), no other element fetches anything.
        foreach (Match m in Regex.Matches(html, "(href)=\"([^\"]*)\"")) Assert.StartsWith("https://etherscan.io/", m.Groups[2].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_AndFooter_CarryTheOptionsAndTheCommandLine()
    {
        var r = Paper().Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.Haircut, Hops = 3, SinceBlock = 2, UntilBlock = 40 });
        string html = TraceHtmlWriter.ToHtml(r, new TraceHtmlOptions { GeneratedAt = Generated, CommandLine = "chaintrace trace --from <a> & b", Store = "/data/eth" });
        Assert.Contains(r.Format(Seed), html, StringComparison.Ordinal);
        Assert.Contains("<dt>Hops</dt><dd>3</dd>", html, StringComparison.Ordinal);
        Assert.Contains("blocks 2..40", html, StringComparison.Ordinal);
        Assert.Contains("2026-11-28T12:00:00Z", html, StringComparison.Ordinal);
        Assert.Contains("/data/eth", html, StringComparison.Ordinal);
        Assert.Contains("<pre>chaintrace trace --from &lt;a&gt; &amp; b</pre>", html, StringComparison.Ordinal);
        Assert.Contains("0xdAC17F958D2ee523a2206206994597C13D831ec7", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_IsDeterministic_ForTheSameHistory()
    {
        string a = Html(PaperTrace());
        string b = Html(PaperTrace());
        Assert.Equal(a, b);
        Assert.NotEqual(a, TraceHtmlWriter.ToHtml(PaperTrace(), new TraceHtmlOptions { GeneratedAt = Generated.AddSeconds(1) }));
    }

    [Fact]
    public void Paths_ShowTxHashesAsPlainLinks()
    {
        var b = Paper();
        var store = b.Build();
        var h = new byte[32];
        foreach (var t in b.Transfers)
        {
            Array.Fill(h, (byte)(t.Seq.Block * 7 + t.Seq.TxIndex));
            var tx = new ChainTrace.Ingest.TransactionRecord { Block = t.Seq.Block, TxIndex = t.Seq.TxIndex, Hash = new Hash32(h) };
            store.OnTransaction(in tx);
        }
        var r = new Tracer(store).Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.Fifo });
        string html = Html(r);
        string paths = Section(html, "paths");
        int hashes = 0;
        foreach (var p in r.Results[0].Paths)
            foreach (var s in p.Steps)
            {
                Assert.NotNull(s.TxHash);
                Assert.Contains($"<a href=\"https://etherscan.io/tx/{s.TxHash}\">{s.TxHash}</a>", paths, StringComparison.Ordinal);
                hashes++;
            }
        Assert.True(hashes >= 3);
    }
    [Fact]
    public void HostileCategory_OfACustomStopCategory_IsEscaped()
    {
        const string category = "<img src=x onerror=alert(1)>";
        var b = new ChainBuilder();
        b.Label(ExA, category, "Evil \u0001 desk");
        b.Transfer(Address.Zero, Seed, U(10));
        b.NextBlock();
        b.Transfer(Seed, ExA, U(4));
        var r = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.Haircut, StopCategories = [category] });
        Assert.Equal(category, Assert.Single(r.Results[0].Terminals).Category);
        string html = Html(r);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Single(Svgs(html));
    }

    [Fact]
    public void Backward_PutsSeedsOnTheRight_SoMoneyFlowsLeftToRight()
    {
        var r = Paper().Trace(new TraceOptions { Seeds = [ExA], Models = TraceModel.Haircut | TraceModel.Poison, Direction = TraceDirection.Backward });
        var m = r.Results[0];
        Assert.True(m.Edges.Count >= 2);
        var layout = FlowLayout.Build(m, 200, 200, mirror: true);
        Assert.True(layout.MirrorColumns);
        foreach (var e in layout.Edges.Where(e => e.From.Hop == e.To.Hop + 1)) Assert.True(e.From.X < e.To.X);
        Assert.Equal(layout.Nodes.Max(n => n.X), layout.Nodes.Single(n => n.Node?.Role == TraceRole.Seed).X);
        string html = Html(r);
        Assert.Equal(2, Svgs(html).Count);
        Assert.Contains("Backward trace: where the money came from", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Tron_LinksToTronscan_WithoutThe0xPrefix()
    {
        var b = new ChainBuilder(ChainProfile.Tron);
        b.Label(ExA, LabelCategories.Exchange, "Exchange T");
        b.Transfer(Address.Zero, Seed, U(10));
        b.NextBlock();
        b.Transfer(Seed, ExA, U(4));
        var store = b.Build();
        var hash = new byte[32];
        Array.Fill(hash, (byte)0xAB);
        var tx = new ChainTrace.Ingest.TransactionRecord { Block = b.Transfers[1].Seq.Block, TxIndex = b.Transfers[1].Seq.TxIndex, Hash = new Hash32(hash) };
        store.OnTransaction(in tx);
        var r = new Tracer(store).Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.Haircut });
        string html = Html(r);
        Assert.Contains("href=\"https://tronscan.org/#/transaction/" + string.Concat(Enumerable.Repeat("ab", 32)) + "\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://tronscan.org/#/address/" + ChainProfile.Tron.Format(ExA) + "\"", html, StringComparison.Ordinal);
        Assert.Contains(ChainProfile.Tron.Format(Seed), html, StringComparison.Ordinal);
        Assert.DoesNotContain("etherscan", html, StringComparison.Ordinal);
    }
}
