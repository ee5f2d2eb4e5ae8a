using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using ChainTrace.Tests.Cli;
using ChainTrace.Tests.Tracing;
using Xunit;

namespace ChainTrace.Tests.Reporting;

public class TraceHtmlCliTests(IndexedSynthFixture chain) : IClassFixture<IndexedSynthFixture>
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    [Fact]
    public async Task Trace_FormatHtml_WritesTheReportFile()
    {
        using var dir = new TempDir("ct-html-cli");
        string file = dir.File("report.html");
        var c = chain.Truth.Cases[0];
        string hops = c.MaxHops.ToString(CultureInfo.InvariantCulture);
        string since = c.FromBlock.ToString(CultureInfo.InvariantCulture);
        var r = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", chain.Seed, "--model", "all", "--hops", hops, "--since", since, "--format", "html", "--out", file);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(file));
        string html = await File.ReadAllTextAsync(file);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.Contains($"<pre>chaintrace trace --db {chain.Db} --from {chain.Seed} --model all --hops {hops} --since {since} --format html --out {file}</pre>", html, StringComparison.Ordinal);
        var svgs = TraceHtmlWriterTests.Svgs(html);
        Assert.Equal(4, svgs.Count);

        // The same terminals as the JSON output of the same command.
        var json = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", chain.Seed, "--model", "all", "--hops", hops, "--since", since, "--format", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var doc = JsonDocument.Parse(json.Out);
        int terminals = 0;
        foreach (var m in doc.RootElement.GetProperty("results").EnumerateArray())
            foreach (var t in m.GetProperty("terminals").EnumerateArray())
            {
                Assert.Contains(t.GetProperty("address").GetString()!, html, StringComparison.Ordinal);
                Assert.Contains($"<td class=\"n\">{t.GetProperty("amount").GetString()}</td>", html, StringComparison.Ordinal);
                terminals++;
            }
        Assert.True(terminals > 0, "the planted case reaches no terminal");
        int boxes = svgs.Sum(s => s.Descendants(SvgNs + "g").Count(g => (string?)g.Attribute("class") == "node"));
        Assert.True(boxes >= 4);
    }

    [Fact]
    public async Task Trace_UnknownFormat_ListsHtml()
    {
        var r = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", chain.Seed, "--format", "pdf");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("html", r.Out + r.Err, StringComparison.Ordinal);
    }
}
