using System.Diagnostics;
using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Clustering;

/// <summary>
/// One clustering run (full or incremental): streams the new events through the heuristics' per-address state,
/// re-derives the link stars whose inputs changed, updates the clusters and commits everything in one batch.
/// A full run is an incremental run from an empty state over the whole history, so both agree by construction.
/// </summary>
internal sealed partial class ClusterRun
{
    private const string ApprovalPairsBlob = "approval-pairs";
    private const int ProgressEvery = 1 << 16;

    private readonly IChainReader _reader;
    private readonly IClusterStore _store;
    private readonly ClusterOptions _o;
    private readonly IProgress<ClusterProgress>? _progress;
    private readonly CancellationToken _ct;
    private readonly bool _full;
    private readonly ClusterMeta? _meta;
    private readonly uint _n;
    private readonly uint _zero;
    private readonly uint _depositToken;
    private readonly bool _depositOn, _gasOn, _approvalOn;
    private readonly LabelIndex _labels;
    private readonly StateTable _state;
    private readonly string _fingerprint;
    private readonly EdgeSource _edges;
    private readonly TxLookup _txs;
    private readonly ClusterTally _tally;

    // Derived-star work lists of an incremental run (a full run re-derives everything).
    private readonly HashSet<uint> _depositDirty = [];
    private readonly HashSet<uint> _funderDirty = [];
    private readonly HashSet<uint> _spenderDirty = [];

    // Approvals: (owner << 32 | spender) → seq of the first approval with a non-zero amount.
    private readonly Dictionary<ulong, ulong> _approvals = [];
    // Owner → the spenders it approved (a transfer out of an owner costs a transaction lookup only while one of them may still link).
    private readonly Dictionary<uint, List<uint>> _owners = [];
    private readonly Dictionary<uint, int> _ownersPerSpender = [];
    // Used pairs: spender → (owner, approval seq, transfer seq), persisted between runs.
    private readonly Dictionary<uint, List<(uint Owner, ulong Approved, ulong Used)>> _usedBySpender = [];
    private bool _pairsChanged;

    // Link changes.
    private readonly List<ClusterLink> _puts = [];
    private readonly List<ClusterLink> _deletes = [];
    private readonly List<(LinkHeuristic Heuristic, uint Anchor, List<ClusterLink> Star)> _changedStars = [];
    private bool _retracted;
    private readonly List<DepositRecord> _depositPuts = [];
    private readonly List<uint> _depositDeletes = [];
    private long _rejectedDeposits;

    private long _events;

    /// <summary>Transaction lookups made by the approval heuristic (diagnostics for benchmarks).</summary>
    internal static long TxLookups;
    private ulong _txCacheKey = ulong.MaxValue;
    private uint _txCacheSender;

    public ClusterRun(IChainReader reader, IClusterStore store, ClusterOptions options, bool full, IProgress<ClusterProgress>? progress, CancellationToken ct)
    {
        _reader = reader;
        _store = store;
        _o = options;
        _progress = progress;
        _ct = ct;
        _n = reader.AddressCount;
        _zero = reader.TryGetAddressId(Address.Zero, out var z) ? z : 0;
        _labels = LabelIndex.Build(reader, options);
        _fingerprint = "v1;" + AddressState.Size + "x" + StateTable.ChunkSize + ";" + options.Fingerprint() + ";" + _labels.Fingerprint;
        _meta = store.ReadMeta();
        ulong headEnd = reader.IndexedHead is { } h ? ((h + 1) << 32) - 1 : 0;
        if (_meta is null || !string.Equals(_meta.Options, _fingerprint, StringComparison.Ordinal) || _meta.AddressCount > _n
            || _meta.Cursor.Value > headEnd) full = true; // first run, new options or labels, or the chain was rolled back
        _full = full;
        _depositOn = (options.Heuristics & LinkHeuristics.DepositReuse) != 0;
        _gasOn = (options.Heuristics & LinkHeuristics.GasFunding) != 0;
        _approvalOn = (options.Heuristics & LinkHeuristics.Approval) != 0;
        var token = options.Deposit.Token is { } t ? reader.Profile.FindToken(t) ?? throw new ArgumentException($"Unknown token '{t}' for chain {reader.Profile.Name}.") : reader.Profile.DefaultToken;
        _depositToken = reader.TryGetTokenId(token.Contract, out var tid) ? tid : 0;
        if (_depositToken == 0) _depositOn = false;
        _state = new StateTable(_n, _full ? null : store, _full ? 0 : _meta!.AddressCount);
        _tally = _full ? new ClusterTally() : ClusterTally.Decode(store.ReadBlob(ClusterTally.BlobName)) ?? ClusterTally.Scan(store, options);
        _edges = new EdgeSource(reader);
        _txs = new TxLookup(reader);
    }

