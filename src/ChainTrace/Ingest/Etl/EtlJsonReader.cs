using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace ChainTrace.Ingest.Etl;

/// <summary>
/// Reads ethereum-etl JSON lines (one object per line) from a <see cref="PipeReader"/>: complete lines are cut
/// from the buffer and parsed with a <see cref="Utf8JsonReader"/> over their bytes; a partial line waits for more
/// input. Numbers may be JSON numbers or strings; a line's own <c>type</c> property, when present, picks its
/// table, so a mixed stream works too.
/// </summary>
internal static class EtlJsonReader
{
    private static readonly JsonReaderOptions JsonOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    public static async Task ReadAsync(Stream stream, string source, EtlTable table, EtlContext context,
        IChainEventSink sink, DecodeOptions options, CancellationToken cancellationToken)
    {
        var progress = new ProgressStream(stream, options.OnBytesRead);
        var pipe = PipeReader.Create(progress, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        var emitter = new EtlEmitter(source, context, sink, options);
        var state = new LineState();
        try
        {
            while (true)
            {
                var result = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    while (buffer.PositionOf((byte)'\n') is { } end)
                    {
                        var line = buffer.Slice(0, end);
                        ReadLine(line, table, emitter, state);
                        state.Offset += line.Length + 1;
                        buffer = buffer.Slice(buffer.GetPosition(1, end));
                    }
                    if (result.IsCompleted)
                    {
                        if (!buffer.IsEmpty)
                        {
                            ReadLine(buffer, table, emitter, state); // last line without a line break
                            state.Offset += buffer.Length;
                            buffer = buffer.Slice(buffer.End);
                        }
                        break;
                    }
                    if (buffer.Length > options.MaxRecordBytes)
                        EtlEmitter.Throw(source, state.Line + 1, state.Offset, null, $"line longer than {options.MaxRecordBytes} bytes");
                }
                finally
                {
                    pipe.AdvanceTo(buffer.Start, buffer.End);
                }
            }
            emitter.Finish();
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
        progress.ReportRest();
    }

    /// <summary>Per-file position and a scratch buffer for lines split across pipe segments.</summary>
    private sealed class LineState
    {
        public long Line;
        public long Offset;
        public byte[] Scratch = [];
    }

    private static void ReadLine(ReadOnlySequence<byte> sequence, EtlTable table, EtlEmitter emitter, LineState state)
    {
        state.Line++;
        ReadOnlySpan<byte> line;
        if (sequence.IsSingleSegment) line = sequence.FirstSpan;
        else
        {
            if (state.Scratch.Length < sequence.Length) state.Scratch = new byte[Math.Max(sequence.Length, state.Scratch.Length * 2)];
            sequence.CopyTo(state.Scratch);
            line = state.Scratch.AsSpan(0, (int)sequence.Length);
        }
        if (state.Line == 1 && line.StartsWith("\uFEFF"u8)) line = line[3..];
        if (EtlText.IsBlank(line)) return;
        ReadObject(line, table, emitter, state.Line, state.Offset);
    }

    private static void ReadObject(ReadOnlySpan<byte> line, EtlTable table, EtlEmitter emitter, long lineNumber, long offset)
    {
        ref var r = ref emitter.Record;
        r.Reset();
        var json = new Utf8JsonReader(line, JsonOptions);
        try
        {
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
            {
                emitter.Bad(lineNumber, offset, null, "not a JSON object");
                return;
            }
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                var field = PropertyField(ref json);
                json.Read();
                if (field == EtlField.None)
                {
                    json.Skip();
                    continue;
                }
                var problem = ReadValue(ref json, field, ref r);
                if (problem != FieldProblem.None)
                {
                    emitter.BadField(lineNumber, offset + json.TokenStartIndex, field, problem);
                    return;
                }
            }
            if (json.Read())
            {
                emitter.Bad(lineNumber, offset + json.TokenStartIndex, null, "more than one JSON value on the line");
                return;
            }
        }
        catch (JsonException e)
        {
            emitter.Bad(lineNumber, offset + (e.BytePositionInLine ?? 0), null, "invalid JSON: " + TrimJsonMessage(e.Message));
            return;
        }
        if (r.OtherType) emitter.SkipOther(); // e.g. "trace" or "contract" records in a mixed stream
        else emitter.Emit(r.Type ?? table, lineNumber, offset);
    }

    private static EtlField PropertyField(ref Utf8JsonReader json)
    {
        if (!json.ValueIsEscaped) return EtlFields.Lookup(json.ValueSpan);
        if (json.ValueSpan.Length > 64) return EtlField.None; // longer than any name we know
        Span<byte> name = stackalloc byte[64];
        int n = json.CopyString(name);
        return EtlFields.Lookup(name[..n]);
    }

    private static FieldProblem ReadValue(ref Utf8JsonReader json, EtlField field, ref EtlRecord r)
    {
        switch (json.TokenType)
        {
            case JsonTokenType.Null:
                return r.Set(field, ReadOnlySpan<byte>.Empty);
            case JsonTokenType.String:
            case JsonTokenType.Number:
                if (json.TokenType == JsonTokenType.String && json.ValueIsEscaped)
                {
                    // Escapes never occur in ethereum-etl's values; unescape rather than fail on valid JSON.
                    byte[]? rented = null;
                    int len = json.ValueSpan.Length;
                    Span<byte> buf = len <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(len));
                    try
                    {
                        int n = json.CopyString(buf);
                        return ScalarValue(field, buf[..n], ref r);
                    }
                    finally
                    {
                        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
                    }
                }
                return ScalarValue(field, json.ValueSpan, ref r);
            case JsonTokenType.StartArray when field == EtlField.Topics:
                r.Set(field, ReadOnlySpan<byte>.Empty);
                r.Present |= EtlFields.Bit(EtlField.Topics);
                r.TopicCount = 0;
                while (json.Read() && json.TokenType != JsonTokenType.EndArray)
                {
                    if (json.TokenType != JsonTokenType.String || json.ValueIsEscaped) return FieldProblem.NotHash;
                    var p = r.AddTopic(json.ValueSpan);
                    if (p != FieldProblem.None) return p;
                }
                return FieldProblem.None;
            default:
                return FieldProblem.NotString;
        }
    }

    private static FieldProblem ScalarValue(EtlField field, ReadOnlySpan<byte> value, ref EtlRecord r)
    {
        if (field == EtlField.Type)
        {
            r.Type = EtlFields.TableOfType(value);
            r.OtherType = r.Type is null;
            return FieldProblem.None;
        }
        // A topics value must be an array in JSON; a string is CSV's form and is accepted as well.
        return r.Set(field, value);
    }

    private static string TrimJsonMessage(string message)
    {
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at > 0 ? message[..at] : message;
    }
}
