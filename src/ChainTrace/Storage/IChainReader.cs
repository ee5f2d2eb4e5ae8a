using ChainTrace.Primitives;

namespace ChainTrace.Storage;

/// <summary>Which side of a transfer an edge is stored under.</summary>
public enum EdgeDirection : byte
{
    /// <summary>Keyed by the sender: (from id, token id, seq) → receiver.</summary>
    Out = 0,
    /// <summary>Keyed by the receiver: (to id, token id, seq) → sender.</summary>
    In = 1,
}

/// <summary>
/// One stored edge, read from the owner's side. For an <see cref="EdgeDirection.Out"/> edge the owner is the
/// sender; <see cref="BalanceAfter"/> is the owner's running balance of the token just after this transfer
/// (two's-complement: negative when history before the indexed range is missing), and <see cref="Count"/> is
/// how many edges of this direction the owner has up to and including this one.
/// </summary>
public readonly record struct Edge(Seq Seq, uint Counterparty, UInt256 Amount, UInt256 BalanceAfter, uint Count);

/// <summary>A forward (or backward) cursor over one address's edges of one token, in seq order.</summary>
public interface IEdgeCursor : IDisposable
{
    /// <summary>Moves to the next edge; false at the end of the range.</summary>
    bool MoveNext();

    /// <summary>The current edge.</summary>
    Edge Current { get; }
}

/// <summary>An indexed token transfer as kept in the <c>transfers</c> column family.</summary>
public readonly record struct TransferRecord(Seq Seq, uint TokenId, uint FromId, uint ToId, UInt256 Amount);

/// <summary>A native-coin transfer (ETH, TRX) as stored for the gas-funding heuristic.</summary>
public readonly record struct NativeTransferRecord(Seq Seq, uint FromId, uint ToId, UInt256 Value);

/// <summary>An ERC-20 approval: <paramref name="OwnerId"/> allowed <paramref name="SpenderId"/> to move its tokens.</summary>
public readonly record struct ApprovalRecord(Seq Seq, uint TokenId, uint OwnerId, uint SpenderId, UInt256 Amount);

/// <summary>A transaction's hash, sender and receiver (receiver 0 for contract creation).</summary>
public readonly record struct TxRecord(Hash32 Hash, uint FromId, uint ToId);

/// <summary>A stored blacklist event of the token's issuer.</summary>
public readonly record struct BlacklistRecord(Seq Seq, uint TokenId, uint AddressId, bool Added, UInt256 DestroyedAmount);

/// <summary>
/// Read access to an indexed chain: what queries (tracing, clustering, the CLI) need. Implemented by the
/// RocksDB store and by <c>MemoryChainStore</c> for tests. Address ids are dense, starting at 1; 0 means none.
/// </summary>
public interface IChainReader
{
    /// <summary>The chain this store indexes.</summary>
    ChainProfile Profile { get; }

    /// <summary>Number of address ids handed out (ids are 1..AddressCount).</summary>
    uint AddressCount { get; }

    /// <summary>Looks up an address's id.</summary>
    bool TryGetAddressId(Address address, out uint id);

    /// <summary>The address behind an id.</summary>
    Address GetAddress(uint id);

    /// <summary>Looks up a token's id (tokens are stored by id in keys).</summary>
    bool TryGetTokenId(Address contract, out uint tokenId);

    /// <summary>Labels of an address (empty if none).</summary>
    IReadOnlyList<AddressLabel> GetLabels(uint id);

    /// <summary>Opens a cursor over <paramref name="id"/>'s edges of <paramref name="tokenId"/> with seq ≥ <paramref name="from"/>
    /// (ascending) or seq ≤ <paramref name="from"/> (descending).</summary>
    IEdgeCursor OpenEdges(EdgeDirection direction, uint id, uint tokenId, Seq from, bool descending = false);

    /// <summary>The last edge of an address in a direction (its degree is <c>Count</c>); false if none.</summary>
    bool TryGetLastEdge(EdgeDirection direction, uint id, uint tokenId, out Edge edge);

    /// <summary>The last edge at or before <paramref name="atOrBefore"/>; false if none.</summary>
    bool TryGetEdgeAtOrBefore(EdgeDirection direction, uint id, uint tokenId, Seq atOrBefore, out Edge edge);

    /// <summary>Block time (Unix seconds) of a block, if the block is stored.</summary>
    bool TryGetBlockTimestamp(ulong block, out long unixSeconds);

    /// <summary>Hash of the transaction at (block, tx index), if stored.</summary>
    bool TryGetTxHash(ulong block, uint txIndex, out Hash32 hash);

    /// <summary>True if Tether (the token's issuer) blacklisted the address and has not removed it, as of the indexed head.</summary>
    bool IsBlacklisted(uint id, uint tokenId);

    /// <summary>Highest block whose token events are fully indexed (the cursor); null for an empty store.</summary>
    ulong? IndexedHead { get; }

    /// <summary>Token transfers (including issuance/redemption/destroyed funds as moves from/to the zero address) with from ≤ seq ≤ to, in seq order.</summary>
    IEnumerable<TransferRecord> ScanTransfers(Seq from, Seq to);

    /// <summary>Native-coin transfers with from ≤ seq ≤ to, in seq order (only those with a non-zero value).</summary>
    IEnumerable<NativeTransferRecord> ScanNativeTransfers(Seq from, Seq to);

    /// <summary>Approvals with from ≤ seq ≤ to, in seq order.</summary>
    IEnumerable<ApprovalRecord> ScanApprovals(Seq from, Seq to);

    /// <summary>Blacklist events in seq order.</summary>
    IEnumerable<BlacklistRecord> ScanBlacklist();

    /// <summary>The transaction at (block, tx index): hash, sender, receiver; false if transactions were not indexed.</summary>
    bool TryGetTransaction(ulong block, uint txIndex, out TxRecord transaction);

    /// <summary>Ids of every labelled address.</summary>
    IEnumerable<uint> LabelledAddressIds();
}
