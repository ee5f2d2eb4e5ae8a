using System.Globalization;
using ChainTrace.Primitives;
using ChainTrace.Tracing;

namespace ChainTrace.Clustering;

/// <summary>A deposit address a trace stopped at, with what reached it under each model.</summary>
/// <param name="Deposit">The deposit address.</param>
/// <param name="HotWallet">The hot wallet it sweeps to.</param>
/// <param name="Amounts">Traced value that reached it, per model.</param>
/// <param name="Min">Lowest amount over the models.</param>
/// <param name="Max">Highest amount over the models (poison: an upper bound).</param>
/// <param name="FirstArrival">First traced arrival.</param>
public sealed record DepositHit(Address Deposit, Address HotWallet, IReadOnlyDictionary<TraceModel, UInt256> Amounts, UInt256 Min, UInt256 Max, Seq FirstArrival);

/// <summary>The deposit addresses of one exchange a trace reached: the list an investigator sends the exchange.</summary>
/// <param name="Exchange">Exchange entity (the hot wallet's label, or its address when unlabelled).</param>
/// <param name="Min">Sum over its deposit addresses of the lowest model amount.</param>
/// <param name="Max">Sum of the highest model amount.</param>
/// <param name="Deposits">Its deposit addresses, biggest first.</param>
public sealed record ExchangeDeposits(string Exchange, UInt256 Min, UInt256 Max, IReadOnlyList<DepositHit> Deposits);

/// <summary>A cluster in a collapsed trace.</summary>
/// <param name="ClusterId">Cluster id (an address's own id when it is alone).</param>
/// <param name="Entity">Entity name of the cluster, or a traced member's label.</param>
/// <param name="Members">Members that the trace reached (addresses), ascending.</param>
/// <param name="ClusterSize">Members in the whole cluster.</param>
/// <param name="Hops">Least hop of its members.</param>
/// <param name="Received">Traced value that came in from other clusters.</param>
/// <param name="Held">Traced value whose followed trail ends inside the cluster.</param>
/// <param name="Terminal">Traced value its terminal members absorbed.</param>
/// <param name="IsSeed">True if a seed is a member.</param>
public sealed record ClusterTraceNode(uint ClusterId, string? Entity, IReadOnlyList<Address> Members, uint ClusterSize, int Hops, UInt256 Received, UInt256 Held, UInt256 Terminal, bool IsSeed);

/// <summary>Traced value between two clusters.</summary>
/// <param name="From">Sending cluster.</param>
/// <param name="To">Receiving cluster.</param>
/// <param name="Amount">Traced value.</param>
/// <param name="Count">Followed transfers.</param>
public sealed record ClusterTraceEdge(uint From, uint To, UInt256 Amount, int Count);

/// <summary>One model's trace with addresses collapsed into their clusters (flows inside a cluster disappear).</summary>
/// <param name="Model">The model.</param>
/// <param name="Nodes">Clusters reached, by hop then biggest received.</param>
/// <param name="Edges">Flows between clusters, biggest first.</param>
public sealed record ClusterTraceModel(TraceModel Model, IReadOnlyList<ClusterTraceNode> Nodes, IReadOnlyList<ClusterTraceEdge> Edges);

/// <summary>
/// Cluster-aware tracing: seeds given as clusters, results collapsed to clusters, and traces that stop at
/// detected deposit addresses and report them per exchange. Hooks into the <see cref="Tracer"/> through
/// <see cref="TraceOptions.Seeds"/> and <see cref="TraceOptions.ExtraLabel"/>, so the engine is unchanged.
/// </summary>
public static class ClusterTracing
{
    /// <summary>Prefix of a cluster seed: <c>cluster:ID</c>.</summary>
    public const string SeedPrefix = "cluster:";

