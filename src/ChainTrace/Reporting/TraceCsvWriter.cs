using System.Globalization;
using ChainTrace.Tracing;

namespace ChainTrace.Reporting;

/// <summary>
/// Writes a <see cref="TraceResult"/> as one CSV table (RFC 4180, header row), one row per terminal, node and
/// edge of every model, told apart by the <c>record</c> column:
/// <c>model,record,address,counterparty,entity,category,role,amount,held,hops,count,first_block,last_block,first_time</c>.
/// Terminal rows: amount = traced value absorbed. Node rows: amount = received, held = held. Edge rows:
/// address = sender, counterparty = receiver. Amounts are in token units.
/// </summary>
public static class TraceCsvWriter
{
    /// <summary>The header row.</summary>
    public const string Header = "model,record,address,counterparty,entity,category,role,amount,held,hops,count,first_block,last_block,first_time";

    /// <summary>Writes the table.</summary>
    public static void Write(TextWriter output, TraceResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        var r = result;
        output.Write(Header);
        output.Write('\n');
        foreach (var m in r.Results)
        {
            string model = TraceModels.Name(m.Model);
            foreach (var t in m.Terminals)
                Row(output, model, "terminal", r.Format(t.Address), "", t.Entity, t.Category, TraceJsonWriter.RoleName(t.Role),
                    r.Format(t.Amount), "", Num(t.Hops), "", Num(t.FirstArrival.Block), "", t.FirstArrivalTime is { } ft ? TraceJsonWriter.Iso(ft) : "");
            foreach (var n in m.Nodes)
                Row(output, model, "node", r.Format(n.Address), "", n.Entity ?? "", n.Category ?? "", TraceJsonWriter.RoleName(n.Role),
                    r.Format(n.Received), r.Format(n.Held), Num(n.Hops), "", Num(n.FirstArrival.Block),
                    n.LastActivity is { } la ? Num(la.Block) : "", "");
            foreach (var e in m.Edges)
                Row(output, model, "edge", r.Format(e.From), r.Format(e.To), "", "", "",
                    r.Format(e.Amount), "", "", Num(e.Count), Num(e.FirstBlock), Num(e.LastBlock), "");
        }
        output.Flush();
    }

    private static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Num(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    private static void Row(TextWriter o, params string[] cells)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0) o.Write(',');
            o.Write(Escape(cells[i]));
        }
        o.Write('\n');
    }

    /// <summary>Quotes a cell when it holds a comma, quote or line break (RFC 4180).</summary>
    public static string Escape(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell.AsSpan().IndexOfAny(",\"\r\n") < 0) return cell;
        return "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
