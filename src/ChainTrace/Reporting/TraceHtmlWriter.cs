using System.Globalization;
using System.Reflection;
using System.Text;
using ChainTrace.Primitives;
using ChainTrace.Reporting.Html;
using ChainTrace.Tracing;

namespace ChainTrace.Reporting;

/// <summary>Settings of the HTML report.</summary>
public sealed record TraceHtmlOptions
{
    /// <summary>When the report was generated (printed in the header; passed in so the output is deterministic).</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The command line that reproduces the trace, printed in the evidence footer; null if unknown.</summary>
    public string? CommandLine { get; init; }

    /// <summary>Where the data came from (e.g. the store directory), printed in the header; null if unknown.</summary>
    public string? Store { get; init; }

    /// <summary>At most this many address boxes per flow picture (seeds first, then the biggest receivers); the rest are summarised per column.</summary>
    public int MaxNodes { get; init; } = 200;

    /// <summary>At most this many address boxes per column of a flow picture.</summary>
    public int MaxNodesPerColumn { get; init; } = 60;

    /// <summary>Top paths shown per model.</summary>
    public int TopPaths { get; init; } = 20;

    /// <summary>Link transaction hashes and addresses to the public explorer (plain links; nothing is fetched).</summary>
    public bool ExplorerLinks { get; init; } = true;
}

/// <summary>
/// Writes a <see cref="TraceResult"/> as one self-contained HTML page for a case file: header, per-model summary,
/// terminals, bands, one flow picture per model (inline SVG, columns by hop), top paths with transaction hashes and
/// an evidence footer. No scripts, fonts or external resources; every text from the store or user files is escaped;
/// the same result and options give the same bytes.
/// </summary>
public static class TraceHtmlWriter
{
    /// <summary>Writes the page.</summary>
    public static void Write(TextWriter output, TraceResult result, TraceHtmlOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(ToHtml(result, options));
        output.Flush();
    }