    public bool Full => _full;

    public ClusterResult Execute()
    {
        using var writer = _store.AcquireWriter();
        using var edges = _edges;
        using var txs = _txs;
        var clock = Stopwatch.StartNew();
        Seq from = _full ? Seq.MinValue : new Seq(_meta!.Cursor.Value + 1);
        Seq to = _reader.IndexedHead is { } head ? new Seq(((head + 1) << 32) - 1) : Seq.MinValue;
        if (_reader.IndexedHead is null) from = new Seq(1); // nothing indexed: process nothing

        if (!_full) LoadApprovalState(from);
        if (from <= to)
        {
            if (_reader is ChainTraceStore rocks) StreamRocks(rocks, from, to);
            else Stream(from, to);
        }
        Lap("scan");

        DeriveCandidates();
        Lap("candidates");
        DeriveDepositStars();
        Lap("deposit");
        DeriveGasStars();
        Lap("gas");
        DeriveApprovalStars();
        Lap("approval");

        using var batch = _store.BeginBatch();
        if (_full) batch.Clear();
        foreach (var l in _deletes) batch.DeleteLink(l);
        foreach (var l in _puts) batch.PutLink(l);
        foreach (var d in _depositDeletes) batch.DeleteDeposit(d);
        foreach (var d in _depositPuts) batch.PutDeposit(d);

        var union = UpdateClusters(batch);
        Lap("union");

        _state.Save(batch);
        if (_pairsChanged || _full) batch.PutBlob(ApprovalPairsBlob, EncodePairs());
        batch.PutBlob(ClusterTally.BlobName, _tally.Encode());
        var cursor = from <= to ? to : (_full ? Seq.MinValue : _meta!.Cursor);
        batch.PutMeta(new ClusterMeta(cursor, _fingerprint, _n, union.Relinked ? union.RefusedCount : _meta?.RefusedLinks ?? 0, DateTimeOffset.UtcNow,
            _o.Heuristics, _o.Deposit.LinkDepositAddressToCustomer));
        Report("write", 0, 0);
        batch.Commit();
        Lap("write");

        var result = Summarise(union, from, cursor);
        Lap("summary");
        return result with { Phases = _phases, Elapsed = clock.Elapsed };
    }

    private readonly List<KeyValuePair<string, TimeSpan>> _phases = [];
    private readonly Stopwatch _lap = Stopwatch.StartNew();

    private void Lap(string phase)
    {
        _phases.Add(new(phase, _lap.Elapsed));
        _lap.Restart();
    }

    private void Report(string phase, long done, long total) => _progress?.Report(new ClusterProgress(phase, done, total));

    // ------------------------------------------------------------------ streaming

    private void Stream(Seq from, Seq to)
    {
        bool needTransfers = _depositOn || _gasOn || _approvalOn;
        using var t = (needTransfers ? _reader.ScanTransfers(from, to) : []).GetEnumerator();
        using var n = (_gasOn ? _reader.ScanNativeTransfers(from, to) : []).GetEnumerator();
        using var a = (_approvalOn ? _reader.ScanApprovals(from, to) : []).GetEnumerator();
        bool ht = t.MoveNext(), hn = n.MoveNext(), ha = a.MoveNext();
        ulong first = Math.Min(ht ? t.Current.Seq.Block : ulong.MaxValue, Math.Min(hn ? n.Current.Seq.Block : ulong.MaxValue, ha ? a.Current.Seq.Block : ulong.MaxValue));
        long total = first > to.Block ? 0 : (long)(to.Block - first + 1);
        while (ht || hn || ha)
        {
            ulong st = ht ? t.Current.Seq.Value : ulong.MaxValue;
            ulong sn = hn ? n.Current.Seq.Value : ulong.MaxValue;
            ulong sa = ha ? a.Current.Seq.Value : ulong.MaxValue;
            if (ha && sa <= st && sa <= sn)
            {
                var r = a.Current;
                OnApproval(r.OwnerId, r.SpenderId, r.Amount, r.Seq.Value, markDirty: true);
                ha = a.MoveNext();
            }
            else if (hn && sn <= st)
            {
                OnNative(n.Current);
                hn = n.MoveNext();
            }
            else
            {
                OnTransfer(t.Current);
                ht = t.MoveNext();
            }
            if ((++_events & (ProgressEvery - 1)) == 0)
            {
                _ct.ThrowIfCancellationRequested();
                ulong block = Math.Min(st, Math.Min(sn, sa)) >> 32;
                Report("scan", (long)(block - first), total);
            }
        }
        Report("scan", total, total);
    }

