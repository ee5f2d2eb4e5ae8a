using System.Numerics;
using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Tracing;

/// <summary>Turning the engine's state into the immutable <see cref="TraceResult"/> (cold code).</summary>
internal sealed partial class TraceEngine
{
    private Address[] _addresses = [];
    private sbyte[] _blacklisted = [];
    private ulong?[] _lastActivity = [];
    private bool[] _lastActivityKnown = [];
    private UInt256[] _balanceAtEnd = [];

    /// <summary>Rounds a fractional base-unit amount to the nearest base unit (negative and NaN become zero).</summary>
    internal static UInt256 RoundUnits(double value)
    {
        if (!(value > 0)) return UInt256.Zero;
        double r = Math.Round(value, MidpointRounding.ToEven);
        if (r < 18446744073709551615.0) return new UInt256((ulong)r);
        return UInt256.FromBigInteger(new BigInteger(r));
    }

    public TraceResult BuildResult(TraceOptions options, TokenInfo token, IReadOnlyList<Address> seeds)
    {
        _addresses = new Address[_count];
        _blacklisted = new sbyte[_count];
        _lastActivity = new ulong?[_count];
        _lastActivityKnown = new bool[_count];
        _balanceAtEnd = new UInt256[_count];
        _txHashes.Clear();
        for (int i = 0; i < _count; i++) _addresses[i] = _reader.GetAddress(_ids[i]);

        var results = new List<ModelResult>();
        if (_runPoison) results.Add(BuildExact(TraceModel.Poison, _poison, _poisonEdges, options));
        if (_runHaircut) results.Add(BuildHaircut(options));
        if (_runFifo) results.Add(BuildExact(TraceModel.Fifo, _fifo, _fifoEdges, options));
        if (_runLifo) results.Add(BuildExact(TraceModel.Lifo, _lifo, _lifoEdges, options));

        return new TraceResult(
            _reader.Profile,
            options.Direction,
            options.Hops,
            seeds,
            token,
            options.SinceBlock,
            options.UntilBlock,
            options.MinAmount,
            results,
            BuildBands(results),
            new TraceStats(_visited, _cursorsOpened, _count, _elapsed, _allocated));
    }

    private bool Blacklisted(int i)
    {
        if (_blacklisted[i] == 0) _blacklisted[i] = (sbyte)(_reader.IsBlacklisted(_ids[i], _token) ? 1 : -1);
        return _blacklisted[i] > 0;
    }

    private ulong? LastActivity(int i)
    {
        if (!_lastActivityKnown[i])
        {
            _lastActivityKnown[i] = true;
            var (edge, found) = LastEdge(i, ulong.MaxValue);
            _lastActivity[i] = found ? edge.Seq.Value : null;
            if (found && !_backward && _hi == ulong.MaxValue) _balanceAtEnd[i] = edge.BalanceAfter;
        }
        return _lastActivity[i];
    }

    /// <summary>A node's last edge (in or out, whichever is later) at or before <paramref name="atOrBefore"/>.</summary>
    private (Edge Edge, bool Found) LastEdge(int i, ulong atOrBefore)
    {
        Edge best = default;
        bool found = false;
        if (_reader.TryGetEdgeAtOrBefore(EdgeDirection.Out, _ids[i], _token, new Seq(atOrBefore), out var o)) { best = o; found = true; }
        if (_reader.TryGetEdgeAtOrBefore(EdgeDirection.In, _ids[i], _token, new Seq(atOrBefore), out var n) && (!found || n.Seq > best.Seq)) { best = n; found = true; }
        return (best, found);
    }

    /// <summary>
    /// Balance of a node at the far end of the window in the direction of the trace: after the window (forward)
    /// or before it (backward). Used for poison's "still here" upper bound. Negative balances count as zero.
    /// </summary>
    private UInt256 BalanceAtWindowEnd(int i)
    {
        ulong at;
        if (_backward)
        {
            if (_lo == 0) return UInt256.Zero;
            at = _lo - 1;
        }
        else at = _hi;
        UInt256 balance;
        if (at == ulong.MaxValue)
        {
            // The window runs to the head: the balance after the last edge, shared with the last-activity lookup.
            LastActivity(i);
            balance = _balanceAtEnd[i];
        }
        else
        {
            var (edge, found) = LastEdge(i, at);
            balance = found ? edge.BalanceAfter : UInt256.Zero;
        }
        return balance.IsNegative ? UInt256.Zero : balance;
    }

