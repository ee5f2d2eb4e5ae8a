namespace ChainTrace.Tracing;

/// <summary>Taint models; several can run in one pass (flags).</summary>
[Flags]
public enum TraceModel
{
    /// <summary>No model.</summary>
    None = 0,

    /// <summary>Every outflow after a traced inflow is fully traced: an upper bound.</summary>
    Poison = 1,

    /// <summary>An outflow carries traced value in proportion to the sender's traced share of its balance just before it.</summary>
    Haircut = 2,

    /// <summary>Outflows consume the sender's inflow lots oldest first.</summary>
    Fifo = 4,

    /// <summary>Outflows consume the sender's inflow lots newest first.</summary>
    Lifo = 8,

    /// <summary>All four models.</summary>
    All = Poison | Haircut | Fifo | Lifo,
}

/// <summary>Which way a trace follows the money.</summary>
public enum TraceDirection
{
    /// <summary>From the seeds to where their money went: <c>out</c> edges, forward in time.</summary>
    Forward = 0,

    /// <summary>From the seeds to where their money came from: <c>in</c> edges, backward in time.</summary>
    Backward = 1,
}

/// <summary>Helpers for <see cref="TraceModel"/>.</summary>
public static class TraceModels
{
    /// <summary>The single models in the order results are reported.</summary>
    public static IReadOnlyList<TraceModel> Order { get; } = [TraceModel.Poison, TraceModel.Haircut, TraceModel.Fifo, TraceModel.Lifo];

    /// <summary>Lower-case name used in JSON and on the command line.</summary>
    public static string Name(TraceModel model) => model switch
    {
        TraceModel.Poison => "poison",
        TraceModel.Haircut => "haircut",
        TraceModel.Fifo => "fifo",
        TraceModel.Lifo => "lifo",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Not a single model."),
    };

    /// <summary>Parses "poison", "haircut", "fifo", "lifo", "all" or a comma-separated list of them.</summary>
    public static TraceModel Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = TraceModel.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result |= part.ToLowerInvariant() switch
            {
                "poison" => TraceModel.Poison,
                "haircut" => TraceModel.Haircut,
                "fifo" => TraceModel.Fifo,
                "lifo" => TraceModel.Lifo,
                "all" => TraceModel.All,
                _ => throw new ArgumentException($"Unknown model '{part}': expected poison, haircut, fifo, lifo or all."),
            };
        }
        if (result == TraceModel.None) throw new ArgumentException("No model given: expected poison, haircut, fifo, lifo or all.");
        return result;
    }
}
