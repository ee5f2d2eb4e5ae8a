using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Tracing;

/// <summary>An off-ramp entity and the traced value that reached it, per model.</summary>
/// <param name="Entity">Entity name (label name, hub address, "burn").</param>
/// <param name="Category">Its category (exchange, otc, bridge, mixer, deposit, hub, burn).</param>
/// <param name="PerModel">Amount per model (zero when a model did not reach it).</param>
/// <param name="Min">Lowest over the models.</param>
/// <param name="Max">Highest over the models.</param>
public sealed record OffRampTotal(string Entity, string Category, IReadOnlyDictionary<TraceModel, UInt256> PerModel, UInt256 Min, UInt256 Max);

/// <summary>An address that holds traced value (or a seed's own balance), with what a freeze request needs.</summary>
/// <param name="Address">The address.</param>
/// <param name="Role">Seed or intermediate.</param>
/// <param name="PerModel">Traced value held there per model (for a seed: its balance at the end of the window).</param>
/// <param name="Max">Highest over the models.</param>
/// <param name="Hops">Least hop over the models.</param>
/// <param name="Blacklisted">True if the token's issuer has blacklisted it.</param>
/// <param name="LastActivity">Its last transfer in the store.</param>
/// <param name="LastActivityTime">Block time of the last transfer, if known.</param>
public sealed record HoldingTotal(Address Address, TraceRole Role, IReadOnlyDictionary<TraceModel, UInt256> PerModel, UInt256 Max, int Hops,
    bool Blacklisted, Seq? LastActivity, long? LastActivityTime);

