using System.Runtime.CompilerServices;

namespace ChainTrace.Tracing;

/// <summary>A pending cursor head: the next edge of one node's cursor, ordered by (key, kind).</summary>
internal struct PendingEvent
{
    /// <summary>Order key: the seq (forward) or its complement (backward), so that ascending key is processing order.</summary>
    public ulong Key;

    /// <summary>0 = the node's expanding cursor (out forward, in backward); 1 = its lot cursor (in, forward only).</summary>
    public int Kind;

    /// <summary>Node index.</summary>
    public int Node;
}

/// <summary>
/// Binary min-heap of <see cref="PendingEvent"/> over a reusable array: no allocation once grown. At equal
/// keys kind 0 comes before kind 1, so a sender's outflow is processed before the receiver's matching inflow.
/// </summary>
internal sealed class EventHeap
{
    private PendingEvent[] _items = new PendingEvent[64];
    private int _count;

    public int Count => _count;

    public void Clear() => _count = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in PendingEvent a, in PendingEvent b) => a.Key < b.Key || (a.Key == b.Key && a.Kind < b.Kind);

    public void Push(ulong key, int kind, int node)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        var item = new PendingEvent { Key = key, Kind = kind, Node = node };
        int i = _count++;
        var items = _items;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(item, items[parent])) break;
            items[i] = items[parent];
            i = parent;
        }
        items[i] = item;
    }

    public PendingEvent Pop()
    {
        var items = _items;
        var top = items[0];
        var last = items[--_count];
        int n = _count, i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && Less(items[child + 1], items[child])) child++;
            if (!Less(items[child], last)) break;
            items[i] = items[child];
            i = child;
        }
        if (n > 0) items[i] = last;
        return top;
    }
}