    /// <summary>Parses <c>cluster:ID</c>.</summary>
    public static bool TryParseClusterSeed(string text, out uint clusterId)
    {
        clusterId = 0;
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        return text.StartsWith(SeedPrefix, StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(text.AsSpan(SeedPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out clusterId)
            && clusterId != 0;
    }

    /// <summary>Every member address of a cluster id (the id's own address for a singleton); empty for an unknown id.</summary>
    public static IReadOnlyList<Address> Members(Clusterer clusterer, uint clusterId)
    {
        ArgumentNullException.ThrowIfNull(clusterer);
        var list = new List<Address>();
        foreach (uint m in clusterer.Members(clusterId)) list.Add(clusterer.Reader.GetAddress(m));
        return list;
    }

    /// <summary>The seeds plus every other member of their clusters, each address once, in order of first appearance.</summary>
    public static IReadOnlyList<Address> ExpandSeeds(Clusterer clusterer, IEnumerable<Address> seeds)
    {
        ArgumentNullException.ThrowIfNull(clusterer);
        ArgumentNullException.ThrowIfNull(seeds);
        var seen = new HashSet<Address>();
        var result = new List<Address>();
        foreach (var s in seeds)
        {
            if (seen.Add(s)) result.Add(s);
            if (!clusterer.Reader.TryGetAddressId(s, out uint id)) continue;
            foreach (var m in Members(clusterer, clusterer.Store.GetClusterId(id)))
                if (seen.Add(m)) result.Add(m);
        }
        return result;
    }

    /// <summary>
    /// The <see cref="TraceOptions.ExtraLabel"/> hook: a detected deposit address gets category
    /// <see cref="LabelCategories.DepositAddress"/> named after its exchange, so the tracer's default stop
    /// categories make it a terminal. Addresses the store labels itself are left alone.
    /// </summary>
    public static Func<Address, AddressLabel?> DepositLabels(Clusterer clusterer)
    {
        ArgumentNullException.ThrowIfNull(clusterer);
        return address =>
        {
            if (!clusterer.Reader.TryGetAddressId(address, out uint id) || !clusterer.Store.TryGetDeposit(id, out var d)) return null;
            return new AddressLabel(LabelCategories.DepositAddress, ExchangeName(clusterer, d.HotWallet), "clustering");
        };
    }

    /// <summary>The exchange a hot wallet belongs to: its cluster's entity, or "hot wallet ADDRESS" when unlabelled.</summary>
    public static string ExchangeName(Clusterer clusterer, uint hotWallet)
    {
        ArgumentNullException.ThrowIfNull(clusterer);
        return clusterer.EntityOf(hotWallet) ?? "hot wallet " + clusterer.Reader.Profile.Format(clusterer.Reader.GetAddress(hotWallet));
    }

    /// <summary>The deposit addresses a trace reached, grouped by exchange, biggest first.</summary>
    public static IReadOnlyList<ExchangeDeposits> Deposits(Clusterer clusterer, TraceResult result)
    {
        ArgumentNullException.ThrowIfNull(clusterer);
        ArgumentNullException.ThrowIfNull(result);
        var hits = new Dictionary<Address, (uint Hot, Dictionary<TraceModel, UInt256> Amounts, Seq First)>();
        foreach (var m in result.Results)
            foreach (var t in m.Terminals)
            {
                if (!clusterer.Reader.TryGetAddressId(t.Address, out uint id) || !clusterer.Store.TryGetDeposit(id, out var d)) continue;
                if (!hits.TryGetValue(t.Address, out var h)) hits[t.Address] = h = (d.HotWallet, [], t.FirstArrival);
                h.Amounts[m.Model] = t.Amount;
                if (t.FirstArrival < h.First) hits[t.Address] = (h.Hot, h.Amounts, t.FirstArrival);
            }
        var byExchange = new Dictionary<string, List<DepositHit>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (address, h) in hits)
        {
            UInt256 min = UInt256.MaxValue, max = UInt256.Zero;
            foreach (var m in result.Results)
            {
                var a = h.Amounts.GetValueOrDefault(m.Model);
                if (a < min) min = a;
                if (a > max) max = a;
            }
            string exchange = ExchangeName(clusterer, h.Hot);
            if (!byExchange.TryGetValue(exchange, out var list)) byExchange[exchange] = list = [];
            list.Add(new DepositHit(address, clusterer.Reader.GetAddress(h.Hot), h.Amounts, min, max, h.First));
        }
        var result2 = new List<ExchangeDeposits>();
        foreach (var (exchange, list) in byExchange)
        {
            list.Sort((x, y) => y.Max.CompareTo(x.Max) is var c && c != 0 ? c : x.Deposit.CompareTo(y.Deposit));
            UInt256 min = UInt256.Zero, max = UInt256.Zero;
            foreach (var d in list) { min += d.Min; max += d.Max; }
            result2.Add(new ExchangeDeposits(exchange, min, max, list));
        }
        result2.Sort((x, y) => y.Max.CompareTo(x.Max) is var c && c != 0 ? c : string.CompareOrdinal(x.Exchange, y.Exchange));
        return result2;
    }

    /// <summary>"deposit address D of exchange E received X USDT" (a range "X–Y" when the models disagree).</summary>
    public static string Describe(TraceResult result, ExchangeDeposits exchange, DepositHit hit)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(hit);
        string amount = hit.Min == hit.Max ? result.Format(hit.Max) : result.Format(hit.Min) + "–" + result.Format(hit.Max);
        return $"deposit address {result.Format(hit.Deposit)} of exchange {exchange.Exchange} received {amount} {result.Token.Symbol}";
    }

