using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Encoding;
using ChainTrace.Storage.Rocks;
using RocksDbSharp;

namespace ChainTrace.Clustering;

internal sealed partial class ClusterRun
{
    /// <summary>
    /// The event stream on the RocksDB store: the transfers, native and approvals families read with raw
    /// iterators (values decoded in place, block cache not filled by the one-off scan) and merged by seq.
    /// Same events, same order as the <see cref="IChainReader"/> scans; about twice as fast.
    /// </summary>
    private void StreamRocks(ChainTraceStore store, Seq from, Seq to)
    {
        Span<byte> lo = stackalloc byte[8], hi = stackalloc byte[8];
        KeyCodec.WriteSeq(lo, from.Value);
        bool bounded = to.Value != ulong.MaxValue;
        if (bounded) KeyCodec.WriteSeq(hi, to.Value + 1);
        var upper = bounded ? hi : default;
        using var t = Open(store, store.TransfersFamily, _depositOn || _gasOn || _approvalOn, lo, upper);
        using var n = Open(store, store.NativeFamily, _gasOn, lo, upper);
        using var a = Open(store, store.ApprovalsFamily, _approvalOn, lo, upper);
        // Each iterator's current seq is read once per move (every native call costs ~100 ns).
        ulong st = Head(t), sn = Head(n), sa = Head(a);
        ulong first = Math.Min(st, Math.Min(sn, sa)) >> 32; // progress counts blocks from the first event
        long total = first > to.Block ? 0 : (long)(to.Block - first + 1);
        while (st != ulong.MaxValue || sn != ulong.MaxValue || sa != ulong.MaxValue)
        {
            ulong at;
            if (sa <= st && sa <= sn)
            {
                at = sa;
                var r = ValueCodec.ReadTransfer(a!.Value, new Seq(sa));
                OnApproval(r.FromId, r.ToId, r.Amount, sa, markDirty: true);
                a.Next();
                sa = Head(a);
            }
            else if (sn <= st)
            {
                at = sn;
                ValueCodec.ReadIds2Amount(n!.Value, out uint f, out uint to2, out var value);
                OnNative(new NativeTransferRecord(new Seq(sn), f, to2, value));
                n.Next();
                sn = Head(n);
            }
            else
            {
                at = st;
                OnTransfer(ValueCodec.ReadTransfer(t!.Value, new Seq(st)));
                t.Next();
                st = Head(t);
            }
            if ((++_events & (ProgressEvery - 1)) == 0)
            {
                _ct.ThrowIfCancellationRequested();
                Report("scan", (long)((at >> 32) - first), total);
            }
        }
        t?.ThrowIfError();
        n?.ThrowIfError();
        a?.ThrowIfError();
        Report("scan", total, total);
    }

    private static ulong Head(NativeIterator? it) => it is not null && it.Valid ? KeyCodec.ReadSeq(it.Key).Value : ulong.MaxValue;

    private static NativeIterator? Open(ChainTraceStore store, ColumnFamilyHandle family, bool wanted, ReadOnlySpan<byte> lo, ReadOnlySpan<byte> hi)
    {
        if (!wanted) return null;
        var it = new NativeIterator(store.Database, family, lo, hi, fillCache: false);
        it.SeekToFirst();
        return it;
    }
}