    private (string? Entity, string? Category) Describe(int i)
    {
        return _roles[i] switch
        {
            TraceRole.Hub => (_reader.Profile.Format(_addresses[i]), "hub"),
            TraceRole.ZeroAddress => _backward ? ("mint", "mint") : ("burn", "burn"),
            _ => (_labels[i]?.Name, _labels[i]?.Category),
        };
    }

    private static bool IsTerminal(TraceRole role) => role is TraceRole.Terminal or TraceRole.Hub or TraceRole.ZeroAddress;

    private long? Time(ulong seq) => _reader.TryGetBlockTimestamp(new Seq(seq).Block, out long t) ? t : null;

    private ModelResult BuildExact(TraceModel model, ExactSlot[] slots, EdgeTable table, TraceOptions options)
    {
        var nodes = new List<TraceNode>();
        var terminals = new List<TraceTerminal>();
        UInt256 reached = default, held = default, dropped = default;
        var amounts = new UInt256[_count];
        for (int i = 0; i < _count; i++)
        {
            ref var s = ref slots[i];
            if (s.Hop == NotReached) continue;
            var role = _roles[i];
            var (entity, category) = Describe(i);
            UInt256 nodeHeld = default;
            if (IsTerminal(role))
            {
                reached += s.Received;
                amounts[i] = s.Received;
                terminals.Add(new TraceTerminal(_addresses[i], role, entity!, category!, s.Received, s.Hop, new Seq(s.FirstSeq), Time(s.FirstSeq), Blacklisted(i)));
            }
            else
            {
                dropped += s.Dropped;
                if (role == TraceRole.Seed) nodeHeld = s.Received;
                else if (model == TraceModel.Poison)
                {
                    var balance = BalanceAtWindowEnd(i);
                    nodeHeld = balance < s.Received ? balance : s.Received;
                }
                else nodeHeld = s.Received - s.Forwarded - s.Dropped;
                held += nodeHeld;
            }
            bool holds = !nodeHeld.IsZero;
            nodes.Add(new TraceNode(_addresses[i], role, entity, category, s.Hop, s.Received, nodeHeld, new Seq(s.FirstSeq),
                role == TraceRole.Seed || (role == TraceRole.Intermediate && s.Hop < _hops),
                (holds || IsTerminal(role)) && Blacklisted(i),
                holds ? ToSeq(LastActivity(i)) : null,
                holds && LastActivity(i) is { } la ? Time(la) : null));
        }
        var edges = new List<TraceEdge>(table.Count);
        for (int k = 0; k < table.Count; k++)
        {
            ref var e = ref table[k];
            edges.Add(new TraceEdge(_addresses[e.Payer], _addresses[e.Payee], e.Amount, e.Count, new Seq(e.FirstSeq).Block, new Seq(e.LastSeq).Block));
        }
        var summary = new TraceSummary(_traced, reached, held, dropped, model == TraceModel.Poison, terminals.Count, nodes.Count);
        var paths = BuildPaths(table, amounts, terminals, options, exact: true);
        return Finish(model, summary, terminals, nodes, edges, paths);
    }

