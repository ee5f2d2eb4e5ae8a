using System.Numerics;
using ChainTrace.Primitives;
using ChainTrace.Tracing;

namespace ChainTrace.Reporting.Html;

/// <summary>A box of the flow picture: one address, or the summary of a column's hidden addresses.</summary>
/// <param name="Index">Position in <see cref="FlowLayout.Nodes"/>.</param>
/// <param name="Node">The traced address, or null for a "…and N more" summary box.</param>
/// <param name="Hop">Its column (hop).</param>
/// <param name="Row">Its row inside the column, from the top.</param>
/// <param name="X">Left edge, pixels.</param>
/// <param name="Y">Top edge, pixels.</param>
/// <param name="Received">Traced value received (for a summary box: by the addresses it stands for).</param>
/// <param name="HiddenCount">Addresses a summary box stands for (0 for an address box).</param>
public sealed record FlowNode(int Index, TraceNode? Node, int Hop, int Row, double X, double Y, UInt256 Received, int HiddenCount);

/// <summary>An arrow of the flow picture: traced value between two boxes, aggregated over their addresses.</summary>
/// <param name="From">Sender box.</param>
/// <param name="To">Receiver box.</param>
/// <param name="Amount">Traced value, base units.</param>
/// <param name="Count">Followed transfers.</param>
/// <param name="StrokeWidth">Line width, pixels: grows with the logarithm of the amount.</param>
public sealed record FlowEdge(FlowNode From, FlowNode To, UInt256 Amount, int Count, double StrokeWidth);

