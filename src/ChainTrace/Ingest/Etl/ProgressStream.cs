namespace ChainTrace.Ingest.Etl;

/// <summary>
/// A read-only pass-through stream that reports consumed bytes to <see cref="DecodeOptions.OnBytesRead"/> once
/// per mebibyte (and the rest at <see cref="ReportRest"/>). Never disposes the inner stream: the caller owns it.
/// </summary>
internal sealed class ProgressStream : Stream
{
    private const long ReportEvery = 1 << 20;
    private readonly Stream _inner;
    private readonly Action<long>? _onBytesRead;
    private long _unreported;

    public ProgressStream(Stream inner, Action<long>? onBytesRead)
    {
        _inner = inner;
        _onBytesRead = onBytesRead;
    }

    /// <summary>Total bytes read so far.</summary>
    public long TotalRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => TotalRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(_inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Completed reads (memory, page cache) cost no state machine.
        var read = _inner.ReadAsync(buffer, cancellationToken);
        return read.IsCompletedSuccessfully ? new ValueTask<int>(Count(read.Result)) : Awaited(read);
    }

    private async ValueTask<int> Awaited(ValueTask<int> read) => Count(await read.ConfigureAwait(false));

    private int Count(int n)
    {
        TotalRead += n;
        _unreported += n;
        if (_unreported >= ReportEvery && _onBytesRead is { } report)
        {
            report(_unreported);
            _unreported = 0;
        }
        return n;
    }

    /// <summary>Reports the bytes not yet reported.</summary>
    public void ReportRest()
    {
        if (_unreported > 0 && _onBytesRead is { } report) report(_unreported);
        _unreported = 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
