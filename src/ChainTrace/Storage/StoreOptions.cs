using ChainTrace.Primitives;

namespace ChainTrace.Storage;

/// <summary>How <see cref="ChainTraceStore.Open"/> opens a store.</summary>
public sealed class StoreOptions
{
    /// <summary>The chain the store indexes; opening a store of another chain fails.</summary>
    public ChainProfile Profile { get; init; } = ChainProfile.Ethereum;

    /// <summary>Create the store when the directory holds none (default true).</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>Open read-only: queries only, several processes may read at once.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Size of the shared block cache in bytes (default 256 MiB).</summary>
    public long BlockCacheBytes { get; init; } = 256L << 20;
}