/// <summary>
/// The layout of one model's flow picture: columns by hop, at most a given number of address boxes (the most
/// important kept, the rest summarised per column), rows ordered by the barycenter heuristic to reduce crossings.
/// Deterministic: ties are broken by address.
/// </summary>
/// <param name="Nodes">Boxes, column by column, top to bottom.</param>
/// <param name="Edges">Arrows, biggest first.</param>
/// <param name="Columns">Number of columns (highest hop + 1).</param>
/// <param name="Width">Picture width, pixels.</param>
/// <param name="Height">Picture height, pixels.</param>
/// <param name="HiddenCount">Addresses not drawn as their own box.</param>
/// <param name="MirrorColumns">True when hop 0 is the right-most column (backward traces: money flows left to right).</param>
public sealed record FlowLayout(
    IReadOnlyList<FlowNode> Nodes,
    IReadOnlyList<FlowEdge> Edges,
    int Columns,
    double Width,
    double Height,
    int HiddenCount,
    bool MirrorColumns)
{
    /// <summary>Box width, pixels.</summary>
    public const double NodeWidth = 190;

    /// <summary>Box height, pixels.</summary>
    public const double NodeHeight = 46;

    /// <summary>Horizontal distance between columns, pixels.</summary>
    public const double ColumnPitch = 300;

    /// <summary>Vertical distance between rows, pixels.</summary>
    public const double RowPitch = 58;

    /// <summary>Space above the first row (column titles), pixels.</summary>
    public const double Top = 44;

    /// <summary>Left and right margin, pixels.</summary>
    public const double Margin = 20;

    /// <summary>Thinnest arrow, pixels.</summary>
    public const double MinStroke = 1;

    /// <summary>Thickest arrow, pixels.</summary>
    public const double MaxStroke = 14;

    /// <summary>Lays out one model's nodes and edges.</summary>
    /// <param name="model">The model's result.</param>
    /// <param name="maxNodes">At most this many address boxes (seeds first, then the biggest receivers); at least 1.</param>
    /// <param name="maxPerColumn">At most this many address boxes per column; at least 1.</param>
    /// <param name="mirror">Put hop 0 on the right (backward traces).</param>
    public static FlowLayout Build(ModelResult model, int maxNodes, int maxPerColumn, bool mirror = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerColumn, 1);

        int columns = 1;
        foreach (var n in model.Nodes) columns = Math.Max(columns, n.Hops + 1);

        // Which addresses get their own box: seeds first, then by traced value received.
        var important = model.Nodes.OrderBy(n => n.Role == TraceRole.Seed ? 0 : 1)
            .ThenByDescending(n => n.Received).ThenBy(n => n.Hops).ThenBy(n => n.Address).ToList();
        var perColumn = new int[columns];
        var shown = new List<TraceNode>[columns];
        var hiddenCount = new int[columns];
        var hiddenReceived = new UInt256[columns];
        for (int c = 0; c < columns; c++) shown[c] = [];
        int kept = 0;
        foreach (var n in important)
        {
            if (kept < maxNodes && perColumn[n.Hops] < maxPerColumn)
            {
                shown[n.Hops].Add(n);
                perColumn[n.Hops]++;
                kept++;
            }
            else
            {
                hiddenCount[n.Hops]++;
                hiddenReceived[n.Hops] += n.Received;
            }
        }

        // Boxes per column in the initial order (importance); a summary box last.
        var boxes = new List<Box>[columns];
        var byAddress = new Dictionary<Address, Box>();
        var summary = new Box?[columns];
        for (int c = 0; c < columns; c++)
        {
            boxes[c] = [];
            foreach (var n in shown[c])
            {
                var b = new Box(n, c, n.Received, 0, boxes[c].Count);
                boxes[c].Add(b);
                byAddress[n.Address] = b;
            }
            if (hiddenCount[c] > 0)
            {
                summary[c] = new Box(null, c, hiddenReceived[c], hiddenCount[c], int.MaxValue);
                boxes[c].Add(summary[c]!);
            }
        }
        var hopOf = new Dictionary<Address, int>();
        foreach (var n in model.Nodes) hopOf[n.Address] = n.Hops;

        // Edges between boxes, aggregated (hidden addresses fold into their column's summary box).
        var agg = new Dictionary<(Box From, Box To), (UInt256 Amount, int Count)>();
        foreach (var e in model.Edges)
        {
            var from = Resolve(e.From);
            var to = Resolve(e.To);
            if (from is null || to is null || ReferenceEquals(from, to)) continue;
            agg.TryGetValue((from, to), out var a);
            agg[(from, to)] = (a.Amount + e.Amount, a.Count + e.Count);
        }

        Box? Resolve(Address a)
        {
            if (byAddress.TryGetValue(a, out var b)) return b;
            return hopOf.TryGetValue(a, out int hop) ? summary[hop] : null;
        }

        foreach (var ((from, to), (amount, _)) in agg)
        {
            from.Out.Add((to, Weight(amount)));
            to.In.Add((from, Weight(amount)));
        }
        Order(boxes, columns);

        // Positions.
        int rows = 1;
        foreach (var col in boxes) rows = Math.Max(rows, col.Count);
        var nodes = new List<FlowNode>();
        var flowOf = new Dictionary<Box, FlowNode>();
        for (int c = 0; c < columns; c++)
        {
            int visual = mirror ? columns - 1 - c : c;
            for (int r = 0; r < boxes[c].Count; r++)
            {
                var b = boxes[c][r];
                var fn = new FlowNode(nodes.Count, b.Node, c, r, Margin + visual * ColumnPitch, Top + r * RowPitch, b.Received, b.Hidden);
                nodes.Add(fn);
                flowOf[b] = fn;
            }
        }

        var edges = new List<FlowEdge>(agg.Count);
        UInt256 min = UInt256.Zero, max = UInt256.Zero;
        bool first = true;
        foreach (var (_, (amount, _)) in agg)
        {
            if (amount.IsZero) continue;
            if (first || amount < min) min = amount;
            if (first || amount > max) max = amount;
            first = false;
        }
        foreach (var ((from, to), (amount, count)) in agg)
            edges.Add(new FlowEdge(flowOf[from], flowOf[to], amount, count, StrokeWidth(amount, min, max)));
        edges.Sort((a, b) =>
        {
            int c = b.Amount.CompareTo(a.Amount);
            if (c != 0) return c;
            c = a.From.Index.CompareTo(b.From.Index);
            return c != 0 ? c : a.To.Index.CompareTo(b.To.Index);
        });

        int hidden = 0;
        foreach (int h in hiddenCount) hidden += h;
        double width = 2 * Margin + (columns - 1) * ColumnPitch + NodeWidth;
        double height = Top + rows * RowPitch + Margin;
        return new FlowLayout(nodes, edges, columns, width, height, hidden, mirror);
    }

    /// <summary>
    /// Arrow width for <paramref name="amount"/> when the picture's amounts range from <paramref name="min"/> to
    /// <paramref name="max"/>: <see cref="MinStroke"/> plus a share of the rest proportional to log(amount/min) / log(max/min).
    /// Non-decreasing in the amount.
    /// </summary>
    public static double StrokeWidth(UInt256 amount, UInt256 min, UInt256 max)
    {
        if (amount.IsZero || min.IsZero) return MinStroke;
        double a = Log(amount), lo = Log(min), hi = Log(max);
        if (hi <= lo) return (MinStroke + MaxStroke) / 2;
        double t = Math.Clamp((a - lo) / (hi - lo), 0, 1);
        return Math.Round(MinStroke + t * (MaxStroke - MinStroke), 2);
    }

    private static double Log(UInt256 v) => BigInteger.Log(v.ToBigInteger());

    private static double Weight(UInt256 amount) => amount.IsZero ? 0 : 1 + Log(amount);

    /// <summary>Barycenter sweeps: down the hops by predecessors, back up by successors, down again.</summary>
    private static void Order(List<Box>[] boxes, int columns)
    {
        void Number()
        {
            foreach (var col in boxes)
                for (int i = 0; i < col.Count; i++) col[i].Position = col.Count == 1 ? 0.5 : (double)i / (col.Count - 1);
        }

        void Sweep(int c, bool byPredecessors)
        {
            var col = boxes[c];
            foreach (var b in col)
            {
                double sum = 0, weight = 0;
                foreach (var (other, w) in byPredecessors ? b.In : b.Out)
                {
                    if (byPredecessors ? other.Hop >= c : other.Hop <= c) continue;
                    sum += other.Position * w;
                    weight += w;
                }
                b.Key = weight > 0 ? sum / weight : double.PositiveInfinity;
            }
            col.Sort(static (a, b) =>
            {
                bool sa = a.Node is null, sb = b.Node is null;
                if (sa != sb) return sa ? 1 : -1;
                int c = a.Key.CompareTo(b.Key);
                return c != 0 ? c : a.Initial.CompareTo(b.Initial);
            });
            for (int i = 0; i < col.Count; i++) col[i].Position = col.Count == 1 ? 0.5 : (double)i / (col.Count - 1);
        }

        Number();
        for (int c = 1; c < columns; c++) Sweep(c, byPredecessors: true);
        for (int c = columns - 2; c >= 1; c--) Sweep(c, byPredecessors: false);
        for (int c = 1; c < columns; c++) Sweep(c, byPredecessors: true);
    }

    private sealed class Box(TraceNode? node, int hop, UInt256 received, int hidden, int initial)
    {
        public TraceNode? Node { get; } = node;
        public int Hop { get; } = hop;
        public UInt256 Received { get; } = received;
        public int Hidden { get; } = hidden;
        public int Initial { get; } = initial;
        public double Position { get; set; }
        public double Key { get; set; }
        public List<(Box Other, double Weight)> In { get; } = [];
        public List<(Box Other, double Weight)> Out { get; } = [];
    }
}