    private void OnTransfer(in TransferRecord r)
    {
        uint f = r.FromId, to = r.ToId;
        bool fromReal = f != _zero && f != 0;
        if (_gasOn && fromReal)
        {
            ref var s = ref _state.Get(f);
            s.Flags |= (uint)AddressFlags.Sent;
            if (s.Funder != 0 && s.Funder != AddressState.NotFresh && s.MoveSeq == 0 && s.FundSeq < r.Seq.Value
                && (_o.Gas.MaxFundToMoveBlocks == 0 || r.Seq.Block - (s.FundSeq >> 32) <= _o.Gas.MaxFundToMoveBlocks))
            {
                s.MoveSeq = r.Seq.Value;
                if (!_full) _funderDirty.Add(s.Funder);
            }
        }
        if (_depositOn && r.TokenId == _depositToken && f != to)
        {
            ulong amount = r.Amount.FitsInUInt64 ? r.Amount.Low : ulong.MaxValue;
            uint block = (uint)r.Seq.Block;
            if (to != _zero && to != 0) Inflow(to, amount, block);
            if (fromReal) Outflow(f, to, amount, block);
        }
        if (_approvalOn && fromReal && _owners.TryGetValue(f, out var spenders) && AnyLinkableSpender(spenders)) CheckTransferFrom(f, r.Seq);
    }

    private void Inflow(uint d, ulong amount, uint block)
    {
        ref var s = ref _state.Get(d);
        ExpireIfLate(ref s, block);
        if (s.Pending == 0) s.PendingSince = block;
        s.Pending = SatAdd(s.Pending, amount);
        s.Balance = SatAdd(s.Balance, amount);
        if (!_full) _depositDirty.Add(d);
    }

    private void Outflow(uint d, uint target, ulong amount, uint block)
    {
        ref var s = ref _state.Get(d);
        ExpireIfLate(ref s, block);
        ulong holding = Math.Max(s.Balance, s.Pending);
        s.Balance = amount >= s.Balance ? 0 : s.Balance - amount;
        if (s.Pending != 0 && target != _zero && Math.Abs((double)amount - holding) <= _o.Deposit.AmountTolerance * holding)
        {
            s.Forwarded = SatAdd(s.Forwarded, amount);
            s.Pending = 0;
            if (s.Target == 0) s.Target = target;
            else if (s.Target != target) s.Target = AddressState.MultipleTargets;
        }
        else
        {
            s.Other = SatAdd(s.Other, amount);
            s.Pending = amount >= s.Pending ? 0 : s.Pending - amount;
        }
        if (!_full) _depositDirty.Add(d);
    }

    private void ExpireIfLate(ref AddressState s, uint block)
    {
        if (s.Pending != 0 && block - s.PendingSince > _o.Deposit.MaxSweepDelayBlocks)
        {
            s.Expired = SatAdd(s.Expired, s.Pending);
            s.Pending = 0;
        }
    }

