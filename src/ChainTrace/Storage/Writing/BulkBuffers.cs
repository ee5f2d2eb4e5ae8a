using System.Runtime.CompilerServices;

namespace ChainTrace.Storage.Writing;

/// <summary>A growable list of structs kept in fixed-size chunks (no large-array copies as it grows).</summary>
internal sealed class ChunkedList<T> where T : struct
{
    private const int Shift = 16;
    private const int ChunkLength = 1 << Shift;
    private readonly List<T[]> _chunks = [];

    /// <summary>Number of items.</summary>
    public long Count { get; private set; }

    /// <summary>Appends an item and returns a reference to it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Add()
    {
        int offset = (int)(Count & (ChunkLength - 1));
        if (offset == 0) _chunks.Add(new T[ChunkLength]);
        ref T slot = ref _chunks[^1][offset];
        Count++;
        return ref slot;
    }

    /// <summary>The item at <paramref name="index"/>.</summary>
    public ref T this[long index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _chunks[(int)(index >> Shift)][index & (ChunkLength - 1)];
    }

    /// <summary>Bytes held.</summary>
    public long Bytes => (long)_chunks.Count * ChunkLength * Unsafe.SizeOf<T>();

    /// <summary>Drops every item.</summary>
    public void Clear()
    {
        _chunks.Clear();
        Count = 0;
    }
}

/// <summary>Variable-length byte records in 4 MiB chunks, addressed by a 64-bit position; a record never spans chunks.</summary>
internal sealed class ByteArena
{
    private const int Shift = 22;
    private const int ChunkLength = 1 << Shift;
    private readonly List<byte[]> _chunks = [];
    private int _used = ChunkLength;

    /// <summary>Bytes held.</summary>
    public long Bytes => (long)_chunks.Count * ChunkLength;

    /// <summary>Space for a record of at most <paramref name="maxLength"/> bytes; call <see cref="Commit"/> with the bytes used.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Reserve(int maxLength, out long position)
    {
        if (_used + maxLength > ChunkLength)
        {
            _chunks.Add(GC.AllocateUninitializedArray<byte>(ChunkLength));
            _used = 0;
        }
        position = ((long)(_chunks.Count - 1) << Shift) | (uint)_used;
        return _chunks[^1].AsSpan(_used, maxLength);
    }

    /// <summary>Keeps the first <paramref name="length"/> bytes of the last reservation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Commit(int length) => _used += length;

    /// <summary>The bytes from <paramref name="position"/> to the end of its chunk (a record is a prefix of it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> At(long position) => _chunks[(int)(position >> Shift)].AsSpan((int)(position & (ChunkLength - 1)));

    /// <summary>Drops every record.</summary>
    public void Clear()
    {
        _chunks.Clear();
        _used = ChunkLength;
    }
}

/// <summary>
/// Key/value records of one column family collected for a bulk load. At the end they are ordered by key (a stable
/// sort, skipped when they arrived in order), and of equal keys the one with the highest rank wins, ties going to
/// the last added: the same outcome as upserting them one by one.
/// </summary>
internal sealed class KvRun
{
    private readonly ByteArena _data = new();
    private readonly ChunkedList<Entry> _entries = new();
    private bool _ordered = true;
    private long _lastPosition = -1;
    private int _lastKeyLength;

    /// <summary>Column family the records belong to.</summary>
    public KvRun(string family) => Family = family;

    /// <summary>Column family name.</summary>
    public string Family { get; }

    /// <summary>Records added.</summary>
    public long Count => _entries.Count;

    /// <summary>Bytes held.</summary>
    public long Bytes => _data.Bytes + _entries.Bytes;

    /// <summary>Adds a record.</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, byte rank = 0)
    {
        var span = _data.Reserve(key.Length + value.Length, out long position);
        key.CopyTo(span);
        value.CopyTo(span[key.Length..]);
        _data.Commit(key.Length + value.Length);
        if (_ordered && _lastPosition >= 0 && key.SequenceCompareTo(_data.At(_lastPosition)[.._lastKeyLength]) < 0) _ordered = false;
        _lastPosition = position;
        _lastKeyLength = key.Length;
        ref var e = ref _entries.Add();
        e.Position = position;
        e.KeyLength = (byte)key.Length;
        e.ValueLength = (ushort)value.Length;
        e.Rank = rank;
    }

    /// <summary>Visits the winning record of each key in key order; returns the number of distinct keys.</summary>
    public long ForEachDistinct(Action<ReadOnlySpan<byte>, ReadOnlySpan<byte>> visit)
    {
        long n = _entries.Count;
        if (n == 0) return 0;
        long[]? order = null;
        if (!_ordered)
        {
            order = new long[n];
            for (long i = 0; i < n; i++) order[i] = i;
            Array.Sort(order, (a, b) =>
            {
                int c = Key(a).SequenceCompareTo(Key(b));
                return c != 0 ? c : a.CompareTo(b);
            });
        }
        long distinct = 0;
        long best = order is null ? 0 : order[0];
        for (long i = 1; i <= n; i++)
        {
            long next = i < n ? (order is null ? i : order[i]) : -1;
            if (next >= 0 && Key(next).SequenceEqual(Key(best)))
            {
                if (_entries[next].Rank >= _entries[best].Rank) best = next;
                continue;
            }
            ref var e = ref _entries[best];
            var record = _data.At(e.Position);
            visit(record[..e.KeyLength], record.Slice(e.KeyLength, e.ValueLength));
            distinct++;
            best = next;
        }
        return distinct;
    }

    private ReadOnlySpan<byte> Key(long index)
    {
        ref var e = ref _entries[index];
        return _data.At(e.Position)[..e.KeyLength];
    }

    /// <summary>Drops every record.</summary>
    public void Clear()
    {
        _data.Clear();
        _entries.Clear();
        _ordered = true;
        _lastPosition = -1;
    }

    private struct Entry
    {
        public long Position;
        public ushort ValueLength;
        public byte KeyLength;
        public byte Rank;
    }
}
