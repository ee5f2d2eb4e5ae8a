using System.Diagnostics;
using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Benchmarks.Tracing;

/// <summary>Diagnostic <see cref="IChainReader"/> decorator: counts calls and time per method (cursor steps included).</summary>
internal sealed class TimingReader(IChainReader inner) : IChainReader
{
    private readonly Dictionary<string, (long Calls, long Ticks)> _stats = [];

    private T Time<T>(string name, Func<T> f)
    {
        long t0 = Stopwatch.GetTimestamp();
        try { return f(); }
        finally { Add(name, Stopwatch.GetTimestamp() - t0); }
    }

    private void Add(string name, long ticks)
    {
        var s = _stats.TryGetValue(name, out var v) ? v : default;
        _stats[name] = (s.Calls + 1, s.Ticks + ticks);
    }

    public void Reset() => _stats.Clear();

    public string Report() => string.Join("\n", _stats.OrderByDescending(kv => kv.Value.Ticks)
        .Select(kv => $"  {kv.Key,-22} {kv.Value.Calls,10} calls {Stopwatch.GetElapsedTime(0, kv.Value.Ticks).TotalMilliseconds,10:0.0} ms  {Stopwatch.GetElapsedTime(0, kv.Value.Ticks).TotalMicroseconds / Math.Max(1, kv.Value.Calls),8:0.0} µs/call"));

    public ChainProfile Profile => inner.Profile;
    public uint AddressCount => inner.AddressCount;
    public ulong? IndexedHead => inner.IndexedHead;
    public bool TryGetAddressId(Address address, out uint id) { uint r = 0; bool ok = Time("TryGetAddressId", () => inner.TryGetAddressId(address, out r)); id = r; return ok; }
    public Address GetAddress(uint id) => Time("GetAddress", () => inner.GetAddress(id));
    public bool TryGetTokenId(Address contract, out uint tokenId) => inner.TryGetTokenId(contract, out tokenId);
    public IReadOnlyList<AddressLabel> GetLabels(uint id) => Time("GetLabels", () => inner.GetLabels(id));
    public IEdgeCursor OpenEdges(EdgeDirection direction, uint id, uint tokenId, Seq from, bool descending = false) =>
        new Cursor(this, Time("OpenEdges", () => inner.OpenEdges(direction, id, tokenId, from, descending)));
    public bool TryGetLastEdge(EdgeDirection direction, uint id, uint tokenId, out Edge edge) { Edge e = default; bool ok = Time("TryGetLastEdge", () => inner.TryGetLastEdge(direction, id, tokenId, out e)); edge = e; return ok; }
    public bool TryGetEdgeAtOrBefore(EdgeDirection direction, uint id, uint tokenId, Seq atOrBefore, out Edge edge) { Edge e = default; bool ok = Time("TryGetEdgeAtOrBefore", () => inner.TryGetEdgeAtOrBefore(direction, id, tokenId, atOrBefore, out e)); edge = e; return ok; }
    public bool TryGetBlockTimestamp(ulong block, out long unixSeconds) { long t = 0; bool ok = Time("TryGetBlockTimestamp", () => inner.TryGetBlockTimestamp(block, out t)); unixSeconds = t; return ok; }
    public bool TryGetTxHash(ulong block, uint txIndex, out Hash32 hash) { Hash32 h = default; bool ok = Time("TryGetTxHash", () => inner.TryGetTxHash(block, txIndex, out h)); hash = h; return ok; }
    public bool IsBlacklisted(uint id, uint tokenId) => Time("IsBlacklisted", () => inner.IsBlacklisted(id, tokenId));
    public IEnumerable<TransferRecord> ScanTransfers(Seq from, Seq to) => inner.ScanTransfers(from, to);
    public IEnumerable<NativeTransferRecord> ScanNativeTransfers(Seq from, Seq to) => inner.ScanNativeTransfers(from, to);
    public IEnumerable<ApprovalRecord> ScanApprovals(Seq from, Seq to) => inner.ScanApprovals(from, to);
    public IEnumerable<BlacklistRecord> ScanBlacklist() => inner.ScanBlacklist();
    public bool TryGetTransaction(ulong block, uint txIndex, out TxRecord transaction) => inner.TryGetTransaction(block, txIndex, out transaction);
    public IEnumerable<uint> LabelledAddressIds() => inner.LabelledAddressIds();

    private sealed class Cursor(TimingReader owner, IEdgeCursor inner) : IEdgeCursor
    {
        public Edge Current => inner.Current;
        public bool MoveNext()
        {
            long t0 = Stopwatch.GetTimestamp();
            bool ok = inner.MoveNext();
            owner.Add("Cursor.MoveNext", Stopwatch.GetTimestamp() - t0);
            return ok;
        }
        public void Dispose()
        {
            long t0 = Stopwatch.GetTimestamp();
            inner.Dispose();
            owner.Add("Cursor.Dispose", Stopwatch.GetTimestamp() - t0);
        }
    }
}
