using System.Buffers.Binary;
using System.IO.Compression;

namespace ChainTrace.Ingest.Json;

/// <summary>
/// Transparent gzip: sniffs the magic bytes 1f 8b and wraps the stream in a <see cref="GZipStream"/> whose end is
/// checked. .NET's GZipStream ends silently on a truncated stream, so the wrapper compares the number of bytes it
/// decompressed with the gzip trailer's ISIZE (the last 4 bytes of the file) and reports a truncated or corrupt
/// file as <see cref="ChainDataException"/>. A multi-member gzip (several gzip files concatenated) only passes the
/// check when its total size matches the last member's ISIZE; recompress such files as one member.
/// </summary>
internal static class GzipInput
{
    /// <summary>
    /// Returns a stream of the decompressed bytes, or of the bytes as they are when they are not gzip. The caller
    /// disposes the returned stream; that disposes <paramref name="raw"/> unless <paramref name="leaveOpen"/>.
    /// </summary>
    public static async ValueTask<(Stream Stream, bool IsGzip)> OpenAsync(Stream raw, string source, bool leaveOpen, CancellationToken cancellationToken)
    {
        var head = new byte[2];
        int n = 0;
        while (n < 2)
        {
            int k = await raw.ReadAsync(head.AsMemory(n), cancellationToken).ConfigureAwait(false);
            if (k == 0) break;
            n += k;
        }
        return Wrap(raw, head, n, source, leaveOpen);
    }

    /// <summary>Synchronous <see cref="OpenAsync"/>, for sniffing a file's head.</summary>
    public static (Stream Stream, bool IsGzip) Open(Stream raw, string source, bool leaveOpen)
    {
        var head = new byte[2];
        int n = 0;
        while (n < 2)
        {
            int k = raw.Read(head, n, 2 - n);
            if (k == 0) break;
            n += k;
        }
        return Wrap(raw, head, n, source, leaveOpen);
    }

    private static (Stream Stream, bool IsGzip) Wrap(Stream raw, byte[] head, int n, string source, bool leaveOpen)
    {
        // From here on `replay` is ours to dispose; disposing it disposes `raw` unless leaveOpen.
        Stream replay;
        if (raw.CanSeek)
        {
            raw.Seek(-n, SeekOrigin.Current);
            replay = leaveOpen ? new PrefixedStream(default, raw, leaveOpen: true) : raw;
        }
        else
        {
            replay = new PrefixedStream(head.AsMemory(0, n), raw, leaveOpen);
        }
        if (n < 2 || head[0] != 0x1f || head[1] != 0x8b) return (replay, false);
        var tail = new TailStream(replay, leaveOpen: false);
        var unzip = new GZipStream(tail, CompressionMode.Decompress, leaveOpen: false);
        return (new CheckedGzipStream(unzip, tail, source), true);
    }

    /// <summary>Replays a few already-read bytes, then reads on from the inner stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner, bool leaveOpen) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return inner.Read(buffer);
            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty) return inner.ReadAsync(buffer, cancellationToken);
            return ValueTask.FromResult(Read(buffer.Span));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Passes bytes through and remembers the last 8 and how many there were.</summary>
    private sealed class TailStream(Stream inner, bool leaveOpen) : ReadOnlyStream
    {
        private readonly byte[] _last = new byte[8];

        public long Count { get; private set; }

        /// <summary>The gzip trailer's ISIZE: the last 4 bytes, little-endian.</summary>
        public uint TrailerSize => BinaryPrimitives.ReadUInt32LittleEndian(_last.AsSpan(4));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            Remember(buffer[..n]);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Remember(buffer.Span[..n]);
            return n;
        }

        private void Remember(ReadOnlySpan<byte> data)
        {
            Count += data.Length;
            if (data.Length >= 8)
            {
                data[^8..].CopyTo(_last);
                return;
            }
            _last.AsSpan(data.Length).CopyTo(_last);
            data.CopyTo(_last.AsSpan(8 - data.Length));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Decompresses and, at the end, checks the trailer; corrupt data becomes a <see cref="ChainDataException"/>.</summary>
    private sealed class CheckedGzipStream(GZipStream inner, TailStream tail, string source) : ReadOnlyStream
    {
        private long _produced;

        public override int Read(Span<byte> buffer)
        {
            int n;
            try
            {
                n = inner.Read(buffer);
            }
            catch (InvalidDataException ex)
            {
                throw Corrupt(ex);
            }
            return Account(n, buffer.Length);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n;
            try
            {
                n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw Corrupt(ex);
            }
            return Account(n, buffer.Length);
        }

        private int Account(int n, int requested)
        {
            _produced += n;
            if (n == 0 && requested > 0)
            {
                // 18 bytes: the smallest gzip file (10-byte header, empty deflate block, 8-byte trailer).
                if (tail.Count < 18 || tail.TrailerSize != (uint)_produced)
                    throw new ChainDataException(source, null, _produced, null,
                        $"truncated gzip: the compressed data ends after {tail.Count} bytes without a matching trailer " +
                        $"({_produced} bytes decompressed); the file is cut short or corrupt");
            }
            return n;
        }

        private ChainDataException Corrupt(InvalidDataException ex) =>
            new(source, null, _produced, null, $"corrupt gzip data after {_produced} decompressed bytes: {ex.Message}", ex);

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Base for the forward-only read streams above.</summary>
    private abstract class ReadOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
