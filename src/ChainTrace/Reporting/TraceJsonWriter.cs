using System.Globalization;
using System.Text;
using System.Text.Json;
using ChainTrace.Primitives;
using ChainTrace.Tracing;

namespace ChainTrace.Reporting;

/// <summary>
/// Writes a <see cref="TraceResult"/> as JSON, in the schema documented in docs/TRACING.md: amounts are decimal
/// strings in token units (exact for poison, FIFO and LIFO), addresses in the chain's own format, times ISO-8601 UTC.
/// </summary>
public static class TraceJsonWriter
{
    /// <summary>Writes the result to a stream (UTF-8).</summary>
    public static void Write(Stream output, TraceResult result, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented });
        Write(w, result);
    }

    /// <summary>The result as a JSON string.</summary>
    public static string ToJson(TraceResult result, bool indented = true)
    {
        using var ms = new MemoryStream();
        Write(ms, result, indented);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Writes the result as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, TraceResult result)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(result);
        var r = result;
        w.WriteStartObject();
        w.WriteString("direction", r.Direction == TraceDirection.Forward ? "forward" : "backward");
        w.WriteNumber("hops", r.Hops);
        w.WriteString("chain", r.Profile.Name);
        WriteSeedsAndToken(w, r);
        WriteWindow(w, r);
        w.WriteString("min_amount", r.Format(r.MinAmount));

        w.WriteStartArray("results");
        foreach (var m in r.Results) WriteModel(w, r, m);
        w.WriteEndArray();

        w.WriteStartArray("bands");
        foreach (var b in r.Bands)
        {
            w.WriteStartObject();
            w.WriteString("entity", b.Entity);
            w.WriteString("category", b.Category);
            w.WriteString("min", r.Format(b.Min));
            w.WriteString("max", r.Format(b.Max));
            w.WriteStartObject("models");
            foreach (var (model, amount) in b.PerModel.OrderBy(kv => kv.Key)) w.WriteString(TraceModels.Name(model), r.Format(amount));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("stats");
        w.WriteNumber("edges_visited", r.Stats.EdgesVisited);
        w.WriteNumber("cursors_opened", r.Stats.CursorsOpened);
        w.WriteNumber("addresses", r.Stats.Addresses);
        w.WriteNumber("elapsed_ms", Math.Round(r.Stats.Elapsed.TotalMilliseconds, 3));
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
    }

    private static void WriteModel(Utf8JsonWriter w, TraceResult r, ModelResult m)
    {
        w.WriteStartObject();
        w.WriteString("model", TraceModels.Name(m.Model));
        var s = m.Summary;
        w.WriteStartObject("summary");
        w.WriteString("traced", r.Format(s.Traced));
        w.WriteString("reached_terminals", r.Format(s.ReachedTerminals));
        w.WriteString("held", r.Format(s.Held));
        w.WriteString("dropped", r.Format(s.Dropped));
        w.WriteBoolean("upper_bound", s.UpperBound);
        w.WriteNumber("terminals", s.TerminalCount);
        w.WriteNumber("nodes", s.NodeCount);
        w.WriteEndObject();

        w.WriteStartArray("terminals");
        foreach (var t in m.Terminals)
        {
            w.WriteStartObject();
            w.WriteString("address", r.Format(t.Address));
            w.WriteString("entity", t.Entity);
            w.WriteString("category", t.Category);
            w.WriteString("role", RoleName(t.Role));
            w.WriteString("amount", r.Format(t.Amount));
            w.WriteNumber("hops", t.Hops);
            WritePosition(w, "first_arrival", t.FirstArrival, t.FirstArrivalTime);
            w.WriteBoolean("blacklisted", t.Blacklisted);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("nodes");
        foreach (var n in m.Nodes)
        {
            w.WriteStartObject();
            w.WriteString("address", r.Format(n.Address));
            w.WriteString("role", RoleName(n.Role));
            if (n.Entity is null) w.WriteNull("entity"); else w.WriteString("entity", n.Entity);
            if (n.Category is null) w.WriteNull("category"); else w.WriteString("category", n.Category);
            w.WriteNumber("hops", n.Hops);
            w.WriteString("received", r.Format(n.Received));
            w.WriteString("held", r.Format(n.Held));
            w.WriteBoolean("expanded", n.Expanded);
            w.WriteNumber("first_arrival_block", n.FirstArrival.Block);
            w.WriteBoolean("blacklisted", n.Blacklisted);
            if (n.LastActivity is { } la) WritePosition(w, "last_activity", la, n.LastActivityTime);
            else w.WriteNull("last_activity");
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("edges");
        foreach (var e in m.Edges)
        {
            w.WriteStartObject();
            w.WriteString("from", r.Format(e.From));
            w.WriteString("to", r.Format(e.To));
            w.WriteString("amount", r.Format(e.Amount));
            w.WriteNumber("count", e.Count);
            w.WriteNumber("first_block", e.FirstBlock);
            w.WriteNumber("last_block", e.LastBlock);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("paths");
        foreach (var p in m.Paths)
        {
            w.WriteStartObject();
            w.WriteString("terminal", r.Format(p.Terminal));
            w.WriteString("entity", p.Entity);
            w.WriteString("amount", r.Format(p.Amount));
            w.WriteStartArray("transfers");
            foreach (var step in p.Steps)
            {
                w.WriteStartObject();
                w.WriteString("from", r.Format(step.From));
                w.WriteString("to", r.Format(step.To));
                w.WriteString("amount", r.Format(step.Amount));
                w.WriteNumber("block", step.Seq.Block);
                w.WriteNumber("tx_index", step.Seq.TxIndex);
                if (step.Seq.Sub > 0) w.WriteNumber("log_index", step.Seq.Sub - 1); else w.WriteNull("log_index");
                if (step.TxHash is { } h) w.WriteString("tx_hash", h.ToString()); else w.WriteNull("tx_hash");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Lower-case role name used in JSON, CSV and DOT.</summary>
    public static string RoleName(TraceRole role) => role switch
    {
        TraceRole.Seed => "seed",
        TraceRole.Intermediate => "intermediate",
        TraceRole.Terminal => "terminal",
        TraceRole.Hub => "hub",
        TraceRole.ZeroAddress => "zero",
        _ => role.ToString().ToLowerInvariant(),
    };

    /// <summary>ISO-8601 UTC time of a Unix timestamp.</summary>
    public static string Iso(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The "seeds" array and the "token" object, shared with <see cref="TraceTotalsJsonWriter"/>.</summary>
    internal static void WriteSeedsAndToken(Utf8JsonWriter w, TraceResult r)
    {
        w.WriteStartArray("seeds");
        foreach (var s in r.Seeds) w.WriteStringValue(r.Format(s));
        w.WriteEndArray();
        w.WriteStartObject("token");
        w.WriteString("symbol", r.Token.Symbol);
        w.WriteString("address", r.Format(r.Token.Contract));
        w.WriteNumber("decimals", r.Token.Decimals);
        w.WriteEndObject();
    }

    /// <summary>The "window" object (null bounds when open), shared with <see cref="TraceTotalsJsonWriter"/>.</summary>
    internal static void WriteWindow(Utf8JsonWriter w, TraceResult r)
    {
        w.WriteStartObject("window");
        WriteBlock(w, "since_block", r.SinceBlock);
        WriteBlock(w, "until_block", r.UntilBlock);
        w.WriteEndObject();
    }

    private static void WriteBlock(Utf8JsonWriter w, string name, ulong? block)
    {
        if (block is { } b) w.WriteNumber(name, b); else w.WriteNull(name);
    }

    private static void WritePosition(Utf8JsonWriter w, string name, Seq seq, long? time)
    {
        w.WriteStartObject(name);
        w.WriteNumber("block", seq.Block);
        w.WriteNumber("tx_index", seq.TxIndex);
        if (time is { } t) w.WriteString("time", Iso(t)); else w.WriteNull("time");
        w.WriteEndObject();
    }
}
