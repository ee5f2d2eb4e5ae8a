using System.Globalization;
using System.Text;
using ChainTrace.Tracing;

namespace ChainTrace.Reporting.Html;

/// <summary>Draws a <see cref="FlowLayout"/> as inline SVG (well-formed XML; every label escaped).</summary>
public static class FlowSvg
{
    /// <summary>Appends one <c>&lt;svg&gt;</c> element; <paramref name="id"/> prefixes its internal ids (unique per page).</summary>
    public static void Write(StringBuilder sb, TraceResult result, FlowLayout layout, string id)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(id);
        var r = result;
        const double w = FlowLayout.NodeWidth, h = FlowLayout.NodeHeight;
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(F(layout.Width)).Append("\" height=\"").Append(F(layout.Height))
            .Append("\" viewBox=\"0 0 ").Append(F(layout.Width)).Append(' ').Append(F(layout.Height)).Append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append("<defs><marker id=\"").Append(id).Append("-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">")
            .Append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n");

        // Column titles.
        for (int c = 0; c < layout.Columns; c++)
        {
            int visual = layout.MirrorColumns ? layout.Columns - 1 - c : c;
            double x = FlowLayout.Margin + visual * FlowLayout.ColumnPitch + w / 2;
            sb.Append("<text x=\"").Append(F(x)).Append("\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#444\">")
                .Append(c == 0 ? "hop 0 (seeds)" : "hop " + c.ToString(CultureInfo.InvariantCulture)).Append("</text>\n");
        }

        // Arrows, biggest first (thin ones end up on top).
        sb.Append("<g class=\"edges\" fill=\"none\" stroke-opacity=\"0.55\">\n");
        foreach (var e in layout.Edges)
        {
            double y1 = e.From.Y + h / 2, y2 = e.To.Y + h / 2;
            double x1, x2, c1, c2;
            if (e.To.X > e.From.X + w)
            {
                x1 = e.From.X + w; x2 = e.To.X;
                double bend = (x2 - x1) / 2;
                c1 = x1 + bend; c2 = x2 - bend;
            }
            else if (Math.Abs(e.To.X - e.From.X) < 1)
            {
                x1 = e.From.X + w; x2 = e.To.X + w;
                c1 = x1 + 60; c2 = x2 + 60;
            }
            else
            {
                x1 = e.From.X; x2 = e.To.X + w;
                c1 = x1 - 80; c2 = x2 + 80;
            }
            string colour = e.From.Node?.Role == TraceRole.Seed ? "#b45f06" : "#5b6f8f";
            sb.Append("<path d=\"M").Append(F(x1)).Append(',').Append(F(y1)).Append(" C").Append(F(c1)).Append(',').Append(F(y1)).Append(' ')
                .Append(F(c2)).Append(',').Append(F(y2)).Append(' ').Append(F(x2)).Append(',').Append(F(y2))
                .Append("\" stroke=\"").Append(colour).Append("\" stroke-width=\"").Append(F(e.StrokeWidth))
                .Append("\" marker-end=\"url(#").Append(id).Append("-arrow)\" data-amount=\"").Append(r.Format(e.Amount)).Append("\"><title>")
                .AppendEscaped(Name(r, e.From)).Append(" → ").AppendEscaped(Name(r, e.To)).Append(": ").Append(r.Format(e.Amount)).Append(' ')
                .AppendEscaped(r.Token.Symbol).Append(" in ").Append(e.Count.ToString(CultureInfo.InvariantCulture)).Append(" transfer(s)</title></path>\n");
        }
        sb.Append("</g>\n<g class=\"nodes\">\n");

        foreach (var n in layout.Nodes)
        {
            var colour = n.Node is { } tn ? Palette.ForNode(tn) : Palette.Summary;
            bool seed = n.Node?.Role == TraceRole.Seed;
            sb.Append("<g class=\"node\"><title>");
            if (n.Node is { } node)
            {
                sb.AppendEscaped(r.Format(node.Address));
                if (node.Entity is not null) sb.Append('\n').AppendEscaped(node.Entity).Append(" (").AppendEscaped(node.Category).Append(')');
                sb.Append("\nrole ").Append(TraceJsonWriter.RoleName(node.Role)).Append(", hop ").Append(node.Hops.ToString(CultureInfo.InvariantCulture))
                    .Append("\nreceived ").Append(r.Format(node.Received));
                if (!node.Held.IsZero) sb.Append(", held ").Append(r.Format(node.Held));
                if (node.Blacklisted) sb.Append("\nblacklisted by the issuer");
            }
            else sb.Append(n.HiddenCount.ToString(CultureInfo.InvariantCulture)).Append(" more addresses at hop ").Append(n.Hop.ToString(CultureInfo.InvariantCulture))
                .Append(", received ").Append(r.Format(n.Received));
            sb.Append("</title><rect x=\"").Append(F(n.X)).Append("\" y=\"").Append(F(n.Y)).Append("\" width=\"").Append(F(w)).Append("\" height=\"").Append(F(h))
                .Append("\" rx=\"4\" fill=\"").Append(colour.Fill).Append("\" stroke=\"").Append(colour.Stroke).Append("\" stroke-width=\"").Append(seed ? "3" : "1.2").Append('"');
            if (n.Node is null) sb.Append(" stroke-dasharray=\"4 3\"");
            sb.Append("/>");
            double tx = n.X + 6;
            if (n.Node is { } nd)
            {
                Text(sb, tx, n.Y + 13, " font-family=\"monospace\"", HtmlText.ShortAddress(r.Format(nd.Address)));
                if (nd.Blacklisted)
                    sb.Append("<text x=\"").Append(F(n.X + w - 6)).Append("\" y=\"").Append(F(n.Y + 13))
                        .Append("\" text-anchor=\"end\" font-weight=\"bold\" fill=\"#000\">BLACKLISTED</text>");
                if (nd.Entity is not null) Text(sb, tx, n.Y + 27, " font-weight=\"bold\"", HtmlText.Truncate(nd.Entity, 28));
                string amount = nd.Role == TraceRole.Seed ? (nd.Received.IsZero ? "seed" : "seed, back " + r.Format(nd.Received) + " " + r.Token.Symbol)
                    : (nd.Held.IsZero ? "in " + r.Format(nd.Received) : "held " + r.Format(nd.Held)) + " " + r.Token.Symbol;
                Text(sb, tx, nd.Entity is not null ? n.Y + 40 : n.Y + 30, "", amount);
            }
            else
            {
                Text(sb, tx, n.Y + 20, " font-style=\"italic\"", "…and " + n.HiddenCount.ToString(CultureInfo.InvariantCulture) + " more");
                Text(sb, tx, n.Y + 34, "", "in " + r.Format(n.Received) + " " + r.Token.Symbol);
            }
            sb.Append("</g>\n");
        }
        sb.Append("</g>\n</svg>\n");
    }

    private static void Text(StringBuilder sb, double x, double y, string attributes, string text) =>
        sb.Append("<text x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append('"').Append(attributes).Append('>')
            .AppendEscaped(HtmlText.Truncate(text, 34)).Append("</text>");

    private static string Name(TraceResult r, FlowNode n) =>
        n.Node is { } node ? node.Entity ?? HtmlText.ShortAddress(r.Format(node.Address)) : $"{n.HiddenCount} more";

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
