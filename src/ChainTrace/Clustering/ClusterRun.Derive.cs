using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Clustering;

internal sealed partial class ClusterRun
{
    private readonly Dictionary<uint, ulong> _scratchSenders = [];
    private readonly List<ulong> _scratchSweeps = [];

    private IEnumerable<uint> AllIds()
    {
        for (uint id = 1; id <= _n; id++) yield return id;
    }

    /// <summary>
    /// May an address be the member end of a gas or approval link? Not a deposit address (it belongs to its
    /// exchange) and not a detected hot wallet. Labelled addresses may: a labelled exchange wallet funded by an
    /// unlabelled address names that funder's entity, and the service guard stops two services from merging.
    /// </summary>
    private bool MayBeMember(uint id, in AddressState s) =>
        (s.Flags & (uint)AddressFlags.Deposit) == 0
        && ((s.Flags & (uint)AddressFlags.Hot) == 0 || _labels.IsHotLabelled(id));

    private bool IsHot(uint id) => (_state.Peek(id).Flags & (uint)AddressFlags.Hot) != 0;

    /// <summary>A deposit candidate: forwards (nearly) all it receives to one target in matching, timely sweeps.</summary>
    private bool IsCandidate(uint d, in AddressState s)
    {
        if (s.Target == 0 || s.Target == AddressState.MultipleTargets || s.Target == _zero || s.Forwarded == 0) return false;
        if (_labels.IsService(d) || _labels.IsHotLabelled(d)) return false;
        double judged = (double)s.Forwarded + s.Other + s.Expired;
        return s.Forwarded >= _o.Deposit.MinForwardShare * judged;
    }

    /// <summary>A hot wallet: labelled with a hot-wallet category, or unlabelled and swept into by enough candidates while not itself a candidate.</summary>
    private bool ComputeHot(uint e, in AddressState s)
    {
        if (_labels.IsHotLabelled(e)) return true;
        int k = _o.Deposit.MinDepositsForDetectedHotWallet;
        return k > 0 && s.Depositors >= (uint)k && s.CountedTarget == 0 && !_labels.IsService(e);
    }

    private void DeriveCandidates()
    {
        if (!_depositOn) return;
        Report("candidates", 0, _n);
        var touched = new HashSet<uint>();
        foreach (uint d in _full ? AllIds() : _depositDirty)
        {
            ref var s = ref _state.Get(d);
            uint target = IsCandidate(d, s) ? s.Target : 0;
            if (target == s.CountedTarget) continue;
            if (s.CountedTarget != 0) { _state.Get(s.CountedTarget).Depositors--; touched.Add(s.CountedTarget); }
            if (target != 0) { _state.Get(target).Depositors++; touched.Add(target); }
            touched.Add(d); // its own candidacy gates its detection as a hot wallet
            s.CountedTarget = target;
        }

        var hotChanged = new List<uint>();
        IEnumerable<uint> evaluate = _full ? AllIds() : touched;
        foreach (uint e in evaluate)
        {
            if (e > _n) continue;
            ref readonly var peek = ref _state.Peek(e);
            bool hot = ComputeHot(e, peek);
            bool was = (peek.Flags & (uint)AddressFlags.Hot) != 0;
            if (hot == was) continue;
            ref var s = ref _state.Get(e);
            s.Flags = hot ? s.Flags | (uint)AddressFlags.Hot : s.Flags & ~(uint)AddressFlags.Hot;
            hotChanged.Add(e);
        }
        if (_full) return;
        foreach (uint e in hotChanged)
        {
            // Every candidate sweeping into e, e itself (a hot wallet is no deposit address) and the stars that exclude hot addresses.
            _depositDirty.Add(e);
            _funderDirty.Add(e);
            _spenderDirty.Add(e);
            if (_state.Peek(e).Funder is var f && f != 0 && f != AddressState.NotFresh) _funderDirty.Add(f);
            var collect = new CandidatesOf(this, e);
            _edges.Visit(EdgeDirection.In, e, _depositToken, ref collect);
        }
    }