    /// <summary>The page as a string.</summary>
    public static string ToHtml(TraceResult result, TraceHtmlOptions options)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        var r = result;
        var sb = new StringBuilder(64 * 1024);
        string direction = r.Direction == TraceDirection.Forward ? "Forward" : "Backward";
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"generator\" content=\"ChainTrace ").AppendEscaped(Version).Append("\">\n");
        sb.Append("<title>ChainTrace ").Append(direction.ToLowerInvariant()).Append(" trace report</title>\n");
        sb.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");

        WriteHeader(sb, r, options, direction);
        WriteSummary(sb, r);
        WriteTerminals(sb, r, options);
        WriteBands(sb, r);
        WriteFlows(sb, r, options);
        WritePaths(sb, r, options);
        WriteFooter(sb, r, options);

        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void WriteHeader(StringBuilder sb, TraceResult r, TraceHtmlOptions o, string direction)
    {
        sb.Append("<header>\n<h1>").Append(direction).Append(" trace: ")
            .Append(r.Direction == TraceDirection.Forward ? "where the money went" : "where the money came from").Append("</h1>\n");
        sb.Append("<dl class=\"meta\">\n");
        sb.Append("<dt>Seeds (").Append(Num(r.Seeds.Count)).Append(")</dt><dd>");
        for (int i = 0; i < r.Seeds.Count; i++)
        {
            if (i > 0) sb.Append("<br>");
            sb.Append("<code>").AppendEscaped(r.Format(r.Seeds[i])).Append("</code>");
        }
        sb.Append("</dd>\n");
        Meta(sb, "Direction", r.Direction == TraceDirection.Forward ? "forward" : "backward");
        Meta(sb, "Hops", Num(r.Hops));
        Meta(sb, "Window", Window(r));
        Meta(sb, "Token", $"{r.Token.Symbol} ({r.Format(r.Token.Contract)}, {r.Token.Decimals} decimals)");
        Meta(sb, "Dust threshold", r.Format(r.MinAmount) + " " + r.Token.Symbol);
        Meta(sb, "Models", string.Join(", ", r.Results.Select(m => TraceModels.Name(m.Model))));
        Meta(sb, "Chain", r.Profile.Name);
        if (o.Store is not null) Meta(sb, "Store", o.Store);
        Meta(sb, "Generated", o.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        sb.Append("</dl>\n</header>\n");
    }

    private static void WriteSummary(StringBuilder sb, TraceResult r)
    {
        string unit = HtmlText.Escape(r.Token.Symbol);
        sb.Append("<section id=\"summary\">\n<h2>Summary per model</h2>\n<table>\n<thead><tr><th>model</th><th class=\"n\">traced (")
            .Append(unit).Append(")</th><th class=\"n\">reached terminals</th><th class=\"n\">held</th><th class=\"n\">dropped</th><th class=\"n\">terminals</th><th class=\"n\">addresses</th></tr></thead>\n<tbody>\n");
        bool anyUpper = false;
        foreach (var m in r.Results)
        {
            var s = m.Summary;
            anyUpper |= s.UpperBound;
            string ub = s.UpperBound ? "≤ " : "";
            sb.Append("<tr class=\"model-").Append(TraceModels.Name(m.Model)).Append("\"><td>").Append(TraceModels.Name(m.Model));
            if (s.UpperBound) sb.Append(" <span class=\"ub\">(upper bound)</span>");
            sb.Append("</td>");
            foreach (var v in new[] { s.Traced, s.ReachedTerminals, s.Held, s.Dropped })
                sb.Append("<td class=\"n\">").Append(ub).Append(r.Format(v)).Append("</td>");
            sb.Append("<td class=\"n\">").Append(Num(s.TerminalCount)).Append("</td><td class=\"n\">").Append(Num(s.NodeCount)).Append("</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        if (anyUpper)
            sb.Append("<p class=\"note\">Poison counts every outflow after a traced inflow as fully traced: its figures are upper bounds and do not add up to the traced total.</p>\n");
        sb.Append("<p class=\"note\">Haircut, FIFO and LIFO: traced = reached terminals + held + dropped.</p>\n</section>\n");
    }

    private static void WriteTerminals(StringBuilder sb, TraceResult r, TraceHtmlOptions o)
    {
        var rows = new Dictionary<Address, (TraceTerminal Terminal, Dictionary<TraceModel, UInt256> Amounts)>();
        foreach (var m in r.Results)
            foreach (var t in m.Terminals)
            {
                if (!rows.TryGetValue(t.Address, out var row)) rows[t.Address] = row = (t, []);
                row.Amounts[m.Model] = t.Amount;
                if (t.Hops < row.Terminal.Hops || t.Hops == row.Terminal.Hops && t.FirstArrival < row.Terminal.FirstArrival)
                    rows[t.Address] = (t, row.Amounts);
            }
        var ordered = rows.Values.OrderByDescending(x => x.Amounts.Values.Max()).ThenBy(x => x.Terminal.Address).ToList();
        sb.Append("<section id=\"terminals\">\n<h2>Terminals (").Append(Num(ordered.Count)).Append(")</h2>\n");
        if (ordered.Count == 0)
        {
            sb.Append("<p>No terminal reached.</p>\n</section>\n");
            return;
        }
        sb.Append("<table>\n<thead><tr><th>entity</th><th>category</th><th>address</th><th class=\"n\">hops</th><th>first arrival</th>");
        foreach (var m in r.Results)
            sb.Append("<th class=\"n\">").Append(TraceModels.Name(m.Model)).Append(m.Summary.UpperBound ? " (max)" : "").Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var (t, amounts) in ordered)
        {
            sb.Append("<tr><td>").AppendEscaped(t.Entity);
            if (t.Blacklisted) sb.Append(" <span class=\"bl\">blacklisted</span>");
            sb.Append("</td><td><span class=\"cat\" style=\"background:").Append(Palette.ForCategory(t.Role, t.Category).Fill).Append("\">")
                .AppendEscaped(t.Category).Append("</span></td><td><code>");
            AddressText(sb, r, o, t.Address);
            sb.Append("</code></td><td class=\"n\">").Append(Num(t.Hops)).Append("</td><td>block ").Append(Num(t.FirstArrival.Block));
            if (t.FirstArrivalTime is { } time) sb.Append(", ").Append(TraceJsonWriter.Iso(time));
            sb.Append("</td>");
            foreach (var m in r.Results)
                sb.Append("<td class=\"n\">").Append(amounts.TryGetValue(m.Model, out var a) ? r.Format(a) : "–").Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void WriteBands(StringBuilder sb, TraceResult r)
    {
        if (r.Bands.Count == 0) return;
        sb.Append("<section id=\"bands\">\n<h2>Per entity: range over the models</h2>\n<table>\n<thead><tr><th>entity</th><th>category</th><th class=\"n\">min</th><th class=\"n\">max</th>");
        foreach (var m in r.Results) sb.Append("<th class=\"n\">").Append(TraceModels.Name(m.Model)).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var b in r.Bands)
        {
            sb.Append("<tr><td>").AppendEscaped(b.Entity).Append("</td><td>").AppendEscaped(b.Category).Append("</td><td class=\"n\">")
                .Append(r.Format(b.Min)).Append("</td><td class=\"n\">").Append(r.Format(b.Max)).Append("</td>");
            foreach (var m in r.Results)
                sb.Append("<td class=\"n\">").Append(b.PerModel.TryGetValue(m.Model, out var a) ? r.Format(a) : "–").Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody>\n</table>\n<p class=\"note\">Min is zero when some model did not reach the entity.</p>\n</section>\n");
    }

    private static void WriteFlows(StringBuilder sb, TraceResult r, TraceHtmlOptions o)
    {
        sb.Append("<section id=\"flow\">\n<h2>Flow</h2>\n");
        sb.Append("<p class=\"note\">Columns are hops (").Append(r.Direction == TraceDirection.Forward ? "seeds on the left" : "seeds on the right")
            .Append("); arrows carry the traced value aggregated per pair of addresses, their width grows with the logarithm of the amount. Hover a box or an arrow for details.</p>\n");
        WriteLegend(sb);
        bool firstModel = true;
        foreach (var m in r.Results)
        {
            var layout = FlowLayout.Build(m, o.MaxNodes, o.MaxNodesPerColumn, r.Direction == TraceDirection.Backward);
            string name = TraceModels.Name(m.Model);
            sb.Append("<details class=\"flow\"").Append(firstModel ? " open" : "").Append("><summary>").Append(name)
                .Append(m.Summary.UpperBound ? " (upper bound)" : "").Append(": ").Append(Num(m.Nodes.Count)).Append(" addresses, ")
                .Append(Num(m.Edges.Count)).Append(" pairs");
            if (layout.HiddenCount > 0) sb.Append(", ").Append(Num(layout.HiddenCount)).Append(" summarised");
            sb.Append("</summary>\n<div class=\"svgbox\">\n");
            FlowSvg.Write(sb, r, layout, "flow-" + name);
            sb.Append("</div>\n</details>\n");
            firstModel = false;
        }
        sb.Append("</section>\n");
    }

    private static void WriteLegend(StringBuilder sb)
    {
        sb.Append("<p class=\"legend\">");
        foreach (var (label, colour) in Palette.Legend)
            sb.Append("<span class=\"cat\" style=\"background:").Append(colour.Fill).Append(";border-color:").Append(colour.Stroke).Append("\">").Append(label).Append("</span> ");
        sb.Append("</p>\n");
    }

    private static void WritePaths(StringBuilder sb, TraceResult r, TraceHtmlOptions o)
    {
        sb.Append("<section id=\"paths\">\n<h2>Top paths</h2>\n");
        sb.Append("<p class=\"note\">Time-ordered transfers from a seed to a terminal")
            .Append(r.Direction == TraceDirection.Backward ? " (backward: from a source to a seed)" : "")
            .Append("; the path amount is its bottleneck (the smallest traced amount along it).</p>\n");
        bool any = false;
        foreach (var m in r.Results)
        {
            if (m.Paths.Count == 0) continue;
            any = true;
            string name = TraceModels.Name(m.Model);
            int shown = Math.Min(o.TopPaths, m.Paths.Count);
            sb.Append("<h3>").Append(name).Append(" (").Append(Num(shown)).Append(" of ").Append(Num(m.Paths.Count)).Append(")</h3>\n<ol class=\"paths\">\n");
            for (int i = 0; i < shown; i++)
            {
                var p = m.Paths[i];
                sb.Append("<li><p><b>").AppendEscaped(p.Entity).Append("</b> <code>").AppendEscaped(r.Format(p.Terminal)).Append("</code>: ")
                    .Append(r.Format(p.Amount)).Append(' ').AppendEscaped(r.Token.Symbol).Append(", ").Append(Num(p.Steps.Count)).Append(" transfer(s)</p>\n");
                sb.Append("<table class=\"steps\">\n<thead><tr><th>from</th><th>to</th><th class=\"n\">amount</th><th class=\"n\">block</th><th class=\"n\">tx</th><th class=\"n\">log</th><th>tx hash</th></tr></thead>\n<tbody>\n");
                foreach (var s in p.Steps)
                {
                    sb.Append("<tr><td><code>");
                    AddressText(sb, r, o, s.From);
                    sb.Append("</code></td><td><code>");
                    AddressText(sb, r, o, s.To);
                    sb.Append("</code></td><td class=\"n\">").Append(r.Format(s.Amount)).Append("</td><td class=\"n\">").Append(Num(s.Seq.Block))
                        .Append("</td><td class=\"n\">").Append(Num(s.Seq.TxIndex)).Append("</td><td class=\"n\">")
                        .Append(s.Seq.Sub > 0 ? Num(s.Seq.Sub - 1) : "–").Append("</td><td><code>");
                    if (s.TxHash is { } h)
                    {
                        string hash = h.ToString();
                        string? url = o.ExplorerLinks ? TxUrl(r.Profile, hash) : null;
                        if (url is null) sb.Append(hash);
                        else sb.Append("<a href=\"").AppendEscaped(url).Append("\">").Append(hash).Append("</a>");
                    }
                    else sb.Append("not stored");
                    sb.Append("</code></td></tr>\n");
                }
                sb.Append("</tbody>\n</table></li>\n");
            }
            sb.Append("</ol>\n");
        }
        if (!any) sb.Append("<p>No path.</p>\n");
        sb.Append("</section>\n");
    }

    private static void WriteFooter(StringBuilder sb, TraceResult r, TraceHtmlOptions o)
    {
        sb.Append("<footer>\n<h2>Evidence</h2>\n");
        sb.Append("<p>To reproduce, run against the same store:</p>\n<pre>")
            .AppendEscaped(o.CommandLine ?? "(command line not recorded)").Append("</pre>\n");
        sb.Append("<p>Engine: ChainTrace ").AppendEscaped(Version).Append("; ").Append(Num(r.Stats.EdgesVisited)).Append(" edges read, ")
            .Append(Num(r.Stats.CursorsOpened)).Append(" cursors, ").Append(Num(r.Stats.Addresses)).Append(" addresses touched.</p>\n");
        sb.Append("<p class=\"note\">Amounts are exact decimal ").AppendEscaped(r.Token.Symbol)
            .Append(" amounts as in the JSON output (haircut shares are rounded down to base units). The models and figures are defined in docs/TRACING.md. Links point to public explorers; this page loads nothing.</p>\n");
        sb.Append("</footer>\n");
    }

    private static void AddressText(StringBuilder sb, TraceResult r, TraceHtmlOptions o, Address a)
    {
        string text = r.Format(a);
        string? url = o.ExplorerLinks ? AddressUrl(r.Profile, text) : null;
        if (url is null) sb.AppendEscaped(text);
        else sb.Append("<a href=\"").AppendEscaped(url).Append("\">").AppendEscaped(text).Append("</a>");
    }

    /// <summary>The public explorer page of a transaction, for the built-in chains; null otherwise.</summary>
    public static string? TxUrl(ChainProfile profile, string hash)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(hash);
        if (profile == ChainProfile.Ethereum) return "https://etherscan.io/tx/" + hash;
        if (profile == ChainProfile.Tron) return "https://tronscan.org/#/transaction/" + (hash.StartsWith("0x", StringComparison.Ordinal) ? hash[2..] : hash);
        return null;
    }

    /// <summary>The public explorer page of an address, for the built-in chains; null otherwise.</summary>
    public static string? AddressUrl(ChainProfile profile, string address)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(address);
        if (profile == ChainProfile.Ethereum) return "https://etherscan.io/address/" + address;
        if (profile == ChainProfile.Tron) return "https://tronscan.org/#/address/" + address;
        return null;
    }

    private static void Meta(StringBuilder sb, string name, string value) =>
        sb.Append("<dt>").Append(name).Append("</dt><dd>").AppendEscaped(value).Append("</dd>\n");

    private static string Window(TraceResult r) =>
        r.SinceBlock is null && r.UntilBlock is null ? "whole store"
            : $"blocks {(r.SinceBlock is { } s ? Num(s) : "start")}..{(r.UntilBlock is { } u ? Num(u) : "head")}";

    internal static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);

    internal static string Num(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Version { get; } =
        typeof(TraceHtmlWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:24px auto;max-width:1400px;padding:0 16px}
        h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:28px}h3{font-size:15px}
        code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12px}
        pre{background:#f6f6f6;border:1px solid #ddd;padding:8px;white-space:pre-wrap;word-break:break-all}
        dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:0}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
        table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;vertical-align:top}th{background:#f2f2f2;text-align:left}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .note{color:#555;font-size:12px}.ub{color:#a61c00;font-size:12px}.bl{background:#000;color:#fff;font-size:11px;padding:0 4px;border-radius:3px}
        .cat{display:inline-block;border:1px solid #999;border-radius:3px;padding:0 5px;font-size:12px}
        details.flow{margin:8px 0}details.flow>summary{cursor:pointer;font-weight:600}
        .svgbox{overflow:auto;border:1px solid #ddd;max-height:85vh}
        ol.paths>li{margin-bottom:12px}table.steps td{font-size:12px}
        a{color:#1155cc;text-decoration:none}
        @media print{.svgbox{max-height:none;overflow:visible}details.flow{display:block}}

        """;
}
