namespace ChainTrace.Primitives;

/// <summary>Well-known label categories. Categories are free text; these are the ones the engine acts on.</summary>
public static class LabelCategories
{
    /// <summary>A centralised exchange (hot wallet, cold wallet).</summary>
    public const string Exchange = "exchange";
    /// <summary>An over-the-counter desk.</summary>
    public const string Otc = "otc";
    /// <summary>A mixer (Tornado Cash and the like).</summary>
    public const string Mixer = "mixer";
    /// <summary>A cross-chain bridge.</summary>
    public const string Bridge = "bridge";
    /// <summary>On a sanctions list.</summary>
    public const string Sanctioned = "sanctioned";
    /// <summary>Known scam or fraud address.</summary>
    public const string Scam = "scam";
    /// <summary>A per-customer deposit address of an exchange (found by clustering).</summary>
    public const string DepositAddress = "deposit";

    /// <summary>Categories at which tracing stops by default.</summary>
    public static readonly IReadOnlyList<string> DefaultStops = [Exchange, Otc, Bridge, Mixer, DepositAddress];
}

/// <summary>A label on an address: what it is, whose it is, and who says so.</summary>
/// <param name="Category">Lower-case category (exchange, otc, mixer, bridge, sanctioned, scam, …).</param>
/// <param name="Name">Entity name (Binance, Tornado Cash, …).</param>
/// <param name="Source">Where the label comes from (file, URL, list).</param>
public sealed record AddressLabel(string Category, string Name, string Source);
