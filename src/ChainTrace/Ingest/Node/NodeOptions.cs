namespace ChainTrace.Ingest.Node;

/// <summary>Which blocks <see cref="NodeSource"/> fetches with eth_getBlockByNumber (full transactions).</summary>
public enum NodeBlockMode
{
    /// <summary>No blocks: logs only (their blockHash and timestamp, when the node sends one, are stored).</summary>
    None,

    /// <summary>Only blocks that hold a matching log (headers, timestamps, their transactions and native transfers).</summary>
    WithLogs,

    /// <summary>Every block of the range (all native transfers; every header for reorg checks).</summary>
    All,
}

/// <summary>How <see cref="NodeSource"/> talks to the node.</summary>
public sealed class NodeOptions
{
    /// <summary>Blocks fetched with eth_getBlockByNumber.</summary>
    public NodeBlockMode Blocks { get; init; } = NodeBlockMode.WithLogs;

    /// <summary>Blocks per eth_getLogs request at the start; halves on "too many results" errors, grows back slowly.</summary>
    public int InitialRange { get; init; } = 1_000;

    /// <summary>Largest block range per eth_getLogs request.</summary>
    public int MaxRange { get; init; } = 10_000;

    /// <summary>Ranges fetched concurrently (results are still written in block order).</summary>
    public int MaxInFlight { get; init; } = 3;

    /// <summary>eth_getBlockByNumber calls per JSON-RPC batch.</summary>
    public int BlocksPerBatch { get; init; } = 50;

    /// <summary>Attempts per HTTP request on transport errors, timeouts, 429 and 5xx.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>First back-off delay (doubles per attempt).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Timeout of one HTTP request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Deepest reorg looked for when resuming (blocks below the store's cursor).</summary>
    public int MaxReorgDepth { get; init; } = 256;
}