/// <summary>
/// Laundering totals for a group of scam addresses: what the group received from outside it (and from how many
/// distinct senders: the victims), how much reached each off-ramp entity per model, how much now sits at
/// addresses Tether blacklisted, and what is still freezable (traced value held at non-terminal addresses that
/// are not blacklisted, with their last activity).
/// </summary>
/// <param name="Trace">The forward trace from the group the totals come from.</param>
/// <param name="ReceivedFromOutside">Inflows to the group from addresses outside it in the window (mints excluded).</param>
/// <param name="InflowCount">Number of those inflows.</param>
/// <param name="DistinctSenders">Distinct outside senders (victims).</param>
/// <param name="OffRamps">Per off-ramp entity, per model, biggest first.</param>
/// <param name="AtBlacklisted">Per model: traced value held at blacklisted addresses plus the balances of blacklisted seeds.</param>
/// <param name="Freezable">Per model: traced value held at non-blacklisted addresses plus the balances of non-blacklisted seeds.</param>
/// <param name="Holdings">The addresses behind the last two figures, biggest first.</param>
public sealed record LaunderingTotals(
    TraceResult Trace,
    UInt256 ReceivedFromOutside,
    long InflowCount,
    int DistinctSenders,
    IReadOnlyList<OffRampTotal> OffRamps,
    IReadOnlyDictionary<TraceModel, UInt256> AtBlacklisted,
    IReadOnlyDictionary<TraceModel, UInt256> Freezable,
    IReadOnlyList<HoldingTotal> Holdings)
{
    /// <summary>
    /// Computes the totals: a forward trace from <paramref name="options"/>' seeds (the group) under the requested
    /// models (all four by default in the CLI) plus a scan of the group's inflows in the window.
    /// </summary>
    /// <exception cref="ArgumentException">Bad options (see <see cref="Tracer.Trace"/>), or a backward direction.</exception>
    public static LaunderingTotals Compute(IChainReader reader, TraceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Direction != TraceDirection.Forward) throw new ArgumentException("Laundering totals trace forward from the group.", nameof(options));
        var tracer = new Tracer(reader);
        var (_, tokenId, seedIds) = tracer.Validate(options);
        var trace = tracer.Trace(options, cancellationToken);

        // Inflows from outside the group: each member's `in` edges in the window.
        var group = new HashSet<uint>(seedIds);
        var senders = new HashSet<uint>();
        var received = UInt256.Zero;
        long inflows = 0;
        ulong lo = options.SinceBlock is { } s ? Seq.BlockStart(s).Value : 0;
        ulong hi = options.UntilBlock is { } u && u < uint.MaxValue ? Seq.BlockStart(u + 1).Value - 1 : ulong.MaxValue;
        foreach (uint id in group)
        {
            using var cursor = reader.OpenEdges(EdgeDirection.In, id, tokenId, new Seq(lo));
            while (cursor.MoveNext())
            {
                var e = cursor.Current;
                if (e.Seq.Value > hi) break;
                if (group.Contains(e.Counterparty) || e.Amount.IsZero) continue;
                if (reader.GetAddress(e.Counterparty).IsZero) continue; // issuance, not a victim
                cancellationToken.ThrowIfCancellationRequested();
                received += e.Amount;
                inflows++;
                senders.Add(e.Counterparty);
            }
        }

        var offRamps = new List<OffRampTotal>();
        foreach (var b in trace.Bands) offRamps.Add(new OffRampTotal(b.Entity, b.Category, b.PerModel, b.Min, b.Max));

        // Holdings: traced value held at non-terminals, and the seeds' own balances at the end of the window.
        var holdings = new Dictionary<Address, (TraceRole Role, Dictionary<TraceModel, UInt256> PerModel, int Hops, bool Blacklisted, Seq? Last, long? LastTime)>();
        foreach (var r in trace.Results)
            foreach (var n in r.Nodes)
            {
                if (n.Role != TraceRole.Intermediate || n.Held.IsZero) continue;
                if (!holdings.TryGetValue(n.Address, out var h))
                    holdings[n.Address] = h = (n.Role, [], n.Hops, n.Blacklisted, n.LastActivity, n.LastActivityTime);
                h.PerModel[r.Model] = n.Held;
                if (n.Hops < h.Hops) holdings[n.Address] = h with { Hops = n.Hops };
            }
        foreach (uint id in group)
        {
            var address = reader.GetAddress(id);
            var balance = BalanceAt(reader, id, tokenId, hi, out var last);
            if (balance.IsZero) continue;
            var perModel = new Dictionary<TraceModel, UInt256>();
            foreach (var r in trace.Results) perModel[r.Model] = balance;
            long? time = last is { } l && reader.TryGetBlockTimestamp(l.Block, out long t) ? t : null;
            holdings[address] = (TraceRole.Seed, perModel, 0, reader.IsBlacklisted(id, tokenId), last, time);
        }

        var list = new List<HoldingTotal>();
        var atBlacklisted = new Dictionary<TraceModel, UInt256>();
        var freezable = new Dictionary<TraceModel, UInt256>();
        foreach (var r in trace.Results)
        {
            atBlacklisted[r.Model] = UInt256.Zero;
            freezable[r.Model] = UInt256.Zero;
        }
        foreach (var (address, h) in holdings)
        {
            var max = UInt256.Zero;
            foreach (var r in trace.Results)
            {
                var v = h.PerModel.TryGetValue(r.Model, out var a) ? a : UInt256.Zero;
                h.PerModel[r.Model] = v;
                if (v > max) max = v;
                if (h.Blacklisted) atBlacklisted[r.Model] += v;
                else freezable[r.Model] += v;
            }
            list.Add(new HoldingTotal(address, h.Role, h.PerModel, max, h.Hops, h.Blacklisted, h.Last, h.LastTime));
        }
        list.Sort(static (a, b) => b.Max != a.Max ? b.Max.CompareTo(a.Max) : a.Address.CompareTo(b.Address));
        return new LaunderingTotals(trace, received, inflows, senders.Count, offRamps, atBlacklisted, freezable, list);
    }

    /// <summary>An address's balance after its last transfer at or before <paramref name="atOrBefore"/> (negative counts as zero).</summary>
    private static UInt256 BalanceAt(IChainReader reader, uint id, uint tokenId, ulong atOrBefore, out Seq? last)
    {
        last = null;
        Edge best = default;
        bool found = false;
        if (reader.TryGetEdgeAtOrBefore(EdgeDirection.Out, id, tokenId, new Seq(atOrBefore), out var o)) { best = o; found = true; }
        if (reader.TryGetEdgeAtOrBefore(EdgeDirection.In, id, tokenId, new Seq(atOrBefore), out var n) && (!found || n.Seq > best.Seq)) { best = n; found = true; }
        if (!found) return UInt256.Zero;
        last = best.Seq;
        return best.BalanceAfter.IsNegative ? UInt256.Zero : best.BalanceAfter;
    }
}
