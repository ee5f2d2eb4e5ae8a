using ChainTrace.Primitives;
using ChainTrace.Tracing;

namespace ChainTrace.Reporting.Html;

/// <summary>A box's fill and border colours (CSS hex).</summary>
/// <param name="Fill">Fill colour.</param>
/// <param name="Stroke">Border colour.</param>
public readonly record struct BoxColour(string Fill, string Stroke);

/// <summary>Colours of the flow picture: seeds, holders, pass-through addresses, and terminals by category.</summary>
public static class Palette
{
    /// <summary>Seeds.</summary>
    public static readonly BoxColour Seed = new("#fce5cd", "#b45f06");

    /// <summary>Intermediates still holding traced value.</summary>
    public static readonly BoxColour Holder = new("#d9ead3", "#38761d");

    /// <summary>Intermediates that passed all traced value on.</summary>
    public static readonly BoxColour PassThrough = new("#ffffff", "#666666");

    /// <summary>"…and N more" boxes.</summary>
    public static readonly BoxColour Summary = new("#eeeeee", "#999999");

    private static readonly Dictionary<string, BoxColour> Categories = new(StringComparer.OrdinalIgnoreCase)
    {
        [LabelCategories.Exchange] = new("#cfe2f3", "#1c4587"),
        [LabelCategories.DepositAddress] = new("#c9daf8", "#1155cc"),
        [LabelCategories.Otc] = new("#d9d2e9", "#351c75"),
        [LabelCategories.Bridge] = new("#d0e0e3", "#134f5c"),
        [LabelCategories.Mixer] = new("#f4cccc", "#990000"),
        ["hub"] = new("#fff2cc", "#bf9000"),
        ["burn"] = new("#d9d9d9", "#434343"),
        ["mint"] = new("#d9d9d9", "#434343"),
    };

    private static readonly BoxColour[] Others =
    [
        new("#ead1dc", "#741b47"), new("#fce8b2", "#7f6000"), new("#b6d7a8", "#274e13"), new("#a2c4c9", "#0c343d"),
        new("#b4a7d6", "#20124d"), new("#f9cb9c", "#783f04"),
    ];

    /// <summary>Legend entries, in display order.</summary>
    public static IReadOnlyList<(string Label, BoxColour Colour)> Legend { get; } =
    [
        ("seed", Seed), ("holds traced value", Holder), ("passed it on", PassThrough),
        ("exchange", Categories[LabelCategories.Exchange]), ("deposit", Categories[LabelCategories.DepositAddress]),
        ("otc", Categories[LabelCategories.Otc]), ("bridge", Categories[LabelCategories.Bridge]), ("mixer", Categories[LabelCategories.Mixer]),
        ("hub", Categories["hub"]), ("burn/mint", Categories["burn"]), ("…and N more", Summary),
    ];

    /// <summary>The colour of a terminal of <paramref name="category"/> (other categories get a stable colour from the name).</summary>
    public static BoxColour ForCategory(TraceRole role, string? category)
    {
        if (role == TraceRole.Hub) return Categories["hub"];
        if (role == TraceRole.ZeroAddress) return Categories["burn"];
        if (category is null) return PassThrough;
        if (Categories.TryGetValue(category, out var c)) return c;
        uint h = 2166136261;
        foreach (char ch in category.ToLowerInvariant()) h = (h ^ ch) * 16777619;
        return Others[h % (uint)Others.Length];
    }

    /// <summary>The colour of an address box.</summary>
    public static BoxColour ForNode(TraceNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Role switch
        {
            TraceRole.Seed => Seed,
            TraceRole.Terminal or TraceRole.Hub or TraceRole.ZeroAddress => ForCategory(node.Role, node.Category),
            _ => node.Held.IsZero ? PassThrough : Holder,
        };
    }
}
