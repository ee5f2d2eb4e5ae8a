using ChainTrace.Primitives;

namespace ChainTrace.Storage.Writing;

/// <summary>
/// Where <see cref="IndexCore"/> puts records: a RocksDB write batch (incremental) or sorted runs written as SST
/// files (bulk). Stateful records (addresses, transfers and their edges, supply) arrive once each, in seq order;
/// stateless records (blocks, transactions, native transfers, approvals, blacklist events) are upserts.
/// </summary>
internal interface IWriteTarget : IDisposable
{
    /// <summary>A new address id.</summary>
    void PutAddress(in Address address, uint id, Seq firstSeen);

    /// <summary>A new token id.</summary>
    void PutToken(uint id, TokenInfo token);

    /// <summary>A transfer with both sides' running balance and count after it.</summary>
    void PutTransfer(Seq seq, uint token, uint from, uint to, in UInt256 amount, in UInt256 fromBalance, uint fromCount, in UInt256 toBalance, uint toCount);

    /// <summary>A supply event (issue, redeem).</summary>
    void PutSupply(Seq seq, uint token, byte kind, in UInt256 amount);

    /// <summary>An approval.</summary>
    void PutApproval(Seq seq, uint token, uint owner, uint spender, in UInt256 amount);

    /// <summary>A blacklist event.</summary>
    void PutBlacklist(uint id, uint token, Seq seq, byte kind, in UInt256 amount);

    /// <summary>A native transfer (non-zero value, known receiver).</summary>
    void PutNative(Seq seq, uint from, uint to, in UInt256 value);

    /// <summary>
    /// Upserts a block record of <paramref name="length"/> bytes (<see cref="BlockValue"/>): kept unless a longer
    /// (better) record is stored; an equal or longer one replaces it.
    /// </summary>
    void UpsertBlock(uint block, long timestamp, in Hash32 hash, in Hash32 parentHash, int length);

    /// <summary>Upserts a transaction: a full record (hash, from, to) replaces a hash-only one, never the reverse.</summary>
    void UpsertTx(uint block, ushort txIndex, in Hash32 hash, uint from, uint to, bool full);

    /// <summary>The hash of a block, pending or stored; false when unknown.</summary>
    bool TryGetBlockHash(uint block, out Hash32 hash);

    /// <summary>Called after each completed block of token events.</summary>
    void BlockCompleted();

    /// <summary>True when the pending work should be committed now.</summary>
    bool WantsCommit { get; }

    /// <summary>Makes the pending work durable together with <paramref name="meta"/> (cursor, counters, next ids).</summary>
    void Commit(StoreMeta meta);

    /// <summary>Drops the pending work.</summary>
    void Discard();

    /// <summary>The target to use after a commit (a bulk target hands over to an incremental one).</summary>
    IWriteTarget Continue(StoreMeta meta);

    /// <summary>True when every pending record is in memory only, so the id and balance caches must not evict.</summary>
    bool NeedsUnboundedCaches { get; }
}
