using System.Buffers.Binary;
using System.Text;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Rocks;
using RocksDbSharp;
using ColumnFamilies = ChainTrace.Storage.ColumnFamilies;

namespace ChainTrace.Clustering;

/// <summary>
/// <see cref="IClusterStore"/> in the chain store's reserved column families. Layout (ids big-endian):
/// <list type="bullet">
/// <item><c>links</c>: <c>'a' heuristic anchor member</c> → evidence seq, evidence2 seq; and the same link under
/// <c>'m' member heuristic anchor</c> so an address's links are one prefix scan away.</item>
/// <item><c>clusters</c>: <c>'c' address</c> → cluster id; <c>'h' cluster</c> → header (size, labels);
/// <c>'d' address</c> → hot wallet, first sweep; <c>'s' address</c> → its heuristic state;
/// <c>'b' name</c> → blob; <c>'M'</c> → meta.</item>
/// <item><c>cluster_members</c>: <c>cluster member</c> → empty.</item>
/// </list>
/// A batch is written in pieces of at most <see cref="MaxBatchBytes"/>; its first piece deletes the meta record
/// and its last writes it, so a run interrupted half-way leaves no meta and the next update rebuilds fully.
/// </summary>
public sealed class RocksClusterStore : IClusterStore
{
    /// <summary>Bytes a write batch may hold before it is written out.</summary>
    public const int MaxBatchBytes = 32 << 20;

    private const byte LinkByAnchor = (byte)'a', LinkByMember = (byte)'m';
    private const byte ClusterRow = (byte)'c', HeaderRow = (byte)'h', DepositRow = (byte)'d', StateRow = (byte)'s', BlobRow = (byte)'b', MetaRow = (byte)'M';

    private readonly ChainTraceStore _store;
    private readonly RocksDb _db;
    private readonly ColumnFamilyHandle _links, _clusters, _members;

    /// <summary>Opens the cluster tables of a chain store.</summary>
    public RocksClusterStore(ChainTraceStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _db = store.Database;
        _links = store.GetColumnFamily(ColumnFamilies.Links);
        _clusters = store.GetColumnFamily(ColumnFamilies.Clusters);
        _members = store.GetColumnFamily(ColumnFamilies.ClusterMembers);
    }

    /// <inheritdoc/>
    public IDisposable AcquireWriter() => _store.AcquireWriter();

