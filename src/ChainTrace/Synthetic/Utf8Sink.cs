using System.IO.Compression;
using System.Runtime.CompilerServices;

namespace ChainTrace.Synthetic;

/// <summary>
/// A buffered UTF-8 output file (optionally gzip): callers reserve bytes and format straight into them, so
/// writing a record allocates nothing.
/// </summary>
internal sealed class Utf8Sink : IDisposable
{
    private const int BufferSize = 1 << 20;
    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;
    private static readonly ushort[] HexPairs = MakeHexPairs();

    private static ushort[] MakeHexPairs()
    {
        var t = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            byte hi = HexDigits[i >> 4], lo = HexDigits[i & 0xF];
            t[i] = BitConverter.IsLittleEndian ? (ushort)(hi | (lo << 8)) : (ushort)((hi << 8) | lo);
        }
        return t;
    }

    private readonly FileStream _file;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _pos;
    private bool _disposed;

    /// <summary>Creates the file (and its gzip layer when asked).</summary>
    public Utf8Sink(string path, bool gzip)
    {
        Path = path;
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.SequentialScan);
        _stream = gzip ? new GZipStream(_file, CompressionLevel.Fastest, leaveOpen: true) : _file;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Flushes the buffer to the stream.</summary>
    public void Flush()
    {
        _stream.Write(_buffer, 0, _pos);
        _pos = 0;
    }

    /// <summary>Writes raw bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _pos < bytes.Length) Flush();
        bytes.CopyTo(_buffer.AsSpan(_pos));
        _pos += bytes.Length;
    }

    /// <summary>Reserves at least <paramref name="max"/> bytes for one record; follow with <see cref="Commit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Begin(int max)
    {
        if (_buffer.Length - _pos < max) Flush();
        return _buffer.AsSpan(_pos);
    }

    /// <summary>Keeps the first <paramref name="n"/> bytes of the span <see cref="Begin"/> returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Commit(int n) => _pos += n;

    /// <summary>Writes 16 lower-case hex digits of a 64-bit value into <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hex16(ulong value, Span<byte> dst)
    {
        var pairs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(dst[..16]);
        var table = HexPairs;
        for (int i = 7; i >= 0; i--)
        {
            pairs[i] = table[(int)(value & 0xFF)];
            value >>= 8;
        }
    }

    /// <summary>Writes 8 lower-case hex digits of a 32-bit value into <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hex8(uint value, Span<byte> dst)
    {
        var pairs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(dst[..8]);
        var table = HexPairs;
        for (int i = 3; i >= 0; i--)
        {
            pairs[i] = table[(int)(value & 0xFF)];
            value >>= 8;
        }
    }

    /// <summary>Writes lower-case hex of arbitrary bytes into <paramref name="dst"/> (2 digits per byte).</summary>
    public static void HexBytes(ReadOnlySpan<byte> bytes, Span<byte> dst)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            dst[2 * i] = HexDigits[bytes[i] >> 4];
            dst[2 * i + 1] = HexDigits[bytes[i] & 0xF];
        }
    }

    /// <summary>Writes a 32-byte ABI word holding a 64-bit value: 48 zeros then 16 hex digits.</summary>
    public static void HexWord(ulong value, Span<byte> dst64)
    {
        dst64[..48].Fill((byte)'0');
        Hex16(value, dst64[48..]);
    }

    /// <summary>Flushes and closes.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Flush();
        if (!ReferenceEquals(_stream, _file)) _stream.Dispose();
        _file.Dispose();
    }
}
