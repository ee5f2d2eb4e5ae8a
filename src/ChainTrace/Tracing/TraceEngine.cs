using System.Diagnostics;
using System.Runtime.CompilerServices;
using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Tracing;

/// <summary>Per-node state of an exact model (poison, FIFO, LIFO): base-unit integers.</summary>
internal struct ExactSlot
{
    public int Hop;
    public ulong FirstSeq;
    public UInt256 Received;
    public UInt256 Forwarded;
    public UInt256 Dropped;
    public int LotHead;
    public int LotTail;
    public bool LotsInit;
}

/// <summary>Per-node state of the haircut model: fractional base units as doubles.</summary>
internal struct HaircutSlot
{
    public int Hop;
    public ulong FirstSeq;
    public double Received;
    public double Forwarded;
    public double Dropped;

    /// <summary>Traced value the model considers still at the address.</summary>
    public double Pool;
}

/// <summary>
/// The tracing pass. Every node whose transfers matter has a cursor over its expanding edges (out forward, in
/// backward) that starts where traced value first reached it; FIFO and LIFO add a cursor over its inflows. A
/// heap merges all cursor heads so that every transfer is seen once, in global time order (descending for a
/// backward trace). Several models share the pass. Nothing is allocated per visited edge: node state lives in
/// parallel arrays, lots in <see cref="LotArena"/>, and all buffers are kept for the next trace.
/// </summary>
internal sealed partial class TraceEngine
{
    internal const int NotReached = -1;
    private const byte CursorNone = 0, CursorOpen = 1, CursorDone = 2;

    // Configuration of the current run.
    private IChainReader _reader = null!;
    private uint _token;
    private bool _backward;
    private EdgeDirection _expandDirection;
    private ulong _lo, _hi;
    private int _hops;
    private UInt256 _threshold;
    private double _thresholdD;
    private bool _runPoison, _runHaircut, _runFifo, _runLifo;
    private readonly HashSet<string> _stops = new(StringComparer.OrdinalIgnoreCase);
    private long _maxDegree;
    private Func<Address, AddressLabel?>? _extraLabel;
    private CancellationToken _ct;

    // Nodes: parallel arrays indexed by node number.
    private readonly Dictionary<uint, int> _index = [];
    private int _count;
    private uint[] _ids = new uint[64];
    private TraceRole[] _roles = new TraceRole[64];
    private AddressLabel?[] _labels = new AddressLabel?[64];
    private byte[] _outState = new byte[64];
    private byte[] _inState = new byte[64];
    private IEdgeCursor?[] _outCursors = new IEdgeCursor?[64];
    private IEdgeCursor?[] _inCursors = new IEdgeCursor?[64];
    private ExactSlot[] _poison = new ExactSlot[64];
    private ExactSlot[] _fifo = new ExactSlot[64];
    private ExactSlot[] _lifo = new ExactSlot[64];
    private HaircutSlot[] _haircut = new HaircutSlot[64];

    // Per-model aggregates.
    private UInt256 _traced;
    private double _tracedD;
    private readonly EdgeTable _poisonEdges = new(), _haircutEdges = new(), _fifoEdges = new(), _lifoEdges = new();

    private readonly EventHeap _heap = new();
    private readonly LotArena _lots = new();
    private readonly PieceBuffer _fifoPieces = new(), _lifoPieces = new();

    // Statistics.
    private long _visited;
    private int _cursorsOpened;
    private TimeSpan _elapsed;
    private long _allocated;
    private uint _zeroId;