    /// <summary>Marks the senders of a hot wallet that are counted as its deposit candidates.</summary>
    private readonly struct CandidatesOf(ClusterRun run, uint hot) : IEdgeVisitor
    {
        public bool Visit(in Edge edge)
        {
            uint s = edge.Counterparty;
            if (s <= run._n && run._state.Peek(s).CountedTarget == hot) run._depositDirty.Add(s);
            return true;
        }
    }

    /// <summary>Collects a deposit address's distinct senders with their first deposit; stops past the bound.</summary>
    private struct SendersOf(ClusterRun run, uint deposit) : IEdgeVisitor
    {
        public bool TooMany;

        public bool Visit(in Edge edge)
        {
            uint from = edge.Counterparty;
            if (from == run._zero || from == 0 || from == deposit) return true;
            var senders = run._scratchSenders;
            if (senders.TryAdd(from, edge.Seq.Value) && senders.Count > run._o.Deposit.MaxSendersPerDeposit)
            {
                TooMany = true;
                return false;
            }
            return true;
        }
    }

    /// <summary>Collects the seqs of an address's transfers to one target.</summary>
    private readonly struct SweepsTo(ClusterRun run, uint target) : IEdgeVisitor
    {
        public bool Visit(in Edge edge)
        {
            if (edge.Counterparty == target) run._scratchSweeps.Add(edge.Seq.Value);
            return true;
        }
    }

    private void DeriveDepositStars()
    {
        if (!_depositOn) return;
        long done = 0;
        var star = new List<ClusterLink>();
        foreach (uint d in _full ? AllIds() : _depositDirty)
        {
            if ((++done & 0xFFFF) == 0) { _ct.ThrowIfCancellationRequested(); Report("deposit", done, _full ? _n : _depositDirty.Count); }
            ref readonly var peek = ref _state.Peek(d);
            bool was = (peek.Flags & (uint)AddressFlags.Deposit) != 0;
            if (_full && peek.CountedTarget == 0) continue;
            star.Clear();
            bool isDeposit = DeriveDepositStar(d, star, out var record);
            if (isDeposit != was)
            {
                ref var s = ref _state.Get(d);
                s.Flags = isDeposit ? s.Flags | (uint)AddressFlags.Deposit : s.Flags & ~(uint)AddressFlags.Deposit;
                if (s.Funder != 0 && s.Funder != AddressState.NotFresh) _funderDirty.Add(s.Funder);
                _funderDirty.Add(d);
                _spenderDirty.Add(d);
            }
            uint? oldHot = was && _store.TryGetDeposit(d, out var stored) ? stored.HotWallet : null;
            uint? newHot = isDeposit ? record.HotWallet : null;
            if (oldHot != newHot) _tally.Deposit(oldHot, newHot);
            if (isDeposit) _depositPuts.Add(record);
            else if (was) _depositDeletes.Add(d);
            ApplyStar(LinkHeuristic.DepositReuse, d, star);
        }
    }

    /// <summary>Decides whether <paramref name="d"/> is a deposit address and lists its customer links.</summary>
    private bool DeriveDepositStar(uint d, List<ClusterLink> star, out DepositRecord record)
    {
        record = default;
        ref readonly var s = ref _state.Peek(d);
        uint e = s.CountedTarget;
        if (e == 0 || !IsHot(e) || (s.Flags & (uint)AddressFlags.Hot) != 0) return false;

        var senders = _scratchSenders;
        senders.Clear();
        var collect = new SendersOf(this, d);
        _edges.Visit(EdgeDirection.In, d, _depositToken, ref collect);
        if (collect.TooMany)
        {
            _rejectedDeposits++;
            return false;
        }
        var sweeps = _scratchSweeps;
        sweeps.Clear();
        var sweepsTo = new SweepsTo(this, e);
        _edges.Visit(EdgeDirection.Out, d, _depositToken, ref sweepsTo);
        if (sweeps.Count == 0) return false;

        record = new DepositRecord(d, e, new Seq(sweeps[0]));
        foreach (var (sender, first) in senders)
        {
            if (sender == e || sender > _n || _labels.IsService(sender)) continue;
            ref readonly var ss = ref _state.Peek(sender);
            if ((ss.Flags & (uint)AddressFlags.Hot) != 0) continue;
            if (ss.CountedTarget != 0 && ss.CountedTarget != d && IsHot(ss.CountedTarget)) continue; // another deposit address
            ulong sweep = sweeps[^1];
            foreach (ulong w in sweeps) if (w > first) { sweep = w; break; }
            star.Add(new ClusterLink(LinkHeuristic.DepositReuse, d, sender, new Seq(first), new Seq(sweep)));
        }
        star.Sort(static (x, y) => x.Member.CompareTo(y.Member));
        return true;
    }

