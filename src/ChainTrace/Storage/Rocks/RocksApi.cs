using System.Runtime.InteropServices;
using RocksDbSharp;

namespace ChainTrace.Storage.Rocks;

/// <summary>
/// Direct function pointers into the RocksDB library that RocksDbSharp loaded, for the calls made once per record
/// (batch puts, SST puts, iterator steps): an unmanaged call costs a few nanoseconds, the binding's generated
/// delegates several tens. When the library cannot be located (another OS layout), every call goes through
/// <see cref="Native.Instance"/> instead.
/// </summary>
internal static unsafe class RocksApi
{
    private static readonly delegate* unmanaged<IntPtr, IntPtr, byte*, nuint, byte*, nuint, void> s_batchPutCf;
    private static readonly delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, IntPtr*, void> s_sstPut;
    private static readonly delegate* unmanaged<IntPtr, byte> s_iterValid;
    private static readonly delegate* unmanaged<IntPtr, void> s_iterNext;
    private static readonly delegate* unmanaged<IntPtr, void> s_iterPrev;
    private static readonly delegate* unmanaged<IntPtr, nuint*, byte*> s_iterKey;
    private static readonly delegate* unmanaged<IntPtr, nuint*, byte*> s_iterValue;

    static RocksApi()
    {
        _ = Native.Instance; // loads the library
        if (!OperatingSystem.IsLinux()) return;
        string? path = null;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int at = line.IndexOf('/', StringComparison.Ordinal);
                if (at < 0) continue;
                var file = line[at..];
                if (System.IO.Path.GetFileName(file).StartsWith("librocksdb", StringComparison.Ordinal)) { path = file; break; }
            }
        }
        catch (IOException)
        {
            return;
        }
        if (path is null || !NativeLibrary.TryLoad(path, out var lib)) return;
        if (!NativeLibrary.TryGetExport(lib, "rocksdb_writebatch_put_cf", out var batchPut)
            || !NativeLibrary.TryGetExport(lib, "rocksdb_sstfilewriter_put", out var sstPut)
            || !NativeLibrary.TryGetExport(lib, "rocksdb_iter_valid", out var valid)
            || !NativeLibrary.TryGetExport(lib, "rocksdb_iter_next", out var next)
            || !NativeLibrary.TryGetExport(lib, "rocksdb_iter_prev", out var prev)
            || !NativeLibrary.TryGetExport(lib, "rocksdb_iter_key", out var key)
            || !NativeLibrary.TryGetExport(lib, "rocksdb_iter_value", out var value))
            return;
        s_batchPutCf = (delegate* unmanaged<IntPtr, IntPtr, byte*, nuint, byte*, nuint, void>)batchPut;
        s_sstPut = (delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, IntPtr*, void>)sstPut;
        s_iterValid = (delegate* unmanaged<IntPtr, byte>)valid;
        s_iterNext = (delegate* unmanaged<IntPtr, void>)next;
        s_iterPrev = (delegate* unmanaged<IntPtr, void>)prev;
        s_iterKey = (delegate* unmanaged<IntPtr, nuint*, byte*>)key;
        s_iterValue = (delegate* unmanaged<IntPtr, nuint*, byte*>)value;
        Direct = true;
    }

    /// <summary>True when the direct pointers are in use.</summary>
    public static bool Direct { get; }

    /// <summary>rocksdb_writebatch_put_cf.</summary>
    public static void BatchPut(IntPtr batch, IntPtr family, byte* key, nuint keyLength, byte* value, nuint valueLength)
    {
        if (Direct) s_batchPutCf(batch, family, key, keyLength, value, valueLength);
        else Native.Instance.rocksdb_writebatch_put_cf(batch, family, key, (UIntPtr)keyLength, value, (UIntPtr)valueLength);
    }

    /// <summary>rocksdb_sstfilewriter_put; throws on error.</summary>
    public static void SstPut(IntPtr writer, byte* key, nuint keyLength, byte* value, nuint valueLength)
    {
        if (!Direct)
        {
            Native.Instance.rocksdb_sstfilewriter_put(writer, key, (UIntPtr)keyLength, value, (UIntPtr)valueLength);
            return;
        }
        IntPtr error = IntPtr.Zero;
        s_sstPut(writer, key, keyLength, value, valueLength, &error);
        if (error != IntPtr.Zero) Native.ThrowRocksDbException(error);
    }

    /// <summary>rocksdb_iter_valid.</summary>
    public static bool IterValid(IntPtr iterator) => (Direct ? s_iterValid(iterator) : Native.Instance.rocksdb_iter_valid(iterator)) != 0;

    /// <summary>rocksdb_iter_next.</summary>
    public static void IterNext(IntPtr iterator)
    {
        if (Direct) s_iterNext(iterator);
        else Native.Instance.rocksdb_iter_next(iterator);
    }

    /// <summary>rocksdb_iter_prev.</summary>
    public static void IterPrev(IntPtr iterator)
    {
        if (Direct) s_iterPrev(iterator);
        else Native.Instance.rocksdb_iter_prev(iterator);
    }

    /// <summary>rocksdb_iter_key.</summary>
    public static ReadOnlySpan<byte> IterKey(IntPtr iterator)
    {
        nuint length;
        byte* p;
        if (Direct) p = s_iterKey(iterator, &length);
        else
        {
            p = (byte*)Native.Instance.rocksdb_iter_key(iterator, out UIntPtr l);
            length = l;
        }
        return new ReadOnlySpan<byte>(p, (int)length);
    }

    /// <summary>rocksdb_iter_value.</summary>
    public static ReadOnlySpan<byte> IterValue(IntPtr iterator)
    {
        nuint length;
        byte* p;
        if (Direct) p = s_iterValue(iterator, &length);
        else
        {
            p = (byte*)Native.Instance.rocksdb_iter_value(iterator, out UIntPtr l);
            length = l;
        }
        return new ReadOnlySpan<byte>(p, (int)length);
    }
}