    /// <summary>Runs a validated trace; the state stays readable until the next <see cref="Run"/> or <see cref="Reset"/>.</summary>
    public void Run(IChainReader reader, uint tokenId, IReadOnlyList<uint> seedIds, TraceOptions options, CancellationToken ct)
    {
        Reset();
        var clock = Stopwatch.StartNew();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        _reader = reader;
        _zeroId = reader.TryGetAddressId(Address.Zero, out uint zero) ? zero : 0;
        _token = tokenId;
        _ct = ct;
        _backward = options.Direction == TraceDirection.Backward;
        _expandDirection = _backward ? EdgeDirection.In : EdgeDirection.Out;
        _lo = options.SinceBlock is { } since ? Seq.BlockStart(since).Value : 0;
        _hi = options.UntilBlock is { } until ? (until >= uint.MaxValue ? ulong.MaxValue : Seq.BlockStart(until + 1).Value - 1) : ulong.MaxValue;
        _hops = options.Hops;
        _threshold = options.MinAmount.IsZero ? UInt256.One : options.MinAmount;
        _thresholdD = _threshold.ToDouble();
        _runPoison = (options.Models & TraceModel.Poison) != 0;
        _runHaircut = (options.Models & TraceModel.Haircut) != 0;
        _runFifo = (options.Models & TraceModel.Fifo) != 0;
        _runLifo = (options.Models & TraceModel.Lifo) != 0;
        foreach (var c in options.StopCategories) _stops.Add(c);
        _maxDegree = options.MaxDegree ?? long.MaxValue;
        _extraLabel = options.ExtraLabel;

        try
        {
            foreach (uint id in seedIds)
            {
                if (_index.ContainsKey(id)) continue;
                int s = NewNode(id, TraceRole.Seed, null);
                _poison[s].Hop = _haircut[s].Hop = _fifo[s].Hop = _lifo[s].Hop = 0;
                _poison[s].FirstSeq = _haircut[s].FirstSeq = _fifo[s].FirstSeq = _lifo[s].FirstSeq = _backward ? _hi : _lo;
            }
            for (int s = 0; s < _count; s++) Open(s, 0, _backward ? _hi : _lo);
            Loop();
        }
        finally
        {
            CloseAll();
            _elapsed = clock.Elapsed;
            _allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }
    }

    /// <summary>Forgets the previous run but keeps every buffer.</summary>
    public void Reset()
    {
        CloseAll();
        _index.Clear();
        _count = 0;
        _stops.Clear();
        _heap.Clear();
        _lots.Clear();
        _fifoPieces.Clear();
        _lifoPieces.Clear();
        _poisonEdges.Clear();
        _haircutEdges.Clear();
        _fifoEdges.Clear();
        _lifoEdges.Clear();
        _traced = UInt256.Zero;
        _tracedD = 0;
        _visited = 0;
        _cursorsOpened = 0;
        _reader = null!;
        _extraLabel = null;
    }

    private void CloseAll()
    {
        for (int i = 0; i < _count; i++)
        {
            _outCursors[i]?.Dispose();
            _outCursors[i] = null;
            _inCursors[i]?.Dispose();
            _inCursors[i] = null;
        }
    }

