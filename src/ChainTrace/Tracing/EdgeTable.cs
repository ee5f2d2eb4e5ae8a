using ChainTrace.Primitives;

namespace ChainTrace.Tracing;

/// <summary>Traced value aggregated over the followed transfers from one node to another.</summary>
internal struct AggregatedEdge
{
    public int Payer;
    public int Payee;
    public UInt256 Amount;
    public double AmountD;
    public int Count;
    public ulong FirstSeq;
    public ulong LastSeq;

    /// <summary>The transfer that carried the most traced value (used for paths).</summary>
    public ulong MaxSeq;
    public UInt256 MaxAmount;
    public double MaxAmountD;
}

/// <summary>Per-model table of aggregated edges keyed by (payer, payee) node indices; reused across traces.</summary>
internal sealed class EdgeTable
{
    private readonly Dictionary<ulong, int> _map = [];
    private AggregatedEdge[] _items = new AggregatedEdge[64];

    public int Count { get; private set; }

    public ref AggregatedEdge this[int i] => ref _items[i];

    public void Clear()
    {
        _map.Clear();
        Count = 0;
    }

    private ref AggregatedEdge Get(int payer, int payee, ulong seq)
    {
        ulong key = ((ulong)(uint)payer << 32) | (uint)payee;
        ref int slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_map, key, out bool exists);
        if (!exists)
        {
            if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
            slot = Count++;
            _items[slot] = new AggregatedEdge { Payer = payer, Payee = payee, FirstSeq = seq, LastSeq = seq };
        }
        ref var e = ref _items[slot];
        e.Count++;
        if (seq < e.FirstSeq) e.FirstSeq = seq;
        if (seq > e.LastSeq) e.LastSeq = seq;
        return ref e;
    }

    public void Add(int payer, int payee, ulong seq, UInt256 amount)
    {
        ref var e = ref Get(payer, payee, seq);
        e.Amount += amount;
        if (e.Count == 1 || amount > e.MaxAmount)
        {
            e.MaxAmount = amount;
            e.MaxSeq = seq;
        }
    }

    public void Add(int payer, int payee, ulong seq, double amount)
    {
        ref var e = ref Get(payer, payee, seq);
        e.AmountD += amount;
        if (e.Count == 1 || amount > e.MaxAmountD)
        {
            e.MaxAmountD = amount;
            e.MaxSeq = seq;
        }
    }
}
