using ChainTrace.Ingest;
using ChainTrace.Primitives;

namespace ChainTrace.Storage.Memory;

/// <summary>
/// A plain in-memory <see cref="IChainReader"/> filled through <see cref="IChainEventSink"/>: the same
/// semantics as the RocksDB store (dense ids from 1, running balances and counts on edges, issuance moves
/// from/to the zero address), written for clarity rather than speed. Used by tests as a reference, and by
/// embedders who want to trace a small history without a database. Events must arrive in seq order.
/// </summary>
public sealed class MemoryChainStore : IChainReader, IChainEventSink
{
    private readonly Dictionary<Address, uint> _ids = [];
    private readonly List<Address> _addresses = [default]; // index 0 unused
    private readonly Dictionary<Address, uint> _tokenIds = [];
    private readonly Dictionary<(EdgeDirection, uint, uint), List<Edge>> _edges = [];
    private readonly Dictionary<(uint, uint), UInt256> _balances = [];
    private readonly List<TransferRecord> _transfers = [];
    private readonly List<NativeTransferRecord> _native = [];
    private readonly List<ApprovalRecord> _approvals = [];
    private readonly List<BlacklistRecord> _blacklist = [];
    private readonly Dictionary<uint, List<AddressLabel>> _labels = [];
    private readonly Dictionary<ulong, long> _blockTimes = [];
    private readonly Dictionary<(ulong, uint), TxRecord> _txs = [];
    private readonly HashSet<ulong> _seenSeqs = [];
    private Seq _last;

    /// <summary>Creates an empty store for a chain.</summary>
    public MemoryChainStore(ChainProfile? profile = null)
    {
        Profile = profile ?? ChainProfile.Ethereum;
        foreach (var t in Profile.Tokens) GetOrAddToken(t.Contract);
    }

    /// <inheritdoc/>
    public ChainProfile Profile { get; }

    /// <inheritdoc/>
    public uint AddressCount => (uint)(_addresses.Count - 1);

    /// <inheritdoc/>
    public ulong? IndexedHead { get; private set; }

    /// <summary>Gets or assigns the id of an address.</summary>
    public uint GetOrAddAddress(Address address)
    {
        if (_ids.TryGetValue(address, out var id)) return id;
        id = (uint)_addresses.Count;
        _addresses.Add(address);
        _ids[address] = id;
        return id;
    }

    /// <summary>Gets or assigns the id of a token contract.</summary>
    public uint GetOrAddToken(Address contract)
    {
        if (_tokenIds.TryGetValue(contract, out var id)) return id;
        id = (uint)_tokenIds.Count + 1;
        _tokenIds[contract] = id;
        return id;
    }

    /// <summary>Adds a label.</summary>
    public void AddLabel(Address address, AddressLabel label)
    {
        uint id = GetOrAddAddress(address);
        if (!_labels.TryGetValue(id, out var list)) _labels[id] = list = [];
        if (!list.Contains(label)) list.Add(label);
    }

    /// <summary>Records a token transfer directly (tests): same as a Transfer event.</summary>
    public void AddTransfer(Seq seq, Address token, Address from, Address to, UInt256 amount)
    {
        if (seq < _last) throw new InvalidOperationException($"Transfers must arrive in seq order: {seq} after {_last}.");
        if (!_seenSeqs.Add(seq.Value)) return;
        _last = seq;
        uint t = GetOrAddToken(token), f = GetOrAddAddress(from), r = GetOrAddAddress(to);
        var fb = Balance(f, t) - amount;
        _balances[(f, t)] = fb;
        var rb = Balance(r, t) + amount;
        _balances[(r, t)] = rb;
        if (f == r) fb = rb; // a self-transfer leaves the balance unchanged
        Append(EdgeDirection.Out, f, t, seq, r, amount, fb);
        Append(EdgeDirection.In, r, t, seq, f, amount, rb);
        _transfers.Add(new TransferRecord(seq, t, f, r, amount));
        IndexedHead = Math.Max(IndexedHead ?? 0, seq.Block);
    }

    private UInt256 Balance(uint id, uint token) => _balances.TryGetValue((id, token), out var b) ? b : UInt256.Zero;

    private void Append(EdgeDirection dir, uint owner, uint token, Seq seq, uint other, UInt256 amount, UInt256 balanceAfter)
    {
        if (!_edges.TryGetValue((dir, owner, token), out var list)) _edges[(dir, owner, token)] = list = [];
        list.Add(new Edge(seq, other, amount, balanceAfter, (uint)list.Count + 1));
    }

    /// <inheritdoc/>
    public void OnBlock(in BlockHeader block) => _blockTimes[block.Number] = block.Timestamp;

    /// <inheritdoc/>
    public void OnTransaction(in TransactionRecord transaction)
    {
        uint f = GetOrAddAddress(transaction.From);
        uint t = transaction.HasTo ? GetOrAddAddress(transaction.To) : 0;
        _txs[(transaction.Block, transaction.TxIndex)] = new TxRecord(transaction.Hash, f, t);
        if (transaction.Timestamp != 0) _blockTimes.TryAdd(transaction.Block, transaction.Timestamp);
        if (!transaction.Value.IsZero && transaction.HasTo)
            _native.Add(new NativeTransferRecord(transaction.Seq, f, t, transaction.Value));
    }