    private void DeriveGasStars()
    {
        if (!_gasOn) return;
        var star = new List<ClusterLink>();
        long done = 0;
        foreach (uint f in _full ? AllIds() : _funderDirty)
        {
            if ((++done & 0xFFFF) == 0) { _ct.ThrowIfCancellationRequested(); Report("gas", done, _full ? _n : _funderDirty.Count); }
            if (f == 0 || f > _n) continue;
            ref readonly var fs = ref _state.Peek(f);
            if (_full && fs.FundedCount == 0) continue;
            star.Clear();
            bool eligible = f != _zero && !_labels.IsService(f)
                && (fs.Flags & (uint)(AddressFlags.Hot | AddressFlags.Deposit)) == 0
                && fs.FundedCount <= (uint)_o.Gas.MaxFundedPerFunder;
            if (eligible)
            {
                for (uint x = fs.FirstFundee; x != 0; x = _state.Peek(x).NextFundee)
                {
                    ref readonly var xs = ref _state.Peek(x);
                    if (xs.MoveSeq == 0 || !MayBeMember(x, xs)) continue;
                    star.Add(new ClusterLink(LinkHeuristic.GasFunding, f, x, new Seq(xs.FundSeq), new Seq(xs.MoveSeq)));
                }
                star.Sort(static (x, y) => x.Member.CompareTo(y.Member));
            }
            ApplyStar(LinkHeuristic.GasFunding, f, star);
        }
    }

    private void DeriveApprovalStars()
    {
        if (!_approvalOn) return;
        var star = new List<ClusterLink>();
        IEnumerable<uint> spenders = _full ? _usedBySpender.Keys.Order() : _spenderDirty.Order();
        foreach (uint b in spenders)
        {
            star.Clear();
            bool eligible = b <= _n && !_labels.IsService(b)
                && (_state.Peek(b).Flags & (uint)(AddressFlags.Hot | AddressFlags.Deposit)) == 0
                && _ownersPerSpender.GetValueOrDefault(b) <= _o.Approval.MaxOwnersPerSpender;
            if (eligible && _usedBySpender.TryGetValue(b, out var pairs))
            {
                foreach (var p in pairs)
                {
                    if (p.Owner > _n || !MayBeMember(p.Owner, _state.Peek(p.Owner))) continue;
                    star.Add(new ClusterLink(LinkHeuristic.Approval, b, p.Owner, new Seq(p.Approved), new Seq(p.Used)));
                }
                star.Sort(static (x, y) => x.Member.CompareTo(y.Member));
            }
            ApplyStar(LinkHeuristic.Approval, b, star);
        }
    }

    /// <summary>Records the difference between a freshly derived star and the stored one.</summary>
    private void ApplyStar(LinkHeuristic heuristic, uint anchor, List<ClusterLink> star)
    {
        if (_full)
        {
            if (star.Count == 0) return;
            _tally.Links[(int)heuristic] += star.Count;
            _puts.AddRange(star);
            _changedStars.Add((heuristic, anchor, [.. star]));
            return;
        }
        bool changed = false;
        var old = _store.GetStar(heuristic, anchor).ToList();
        int i = 0, j = 0;
        while (i < old.Count || j < star.Count)
        {
            if (j == star.Count || (i < old.Count && old[i].Member < star[j].Member))
            {
                _deletes.Add(old[i++]);
                _tally.Links[(int)heuristic]--;
                _retracted = true;
                changed = true;
            }
            else if (i == old.Count || star[j].Member < old[i].Member)
            {
                _puts.Add(star[j++]);
                _tally.Links[(int)heuristic]++;
                changed = true;
            }
            else
            {
                if (old[i] != star[j]) { _puts.Add(star[j]); changed = true; }
                i++;
                j++;
            }
        }
        if (changed) _changedStars.Add((heuristic, anchor, [.. star]));
    }
}
