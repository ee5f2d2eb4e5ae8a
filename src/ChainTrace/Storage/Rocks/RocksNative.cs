using RocksDbSharp;

namespace ChainTrace.Storage.Rocks;

/// <summary>Allocation-free point reads and batch writes through RocksDB's C API.</summary>
internal static unsafe class RocksNative
{
    /// <summary>
    /// Reads a value into <paramref name="destination"/>. Returns −1 when the key is absent, else the value's full
    /// length; when that exceeds the destination only the first bytes are copied.
    /// </summary>
    public static int Get(RocksDb db, IntPtr readOptions, ColumnFamilyHandle family, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        var native = Native.Instance;
        IntPtr slice;
        fixed (byte* k = key) slice = native.rocksdb_get_pinned_cf(db.Handle, readOptions, family.Handle, k, (UIntPtr)key.Length);
        if (slice == IntPtr.Zero) return -1;
        try
        {
            IntPtr p = native.rocksdb_pinnableslice_value(slice, out UIntPtr len);
            if (p == IntPtr.Zero) return -1;
            var value = new ReadOnlySpan<byte>((void*)p, (int)len);
            int n = Math.Min(value.Length, destination.Length);
            value[..n].CopyTo(destination);
            return value.Length;
        }
        finally
        {
            native.rocksdb_pinnableslice_destroy(slice);
        }
    }

    /// <summary>Reads a value of any length into a new array (cold paths); null when absent.</summary>
    public static byte[]? GetArray(RocksDb db, IntPtr readOptions, ColumnFamilyHandle family, ReadOnlySpan<byte> key)
    {
        var native = Native.Instance;
        IntPtr slice;
        fixed (byte* k = key) slice = native.rocksdb_get_pinned_cf(db.Handle, readOptions, family.Handle, k, (UIntPtr)key.Length);
        if (slice == IntPtr.Zero) return null;
        try
        {
            IntPtr p = native.rocksdb_pinnableslice_value(slice, out UIntPtr len);
            return p == IntPtr.Zero ? null : new ReadOnlySpan<byte>((void*)p, (int)len).ToArray();
        }
        finally
        {
            native.rocksdb_pinnableslice_destroy(slice);
        }
    }

    /// <summary>Adds a put to a write batch.</summary>
    public static void Put(WriteBatch batch, ColumnFamilyHandle family, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            RocksApi.BatchPut(batch.Handle, family.Handle, k, (nuint)key.Length, v, (nuint)value.Length);
    }

    /// <summary>Adds a delete to a write batch.</summary>
    public static void Delete(WriteBatch batch, ColumnFamilyHandle family, ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key) Native.Instance.rocksdb_writebatch_delete_cf(batch.Handle, family.Handle, k, (UIntPtr)key.Length);
    }

    /// <summary>Reads a RocksDB integer property of a column family; 0 when unavailable.</summary>
    public static long IntProperty(RocksDb db, ColumnFamilyHandle family, string name)
    {
        string? s = db.GetProperty(name, family);
        return long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v) ? v : 0;
    }
}

/// <summary>Writes one SST file for bulk ingestion, with puts that take spans (no per-entry arrays).</summary>
internal sealed unsafe class SstWriter : IDisposable
{
    private readonly SstFileWriter _writer;
    private readonly EnvOptions _env;
    private long _entries;

    /// <summary>Opens a new SST file at <paramref name="path"/> with a column family's options.</summary>
    public SstWriter(string path, ColumnFamilyOptions options)
    {
        _env = new EnvOptions();
        _writer = new SstFileWriter(_env, options);
        _writer.Open(path);
        Path = path;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Entries written so far.</summary>
    public long Entries => _entries;

    /// <summary>Bytes of keys and values written so far (uncompressed).</summary>
    public long RawBytes { get; private set; }

    /// <summary>Adds an entry; keys must come in strictly increasing order.</summary>
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            RocksApi.SstPut(_writer.Handle, k, (nuint)key.Length, v, (nuint)value.Length);
        _entries++;
        RawBytes += key.Length + value.Length;
    }

    /// <summary>Finishes the file (required before ingestion; an empty file must not be finished).</summary>
    public void Finish() => _writer.Finish();

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();
}
