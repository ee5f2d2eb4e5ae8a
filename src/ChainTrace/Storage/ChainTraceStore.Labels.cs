using ChainTrace.Primitives;
using ChainTrace.Storage.Encoding;
using ChainTrace.Storage.Rocks;
using RocksDbSharp;

namespace ChainTrace.Storage;

public sealed partial class ChainTraceStore
{
    private LabelCache Labels
    {
        get
        {
            ThrowIfDisposed();
            return _labels ??= LabelCache.Load(_db, LabelsFamily);
        }
    }

    /// <summary>
    /// Stores labels, giving ids to addresses not seen yet (their first-seen position is <see cref="Seq.MaxValue"/>).
    /// Identical labels (same category, name and source) are stored once. Returns how many new labels were stored.
    /// </summary>
    public int ImportLabels(IEnumerable<(Address Address, AddressLabel Label)> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var slot = AcquireWriter();
        var byAddress = new Dictionary<Address, List<AddressLabel>>();
        foreach (var (address, label) in labels)
        {
            ArgumentNullException.ThrowIfNull(label);
            if (!byAddress.TryGetValue(address, out var list)) byAddress[address] = list = [];
            list.Add(label);
        }
        var cache = Labels;
        var meta = _meta.Clone();
        int added = 0;
        using var batch = new WriteBatch();
        Span<byte> key = stackalloc byte[Address.Size];
        Span<byte> idKey = stackalloc byte[4];
        Span<byte> idsValue = stackalloc byte[28];
        foreach (var (address, incoming) in byAddress)
        {
            if (!TryGetAddressId(address, out uint id))
            {
                if (meta.NextAddressId == uint.MaxValue) throw new StoreException("The store ran out of address ids.");
                id = meta.NextAddressId++;
                address.WriteTo(key);
                KeyCodec.WriteId(idKey, id);
                RocksNative.Put(batch, AddressesFamily, key, idKey);
                address.WriteTo(idsValue);
                KeyCodec.WriteSeq(idsValue[20..], ulong.MaxValue);
                RocksNative.Put(batch, AddressIdsFamily, idKey, idsValue);
            }
            var current = cache.Get(id).ToList();
            int before = current.Count;
            foreach (var label in incoming)
                if (!current.Contains(label)) current.Add(label);
            if (current.Count == before) continue;
            added += current.Count - before;
            KeyCodec.WriteId(idKey, id);
            RocksNative.Put(batch, LabelsFamily, idKey, LabelCache.Encode(current));
        }
        meta.LabelCount += added;
        meta.WriteTo(batch, MetaFamily);
        Write(batch);
        Publish(meta);
        InvalidateLabels();
        return added;
    }

    /// <summary>An immutable snapshot of every label, loaded on first use (labels are few next to addresses).</summary>
    internal sealed class LabelCache
    {
        private readonly Dictionary<uint, AddressLabel[]> _labels;

        private LabelCache(Dictionary<uint, AddressLabel[]> labels)
        {
            _labels = labels;
            Ids = [.. labels.Keys.Order()];
        }

        /// <summary>Labelled ids, ascending.</summary>
        public IReadOnlyList<uint> Ids { get; }

        /// <summary>Labels of an id (empty when none).</summary>
        public IReadOnlyList<AddressLabel> Get(uint id) => _labels.TryGetValue(id, out var l) ? l : [];

        /// <summary>Reads the labels family.</summary>
        public static LabelCache Load(RocksDb db, ColumnFamilyHandle family)
        {
            var labels = new Dictionary<uint, AddressLabel[]>();
            using var it = new NativeIterator(db, family);
            for (it.SeekToFirst(); it.Valid; it.Next())
                labels[KeyCodec.ReadId(it.Key)] = Decode(it.Value);
            it.ThrowIfError();
            return new LabelCache(labels);
        }

        /// <summary>Encodes a label list: count, then category, name and source as length-prefixed UTF-8.</summary>
        public static byte[] Encode(IReadOnlyList<AddressLabel> labels)
        {
            using var ms = new MemoryStream();
            Span<byte> v = stackalloc byte[ValueCodec.MaxVarintLength];
            ms.Write(v[..ValueCodec.WriteVarint(v, (uint)labels.Count)]);
            foreach (var l in labels)
                foreach (var s in (ReadOnlySpan<string>)[l.Category, l.Name, l.Source])
                {
                    var bytes = System.Text.Encoding.UTF8.GetBytes(s);
                    ms.Write(v[..ValueCodec.WriteVarint(v, (uint)bytes.Length)]);
                    ms.Write(bytes);
                }
            return ms.ToArray();
        }

        /// <summary>Decodes a label list.</summary>
        public static AddressLabel[] Decode(ReadOnlySpan<byte> value)
        {
            int n = ValueCodec.ReadVarint(value, out uint count);
            if (count > (uint)value.Length) ValueCodec.ThrowCorrupt("labels");
            var result = new AddressLabel[count];
            Span<string> parts = new string[3];
            for (int i = 0; i < count; i++)
            {
                for (int p = 0; p < 3; p++)
                {
                    n += ValueCodec.ReadVarint(value[n..], out uint len);
                    if (len > value.Length - n) ValueCodec.ThrowCorrupt("labels");
                    parts[p] = System.Text.Encoding.UTF8.GetString(value.Slice(n, (int)len));
                    n += (int)len;
                }
                result[i] = new AddressLabel(parts[0], parts[1], parts[2]);
            }
            if (n != value.Length) ValueCodec.ThrowCorrupt("labels");
            return result;
        }
    }
}
