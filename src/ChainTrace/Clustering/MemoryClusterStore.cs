namespace ChainTrace.Clustering;

/// <summary>
/// An <see cref="IClusterStore"/> in plain collections: for tests, for <c>MemoryChainStore</c> users and as the
/// reference the RocksDB implementation is checked against. Not thread-safe.
/// </summary>
public sealed class MemoryClusterStore : IClusterStore
{
    private readonly SortedDictionary<(LinkHeuristic, uint, uint), ClusterLink> _links = [];
    private readonly Dictionary<uint, SortedSet<(LinkHeuristic, uint, uint)>> _linksByAddress = [];
    private readonly Dictionary<uint, uint> _clusterOf = [];
    private readonly SortedDictionary<uint, SortedSet<uint>> _members = [];
    private readonly Dictionary<uint, ClusterHeader> _headers = [];
    private readonly SortedDictionary<uint, DepositRecord> _deposits = [];
    private readonly Dictionary<uint, byte[]> _state = [];
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private ClusterMeta? _meta;

    /// <summary>Number of committed batches (tests check that a run commits once).</summary>
    public int Commits { get; private set; }

    /// <inheritdoc/>
    public ClusterMeta? ReadMeta() => _meta;

    /// <inheritdoc/>
    public IEnumerable<ClusterLink> ScanLinks() => _links.Values.ToList();

    /// <inheritdoc/>
    public IEnumerable<ClusterLink> GetStar(LinkHeuristic heuristic, uint anchor) =>
        _links.Where(kv => kv.Key.Item1 == heuristic && kv.Key.Item2 == anchor).Select(kv => kv.Value).ToList();

    /// <inheritdoc/>
    public IEnumerable<ClusterLink> GetLinksOf(uint address) =>
        _linksByAddress.TryGetValue(address, out var keys) ? keys.Select(k => _links[k]).ToList() : [];

    /// <inheritdoc/>
    public long[] CountLinks()
    {
        var counts = new long[4];
        foreach (var key in _links.Keys) counts[(int)key.Item1]++;
        return counts;
    }

    /// <inheritdoc/>
    public uint GetClusterId(uint address) => _clusterOf.TryGetValue(address, out var c) ? c : address;

    /// <inheritdoc/>
    public ClusterHeader? GetHeader(uint clusterId) => _headers.TryGetValue(clusterId, out var h) ? h : null;

    /// <inheritdoc/>
    public IEnumerable<uint> GetMembers(uint clusterId) => _members.TryGetValue(clusterId, out var m) ? m.ToList() : [];

    /// <inheritdoc/>
    public IEnumerable<(uint ClusterId, ClusterHeader Header)> ScanClusters() =>
        _headers.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)).ToList();

    /// <inheritdoc/>
    public bool TryGetDeposit(uint address, out DepositRecord deposit) => _deposits.TryGetValue(address, out deposit);

    /// <inheritdoc/>
    public IEnumerable<DepositRecord> ScanDeposits() => _deposits.Values.ToList();

    /// <inheritdoc/>
    public void ReadStates(uint first, int count, StateVisitor found)
    {
        ArgumentNullException.ThrowIfNull(found);
        for (uint id = first; id < first + (uint)count; id++)
            if (_state.TryGetValue(id, out var data)) found(id, data);
    }

    /// <inheritdoc/>
    public byte[]? ReadBlob(string name) => _blobs.TryGetValue(name, out var b) ? (byte[])b.Clone() : null;

    /// <inheritdoc/>
    public IClusterBatch BeginBatch() => new Batch(this);

    /// <inheritdoc/>
    public IDisposable AcquireWriter()
    {
        if (_writer) throw new InvalidOperationException("Another clustering run is writing this cluster store.");
        _writer = true;
        return new Release(this);
    }

    private bool _writer;

    private sealed class Release(MemoryClusterStore store) : IDisposable
    {
        public void Dispose() => store._writer = false;
    }

    private void AddLinkIndex(uint address, (LinkHeuristic, uint, uint) key)
    {
        if (!_linksByAddress.TryGetValue(address, out var set)) _linksByAddress[address] = set = [];
        set.Add(key);
    }

    private void RemoveLinkIndex(uint address, (LinkHeuristic, uint, uint) key)
    {
        if (_linksByAddress.TryGetValue(address, out var set) && set.Remove(key) && set.Count == 0) _linksByAddress.Remove(address);
    }

    private sealed class Batch(MemoryClusterStore store) : IClusterBatch
    {
        private readonly List<Action> _ops = [];
        private bool _done;

        public void Clear() => _ops.Add(() =>
        {
            store._links.Clear();
            store._linksByAddress.Clear();
            store._deposits.Clear();
            store._state.Clear();
            store._blobs.Clear();
            store._meta = null;
            ClearClustersNow();
        });

        public void ClearClusters() => _ops.Add(ClearClustersNow);

        private void ClearClustersNow()
        {
            store._clusterOf.Clear();
            store._members.Clear();
            store._headers.Clear();
        }

        public void PutLink(in ClusterLink link)
        {
            var l = link;
            _ops.Add(() =>
            {
                var key = (l.Heuristic, l.Anchor, l.Member);
                store._links[key] = l;
                store.AddLinkIndex(l.Anchor, key);
                store.AddLinkIndex(l.Member, key);
            });
        }

        public void DeleteLink(in ClusterLink link)
        {
            var l = link;
            _ops.Add(() =>
            {
                var key = (l.Heuristic, l.Anchor, l.Member);
                if (!store._links.Remove(key)) return;
                store.RemoveLinkIndex(l.Anchor, key);
                store.RemoveLinkIndex(l.Member, key);
            });
        }

        public void SetCluster(uint address, uint clusterId) => _ops.Add(() => store._clusterOf[address] = clusterId);

        public void RemoveCluster(uint address) => _ops.Add(() => store._clusterOf.Remove(address));

        public void PutMember(uint clusterId, uint member) => _ops.Add(() =>
        {
            if (!store._members.TryGetValue(clusterId, out var set)) store._members[clusterId] = set = [];
            set.Add(member);
        });

        public void DeleteMember(uint clusterId, uint member) => _ops.Add(() =>
        {
            if (store._members.TryGetValue(clusterId, out var set) && set.Remove(member) && set.Count == 0) store._members.Remove(clusterId);
        });

        public void PutHeader(uint clusterId, ClusterHeader header) => _ops.Add(() => store._headers[clusterId] = header);

        public void DeleteHeader(uint clusterId) => _ops.Add(() => store._headers.Remove(clusterId));

        public void PutDeposit(in DepositRecord deposit)
        {
            var d = deposit;
            _ops.Add(() => store._deposits[d.Deposit] = d);
        }

        public void DeleteDeposit(uint address) => _ops.Add(() => store._deposits.Remove(address));

        public void PutState(uint address, ReadOnlySpan<byte> data)
        {
            var copy = data.ToArray();
            _ops.Add(() => store._state[address] = copy);
        }

        public void PutBlob(string name, ReadOnlySpan<byte> data)
        {
            var copy = data.ToArray();
            _ops.Add(() => store._blobs[name] = copy);
        }

        public void PutMeta(ClusterMeta meta) => _ops.Add(() => store._meta = meta);

        public void Commit()
        {
            ObjectDisposedException.ThrowIf(_done, this);
            foreach (var op in _ops) op();
            _ops.Clear();
            _done = true;
            store.Commits++;
        }

        public void Dispose()
        {
            _ops.Clear();
            _done = true;
        }
    }
}