    /// <summary>Collapses each model's nodes and edges into clusters.</summary>
    public static IReadOnlyList<ClusterTraceModel> ByCluster(Clusterer clusterer, TraceResult result)
    {
        ArgumentNullException.ThrowIfNull(clusterer);
        ArgumentNullException.ThrowIfNull(result);
        var cache = new Dictionary<Address, uint>();
        uint ClusterOf(Address a)
        {
            if (cache.TryGetValue(a, out uint c)) return c;
            c = clusterer.Reader.TryGetAddressId(a, out uint id) ? clusterer.Store.GetClusterId(id) : 0;
            cache[a] = c;
            return c;
        }
        var seeds = new HashSet<Address>(result.Seeds);
        var models = new List<ClusterTraceModel>();
        foreach (var m in result.Results)
        {
            var nodes = new Dictionary<uint, (List<Address> Members, int Hops, UInt256 Received, UInt256 Held, UInt256 Terminal, bool Seed, string? Label)>();
            foreach (var n in m.Nodes)
            {
                uint c = ClusterOf(n.Address);
                if (!nodes.TryGetValue(c, out var x)) x = ([], int.MaxValue, UInt256.Zero, UInt256.Zero, UInt256.Zero, false, null);
                x.Members.Add(n.Address);
                nodes[c] = (x.Members, Math.Min(x.Hops, n.Hops), x.Received, x.Held + n.Held, x.Terminal + m.TerminalAmount(n.Address), x.Seed || seeds.Contains(n.Address), x.Label ?? n.Entity);
            }
            var edges = new Dictionary<(uint, uint), (UInt256 Amount, int Count)>();
            foreach (var e in m.Edges)
            {
                uint f = ClusterOf(e.From), t = ClusterOf(e.To);
                if (f == t) continue;
                edges[(f, t)] = edges.TryGetValue((f, t), out var v) ? (v.Amount + e.Amount, v.Count + e.Count) : (e.Amount, e.Count);
                if (nodes.TryGetValue(t, out var x)) nodes[t] = x with { Received = x.Received + e.Amount };
            }
            var nodeList = new List<ClusterTraceNode>();
            foreach (var (c, x) in nodes)
            {
                x.Members.Sort();
                uint size = c == 0 ? 1 : clusterer.Store.GetHeader(c)?.Size ?? 1;
                string? entity = c == 0 ? x.Label : clusterer.EntityOf(c) ?? x.Label;
                nodeList.Add(new ClusterTraceNode(c, entity, x.Members, size, x.Hops, x.Received, x.Held, x.Terminal, x.Seed));
            }
            nodeList.Sort((a, b) => a.Hops != b.Hops ? a.Hops.CompareTo(b.Hops) : b.Received.CompareTo(a.Received) is var k && k != 0 ? k : a.ClusterId.CompareTo(b.ClusterId));
            var edgeList = edges.Select(kv => new ClusterTraceEdge(kv.Key.Item1, kv.Key.Item2, kv.Value.Amount, kv.Value.Count)).ToList();
            edgeList.Sort((a, b) => b.Amount.CompareTo(a.Amount) is var k && k != 0 ? k : a.From != b.From ? a.From.CompareTo(b.From) : a.To.CompareTo(b.To));
            models.Add(new ClusterTraceModel(m.Model, nodeList, edgeList));
        }
        return models;
    }
}
