using System.Text;
using ChainTrace.Primitives;
using ChainTrace.Tracing;

namespace ChainTrace.Reporting;

/// <summary>
/// Writes a <see cref="TraceResult"/> as a GraphViz DOT digraph: one cluster per model, nodes ranked by hop
/// (seeds left), edge labels with the traced amount and transfer count. Render with <c>dot -Tsvg</c>.
/// </summary>
public static class TraceDotWriter
{
    /// <summary>Writes the graph.</summary>
    public static void Write(TextWriter output, TraceResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        var r = result;
        output.WriteLine("digraph chaintrace {");
        output.WriteLine("  rankdir=LR;");
        output.WriteLine("  node [shape=box, fontname=\"Helvetica\", fontsize=10];");
        output.WriteLine("  edge [fontname=\"Helvetica\", fontsize=9];");
        foreach (var m in r.Results)
        {
            string model = TraceModels.Name(m.Model);
            output.WriteLine($"  subgraph \"cluster_{model}\" {{");
            output.WriteLine($"    label={Quote($"{model}: traced {r.Format(m.Summary.Traced)} {r.Token.Symbol}, reached terminals {r.Format(m.Summary.ReachedTerminals)}, held {r.Format(m.Summary.Held)}, dropped {r.Format(m.Summary.Dropped)}{(m.Summary.UpperBound ? " (upper bound)" : "")}")};");
            foreach (var n in m.Nodes)
            {
                string style = n.Role switch
                {
                    TraceRole.Seed => "style=filled, fillcolor=\"#f4cccc\"",
                    TraceRole.Terminal => "style=filled, fillcolor=\"#cfe2f3\"",
                    TraceRole.Hub => "style=filled, fillcolor=\"#fff2cc\"",
                    TraceRole.ZeroAddress => "style=filled, fillcolor=\"#d9d9d9\"",
                    _ => n.Held.IsZero ? "" : "style=filled, fillcolor=\"#d9ead3\"",
                };
                var label = new StringBuilder();
                label.Append(Short(r.Format(n.Address)));
                if (n.Entity is not null) label.Append('\n').Append(n.Entity);
                label.Append('\n').Append("hop ").Append(n.Hops);
                if (n.Role is TraceRole.Terminal or TraceRole.Hub or TraceRole.ZeroAddress) label.Append(", in ").Append(r.Format(n.Received));
                else if (!n.Held.IsZero) label.Append(", held ").Append(r.Format(n.Held));
                output.WriteLine($"    {Id(model, r.Format(n.Address))} [label={Quote(label.ToString())}{(style.Length > 0 ? ", " + style : "")}];");
            }
            foreach (var e in m.Edges)
                output.WriteLine($"    {Id(model, r.Format(e.From))} -> {Id(model, r.Format(e.To))} [label={Quote($"{r.Format(e.Amount)} ({e.Count})")}];");
            output.WriteLine("  }");
        }
        output.WriteLine("}");
        output.Flush();
    }

    private static string Short(string address) => address.Length > 14 ? address[..8] + "…" + address[^4..] : address;

    private static string Id(string model, string address) => Quote(model + ":" + address);

    /// <summary>A DOT double-quoted string (escapes quotes and backslashes; newlines become \n).</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c != '\r') sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
