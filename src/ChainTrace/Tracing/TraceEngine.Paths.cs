using ChainTrace.Primitives;

namespace ChainTrace.Tracing;

/// <summary>
/// Top paths (cold code): a best-first search over the aggregated edges, from a terminal back to a seed,
/// widest bottleneck first. Each aggregated edge is represented by its largest transfer, and consecutive
/// transfers of a path must be in time order, so every reported path is a real, time-respecting chain of
/// transfers with their tx hashes.
/// </summary>
internal sealed partial class TraceEngine
{
    private const int MaxExpansionsPerTerminal = 5_000;

    /// <summary>Tx hashes already looked up while building this trace's paths (paths to different terminals, and of different models, share transfers).</summary>
    private readonly Dictionary<ulong, Hash32?> _txHashes = [];

    private readonly record struct Partial(int Node, ulong Bound, double Width, UInt256 Amount, int Parent, int Edge, int Depth);

    private List<TracePath> BuildPaths(EdgeTable table, UInt256[] terminalAmounts, List<TraceTerminal> terminals, TraceOptions options, bool exact)
    {
        var paths = new List<TracePath>();
        if (options.PathsPerTerminal <= 0 || options.PathTerminals <= 0 || terminals.Count == 0) return paths;

        // Edges by the node they lead to (forward: payee), walking toward the seeds.
        var adjacency = new List<int>?[_count];
        for (int k = 0; k < table.Count; k++)
        {
            int v = _backward ? table[k].Payer : table[k].Payee;
            (adjacency[v] ??= []).Add(k);
        }

        var chosen = new List<int>();
        for (int i = 0; i < _count; i++)
            if (IsTerminal(_roles[i]) && !terminalAmounts[i].IsZero) chosen.Add(i);
        chosen.Sort((a, b) => terminalAmounts[b] != terminalAmounts[a] ? terminalAmounts[b].CompareTo(terminalAmounts[a]) : _addresses[a].CompareTo(_addresses[b]));
        if (chosen.Count > options.PathTerminals) chosen.RemoveRange(options.PathTerminals, chosen.Count - options.PathTerminals);

        var partials = new List<Partial>();
        var queue = new PriorityQueue<int, double>();
        foreach (int terminal in chosen)
        {
            partials.Clear();
            queue.Clear();
            partials.Add(new Partial(terminal, _backward ? 0UL : ulong.MaxValue, double.MaxValue, UInt256.MaxValue, -1, -1, 0));
            queue.Enqueue(0, -double.MaxValue);
            int found = 0, expansions = 0;
            var entity = Describe(terminal).Entity ?? "";
            while (queue.Count > 0 && found < options.PathsPerTerminal && expansions++ < MaxExpansionsPerTerminal)
            {
                int p = queue.Dequeue();
                var cur = partials[p];
                if (cur.Depth > 0 && _roles[cur.Node] == TraceRole.Seed)
                {
                    paths.Add(MakePath(table, partials, p, terminal, entity));
                    found++;
                    continue;
                }
                if (cur.Depth >= _hops || adjacency[cur.Node] is not { } edges) continue;
                foreach (int k in edges)
                {
                    ref var e = ref table[k];
                    if (_backward ? e.MaxSeq <= cur.Bound : e.MaxSeq >= cur.Bound) continue;
                    int next = _backward ? e.Payee : e.Payer;
                    if (OnPath(partials, p, next)) continue;
                    double w = exact ? e.MaxAmount.ToDouble() : e.MaxAmountD;
                    var amount = e.MaxAmount;
                    var child = new Partial(next, e.MaxSeq, Math.Min(w, cur.Width), amount < cur.Amount ? amount : cur.Amount, p, k, cur.Depth + 1);
                    partials.Add(child);
                    queue.Enqueue(partials.Count - 1, -child.Width);
                }
            }
        }
        return paths;
    }

    private static bool OnPath(List<Partial> partials, int p, int node)
    {
        for (int i = p; i >= 0; i = partials[i].Parent)
            if (partials[i].Node == node) return true;
        return false;
    }

    private TracePath MakePath(EdgeTable table, List<Partial> partials, int p, int terminal, string entity)
    {
        var steps = new List<PathStep>();
        for (int i = p; partials[i].Parent >= 0; i = partials[i].Parent)
        {
            ref var e = ref table[partials[i].Edge];
            var seq = new Seq(e.MaxSeq);
            ulong txKey = seq.Value >> 16;
            if (!_txHashes.TryGetValue(txKey, out var hash))
                _txHashes[txKey] = hash = _reader.TryGetTxHash(seq.Block, seq.TxIndex, out var h) ? h : null;
            steps.Add(new PathStep(_addresses[e.Payer], _addresses[e.Payee], e.MaxAmount, seq, hash));
        }
        // Walking from the seed end: a forward path comes out in money order, a backward one reversed.
        if (_backward) steps.Reverse();
        return new TracePath(_addresses[terminal], entity, partials[p].Amount, steps);
    }
}
