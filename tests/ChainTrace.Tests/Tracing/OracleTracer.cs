using System.Numerics;
using ChainTrace.Primitives;
using ChainTrace.Tracing;

namespace ChainTrace.Tests.Tracing;

/// <summary>A transfer of the traced token, as the oracle sees it.</summary>
public sealed record OracleTransfer(Seq Seq, Address From, Address To, BigInteger Amount);

/// <summary>What the oracle says about one address in one model.</summary>
public sealed class OracleNode
{
    public TraceRole Role;
    public int Hop = -1;
    public ulong FirstSeq;
    public BigInteger Received, Forwarded, Dropped;
    public double HReceived, HForwarded, HDropped, Pool;
    public List<(BigInteger Amount, bool Traced)> Lots = [];
    public bool LotsInit;
}

/// <summary>The oracle's answer for one model.</summary>
public sealed class OracleModel
{
    public TraceModel Model;
    public BigInteger Traced;
    public double HTraced;
    public Dictionary<Address, OracleNode> Nodes = [];
    public Dictionary<(Address Payer, Address Payee), (BigInteger Amount, double HAmount, int Count, ulong FirstSeq, ulong LastSeq)> Edges = [];
}

/// <summary>
/// The reference tracer: obviously correct rather than fast. It replays every transfer of the history in time
/// order (reverse order for a backward trace), with no index at all: balances are recomputed from scratch,
/// degrees counted over the whole history, and each model keeps its state in plain dictionaries and lists.
/// It implements the semantics of docs/TRACING.md literally, so that the engine can be compared with it.
/// </summary>
public sealed class OracleTracer(IReadOnlyList<OracleTransfer> history, IReadOnlyDictionary<Address, AddressLabel[]> labels)
{
    public Dictionary<TraceModel, OracleModel> Run(TraceOptions o)
    {
        ulong lo = o.SinceBlock is { } s ? Seq.BlockStart(s).Value : 0;
        ulong hi = o.UntilBlock is { } u ? Seq.BlockStart(u + 1).Value - 1 : ulong.MaxValue;
        BigInteger threshold = BigInteger.Max(BigInteger.One, o.MinAmount.ToBigInteger());
        bool backward = o.Direction == TraceDirection.Backward;
        var seeds = new HashSet<Address>(o.Seeds);

        // Degrees over the whole history; balances before and after every transfer.
        var degree = new Dictionary<Address, int>();
        var balance = new Dictionary<Address, BigInteger>();
        var fromBefore = new BigInteger[history.Count];
        var toBefore = new BigInteger[history.Count];
        var toAfter = new BigInteger[history.Count];
        for (int i = 0; i < history.Count; i++)
        {
            var t = history[i];
            degree[t.From] = degree.GetValueOrDefault(t.From) + 1;
            degree[t.To] = degree.GetValueOrDefault(t.To) + 1;
            fromBefore[i] = balance.GetValueOrDefault(t.From);
            toBefore[i] = balance.GetValueOrDefault(t.To);
            balance[t.From] = balance.GetValueOrDefault(t.From) - t.Amount;
            balance[t.To] = balance.GetValueOrDefault(t.To) + t.Amount;
            toAfter[i] = balance[t.To];
        }

        TraceRole RoleOf(Address a)
        {
            if (seeds.Contains(a)) return TraceRole.Seed;
            if (a.IsZero) return TraceRole.ZeroAddress;
            var ls = labels.TryGetValue(a, out var l) ? l : [];
            foreach (var label in ls)
                foreach (var stop in o.StopCategories)
                    if (string.Equals(label.Category, stop, StringComparison.OrdinalIgnoreCase)) return TraceRole.Terminal;
            if (ls.Length == 0 && o.MaxDegree is { } max && degree.GetValueOrDefault(a) > max) return TraceRole.Hub;
            return TraceRole.Intermediate;
        }

        var result = new Dictionary<TraceModel, OracleModel>();
        foreach (var m in TraceModels.Order)
        {
            if ((o.Models & m) == 0) continue;
            var om = new OracleModel { Model = m };
            foreach (var seed in seeds) om.Nodes[seed] = new OracleNode { Role = TraceRole.Seed, Hop = 0, FirstSeq = backward ? hi : lo };
            result[m] = om;
        }

        OracleNode Node(OracleModel om, Address a)
        {
            if (!om.Nodes.TryGetValue(a, out var n)) om.Nodes[a] = n = new OracleNode { Role = RoleOf(a) };
            return n;
        }

        void Reach(OracleModel om, Address payer, Address payee, Address receiver, int hop, ulong seq, BigInteger amount, double hamount)
        {
            var n = Node(om, receiver);
            if (n.Hop < 0) { n.Hop = hop; n.FirstSeq = seq; }
            else n.Hop = Math.Min(n.Hop, hop);
            n.Received += amount;
            n.HReceived += hamount;
            if (n.Role == TraceRole.Intermediate) n.Pool += hamount;
            var key = (payer, payee);
            var e = om.Edges.TryGetValue(key, out var old) ? old : (BigInteger.Zero, 0.0, 0, seq, seq);
            om.Edges[key] = (e.Item1 + amount, e.Item2 + hamount, e.Item3 + 1, Math.Min(e.Item4, seq), Math.Max(e.Item5, seq));
        }

        // Pieces each lot model handed to the receiver of the current transfer (null = nothing traced followed).
        var pieces = new Dictionary<TraceModel, List<(BigInteger, bool)>?>();

        var order = Enumerable.Range(0, history.Count).ToList();
        if (backward) order.Reverse();
        foreach (int i in order)
        {
            var t = history[i];
            ulong seq = t.Seq.Value;
            if (seq < lo || seq > hi || t.From == t.To || t.Amount.IsZero) continue;
            // The owner whose edge is walked and the counterparty that traced value moves on to.
            var owner = backward ? t.To : t.From;
            var other = backward ? t.From : t.To;
            var payer = t.From;
            var payee = t.To;
            pieces.Clear();
            foreach (var (m, om) in result)
            {
                if (seeds.Contains(owner))
                {
                    if (seeds.Contains(other)) continue;
                    om.Traced += t.Amount;
                    om.HTraced += (double)t.Amount;
                    var sn = om.Nodes[owner];
                    if (t.Amount < threshold) { sn.Dropped += t.Amount; sn.HDropped += (double)t.Amount; continue; }
                    sn.Forwarded += t.Amount;
                    sn.HForwarded += (double)t.Amount;
                    Reach(om, payer, payee, other, 1, seq, t.Amount, m == TraceModel.Haircut ? (double)t.Amount : 0);
                    pieces[m] = [(t.Amount, true)];
                    continue;
                }
                if (!om.Nodes.TryGetValue(owner, out var n) || n.Hop < 0 || n.Role != TraceRole.Intermediate) continue;
                bool follow = n.Hop < o.Hops;
                switch (m)
                {
                    case TraceModel.Poison:
                        if (!follow) break;
                        if (t.Amount < threshold) { n.Dropped += t.Amount; break; }
                        n.Forwarded += t.Amount;
                        Reach(om, payer, payee, other, n.Hop + 1, seq, t.Amount, 0);
                        break;
                    case TraceModel.Haircut:
                    {
                        if (!(n.Pool > 0)) break;
                        double a = (double)t.Amount;
                        double before = (double)(backward ? toAfter[i] : fromBefore[i]);
                        double c = before <= n.Pool ? Math.Min(a, n.Pool) : Math.Min(n.Pool, a * n.Pool / before);
                        n.Pool -= c;
                        if (!follow || !(c > 0)) break;
                        if (c < (double)threshold) { n.HDropped += c; break; }
                        n.HForwarded += c;
                        Reach(om, payer, payee, other, n.Hop + 1, seq, 0, c);
                        break;
                    }
                    default:
                    {
                        // FIFO takes the oldest lots first, LIFO the newest; the shortfall is clean.
                        var taken = new List<(BigInteger, bool)>();
                        var left = t.Amount;
                        while (left > 0 && n.Lots.Count > 0)
                        {
                            int k = m == TraceModel.Fifo ? 0 : n.Lots.Count - 1;
                            var (amt, traced) = n.Lots[k];
                            var take = BigInteger.Min(amt, left);
                            taken.Add((take, traced));
                            left -= take;
                            if (take == amt) n.Lots.RemoveAt(k); else n.Lots[k] = (amt - take, traced);
                        }
                        if (left > 0) taken.Add((left, false));
                        BigInteger c = taken.Where(p => p.Item2).Aggregate(BigInteger.Zero, (x, p) => x + p.Item1);
                        if (!follow || c.IsZero) break;
                        if (c < threshold) { n.Dropped += c; break; }
                        n.Forwarded += c;
                        Reach(om, payer, payee, other, n.Hop + 1, seq, c, 0);
                        if (m == TraceModel.Lifo) taken.Reverse(); // receivers keep value in time order
                        pieces[m] = taken;
                        break;
                    }
                }
            }
            // The receiver's side of the transfer for FIFO/LIFO: every inflow of a reached intermediate is a lot.
            if (backward) continue;
            foreach (var m in new[] { TraceModel.Fifo, TraceModel.Lifo })
            {
                if (!result.TryGetValue(m, out var om) || !om.Nodes.TryGetValue(t.To, out var r) || r.Hop < 0 || r.Role != TraceRole.Intermediate) continue;
                if (!r.LotsInit)
                {
                    r.LotsInit = true;
                    if (toBefore[i] > 0) r.Lots.Add((toBefore[i], false));
                }
                var add = pieces.TryGetValue(m, out var p) && p is not null ? p : [(t.Amount, false)];
                foreach (var (amt, traced) in add)
                {
                    if (amt.IsZero) continue;
                    if (r.Lots.Count > 0 && r.Lots[^1].Traced == traced) r.Lots[^1] = (r.Lots[^1].Amount + amt, traced);
                    else r.Lots.Add((amt, traced));
                }
            }
        }

        // Poison's held amount needs each address's balance at the far end of the window.
        if (result.ContainsKey(TraceModel.Poison))
        {
            var at = new Dictionary<Address, BigInteger>();
            foreach (var t in history)
            {
                bool counts = backward ? lo > 0 && t.Seq.Value <= lo - 1 : t.Seq.Value <= hi;
                if (!counts) continue;
                at[t.From] = at.GetValueOrDefault(t.From) - t.Amount;
                at[t.To] = at.GetValueOrDefault(t.To) + t.Amount;
            }
            PoisonBalances = at;
        }
        return result;
    }

    /// <summary>Balances at the far end of the window (set by a poison run).</summary>
    public Dictionary<Address, BigInteger> PoisonBalances { get; private set; } = [];

    /// <summary>Held value of a node per the documented formulas.</summary>
    public BigInteger Held(TraceModel model, Address address, OracleNode n)
    {
        if (n.Role == TraceRole.Seed) return n.Received;
        if (n.Role != TraceRole.Intermediate) return BigInteger.Zero;
        if (model == TraceModel.Poison) return BigInteger.Min(n.Received, BigInteger.Max(BigInteger.Zero, PoisonBalances.GetValueOrDefault(address)));
        return n.Received - n.Forwarded - n.Dropped;
    }

    /// <summary>Held value of a node in the haircut model.</summary>
    public static double HeldHaircut(OracleNode n) =>
        n.Role == TraceRole.Seed ? n.HReceived : n.Role == TraceRole.Intermediate ? Math.Max(0, n.HReceived - n.HForwarded - n.HDropped) : 0;
}
