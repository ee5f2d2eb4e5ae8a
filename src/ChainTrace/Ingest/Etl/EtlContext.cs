using ChainTrace.Primitives;

namespace ChainTrace.Ingest.Etl;

/// <summary>
/// State shared by the ethereum-etl files of one run. ethereum-etl's token_transfers have no transaction index,
/// so the context remembers, from transactions files read earlier in the run, each transaction's block and
/// index, and from blocks files each block's time. Read transactions (and blocks) before token transfers to get
/// exact positions. Not thread-safe: read the files of a run one after another.
/// </summary>
public sealed class EtlContext
{
    private readonly Dictionary<Hash32, TxPosition> _transactions = [];
    private readonly Dictionary<ulong, long> _blockTimes = [];

    /// <summary>Creates an empty context (one per run).</summary>
    public EtlContext()
    {
    }

    /// <summary>
    /// Token transfers whose transaction index was not known from a transactions file and was replaced by the
    /// rank of the transaction among the block's transfer transactions, ordered by log index. The relative order
    /// of transfers stays right (log index grows with transaction index), but the index differs from the chain's.
    /// </summary>
    public long TxIndexFallbacks { get; internal set; }

    /// <summary>Transactions remembered so far.</summary>
    public int KnownTransactions => _transactions.Count;

    /// <summary>Block times remembered so far.</summary>
    public int KnownBlocks => _blockTimes.Count;

    internal void AddTransaction(in Hash32 hash, ulong block, uint index) => _transactions[hash] = new TxPosition(block, index);

    internal bool TryGetTxIndex(in Hash32 hash, ulong block, out uint index)
    {
        if (_transactions.TryGetValue(hash, out var p) && p.Block == block)
        {
            index = p.Index;
            return true;
        }
        index = 0;
        return false;
    }

    internal void AddBlock(ulong number, long timestamp) => _blockTimes[number] = timestamp;

    internal bool TryGetBlockTime(ulong number, out long timestamp) => _blockTimes.TryGetValue(number, out timestamp);

    private readonly record struct TxPosition(ulong Block, uint Index);
}
