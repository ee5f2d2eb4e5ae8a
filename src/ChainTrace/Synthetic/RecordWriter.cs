using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace ChainTrace.Synthetic;

/// <summary>
/// Formats one record into a span reserved from a <see cref="Utf8Sink"/> (<see cref="Utf8Sink.Begin"/>): no
/// capacity check per field, no allocation. The caller commits <see cref="Length"/> bytes when done.
/// </summary>
internal ref struct RecordWriter
{
    private readonly Span<byte> _buffer;
    private int _pos;

    /// <summary>Writes into <paramref name="buffer"/>, which must be large enough for the whole record.</summary>
    public RecordWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _pos = 0;
    }

    /// <summary>Bytes written.</summary>
    public readonly int Length => _pos;

    /// <summary>Raw bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_pos..]);
        _pos += bytes.Length;
    }

    /// <summary>One byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Byte(byte b) => _buffer[_pos++] = b;

    /// <summary>Hands out the next <paramref name="n"/> bytes to fill.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Take(int n)
    {
        var s = _buffer.Slice(_pos, n);
        _pos += n;
        return s;
    }

    /// <summary>Gives back the last <paramref name="n"/> bytes of a <see cref="Take"/> that were not used.</summary>
    public void Untake(int n) => _pos -= n;

    /// <summary>Unsigned decimal.</summary>
    public void Decimal(ulong value)
    {
        Utf8Formatter.TryFormat(value, _buffer[_pos..], out int n);
        _pos += n;
    }

    /// <summary>Signed decimal.</summary>
    public void Decimal(long value)
    {
        Utf8Formatter.TryFormat(value, _buffer[_pos..], out int n);
        _pos += n;
    }

    /// <summary>JSON-RPC quantity in quotes: "0x" and hex without leading zeros.</summary>
    public void Quantity(ulong value)
    {
        var b = _buffer[_pos..];
        b[0] = (byte)'"';
        b[1] = (byte)'0';
        b[2] = (byte)'x';
        int digits = value == 0 ? 1 : (67 - (int)ulong.LeadingZeroCount(value)) >> 2;
        for (int i = digits + 2; i >= 3; i--)
        {
            b[i] = (byte)"0123456789abcdef"u8[(int)(value & 0xF)];
            value >>= 4;
        }
        b[digits + 3] = (byte)'"';
        _pos += digits + 4;
    }

    /// <summary>"0x" + 64 hex digits, quoted when asked.</summary>
    public void Hash(ReadOnlySpan<byte> hex64, bool quoted)
    {
        if (quoted) _buffer[_pos++] = (byte)'"';
        _buffer[_pos] = (byte)'0';
        _buffer[_pos + 1] = (byte)'x';
        hex64.CopyTo(_buffer[(_pos + 2)..]);
        _pos += 66;
        if (quoted) _buffer[_pos++] = (byte)'"';
    }

    /// <summary>"0x" + 40 hex digits of an address id, quoted when asked.</summary>
    public void Address(ChainCodec codec, int id, bool quoted)
    {
        if (quoted) _buffer[_pos++] = (byte)'"';
        _buffer[_pos] = (byte)'0';
        _buffer[_pos + 1] = (byte)'x';
        codec.WriteAddressHex(id, _buffer.Slice(_pos + 2, 40));
        _pos += 42;
        if (quoted) _buffer[_pos++] = (byte)'"';
    }
}