    /// <inheritdoc/>
    public ClusterMeta? ReadMeta()
    {
        var v = RocksNative.GetArray(_db, _store.DefaultReadOptions, _clusters, [MetaRow]);
        if (v is null) return null;
        if (v.Length < 31) throw new InvalidDataException("Corrupt cluster meta record; run a full `chaintrace cluster`.");
        var s = v.AsSpan();
        return new ClusterMeta(
            new Seq(BinaryPrimitives.ReadUInt64BigEndian(s)),
            Encoding.UTF8.GetString(s[30..]),
            BinaryPrimitives.ReadUInt32BigEndian(s[8..]),
            BinaryPrimitives.ReadInt64BigEndian(s[12..]),
            new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(s[20..]), TimeSpan.Zero),
            (LinkHeuristics)s[28],
            s[29] != 0);
    }

    private static byte[] EncodeMeta(ClusterMeta meta)
    {
        var options = Encoding.UTF8.GetBytes(meta.Options);
        var v = new byte[30 + options.Length];
        var s = v.AsSpan();
        BinaryPrimitives.WriteUInt64BigEndian(s, meta.Cursor.Value);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], meta.AddressCount);
        BinaryPrimitives.WriteInt64BigEndian(s[12..], meta.RefusedLinks);
        BinaryPrimitives.WriteInt64BigEndian(s[20..], meta.Completed.UtcTicks);
        s[28] = (byte)meta.Heuristics;
        s[29] = meta.DepositAddressInCluster ? (byte)1 : (byte)0;
        options.CopyTo(s[30..]);
        return v;
    }

    /// <inheritdoc/>
    public IEnumerable<ClusterLink> ScanLinks() => ScanAnchorLinks([LinkByAnchor], [LinkByAnchor + 1]);

    /// <inheritdoc/>
    public IEnumerable<ClusterLink> GetStar(LinkHeuristic heuristic, uint anchor)
    {
        var lo = new byte[6];
        lo[0] = LinkByAnchor;
        lo[1] = (byte)heuristic;
        BinaryPrimitives.WriteUInt32BigEndian(lo.AsSpan(2), anchor);
        return ScanAnchorLinks(lo, UpperBound(lo));
    }

    private IEnumerable<ClusterLink> ScanAnchorLinks(byte[] lo, byte[] hi)
    {
        var list = new List<ClusterLink>();
        using (var it = new NativeIterator(_db, _links, lo, hi))
        {
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                var k = it.Key;
                var v = it.Value;
                list.Add(new ClusterLink((LinkHeuristic)k[1], BinaryPrimitives.ReadUInt32BigEndian(k[2..]), BinaryPrimitives.ReadUInt32BigEndian(k[6..]),
                    new Seq(BinaryPrimitives.ReadUInt64BigEndian(v)), new Seq(BinaryPrimitives.ReadUInt64BigEndian(v[8..]))));
                if (list.Count == 4096)
                {
                    // Stream large scans in pieces: the iterator stays open between pieces.
                    foreach (var l in list) yield return l;
                    list.Clear();
                }
            }
            it.ThrowIfError();
        }
        foreach (var l in list) yield return l;
    }

    /// <inheritdoc/>
    public IEnumerable<ClusterLink> GetLinksOf(uint address)
    {
        var result = new List<ClusterLink>();
        foreach (var h in LinkHeuristicNames.Each) result.AddRange(GetStar(h, address));
        var lo = new byte[5];
        lo[0] = LinkByMember;
        BinaryPrimitives.WriteUInt32BigEndian(lo.AsSpan(1), address);
        using var it = new NativeIterator(_db, _links, lo, UpperBound(lo));
        for (it.SeekToFirst(); it.Valid; it.Next())
        {
            var k = it.Key;
            var v = it.Value;
            result.Add(new ClusterLink((LinkHeuristic)k[5], BinaryPrimitives.ReadUInt32BigEndian(k[6..]), address,
                new Seq(BinaryPrimitives.ReadUInt64BigEndian(v)), new Seq(BinaryPrimitives.ReadUInt64BigEndian(v[8..]))));
        }
        it.ThrowIfError();
        return result;
    }

    /// <inheritdoc/>
    public long[] CountLinks()
    {
        var counts = new long[4];
        using var it = new NativeIterator(_db, _links, [LinkByAnchor], [LinkByAnchor + 1], fillCache: false);
        for (it.SeekToFirst(); it.Valid; it.Next())
        {
            int h = it.Key[1];
            if (h < counts.Length) counts[h]++;
        }
        it.ThrowIfError();
        return counts;
    }

    /// <inheritdoc/>
    public uint GetClusterId(uint address)
    {
        Span<byte> key = stackalloc byte[5];
        key[0] = ClusterRow;
        BinaryPrimitives.WriteUInt32BigEndian(key[1..], address);
        Span<byte> value = stackalloc byte[4];
        return RocksNative.Get(_db, _store.DefaultReadOptions, _clusters, key, value) == 4 ? BinaryPrimitives.ReadUInt32BigEndian(value) : address;
    }

    /// <inheritdoc/>
    public ClusterHeader? GetHeader(uint clusterId)
    {
        Span<byte> key = stackalloc byte[5];
        key[0] = HeaderRow;
        BinaryPrimitives.WriteUInt32BigEndian(key[1..], clusterId);
        var v = RocksNative.GetArray(_db, _store.DefaultReadOptions, _clusters, key);
        return v is null ? null : DecodeHeader(v);
    }

    /// <inheritdoc/>
    public IEnumerable<uint> GetMembers(uint clusterId)
    {
        var lo = new byte[8];
        var hi = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(lo, clusterId);
        BinaryPrimitives.WriteUInt64BigEndian(hi, ((ulong)clusterId + 1) << 32);
        var list = new List<uint>();
        using var it = new NativeIterator(_db, _members, lo, clusterId == uint.MaxValue ? default : hi);
        for (it.SeekToFirst(); it.Valid; it.Next()) list.Add(BinaryPrimitives.ReadUInt32BigEndian(it.Key[4..]));
        it.ThrowIfError();
        return list;
    }

    /// <inheritdoc/>
    public IEnumerable<(uint ClusterId, ClusterHeader Header)> ScanClusters()
    {
        var list = new List<(uint, ClusterHeader)>();
        using (var it = new NativeIterator(_db, _clusters, [HeaderRow], [HeaderRow + 1]))
        {
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                list.Add((BinaryPrimitives.ReadUInt32BigEndian(it.Key[1..]), DecodeHeader(it.Value)));
                if (list.Count == 4096)
                {
                    foreach (var x in list) yield return x;
                    list.Clear();
                }
            }
            it.ThrowIfError();
        }
        foreach (var x in list) yield return x;
    }

    /// <inheritdoc/>
    public bool TryGetDeposit(uint address, out DepositRecord deposit)
    {
        Span<byte> key = stackalloc byte[5];
        key[0] = DepositRow;
        BinaryPrimitives.WriteUInt32BigEndian(key[1..], address);
        Span<byte> value = stackalloc byte[12];
        if (RocksNative.Get(_db, _store.DefaultReadOptions, _clusters, key, value) != 12)
        {
            deposit = default;
            return false;
        }
        deposit = new DepositRecord(address, BinaryPrimitives.ReadUInt32BigEndian(value), new Seq(BinaryPrimitives.ReadUInt64BigEndian(value[4..])));
        return true;
    }

    /// <inheritdoc/>
    public IEnumerable<DepositRecord> ScanDeposits()
    {
        var list = new List<DepositRecord>();
        using var it = new NativeIterator(_db, _clusters, [DepositRow], [DepositRow + 1]);
        for (it.SeekToFirst(); it.Valid; it.Next())
        {
            var v = it.Value;
            list.Add(new DepositRecord(BinaryPrimitives.ReadUInt32BigEndian(it.Key[1..]), BinaryPrimitives.ReadUInt32BigEndian(v), new Seq(BinaryPrimitives.ReadUInt64BigEndian(v[4..]))));
        }
        it.ThrowIfError();
        return list;
    }

    /// <inheritdoc/>
    public void ReadStates(uint first, int count, StateVisitor found)
    {
        ArgumentNullException.ThrowIfNull(found);
        Span<byte> lo = stackalloc byte[5], hi = stackalloc byte[5];
        lo[0] = StateRow;
        BinaryPrimitives.WriteUInt32BigEndian(lo[1..], first);
        ulong end = (ulong)first + (uint)count;
        bool bounded = end <= uint.MaxValue;
        hi[0] = bounded ? StateRow : (byte)(StateRow + 1);
        BinaryPrimitives.WriteUInt32BigEndian(hi[1..], bounded ? (uint)end : 0);
        using var it = new NativeIterator(_db, _clusters, lo, hi[..(bounded ? 5 : 1)]);
        for (it.SeekToFirst(); it.Valid; it.Next()) found(BinaryPrimitives.ReadUInt32BigEndian(it.Key[1..]), it.Value);
        it.ThrowIfError();
    }

    /// <inheritdoc/>
    public byte[]? ReadBlob(string name) => RocksNative.GetArray(_db, _store.DefaultReadOptions, _clusters, BlobKey(name));

    /// <inheritdoc/>
    public IClusterBatch BeginBatch() => new Batch(this);

    private static byte[] BlobKey(string name)
    {
        var key = new byte[1 + Encoding.UTF8.GetByteCount(name)];
        key[0] = BlobRow;
        Encoding.UTF8.GetBytes(name, key.AsSpan(1));
        return key;
    }

    private static byte[] UpperBound(byte[] prefix)
    {
        var hi = (byte[])prefix.Clone();
        for (int i = hi.Length - 1; i >= 0; i--)
        {
            if (hi[i] != 0xFF) { hi[i]++; return hi[..(i + 1)]; }
        }
        throw new ArgumentException("Prefix has no upper bound.");
    }

    private static ClusterHeader DecodeHeader(ReadOnlySpan<byte> v)
    {
        uint size = BinaryPrimitives.ReadUInt32BigEndian(v);
        int count = BinaryPrimitives.ReadUInt16BigEndian(v[4..]);
        var labels = new ClusterLabel[count];
        int p = 6;
        for (int i = 0; i < count; i++)
        {
            int cl = v[p++];
            string category = Encoding.UTF8.GetString(v.Slice(p, cl));
            p += cl;
            int nl = BinaryPrimitives.ReadUInt16BigEndian(v[p..]);
            p += 2;
            string name = Encoding.UTF8.GetString(v.Slice(p, nl));
            p += nl;
            labels[i] = new ClusterLabel(category, name);
        }
        return new ClusterHeader(size, labels);
    }

    private static byte[] EncodeHeader(ClusterHeader header)
    {
        int count = Math.Min(header.Labels.Count, ushort.MaxValue);
        int length = 6;
        for (int i = 0; i < count; i++)
            length += 3 + Math.Min(255, Encoding.UTF8.GetByteCount(header.Labels[i].Category)) + Math.Min(ushort.MaxValue, Encoding.UTF8.GetByteCount(header.Labels[i].Name));
        var v = new byte[length];
        var s = v.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(s, header.Size);
        BinaryPrimitives.WriteUInt16BigEndian(s[4..], (ushort)count);
        int p = 6;
        for (int i = 0; i < count; i++)
        {
            var c = Truncate(header.Labels[i].Category, 255);
            var n = Truncate(header.Labels[i].Name, ushort.MaxValue);
            s[p++] = (byte)c.Length;
            c.CopyTo(s[p..]);
            p += c.Length;
            BinaryPrimitives.WriteUInt16BigEndian(s[p..], (ushort)n.Length);
            p += 2;
            n.CopyTo(s[p..]);
            p += n.Length;
        }
        return v;
    }

    private static byte[] Truncate(string text, int max)
    {
        var b = Encoding.UTF8.GetBytes(text);
        return b.Length <= max ? b : b[..max];
    }

    private sealed unsafe class Batch : IClusterBatch
    {
        private readonly RocksClusterStore _owner;
        private WriteBatch _batch = new();
        private long _bytes;
        private bool _done;

        public Batch(RocksClusterStore owner)
        {
            _owner = owner;
            RocksNative.Delete(_batch, owner._clusters, [MetaRow]); // an interrupted run leaves no meta
        }

        private void Added(int bytes)
        {
            _bytes += bytes + 16;
            if (_bytes < MaxBatchBytes) return;
            _owner._store.Write(_batch);
            _batch.Dispose();
            _batch = new WriteBatch();
            _bytes = 0;
        }

        private void DeleteAll(ColumnFamilyHandle family)
        {
            Span<byte> lo = stackalloc byte[1];
            Span<byte> hi = stackalloc byte[9];
            lo[0] = 0;
            hi.Fill(0xFF);
            fixed (byte* l = lo)
            fixed (byte* h = hi)
                Native.Instance.rocksdb_writebatch_delete_range_cf(_batch.Handle, family.Handle, l, (UIntPtr)lo.Length, h, (UIntPtr)hi.Length);
            Added(10);
        }

        private void DeletePrefix(ColumnFamilyHandle family, byte prefix)
        {
            Span<byte> lo = [prefix];
            Span<byte> hi = [(byte)(prefix + 1)];
            fixed (byte* l = lo)
            fixed (byte* h = hi)
                Native.Instance.rocksdb_writebatch_delete_range_cf(_batch.Handle, family.Handle, l, (UIntPtr)1, h, (UIntPtr)1);
            Added(2);
        }

        public void Clear()
        {
            DeleteAll(_owner._links);
            DeleteAll(_owner._clusters);
            DeleteAll(_owner._members);
        }

        public void ClearClusters()
        {
            DeletePrefix(_owner._clusters, ClusterRow);
            DeletePrefix(_owner._clusters, HeaderRow);
            DeleteAll(_owner._members);
        }

        private static void LinkKeys(in ClusterLink link, Span<byte> byAnchor, Span<byte> byMember)
        {
            byAnchor[0] = LinkByAnchor;
            byAnchor[1] = (byte)link.Heuristic;
            BinaryPrimitives.WriteUInt32BigEndian(byAnchor[2..], link.Anchor);
            BinaryPrimitives.WriteUInt32BigEndian(byAnchor[6..], link.Member);
            byMember[0] = LinkByMember;
            BinaryPrimitives.WriteUInt32BigEndian(byMember[1..], link.Member);
            byMember[5] = (byte)link.Heuristic;
            BinaryPrimitives.WriteUInt32BigEndian(byMember[6..], link.Anchor);
        }

        public void PutLink(in ClusterLink link)
        {
            Span<byte> a = stackalloc byte[10];
            Span<byte> m = stackalloc byte[10];
            Span<byte> v = stackalloc byte[16];
            LinkKeys(link, a, m);
            BinaryPrimitives.WriteUInt64BigEndian(v, link.Evidence.Value);
            BinaryPrimitives.WriteUInt64BigEndian(v[8..], link.Evidence2.Value);
            RocksNative.Put(_batch, _owner._links, a, v);
            RocksNative.Put(_batch, _owner._links, m, v);
            Added(52);
        }

        public void DeleteLink(in ClusterLink link)
        {
            Span<byte> a = stackalloc byte[10];
            Span<byte> m = stackalloc byte[10];
            LinkKeys(link, a, m);
            RocksNative.Delete(_batch, _owner._links, a);
            RocksNative.Delete(_batch, _owner._links, m);
            Added(20);
        }

        public void SetCluster(uint address, uint clusterId)
        {
            Span<byte> k = stackalloc byte[5];
            Span<byte> v = stackalloc byte[4];
            k[0] = ClusterRow;
            BinaryPrimitives.WriteUInt32BigEndian(k[1..], address);
            BinaryPrimitives.WriteUInt32BigEndian(v, clusterId);
            RocksNative.Put(_batch, _owner._clusters, k, v);
            Added(9);
        }

        public void RemoveCluster(uint address)
        {
            Span<byte> k = stackalloc byte[5];
            k[0] = ClusterRow;
            BinaryPrimitives.WriteUInt32BigEndian(k[1..], address);
            RocksNative.Delete(_batch, _owner._clusters, k);
            Added(5);
        }

        public void PutMember(uint clusterId, uint member)
        {
            Span<byte> k = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(k, clusterId);
            BinaryPrimitives.WriteUInt32BigEndian(k[4..], member);
            RocksNative.Put(_batch, _owner._members, k, []);
            Added(8);
        }

        public void DeleteMember(uint clusterId, uint member)
        {
            Span<byte> k = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(k, clusterId);
            BinaryPrimitives.WriteUInt32BigEndian(k[4..], member);
            RocksNative.Delete(_batch, _owner._members, k);
            Added(8);
        }

        public void PutHeader(uint clusterId, ClusterHeader header)
        {
            Span<byte> k = stackalloc byte[5];
            k[0] = HeaderRow;
            BinaryPrimitives.WriteUInt32BigEndian(k[1..], clusterId);
            var v = header.Labels.Count == 0 ? null : EncodeHeader(header);
            if (v is null)
            {
                Span<byte> small = stackalloc byte[6];
                BinaryPrimitives.WriteUInt32BigEndian(small, header.Size);
                small[4] = small[5] = 0;
                RocksNative.Put(_batch, _owner._clusters, k, small);
                Added(11);
            }
            else
            {
                RocksNative.Put(_batch, _owner._clusters, k, v);
                Added(5 + v.Length);
            }
        }

        public void DeleteHeader(uint clusterId)
        {
            Span<byte> k = stackalloc byte[5];
            k[0] = HeaderRow;
            BinaryPrimitives.WriteUInt32BigEndian(k[1..], clusterId);
            RocksNative.Delete(_batch, _owner._clusters, k);
            Added(5);
        }

        public void PutDeposit(in DepositRecord deposit)
        {
            Span<byte> k = stackalloc byte[5];
            Span<byte> v = stackalloc byte[12];
            k[0] = DepositRow;
            BinaryPrimitives.WriteUInt32BigEndian(k[1..], deposit.Deposit);
            BinaryPrimitives.WriteUInt32BigEndian(v, deposit.HotWallet);
            BinaryPrimitives.WriteUInt64BigEndian(v[4..], deposit.FirstSweep.Value);
            RocksNative.Put(_batch, _owner._clusters, k, v);
            Added(17);
        }

        public void DeleteDeposit(uint address)
        {
            Span<byte> k = stackalloc byte[5];
            k[0] = DepositRow;
            BinaryPrimitives.WriteUInt32BigEndian(k[1..], address);
            RocksNative.Delete(_batch, _owner._clusters, k);
            Added(5);
        }

        public void PutState(uint address, ReadOnlySpan<byte> data)
        {
            Span<byte> k = stackalloc byte[5];
            k[0] = StateRow;
            BinaryPrimitives.WriteUInt32BigEndian(k[1..], address);
            RocksNative.Put(_batch, _owner._clusters, k, data);
            Added(5 + data.Length);
        }

        public void PutBlob(string name, ReadOnlySpan<byte> data)
        {
            RocksNative.Put(_batch, _owner._clusters, BlobKey(name), data);
            Added(name.Length + data.Length);
        }

        public void PutMeta(ClusterMeta meta)
        {
            var v = EncodeMeta(meta);
            RocksNative.Put(_batch, _owner._clusters, [MetaRow], v);
            Added(v.Length);
        }

        public void Commit()
        {
            ObjectDisposedException.ThrowIf(_done, this);
            _owner._store.Write(_batch);
            _done = true;
        }

        public void Dispose()
        {
            _done = true;
            _batch.Dispose();
        }
    }
}
