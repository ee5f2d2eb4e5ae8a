using ChainTrace.Primitives;

namespace ChainTrace.Indexing;

/// <summary>How an indexing run writes.</summary>
public enum IndexMode
{
    /// <summary>Bulk for an empty store and more than ~50 MB of input, else incremental.</summary>
    Auto = 0,
    /// <summary>Atomic batches of whole blocks; resumable at any time.</summary>
    Incremental = 1,
    /// <summary>Sorted SST files ingested at the end; only for an empty store (a non-empty store falls back to incremental).</summary>
    Bulk = 2,
}

/// <summary>What to index and how.</summary>
public sealed class IndexOptions
{
    /// <summary>Tokens to index (empty: the chain profile's default token, USDT). Fixed by a store's first run.</summary>
    public IReadOnlyList<TokenInfo> Tokens { get; init; } = [];

    /// <summary>Index every token instead of <see cref="Tokens"/>.</summary>
    public bool AllTokens { get; init; }

    /// <summary>Count and report malformed records instead of stopping at the first one.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Write path.</summary>
    public IndexMode Mode { get; init; } = IndexMode.Auto;

    /// <summary>Input size above which <see cref="IndexMode.Auto"/> picks bulk for an empty store.</summary>
    public long BulkThresholdBytes { get; init; } = 50L << 20;
}
