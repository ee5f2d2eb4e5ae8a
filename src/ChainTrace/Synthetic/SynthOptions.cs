using ChainTrace.Primitives;

namespace ChainTrace.Synthetic;

/// <summary>Which file formats the synthetic generator writes (the same history in each).</summary>
[Flags]
public enum SynthFormats
{
    /// <summary><c>logs.jsonl</c> (eth_getLogs responses) and <c>blocks.jsonl</c> (eth_getBlockByNumber responses).</summary>
    JsonRpc = 1,

    /// <summary>ethereum-etl CSV files under <c>etl/</c>: blocks, transactions, token_transfers, logs.</summary>
    Etl = 2,

    /// <summary>Both.</summary>
    All = 3,
}

/// <summary>Options of <see cref="SynthGenerator.Generate"/>. Same options and seed give byte-identical files.</summary>
public sealed class SynthOptions
{
    /// <summary>Smallest supported <see cref="Transfers"/>.</summary>
    public const long MinTransfers = 10_000;

    /// <summary>Largest supported <see cref="Transfers"/>.</summary>
    public const long MaxTransfers = 50_000_000;

    /// <summary>Seed of every random choice.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Exact number of token Transfer logs to write (10k .. 50M).</summary>
    public long Transfers { get; init; } = 10_000;

    /// <summary>Chain profile: token contract, issuer, address format, block time unit.</summary>
    public ChainProfile Profile { get; init; } = ChainProfile.Ethereum;

    /// <summary>Output formats.</summary>
    public SynthFormats Formats { get; init; } = SynthFormats.JsonRpc;

    /// <summary>Gzip the data files (<c>*.jsonl.gz</c>, <c>etl/*.csv.gz</c>); labels and ground truth stay plain.</summary>
    public bool Gzip { get; init; }

    /// <summary>Number of exchanges; 0 scales with size (5 at 10k transfers, 20 at 10M).</summary>
    public int Exchanges { get; init; }

    /// <summary>Number of planted laundering cases; 0 plants every case kind at least once (more for large runs).</summary>
    public int LaunderingCases { get; init; }

    /// <summary>First block number.</summary>
    public ulong StartBlock { get; init; } = 18_000_000;

    /// <summary>Unix time (seconds) of the first block; blocks follow every 12 s (3 s on TRON).</summary>
    public long StartTimestamp { get; init; } = 1_693_000_000;
}
