using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ChainTrace.Ingest.Json;

/// <summary>
/// The incremental JSON-RPC parser. It reads whatever the pipe holds with a <see cref="Utf8JsonReader"/>
/// (state carried across reads), walks the outer structure with a small stack of frames (top level, arrays,
/// responses, erigon request/response records, receipts), and decodes each leaf record (a log, a block, a
/// transaction, a TRON transaction info) as one atomic step: when a record is not yet complete in the buffer
/// the step reports "need more", nothing is emitted, and the pipe is advanced only to the checkpoint before
/// the record, so the record is parsed again when more bytes arrived (aspnetcore SignalR's parse loop).
/// </summary>
[SkipLocalsInit]
internal sealed partial class JsonRpcParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { AllowMultipleValues = true, MaxDepth = 64 };
    private const long ProgressEvery = 1 << 20;
    private const long RetryGrowth = 4096;

    private readonly string _source;
    private readonly IChainEventSink _sink;
    private readonly DecodeOptions _options;
    private readonly bool _tron;
    private readonly bool _millis;

    private readonly Frame[] _frames = new Frame[16];
    private int _depth;
    private JsonReaderState _state = new(ReaderOptions);

    // Positions: absolute offsets in the (decompressed) input.
    private ReadOnlySequence<byte> _buffer;
    private long _bufferOffset;       // offset of _buffer's first byte
    private long _linesBefore;        // newlines before _buffer
    private long _lastNewline = -1;   // offset of the last newline before _buffer
    private long _readerBase;         // offset of the current reader's first byte, relative to _buffer
    private bool _spanMode;           // the reader reads one segment's span
    private long _spanEnd;            // span mode: where that segment ends, relative to _buffer
    private long _switchBack;         // sequence mode: the segment boundary after which span mode resumes
    private long _topValueStart;      // offset where the current top-level value began
    private bool _resync;             // skipping to the next line after malformed JSON (SkipBad)
    private long _progress;
    private long _retryLength;        // parse again once the unconsumed buffer is this long

    // The block of the record being decoded, for OnSkipped(BadRecord, block).
    private ulong _currentBlock;

    public JsonRpcParser(string source, IChainEventSink sink, DecodeOptions options, bool tron, bool timestampsInMilliseconds)
    {
        _source = source;
        _sink = sink;
        _options = options;
        _tron = tron;
        _millis = timestampsInMilliseconds;
        _frames[0] = new Frame(FrameKind.Top, ItemKind.Unknown);
    }

    /// <summary>Number of bad records skipped (SkipBad).</summary>
    public long BadRecords { get; private set; }

    public async Task RunAsync(PipeReader pipe, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult read = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = read.Buffer;
            if (!read.IsCompleted && !read.IsCanceled && buffer.Length < _retryLength && buffer.Length <= _options.MaxRecordBytes)
            {
                // An incomplete record is parsed again only once the buffer has grown enough (doubling), so a
                // big record arriving in small reads costs linear, not quadratic, time.
                pipe.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            long consumed = 0;
            try
            {
                consumed = Process(buffer);
                long unconsumed = buffer.Length - consumed;
                _retryLength = unconsumed == 0 ? 0 : unconsumed + Math.Max(unconsumed, RetryGrowth);
                if (read.IsCompleted)
                {
                    Finish(buffer, consumed);
                    consumed = buffer.Length;
                    return;
                }
                if (buffer.Length - consumed > _options.MaxRecordBytes)
                    throw Error(_bufferOffset + consumed, null,
                        $"a single JSON value is larger than the {_options.MaxRecordBytes}-byte limit (MaxRecordBytes)");
            }
            finally
            {
                Consume(buffer, consumed);
                pipe.AdvanceTo(buffer.GetPosition(consumed), buffer.End);
                if (read.IsCompleted) FlushProgress();
            }
            if (read.IsCanceled) throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Parses as many complete steps as the buffer holds; returns the bytes consumed.</summary>
    private long Process(in ReadOnlySequence<byte> buffer)
    {
        _buffer = buffer;
        long start = 0;
        if (_resync)
        {
            long nl = IndexOfNewline(buffer, 0);
            if (nl < 0) return buffer.Length;
            start = nl + 1;
            _resync = false;
            _state = new JsonReaderState(ReaderOptions);
            _depth = 0;
        }
        if (_bufferOffset == 0 && start == 0 && StartsWithBom(buffer)) start = 3;
        var reader = NewReader(buffer, start, _state);
        while (true)
        {
            long checkpoint = reader.BytesConsumed;
            JsonReaderState checkpointState = reader.CurrentState;
            if (!_spanMode && _readerBase + checkpoint >= _switchBack)
            {
                // The record that straddled a segment boundary is done: back to the fast single-span reader.
                reader = NewReader(buffer, _readerBase + checkpoint, checkpointState);
                continue;
            }
            bool done;
            try
            {
                done = Step(ref reader);
            }
            catch (ChainDataException ex) when (_options.SkipBad)
            {
                // The bad record is well-formed JSON: go back to where its step began and skip the value.
                reader = NewSequenceReader(buffer, _readerBase + checkpoint, checkpointState);
                reader.Read();
                if (reader.TokenType is (JsonTokenType.PropertyName or JsonTokenType.StartObject or JsonTokenType.StartArray) && !reader.TrySkip())
                {
                    _state = checkpointState;
                    return _readerBase;
                }
                ReportBad(ex);
                continue;
            }
            catch (JsonException ex)
            {
                long at = _bufferOffset + _readerBase + reader.BytesConsumed;
                var error = Malformed(ex, at, LastPropertyBefore(buffer, _readerBase + checkpoint, checkpointState));
                if (!_options.SkipBad || !CanResync(buffer, at)) throw error;
                ReportBad(error);
                long nl = IndexOfNewline(buffer, at - _bufferOffset);
                _depth = 0;
                if (nl < 0)
                {
                    _resync = true;
                    return buffer.Length;
                }
                _state = new JsonReaderState(ReaderOptions);
                reader = NewReader(buffer, nl + 1, _state);
                continue;
            }
            if (!done)
            {
                if (_spanMode && _spanEnd < buffer.Length)
                {
                    // The record continues in the next segment: read it with a sequence reader.
                    reader = NewSequenceReader(buffer, _readerBase + checkpoint, checkpointState);
                    continue;
                }
                _state = checkpointState;
                return _readerBase + checkpoint;
            }
        }
    }

    /// <summary>A UTF-8 byte order mark at the start of the input (some Windows tools write one).</summary>
    private static bool StartsWithBom(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 3) return false;
        Span<byte> head = stackalloc byte[3];
        buffer.Slice(0, 3).CopyTo(head);
        return head.SequenceEqual((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
    }

    /// <summary>
    /// A reader over the one segment that holds <paramref name="start"/> (reading spans is much faster than reading
    /// a multi-segment sequence); a record that runs past the segment's end is redone with <see cref="NewSequenceReader"/>.
    /// </summary>
    private Utf8JsonReader NewReader(in ReadOnlySequence<byte> buffer, long start, JsonReaderState state)
    {
        _readerBase = start;
        var first = (start == 0 ? buffer : buffer.Slice(start)).First;
        _spanMode = true;
        _spanEnd = start + first.Length;
        return new Utf8JsonReader(first.Span, false, state);
    }

    /// <summary>A reader over the rest of the buffer, for a record that straddles segments.</summary>
    private Utf8JsonReader NewSequenceReader(in ReadOnlySequence<byte> buffer, long start, JsonReaderState state)
    {
        _readerBase = start;
        var slice = buffer.Slice(start);
        _spanMode = false;
        _switchBack = start + slice.First.Length;
        return slice.IsSingleSegment ? new Utf8JsonReader(slice.FirstSpan, false, state) : new Utf8JsonReader(slice, false, state);
    }

    /// <summary>The input ended: what is left must be whitespace, at the top level.</summary>
    private void Finish(in ReadOnlySequence<byte> buffer, long consumed)
    {
        if (_resync) return;
        var rest = buffer.Slice(consumed);
        long firstNonSpace = -1, i = 0;
        foreach (var segment in rest)
        {
            int k = segment.Span.IndexOfAnyExcept(" \t\r\n"u8);
            if (k >= 0) { firstNonSpace = i + k; break; }
            i += segment.Length;
        }
        if (firstNonSpace < 0 && _depth == 0) return;
        long at = firstNonSpace >= 0 ? _bufferOffset + consumed + firstNonSpace : _bufferOffset + buffer.Length;
        var error = Error(at, null, firstNonSpace >= 0
            ? $"truncated input: the JSON value starting here is incomplete (input ends at byte {_bufferOffset + buffer.Length})"
            : $"truncated input: the input ends inside {Describe(_frames[_depth].Kind)}");
        if (_options.SkipBad && firstNonSpace >= 0 && CanResync(buffer, _bufferOffset + buffer.Length))
        {
            ReportBad(error);
            return;
        }
        throw error;
    }

    private static string Describe(FrameKind kind) => kind switch
    {
        FrameKind.Array => "an array",
        FrameKind.Response => "a JSON-RPC response",
        FrameKind.Erigon => "a request/response record",
        FrameKind.Receipt => "a receipt",
        _ => "an object",
    };

    /// <summary>
    /// Malformed JSON can be skipped only when the broken top-level value sits on one line (JSON lines): then the
    /// next line starts afresh. A malformed multi-line document cannot be resynchronised.
    /// </summary>
    private bool CanResync(in ReadOnlySequence<byte> buffer, long errorOffset)
    {
        long valueStart = _depth == 0 ? errorOffset : _topValueStart;
        if (_lastNewline >= valueStart) return false;
        long from = Math.Max(valueStart - _bufferOffset, 0);
        long to = Math.Min(errorOffset - _bufferOffset, buffer.Length);
        if (to <= from) return true;
        long nl = IndexOfNewline(buffer.Slice(from, to - from), 0);
        return nl < 0;
    }

    private void ReportBad(ChainDataException error)
    {
        BadRecords++;
        _sink.OnSkipped(SkipReason.BadRecord, _currentBlock);
        _options.OnBadRecord?.Invoke(error);
    }

    /// <summary>Accounts for consumed bytes: line numbers, progress.</summary>
    private void Consume(in ReadOnlySequence<byte> buffer, long consumed)
    {
        if (consumed <= 0) return;
        long pos = 0;
        foreach (var segment in buffer.Slice(0, consumed))
        {
            var span = segment.Span;
            int count = span.Count((byte)'\n');
            if (count > 0)
            {
                _linesBefore += count;
                _lastNewline = _bufferOffset + pos + span.LastIndexOf((byte)'\n');
            }
            pos += span.Length;
        }
        _bufferOffset += consumed;
        _progress += consumed;
        if (_progress >= ProgressEvery) FlushProgress();
    }

    private void FlushProgress()
    {
        if (_progress > 0) _options.OnBytesRead?.Invoke(_progress);
        _progress = 0;
    }

    private static long IndexOfNewline(in ReadOnlySequence<byte> buffer, long from)
    {
        var rest = from == 0 ? buffer : buffer.Slice(from);
        long i = 0;
        foreach (var segment in rest)
        {
            int k = segment.Span.IndexOf((byte)'\n');
            if (k >= 0) return from + i + k;
            i += segment.Length;
        }
        return -1;
    }

    /// <summary>1-based line of an absolute offset inside the current buffer.</summary>
    private long LineAt(long offset)
    {
        long rel = Math.Clamp(offset - _bufferOffset, 0, _buffer.Length);
        long lines = _linesBefore;
        foreach (var segment in _buffer.Slice(0, rel)) lines += segment.Span.Count((byte)'\n');
        return lines + 1;
    }

    private ChainDataException Error(long offset, string? field, string problem) =>
        new(_source, LineAt(offset), offset, field, problem);

    private ChainDataException Malformed(JsonException ex, long offset, string? field)
    {
        string message = ex.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        return new ChainDataException(_source, LineAt(offset), offset, field, "malformed JSON: " + message.TrimEnd(), ex);
    }

    /// <summary>Cold path: replays the failed step to name the property nearest before the malformed JSON.</summary>
    private string? LastPropertyBefore(in ReadOnlySequence<byte> buffer, long start, JsonReaderState state)
    {
        var slice = buffer.Slice(start);
        var replay = new Utf8JsonReader(slice, false, state);
        string? name = null;
        try
        {
            while (replay.Read())
                if (replay.TokenType == JsonTokenType.PropertyName) name = replay.GetString();
        }
        catch (JsonException)
        {
            return name;
        }
        return null;
    }

    /// <summary>Throws a bad-value error at the current token.</summary>
    [DoesNotReturn]
    private void Fail(in Utf8JsonReader reader, string? field, string problem) =>
        throw Error(_bufferOffset + _readerBase + reader.TokenStartIndex, field, problem + ", got " + JsonValues.Snippet(in reader));

    /// <summary>Throws an error at an absolute offset.</summary>
    [DoesNotReturn]
    private void FailAt(long relativeOffset, string? field, string problem) =>
        throw Error(_bufferOffset + _readerBase + relativeOffset, field, problem);
}
