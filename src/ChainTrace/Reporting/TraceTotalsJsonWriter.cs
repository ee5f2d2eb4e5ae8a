using System.Text;
using System.Text.Json;
using ChainTrace.Tracing;

namespace ChainTrace.Reporting;

/// <summary>Writes <see cref="LaunderingTotals"/> as JSON (schema in docs/TRACING.md): amounts are decimal strings in token units.</summary>
public static class TraceTotalsJsonWriter
{
    /// <summary>The totals as a JSON string.</summary>
    public static string ToJson(LaunderingTotals totals, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(totals);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented })) Write(w, totals);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Writes the totals as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, LaunderingTotals totals)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(totals);
        var r = totals.Trace;
        w.WriteStartObject();
        TraceJsonWriter.WriteSeedsAndToken(w, r);
        w.WriteNumber("hops", r.Hops);
        TraceJsonWriter.WriteWindow(w, r);
        w.WriteStartObject("received_from_outside");
        w.WriteString("amount", r.Format(totals.ReceivedFromOutside));
        w.WriteNumber("transfers", totals.InflowCount);
        w.WriteNumber("distinct_senders", totals.DistinctSenders);
        w.WriteEndObject();
        w.WriteStartArray("off_ramps");
        foreach (var o in totals.OffRamps)
        {
            w.WriteStartObject();
            w.WriteString("entity", o.Entity);
            w.WriteString("category", o.Category);
            w.WriteString("min", r.Format(o.Min));
            w.WriteString("max", r.Format(o.Max));
            WriteModels(w, r, o.PerModel);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("at_blacklisted");
        WriteModelValues(w, r, totals.AtBlacklisted);
        w.WriteEndObject();
        w.WriteStartObject("freezable");
        WriteModelValues(w, r, totals.Freezable);
        w.WriteEndObject();
        w.WriteStartArray("holdings");
        foreach (var h in totals.Holdings)
        {
            w.WriteStartObject();
            w.WriteString("address", r.Format(h.Address));
            w.WriteString("role", TraceJsonWriter.RoleName(h.Role));
            w.WriteNumber("hops", h.Hops);
            w.WriteBoolean("blacklisted", h.Blacklisted);
            w.WriteString("max", r.Format(h.Max));
            WriteModels(w, r, h.PerModel);
            if (h.LastActivity is { } la)
            {
                w.WriteStartObject("last_activity");
                w.WriteNumber("block", la.Block);
                w.WriteNumber("tx_index", la.TxIndex);
                if (h.LastActivityTime is { } t) w.WriteString("time", TraceJsonWriter.Iso(t)); else w.WriteNull("time");
                w.WriteEndObject();
            }
            else w.WriteNull("last_activity");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("summaries");
        foreach (var m in r.Results)
        {
            w.WriteStartObject();
            w.WriteString("model", TraceModels.Name(m.Model));
            w.WriteString("traced", r.Format(m.Summary.Traced));
            w.WriteString("reached_terminals", r.Format(m.Summary.ReachedTerminals));
            w.WriteString("held", r.Format(m.Summary.Held));
            w.WriteString("dropped", r.Format(m.Summary.Dropped));
            w.WriteBoolean("upper_bound", m.Summary.UpperBound);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
    }

    private static void WriteModels(Utf8JsonWriter w, TraceResult r, IReadOnlyDictionary<TraceModel, Primitives.UInt256> perModel)
    {
        w.WriteStartObject("models");
        WriteModelValues(w, r, perModel);
        w.WriteEndObject();
    }

    private static void WriteModelValues(Utf8JsonWriter w, TraceResult r, IReadOnlyDictionary<TraceModel, Primitives.UInt256> perModel)
    {
        foreach (var m in TraceModels.Order)
            if (perModel.TryGetValue(m, out var v)) w.WriteString(TraceModels.Name(m), r.Format(v));
    }
}