    private void Loop()
    {
        var heap = _heap;
        while (heap.Count > 0)
        {
            var ev = heap.Pop();
            if ((++_visited & 1023) == 0) _ct.ThrowIfCancellationRequested();
            var cursor = ev.Kind == 0 ? _outCursors[ev.Node]! : _inCursors[ev.Node]!;
            var edge = cursor.Current;
            if (ev.Kind == 0) Expand(ev.Node, in edge);
            else LotInflow(ev.Node, in edge);
            Advance(ev.Node, ev.Kind);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong KeyOf(ulong seq) => _backward ? ~seq : seq;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool InWindow(ulong seq) => seq >= _lo && seq <= _hi;

    private void Open(int node, int kind, ulong from)
    {
        _cursorsOpened++;
        bool descending = _backward && kind == 0;
        var direction = kind == 0 ? _expandDirection : EdgeDirection.In;
        var cursor = _reader.OpenEdges(direction, _ids[node], _token, new Seq(from), descending);
        if (kind == 0)
        {
            _outCursors[node] = cursor;
            _outState[node] = CursorOpen;
        }
        else
        {
            _inCursors[node] = cursor;
            _inState[node] = CursorOpen;
        }
        Advance(node, kind);
    }

    private void Advance(int node, int kind)
    {
        var cursor = kind == 0 ? _outCursors[node]! : _inCursors[node]!;
        if (cursor.MoveNext())
        {
            ulong seq = cursor.Current.Seq.Value;
            if (InWindow(seq))
            {
                _heap.Push(KeyOf(seq), kind, node);
                return;
            }
        }
        cursor.Dispose();
        if (kind == 0)
        {
            _outCursors[node] = null;
            _outState[node] = CursorDone;
        }
        else
        {
            _inCursors[node] = null;
            _inState[node] = CursorDone;
        }
    }

    /// <summary>The owner's balance just before the transfer, in the direction the trace walks time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private UInt256 BalanceBefore(in Edge e) => _backward ? e.BalanceAfter : e.BalanceAfter + e.Amount;

    /// <summary>
    /// Haircut: the traced value an outflow of <paramref name="amount"/> carries when the sender holds
    /// <paramref name="pool"/> traced out of a balance of <paramref name="balanceBefore"/> just before it.
    /// A balance not above the pool (missing history makes balances small or negative) counts as all traced.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double HaircutCarried(double amount, double pool, double balanceBefore) =>
        balanceBefore <= pool ? Math.Min(amount, pool) : Math.Min(pool, amount * pool / balanceBefore);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double SignedToDouble(UInt256 value) => value.IsNegative ? -value.Negate().ToDouble() : value.ToDouble();

    private void Expand(int x, in Edge e)
    {
        uint yId = e.Counterparty;
        if (yId == _ids[x]) return; // a self-transfer moves nothing
        var amount = e.Amount;
        if (amount.IsZero) return;
        ulong seq = e.Seq.Value;
        if (_roles[x] == TraceRole.Seed)
        {
            FromSeed(x, yId, seq, amount);
            return;
        }

        bool poison = false, haircut = false, fifo = false, lifo = false;
        double carriedH = 0;
        UInt256 carriedF = default, carriedL = default;
        if (_runPoison)
        {
            ref var s = ref _poison[x];
            if (s.Hop != NotReached && s.Hop < _hops)
            {
                if (amount >= _threshold) poison = true;
                else s.Dropped += amount;
            }
        }
        if (_runHaircut)
        {
            ref var s = ref _haircut[x];
            if (s.Hop != NotReached && s.Pool > 0)
            {
                carriedH = HaircutCarried(amount.ToDouble(), s.Pool, SignedToDouble(BalanceBefore(in e)));
                s.Pool -= carriedH;
                if (s.Hop < _hops && carriedH > 0)
                {
                    if (carriedH >= _thresholdD) haircut = true;
                    else s.Dropped += carriedH;
                }
            }
        }
        if (_runFifo) fifo = TakeLots(ref _fifo[x], amount, newestFirst: false, _fifoPieces, out carriedF);
        if (_runLifo) lifo = TakeLots(ref _lifo[x], amount, newestFirst: true, _lifoPieces, out carriedL);
        if (!(poison | haircut | fifo | lifo)) return;

        int y = GetOrAddNode(yId);
        if (poison) DeliverExact(_poison, _poisonEdges, x, y, seq, amount);
        if (haircut) DeliverHaircut(x, y, seq, carriedH);
        if (fifo) DeliverLots(_fifo, _fifoEdges, _fifoPieces, x, y, seq, carriedF);
        if (lifo) DeliverLots(_lifo, _lifoEdges, _lifoPieces, x, y, seq, carriedL);
        if (_roles[y] == TraceRole.Intermediate) EnsureCursors(y, seq);
    }

    /// <summary>Consumes lots for an outflow; true when the traced part is to be followed.</summary>
    private bool TakeLots(ref ExactSlot s, UInt256 amount, bool newestFirst, PieceBuffer pieces, out UInt256 carried)
    {
        carried = default;
        if (s.Hop == NotReached) return false;
        carried = _lots.Take(ref s.LotHead, ref s.LotTail, amount, newestFirst, pieces);
        if (s.Hop >= _hops || carried.IsZero) return false;
        if (carried >= _threshold) return true;
        s.Dropped += carried;
        return false;
    }

    private void FromSeed(int x, uint yId, ulong seq, UInt256 amount)
    {
        if (_index.TryGetValue(yId, out int known) && _roles[known] == TraceRole.Seed) return; // inside the seed group
        _traced += amount;
        double amountD = amount.ToDouble();
        _tracedD += amountD;
        if (amount < _threshold)
        {
            _poison[x].Dropped += amount;
            _haircut[x].Dropped += amountD;
            _fifo[x].Dropped += amount;
            _lifo[x].Dropped += amount;
            return;
        }
        int y = GetOrAddNode(yId);
        if (_runPoison) DeliverExact(_poison, _poisonEdges, x, y, seq, amount);
        if (_runHaircut) DeliverHaircut(x, y, seq, amountD);
        if (_runFifo)
        {
            _fifoPieces.Clear();
            _fifoPieces.Add(amount, true);
            DeliverLots(_fifo, _fifoEdges, _fifoPieces, x, y, seq, amount);
        }
        if (_runLifo)
        {
            _lifoPieces.Clear();
            _lifoPieces.Add(amount, true);
            DeliverLots(_lifo, _lifoEdges, _lifoPieces, x, y, seq, amount);
        }
        if (_roles[y] == TraceRole.Intermediate) EnsureCursors(y, seq);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddEdge(EdgeTable table, int x, int y, ulong seq, UInt256 amount)
    {
        if (_backward) table.Add(y, x, seq, amount);
        else table.Add(x, y, seq, amount);
    }

    private void DeliverExact(ExactSlot[] slots, EdgeTable table, int x, int y, ulong seq, UInt256 carried)
    {
        slots[x].Forwarded += carried;
        int hop = slots[x].Hop + 1;
        ref var sy = ref slots[y];
        if (sy.Hop == NotReached)
        {
            sy.Hop = hop;
            sy.FirstSeq = seq;
        }
        else if (hop < sy.Hop) sy.Hop = hop;
        sy.Received += carried;
        AddEdge(table, x, y, seq, carried);
    }

    private void DeliverLots(ExactSlot[] slots, EdgeTable table, PieceBuffer pieces, int x, int y, ulong seq, UInt256 carried)
    {
        DeliverExact(slots, table, x, y, seq, carried);
        if (_roles[y] == TraceRole.Intermediate)
        {
            pieces.Seq = seq;
            pieces.Target = y;
        }
    }

    private void DeliverHaircut(int x, int y, ulong seq, double carried)
    {
        _haircut[x].Forwarded += carried;
        int hop = _haircut[x].Hop + 1;
        ref var sy = ref _haircut[y];
        if (sy.Hop == NotReached)
        {
            sy.Hop = hop;
            sy.FirstSeq = seq;
        }
        else if (hop < sy.Hop) sy.Hop = hop;
        sy.Received += carried;
        if (_roles[y] == TraceRole.Intermediate) sy.Pool += carried;
        if (_backward) _haircutEdges.Add(y, x, seq, carried);
        else _haircutEdges.Add(x, y, seq, carried);
    }

    /// <summary>Opens the cursors an intermediate now needs, from the transfer that reached it.</summary>
    private void EnsureCursors(int y, ulong seq)
    {
        bool lots = (_runFifo && _fifo[y].Hop != NotReached) || (_runLifo && _lifo[y].Hop != NotReached);
        if (_outState[y] == CursorNone)
        {
            // Poison keeps no state, so a poison-only address beyond the hop limit needs no cursor (yet).
            bool need = lots || (_runHaircut && _haircut[y].Hop != NotReached)
                || (_runPoison && _poison[y].Hop != NotReached && _poison[y].Hop < _hops);
            if (need) Open(y, 0, seq);
        }
        if (lots && _inState[y] == CursorNone) Open(y, 1, seq);
    }

    /// <summary>An inflow of an intermediate (FIFO/LIFO): becomes a lot, traced in the pieces the sender's model passed on.</summary>
    private void LotInflow(int y, in Edge e)
    {
        if (e.Counterparty == _ids[y]) return;
        ulong seq = e.Seq.Value;
        if (_runFifo) AddLots(ref _fifo[y], in e, seq, y, _fifoPieces, reverse: false);
        if (_runLifo) AddLots(ref _lifo[y], in e, seq, y, _lifoPieces, reverse: true);
    }

    private void AddLots(ref ExactSlot s, in Edge e, ulong seq, int y, PieceBuffer pieces, bool reverse)
    {
        if (s.Hop == NotReached) return;
        if (!s.LotsInit)
        {
            // What the address held before traced value first reached it is one clean lot (none if unknown/negative).
            s.LotsInit = true;
            var before = e.BalanceAfter - e.Amount;
            if (!before.IsNegative) _lots.Append(ref s.LotHead, ref s.LotTail, before, traced: false);
        }
        if (pieces.Target == y && pieces.Seq == seq)
        {
            // Keep value in time order: FIFO took the sender's pieces oldest first, LIFO newest first.
            if (!reverse)
                for (int i = 0; i < pieces.Count; i++) _lots.Append(ref s.LotHead, ref s.LotTail, pieces[i].Amount, pieces[i].Traced);
            else
                for (int i = pieces.Count - 1; i >= 0; i--) _lots.Append(ref s.LotHead, ref s.LotTail, pieces[i].Amount, pieces[i].Traced);
            pieces.Clear();
        }
        else _lots.Append(ref s.LotHead, ref s.LotTail, e.Amount, traced: false);
    }

    private int GetOrAddNode(uint id)
    {
        if (_index.TryGetValue(id, out int i)) return i;
        if (id == _zeroId) return NewNode(id, TraceRole.ZeroAddress, null);
        var labels = _reader.GetLabels(id);
        foreach (var label in labels)
            if (_stops.Contains(label.Category)) return NewNode(id, TraceRole.Terminal, label);
        if (_extraLabel?.Invoke(_reader.GetAddress(id)) is { } extra && _stops.Contains(extra.Category)) return NewNode(id, TraceRole.Terminal, extra);
        if (labels.Count == 0 && _maxDegree != long.MaxValue && Degree(id) > _maxDegree) return NewNode(id, TraceRole.Hub, null);
        return NewNode(id, TraceRole.Intermediate, labels.Count > 0 ? labels[0] : null);
    }

    private long Degree(uint id)
    {
        long degree = 0;
        if (_reader.TryGetLastEdge(EdgeDirection.Out, id, _token, out var o)) degree += o.Count;
        if (_reader.TryGetLastEdge(EdgeDirection.In, id, _token, out var n)) degree += n.Count;
        return degree;
    }

    private int NewNode(uint id, TraceRole role, AddressLabel? label)
    {
        if (_count == _ids.Length) Grow();
        int i = _count++;
        _index[id] = i;
        _ids[i] = id;
        _roles[i] = role;
        _labels[i] = label;
        _outState[i] = CursorNone;
        _inState[i] = CursorNone;
        _outCursors[i] = null;
        _inCursors[i] = null;
        _poison[i] = new ExactSlot { Hop = NotReached, LotHead = -1, LotTail = -1 };
        _fifo[i] = new ExactSlot { Hop = NotReached, LotHead = -1, LotTail = -1 };
        _lifo[i] = new ExactSlot { Hop = NotReached, LotHead = -1, LotTail = -1 };
        _haircut[i] = new HaircutSlot { Hop = NotReached };
        return i;
    }

    private void Grow()
    {
        int n = _ids.Length * 2;
        Array.Resize(ref _ids, n);
        Array.Resize(ref _roles, n);
        Array.Resize(ref _labels, n);
        Array.Resize(ref _outState, n);
        Array.Resize(ref _inState, n);
        Array.Resize(ref _outCursors, n);
        Array.Resize(ref _inCursors, n);
        Array.Resize(ref _poison, n);
        Array.Resize(ref _fifo, n);
        Array.Resize(ref _lifo, n);
        Array.Resize(ref _haircut, n);
    }
}