    /// <inheritdoc/>
    public void OnTokenEvent(in TokenEvent e)
    {
        if (e.Removed) return;
        if (e.Timestamp != 0) _blockTimes.TryAdd(e.Block, e.Timestamp);
        if (!e.TxHash.IsZero && !_txs.ContainsKey((e.Block, e.TxIndex)))
            _txs[(e.Block, e.TxIndex)] = new TxRecord(e.TxHash, 0, 0);
        Address? issuer = null;
        foreach (var t in Profile.Tokens) if (t.Contract == e.Token) issuer = t.Issuer;
        switch (e.Kind)
        {
            case TokenEventKind.Transfer:
                AddTransfer(e.Seq, e.Token, e.From, e.To, e.Amount);
                break;
            case TokenEventKind.Issue when issuer is { } iss:
                AddTransfer(e.Seq, e.Token, Address.Zero, iss, e.Amount);
                break;
            case TokenEventKind.Redeem when issuer is { } iss:
                AddTransfer(e.Seq, e.Token, iss, Address.Zero, e.Amount);
                break;
            case TokenEventKind.DestroyedBlackFunds:
                AddTransfer(e.Seq, e.Token, e.From, Address.Zero, e.Amount);
                _blacklist.Add(new BlacklistRecord(e.Seq, GetOrAddToken(e.Token), GetOrAddAddress(e.From), true, e.Amount));
                break;
            case TokenEventKind.Approval:
                _approvals.Add(new ApprovalRecord(e.Seq, GetOrAddToken(e.Token), GetOrAddAddress(e.From), GetOrAddAddress(e.To), e.Amount));
                break;
            case TokenEventKind.AddedBlackList:
            case TokenEventKind.RemovedBlackList:
                _blacklist.Add(new BlacklistRecord(e.Seq, GetOrAddToken(e.Token), GetOrAddAddress(e.From), e.Kind == TokenEventKind.AddedBlackList, UInt256.Zero));
                break;
        }
    }

    /// <inheritdoc/>
    public void OnSkipped(SkipReason reason, ulong block)
    {
    }

    /// <inheritdoc/>
    public bool TryGetAddressId(Address address, out uint id) => _ids.TryGetValue(address, out id);

    /// <inheritdoc/>
    public Address GetAddress(uint id) => id >= 1 && id < _addresses.Count ? _addresses[(int)id] : throw new ArgumentOutOfRangeException(nameof(id), id, "Unknown address id.");

    /// <inheritdoc/>
    public bool TryGetTokenId(Address contract, out uint tokenId) => _tokenIds.TryGetValue(contract, out tokenId);

    /// <inheritdoc/>
    public IReadOnlyList<AddressLabel> GetLabels(uint id) => _labels.TryGetValue(id, out var l) ? l : [];

    /// <inheritdoc/>
    public IEnumerable<uint> LabelledAddressIds() => _labels.Keys.Order();

    /// <inheritdoc/>
    public IEdgeCursor OpenEdges(EdgeDirection direction, uint id, uint tokenId, Seq from, bool descending = false)
    {
        var list = _edges.TryGetValue((direction, id, tokenId), out var l) ? l : [];
        return new ListCursor(list, from, descending);
    }

    /// <inheritdoc/>
    public bool TryGetLastEdge(EdgeDirection direction, uint id, uint tokenId, out Edge edge)
    {
        if (_edges.TryGetValue((direction, id, tokenId), out var l) && l.Count > 0) { edge = l[^1]; return true; }
        edge = default;
        return false;
    }

    /// <inheritdoc/>
    public bool TryGetEdgeAtOrBefore(EdgeDirection direction, uint id, uint tokenId, Seq atOrBefore, out Edge edge)
    {
        edge = default;
        if (!_edges.TryGetValue((direction, id, tokenId), out var l)) return false;
        for (int i = l.Count - 1; i >= 0; i--)
            if (l[i].Seq <= atOrBefore) { edge = l[i]; return true; }
        return false;
    }

    /// <inheritdoc/>
    public bool TryGetBlockTimestamp(ulong block, out long unixSeconds) => _blockTimes.TryGetValue(block, out unixSeconds);

    /// <inheritdoc/>
    public bool TryGetTxHash(ulong block, uint txIndex, out Hash32 hash)
    {
        bool ok = _txs.TryGetValue((block, txIndex), out var tx);
        hash = tx.Hash;
        return ok;
    }

    /// <inheritdoc/>
    public bool TryGetTransaction(ulong block, uint txIndex, out TxRecord transaction) => _txs.TryGetValue((block, txIndex), out transaction);

    /// <inheritdoc/>
    public bool IsBlacklisted(uint id, uint tokenId)
    {
        bool listed = false;
        foreach (var b in _blacklist)
            if (b.AddressId == id && b.TokenId == tokenId) listed = b.Added;
        return listed;
    }

    /// <inheritdoc/>
    public IEnumerable<TransferRecord> ScanTransfers(Seq from, Seq to) => _transfers.Where(t => t.Seq >= from && t.Seq <= to);

    /// <inheritdoc/>
    public IEnumerable<NativeTransferRecord> ScanNativeTransfers(Seq from, Seq to) => _native.Where(t => t.Seq >= from && t.Seq <= to).OrderBy(t => t.Seq);

    /// <inheritdoc/>
    public IEnumerable<ApprovalRecord> ScanApprovals(Seq from, Seq to) => _approvals.Where(t => t.Seq >= from && t.Seq <= to).OrderBy(t => t.Seq);

    /// <inheritdoc/>
    public IEnumerable<BlacklistRecord> ScanBlacklist() => _blacklist.OrderBy(b => b.Seq);

    private sealed class ListCursor(List<Edge> list, Seq from, bool descending) : IEdgeCursor
    {
        private int _i = descending ? list.Count : -1;

        public Edge Current => list[_i];

        public bool MoveNext()
        {
            if (descending)
            {
                while (--_i >= 0) if (list[_i].Seq <= from) return true;
                return false;
            }
            while (++_i < list.Count) if (list[_i].Seq >= from) return true;
            return false;
        }

        public void Dispose()
        {
        }
    }
}