    private ModelResult BuildHaircut(TraceOptions options)
    {
        var nodes = new List<TraceNode>();
        var terminals = new List<TraceTerminal>();
        double reached = 0, held = 0, dropped = 0;
        var amounts = new UInt256[_count];
        for (int i = 0; i < _count; i++)
        {
            ref var s = ref _haircut[i];
            if (s.Hop == NotReached) continue;
            var role = _roles[i];
            var (entity, category) = Describe(i);
            double nodeHeld = 0;
            if (IsTerminal(role))
            {
                reached += s.Received;
                amounts[i] = RoundUnits(s.Received);
                terminals.Add(new TraceTerminal(_addresses[i], role, entity!, category!, amounts[i], s.Hop, new Seq(s.FirstSeq), Time(s.FirstSeq), Blacklisted(i)));
            }
            else
            {
                dropped += s.Dropped;
                nodeHeld = role == TraceRole.Seed ? s.Received : Math.Max(0, s.Received - s.Forwarded - s.Dropped);
                held += nodeHeld;
            }
            var roundedHeld = RoundUnits(nodeHeld);
            bool holds = !roundedHeld.IsZero;
            nodes.Add(new TraceNode(_addresses[i], role, entity, category, s.Hop, RoundUnits(s.Received), roundedHeld, new Seq(s.FirstSeq),
                role == TraceRole.Seed || (role == TraceRole.Intermediate && s.Hop < _hops),
                (holds || IsTerminal(role)) && Blacklisted(i),
                holds ? ToSeq(LastActivity(i)) : null,
                holds && LastActivity(i) is { } la ? Time(la) : null));
        }
        var edges = new List<TraceEdge>(_haircutEdges.Count);
        for (int k = 0; k < _haircutEdges.Count; k++)
        {
            ref var e = ref _haircutEdges[k];
            e.Amount = RoundUnits(e.AmountD);
            e.MaxAmount = RoundUnits(e.MaxAmountD);
            edges.Add(new TraceEdge(_addresses[e.Payer], _addresses[e.Payee], e.Amount, e.Count, new Seq(e.FirstSeq).Block, new Seq(e.LastSeq).Block));
        }
        var summary = new TraceSummary(RoundUnits(_tracedD), RoundUnits(reached), RoundUnits(held), RoundUnits(dropped), false, terminals.Count, nodes.Count);
        var paths = BuildPaths(_haircutEdges, amounts, terminals, options, exact: false);
        return Finish(TraceModel.Haircut, summary, terminals, nodes, edges, paths);
    }

    private static Seq? ToSeq(ulong? value) => value is { } v ? new Seq(v) : null;

    private static ModelResult Finish(TraceModel model, TraceSummary summary, List<TraceTerminal> terminals, List<TraceNode> nodes, List<TraceEdge> edges, List<TracePath> paths)
    {
        terminals.Sort(static (a, b) => b.Amount != a.Amount ? b.Amount.CompareTo(a.Amount) : a.Address.CompareTo(b.Address));
        nodes.Sort(static (a, b) => a.Hops != b.Hops ? a.Hops.CompareTo(b.Hops) : b.Received != a.Received ? b.Received.CompareTo(a.Received) : a.Address.CompareTo(b.Address));
        edges.Sort(static (a, b) => b.Amount != a.Amount ? b.Amount.CompareTo(a.Amount) : a.From != b.From ? a.From.CompareTo(b.From) : a.To.CompareTo(b.To));
        return new ModelResult(model, summary, terminals, nodes, edges, paths);
    }

    private static IReadOnlyList<EntityBand> BuildBands(List<ModelResult> results)
    {
        var perEntity = new Dictionary<(string Entity, string Category), Dictionary<TraceModel, UInt256>>();
        foreach (var r in results)
            foreach (var t in r.Terminals)
            {
                if (!perEntity.TryGetValue((t.Entity, t.Category), out var map)) perEntity[(t.Entity, t.Category)] = map = [];
                map[r.Model] = (map.TryGetValue(r.Model, out var v) ? v : UInt256.Zero) + t.Amount;
            }
        var bands = new List<EntityBand>();
        foreach (var ((entity, category), map) in perEntity)
        {
            UInt256 min = UInt256.MaxValue, max = UInt256.Zero;
            var full = new Dictionary<TraceModel, UInt256>();
            foreach (var r in results)
            {
                var v = map.TryGetValue(r.Model, out var a) ? a : UInt256.Zero;
                full[r.Model] = v;
                if (v < min) min = v;
                if (v > max) max = v;
            }
            bands.Add(new EntityBand(entity, category, min, max, full));
        }
        bands.Sort(static (a, b) => b.Max != a.Max ? b.Max.CompareTo(a.Max) : string.CompareOrdinal(a.Entity, b.Entity));
        return bands;
    }
}