    private void OnNative(in NativeTransferRecord r)
    {
        uint f = r.FromId, t = r.ToId;
        if (f == _zero || f == 0) return;
        _state.Get(f).Flags |= (uint)AddressFlags.Sent;
        if (t == f || t == _zero || t == 0) return;
        ref var s = ref _state.Get(t);
        if (s.Funder != 0) return;
        if ((s.Flags & (uint)AddressFlags.Sent) != 0)
        {
            s.Funder = AddressState.NotFresh;
            return;
        }
        s.Funder = f;
        s.FundSeq = r.Seq.Value;
        ref var fs = ref _state.Get(f);
        fs.FundedCount++;
        s.NextFundee = fs.FirstFundee;
        fs.FirstFundee = t;
        if (!_full) _funderDirty.Add(f);
    }

    private void OnApproval(uint owner, uint spender, UInt256 amount, ulong seq, bool markDirty)
    {
        if (amount.IsZero || owner == spender || owner == 0 || spender == 0) return;
        ulong key = ((ulong)owner << 32) | spender;
        if (!_approvals.TryAdd(key, seq)) return;
        if (!_owners.TryGetValue(owner, out var spenders)) _owners[owner] = spenders = [];
        spenders.Add(spender);
        _ownersPerSpender[spender] = _ownersPerSpender.GetValueOrDefault(spender) + 1;
        if (markDirty && !_full) _spenderDirty.Add(spender);
    }

    /// <summary>
    /// True if one of the spenders may still get an approval link: not a labelled service and not approved by
    /// too many owners. Both only ever get worse as history grows, so skipping the check is never wrong later.
    /// </summary>
    private bool AnyLinkableSpender(List<uint> spenders)
    {
        foreach (uint b in spenders)
            if (!_labels.IsService(b) && _ownersPerSpender.GetValueOrDefault(b) <= _o.Approval.MaxOwnersPerSpender) return true;
        return false;
    }

    private void CheckTransferFrom(uint owner, Seq seq)
    {
        ulong txKey = seq.Value >> 16;
        if (txKey != _txCacheKey)
        {
            TxLookups++;
            _txCacheKey = txKey;
            _txCacheSender = _txs.TryGet(seq.Block, seq.TxIndex, out _, out uint sender) ? sender : 0;
        }
        uint spender = _txCacheSender;
        if (spender == 0 || spender == owner) return;
        if (!_approvals.TryGetValue(((ulong)owner << 32) | spender, out ulong approved) || approved >= seq.Value) return;
        if (!_usedBySpender.TryGetValue(spender, out var list)) _usedBySpender[spender] = list = [];
        foreach (var p in list) if (p.Owner == owner) return;
        list.Add((owner, approved, seq.Value));
        _pairsChanged = true;
        if (!_full) _spenderDirty.Add(spender);
    }

    private void LoadApprovalState(Seq from)
    {
        if (!_approvalOn) return;
        if (from.Value > 0)
            foreach (var a in _reader.ScanApprovals(Seq.MinValue, new Seq(from.Value - 1)))
                OnApproval(a.OwnerId, a.SpenderId, a.Amount, a.Seq.Value, markDirty: false);
        if (_store.ReadBlob(ApprovalPairsBlob) is { } blob) DecodePairs(blob);
    }

    private byte[] EncodePairs()
    {
        int count = 0;
        foreach (var l in _usedBySpender.Values) count += l.Count;
        var buf = new byte[count * 24];
        int i = 0;
        foreach (var (spender, list) in _usedBySpender)
            foreach (var p in list)
            {
                var s = buf.AsSpan(i, 24);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(s, spender);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(s[4..], p.Owner);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(s[8..], p.Approved);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(s[16..], p.Used);
                i += 24;
            }
        return buf;
    }

    private void DecodePairs(byte[] blob)
    {
        if (blob.Length % 24 != 0) throw new InvalidDataException("Corrupt approval-pairs blob in the cluster store; run a full `chaintrace cluster`.");
        for (int i = 0; i < blob.Length; i += 24)
        {
            var s = blob.AsSpan(i, 24);
            uint spender = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(s);
            uint owner = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(s[4..]);
            ulong approved = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(s[8..]);
            ulong used = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(s[16..]);
            if (!_usedBySpender.TryGetValue(spender, out var list)) _usedBySpender[spender] = list = [];
            list.Add((owner, approved, used));
        }
    }

    private static ulong SatAdd(ulong a, ulong b)
    {
        ulong s = a + b;
        return s < a ? ulong.MaxValue : s;
    }
}
