using System.Runtime.InteropServices;
using RocksDbSharp;

namespace ChainTrace.Storage.Rocks;

/// <summary>
/// A RocksDB iterator over one column family driven through the C API directly: keys and values are read as
/// spans over RocksDB's own memory (valid until the next move), bounds live in native memory owned by the
/// iterator, and nothing is allocated per step. Not thread-safe; dispose it before the database.
/// </summary>
internal sealed unsafe class NativeIterator : IDisposable
{
    private const int MaxBound = 32;
    private IntPtr _iterator;
    private IntPtr _readOptions;
    private byte* _bounds; // [0, 32): lower bound, [32, 64): upper bound

    /// <summary>Opens an iterator; empty bounds mean unbounded on that side (upper bound exclusive).</summary>
    public NativeIterator(RocksDb db, ColumnFamilyHandle family, ReadOnlySpan<byte> lowerBound = default, ReadOnlySpan<byte> upperBound = default, bool fillCache = true)
    {
        if (lowerBound.Length > MaxBound || upperBound.Length > MaxBound) throw new ArgumentException("Iterator bounds are at most 32 bytes.");
        var native = Native.Instance;
        _readOptions = native.rocksdb_readoptions_create();
        if (!fillCache) native.rocksdb_readoptions_set_fill_cache(_readOptions, 0);
        if (!lowerBound.IsEmpty || !upperBound.IsEmpty)
        {
            _bounds = (byte*)NativeMemory.Alloc(2 * MaxBound);
            if (!lowerBound.IsEmpty)
            {
                lowerBound.CopyTo(new Span<byte>(_bounds, MaxBound));
                native.rocksdb_readoptions_set_iterate_lower_bound(_readOptions, _bounds, (UIntPtr)lowerBound.Length);
            }
            if (!upperBound.IsEmpty)
            {
                upperBound.CopyTo(new Span<byte>(_bounds + MaxBound, MaxBound));
                native.rocksdb_readoptions_set_iterate_upper_bound(_readOptions, _bounds + MaxBound, (UIntPtr)upperBound.Length);
            }
        }
        _iterator = native.rocksdb_create_iterator_cf(db.Handle, _readOptions, family.Handle);
    }

    /// <summary>True while positioned on an entry.</summary>
    public bool Valid => RocksApi.IterValid(_iterator);

    /// <summary>Positions at the first entry ≥ key.</summary>
    public void Seek(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key) Native.Instance.rocksdb_iter_seek(_iterator, k, (UIntPtr)key.Length);
    }

    /// <summary>Positions at the last entry ≤ key.</summary>
    public void SeekForPrev(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key) Native.Instance.rocksdb_iter_seek_for_prev(_iterator, k, (UIntPtr)key.Length);
    }

    /// <summary>Positions at the first entry (within bounds).</summary>
    public void SeekToFirst() => Native.Instance.rocksdb_iter_seek_to_first(_iterator);

    /// <summary>Positions at the last entry (within bounds).</summary>
    public void SeekToLast() => Native.Instance.rocksdb_iter_seek_to_last(_iterator);

    /// <summary>Moves forward.</summary>
    public void Next() => RocksApi.IterNext(_iterator);

    /// <summary>Moves backward.</summary>
    public void Prev() => RocksApi.IterPrev(_iterator);

    /// <summary>The current key (valid until the next move).</summary>
    public ReadOnlySpan<byte> Key => RocksApi.IterKey(_iterator);

    /// <summary>The current value (valid until the next move).</summary>
    public ReadOnlySpan<byte> Value => RocksApi.IterValue(_iterator);

    /// <summary>Throws if the iterator stopped on an I/O or corruption error rather than at the end.</summary>
    public void ThrowIfError() => Native.Instance.rocksdb_iter_get_error(_iterator);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_iterator != IntPtr.Zero)
        {
            Native.Instance.rocksdb_iter_destroy(_iterator);
            _iterator = IntPtr.Zero;
        }
        if (_readOptions != IntPtr.Zero)
        {
            Native.Instance.rocksdb_readoptions_destroy(_readOptions);
            _readOptions = IntPtr.Zero;
        }
        if (_bounds != null)
        {
            NativeMemory.Free(_bounds);
            _bounds = null;
        }
    }
}
