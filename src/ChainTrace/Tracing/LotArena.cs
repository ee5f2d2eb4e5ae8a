using ChainTrace.Primitives;

namespace ChainTrace.Tracing;

/// <summary>A run of value in an address's lot list: an amount that is all traced or all clean.</summary>
internal struct LotRun
{
    public UInt256 Amount;
    public int Prev;
    public int Next;
    public bool Traced;
}

/// <summary>A piece of value taken from a sender's lots by one outflow.</summary>
internal struct LotPiece
{
    public UInt256 Amount;
    public bool Traced;
}

/// <summary>
/// Lot lists for FIFO and LIFO: per (node, model) a doubly-linked list of runs in arrival order, all in one
/// array with a free list, so that the engine allocates nothing once the arena has grown. Adjacent runs of
/// the same kind are merged, so a list stays as short as the alternations of traced and clean inflows.
/// </summary>
internal sealed class LotArena
{
    private LotRun[] _runs = new LotRun[256];
    private int _used;
    private int _free = -1;

    public void Clear()
    {
        _used = 0;
        _free = -1;
    }

    private int Allocate()
    {
        if (_free >= 0)
        {
            int f = _free;
            _free = _runs[f].Next;
            return f;
        }
        if (_used == _runs.Length) Array.Resize(ref _runs, _runs.Length * 2);
        return _used++;
    }

    private void Release(int i)
    {
        _runs[i].Next = _free;
        _free = i;
    }

    /// <summary>Appends value at the newest end, merging with the newest run when of the same kind.</summary>
    public void Append(ref int head, ref int tail, UInt256 amount, bool traced)
    {
        if (amount.IsZero) return;
        if (tail >= 0 && _runs[tail].Traced == traced)
        {
            _runs[tail].Amount += amount;
            return;
        }
        int i = Allocate();
        ref var r = ref _runs[i];
        r.Amount = amount;
        r.Traced = traced;
        r.Prev = tail;
        r.Next = -1;
        if (tail >= 0) _runs[tail].Next = i; else head = i;
        tail = i;
    }

    /// <summary>
    /// Takes <paramref name="amount"/> from the oldest end (<paramref name="newestFirst"/> false) or the newest end,
    /// writing the pieces in the order taken to <paramref name="pieces"/>; what the lots cannot cover is one clean
    /// piece at the end. Returns the traced part.
    /// </summary>
    public UInt256 Take(ref int head, ref int tail, UInt256 amount, bool newestFirst, PieceBuffer pieces)
    {
        pieces.Clear();
        var traced = UInt256.Zero;
        var left = amount;
        while (!left.IsZero)
        {
            int i = newestFirst ? tail : head;
            if (i < 0)
            {
                pieces.Add(left, false);
                break;
            }
            ref var r = ref _runs[i];
            if (r.Amount <= left)
            {
                left -= r.Amount;
                pieces.Add(r.Amount, r.Traced);
                if (r.Traced) traced += r.Amount;
                int prev = r.Prev, next = r.Next;
                if (prev >= 0) _runs[prev].Next = next; else head = next;
                if (next >= 0) _runs[next].Prev = prev; else tail = prev;
                Release(i);
            }
            else
            {
                r.Amount -= left;
                pieces.Add(left, r.Traced);
                if (r.Traced) traced += left;
                left = UInt256.Zero;
            }
        }
        return traced;
    }

    /// <summary>Sum of the runs (tests and diagnostics).</summary>
    public UInt256 Total(int head)
    {
        var sum = UInt256.Zero;
        for (int i = head; i >= 0; i = _runs[i].Next) sum += _runs[i].Amount;
        return sum;
    }
}

/// <summary>A reusable list of <see cref="LotPiece"/> tagged with the transfer and receiver it belongs to.</summary>
internal sealed class PieceBuffer
{
    private LotPiece[] _items = new LotPiece[16];

    public int Count { get; private set; }

    /// <summary>The transfer the pieces travel with; 0 = none.</summary>
    public ulong Seq { get; set; }

    /// <summary>Receiving node index; -1 = none.</summary>
    public int Target { get; set; } = -1;

    public ref LotPiece this[int i] => ref _items[i];

    public void Clear()
    {
        Count = 0;
        Target = -1;
    }

    public void Add(UInt256 amount, bool traced)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = new LotPiece { Amount = amount, Traced = traced };
    }
}
