using System.Text.Json;

namespace ChainTrace.Ingest.Json;

internal sealed partial class JsonRpcParser
{
    private enum FrameKind : byte
    {
        Top,
        Array,
        Response,
        Erigon,
        Receipt,
        TronDict,
    }

    /// <summary>What an object is (found by peeking at its property names, or given by the request method).</summary>
    private enum ItemKind : byte
    {
        Unknown,
        NeedMore,
        Log,
        Block,
        Receipt,
        Response,
        Erigon,
        TronTxInfo,
        TronDict,
        Skip,
    }

    private struct Frame(FrameKind kind, ItemKind items)
    {
        public FrameKind Kind = kind;
        /// <summary>Arrays: kind of their elements; responses and erigon records: kind of the result.</summary>
        public ItemKind Items = items;
        /// <summary>Responses: a result or an error was seen.</summary>
        public bool SawResult;
    }

    private void Push(FrameKind kind, ItemKind items)
    {
        if (_depth + 1 >= _frames.Length) throw new InvalidOperationException("frame stack overflow");
        _frames[++_depth] = new Frame(kind, items);
    }

    private void Pop() => _depth--;

    /// <summary>Reads one token and acts on it; false when the buffer ran out (the step is redone later).</summary>
    private bool Step(ref Utf8JsonReader r)
    {
        if (!r.Read()) return false;
        ref Frame f = ref _frames[_depth];
        return f.Kind switch
        {
            FrameKind.Top => TopValue(ref r),
            FrameKind.Array => ArrayElement(ref r, ref f),
            FrameKind.Response => ResponseMember(ref r, ref f),
            FrameKind.Erigon => ErigonMember(ref r, ref f),
            FrameKind.Receipt => ReceiptMember(ref r),
            _ => TronDictMember(ref r),
        };
    }

    private bool TopValue(ref Utf8JsonReader r)
    {
        _topValueStart = _bufferOffset + _readerBase + r.TokenStartIndex;
        _currentBlock = 0;
        switch (r.TokenType)
        {
            case JsonTokenType.StartArray:
                Push(FrameKind.Array, ItemKind.Unknown);
                return true;
            case JsonTokenType.StartObject:
                var kind = Peek(ref r);
                return kind == ItemKind.NeedMore ? false : Object(ref r, kind);
            default:
                Fail(in r, null, "expected a JSON object or array at the top level");
                return false;
        }
    }

    /// <summary>Handles an object whose kind is known; the reader is on its StartObject.</summary>
    private bool Object(ref Utf8JsonReader r, ItemKind kind)
    {
        _currentBlock = 0;
        switch (kind)
        {
            case ItemKind.Log: return DecodeLog(ref r);
            case ItemKind.Block: return DecodeBlock(ref r);
            case ItemKind.TronTxInfo: return DecodeTronTxInfo(ref r);
            case ItemKind.Receipt: Push(FrameKind.Receipt, ItemKind.Log); return true;
            case ItemKind.Response: Push(FrameKind.Response, ItemKind.Unknown); return true;
            case ItemKind.Erigon: Push(FrameKind.Erigon, ItemKind.Unknown); return true;
            case ItemKind.TronDict: Push(FrameKind.TronDict, ItemKind.TronTxInfo); return true;
            case ItemKind.Skip: return r.TrySkip();
            default:
                Fail(in r, null, "not a log, block, receipt, TRON transaction info or JSON-RPC response (no property tells which)");
                return false;
        }
    }

    private bool ArrayElement(ref Utf8JsonReader r, ref Frame f)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.EndArray:
                Pop();
                return true;
            case JsonTokenType.StartObject:
                var kind = f.Items;
                if (kind == ItemKind.Unknown)
                {
                    kind = Peek(ref r);
                    if (kind == ItemKind.NeedMore) return false;
                    if (kind != ItemKind.Unknown) f.Items = kind;
                }
                return Object(ref r, kind);
            default:
                Fail(in r, null, "expected an object in the array");
                return false;
        }
    }

    private bool ResponseMember(ref Utf8JsonReader r, ref Frame f)
    {
        if (r.TokenType == JsonTokenType.EndObject)
        {
            bool answered = f.SawResult;
            Pop();
            if (!answered) FailAt(r.TokenStartIndex, "result", "the JSON-RPC response has neither a result nor an error");
            return true;
        }
        Span<byte> scratch = stackalloc byte[JsonValues.NameScratchSize];
        var name = JsonValues.Name(in r, scratch);
        if (name.SequenceEqual("result"u8))
        {
            if (!r.Read()) return false;
            f.SawResult = true;
            switch (r.TokenType)
            {
                case JsonTokenType.StartArray:
                    Push(FrameKind.Array, f.Items);
                    return true;
                case JsonTokenType.StartObject:
                    var kind = f.Items;
                    if (kind == ItemKind.Unknown)
                    {
                        kind = Peek(ref r);
                        if (kind == ItemKind.NeedMore) return false;
                    }
                    return Object(ref r, kind);
                case JsonTokenType.Null:
                    FailAt(r.TokenStartIndex, "result", "the JSON-RPC result is null (no such block, receipt or filter)");
                    return false;
                default:
                    if (f.Items == ItemKind.Skip) return true;
                    Fail(in r, "result", "expected logs, a block or receipts");
                    return false;
            }
        }
        if (name.SequenceEqual("error"u8))
        {
            if (!r.Read()) return false;
            f.SawResult = true;
            return RpcError(ref r);
        }
        return r.TrySkip();
    }

    /// <summary>A JSON-RPC error object: always a bad record, named with its code and message.</summary>
    private bool RpcError(ref Utf8JsonReader r)
    {
        long at = r.TokenStartIndex;
        if (r.TokenType == JsonTokenType.Null) FailAt(at, "error", "the JSON-RPC response has neither a result nor an error");
        if (r.TokenType != JsonTokenType.StartObject) FailAt(at, "error", "JSON-RPC error: " + JsonValues.Snippet(in r));
        var probe = r;
        if (!probe.TrySkip()) return false;
        string code = "?", message = "(no message)";
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            bool isCode = r.ValueTextEquals("code"u8), isMessage = r.ValueTextEquals("message"u8);
            r.Read();
            if (isCode || isMessage)
            {
                string text = r.TokenType == JsonTokenType.String ? r.GetString() ?? "" : JsonValues.Snippet(in r);
                if (text.Length > 300) text = text[..300] + "…";
                if (isCode) code = text;
                else message = text;
            }
            if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) r.TrySkip();
        }
        FailAt(at, "error", $"JSON-RPC error {code}: {message}");
        return false;
    }

    private bool ErigonMember(ref Utf8JsonReader r, ref Frame f)
    {
        if (r.TokenType == JsonTokenType.EndObject)
        {
            Pop();
            return true;
        }
        Span<byte> scratch = stackalloc byte[JsonValues.NameScratchSize];
        var name = JsonValues.Name(in r, scratch);
        if (name.SequenceEqual("request"u8))
        {
            if (!r.Read()) return false;
            if (r.TokenType != JsonTokenType.StartObject) return r.TrySkip();
            var probe = r;
            if (!probe.TrySkip()) return false;
            f.Items = RequestMethod(ref r);
            return true;
        }
        if (name.SequenceEqual("response"u8))
        {
            if (!r.Read()) return false;
            if (f.Items == ItemKind.Skip) return r.TrySkip();
            if (r.TokenType != JsonTokenType.StartObject) Fail(in r, "response", "expected a JSON-RPC response object");
            Push(FrameKind.Response, f.Items);
            return true;
        }
        return r.TrySkip();
    }

    /// <summary>Reads a complete request object and maps its method to the kind of result it returns.</summary>
    private static ItemKind RequestMethod(ref Utf8JsonReader r)
    {
        var kind = ItemKind.Unknown;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            bool isMethod = r.ValueTextEquals("method"u8);
            r.Read();
            if (isMethod && r.TokenType == JsonTokenType.String)
            {
                if (r.ValueTextEquals("eth_getLogs"u8) || r.ValueTextEquals("eth_getFilterLogs"u8) || r.ValueTextEquals("eth_getFilterChanges"u8))
                    kind = ItemKind.Log;
                else if (r.ValueTextEquals("eth_getBlockByNumber"u8) || r.ValueTextEquals("eth_getBlockByHash"u8))
                    kind = ItemKind.Block;
                else if (r.ValueTextEquals("eth_getBlockReceipts"u8) || r.ValueTextEquals("eth_getTransactionReceipt"u8))
                    kind = ItemKind.Receipt;
                else
                    kind = ItemKind.Skip;
            }
            if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) r.TrySkip();
        }
        return kind;
    }

    private bool ReceiptMember(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.EndObject)
        {
            Pop();
            return true;
        }
        Span<byte> scratch = stackalloc byte[JsonValues.NameScratchSize];
        if (!JsonValues.Name(in r, scratch).SequenceEqual("logs"u8)) return r.TrySkip();
        if (!r.Read()) return false;
        switch (r.TokenType)
        {
            case JsonTokenType.StartArray:
                Push(FrameKind.Array, ItemKind.Log);
                return true;
            case JsonTokenType.Null:
                return true;
            default:
                Fail(in r, "logs", "expected an array of logs");
                return false;
        }
    }

    private bool TronDictMember(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.EndObject)
        {
            Pop();
            return true;
        }
        if (!r.Read()) return false;
        if (r.TokenType != JsonTokenType.StartObject) Fail(in r, null, "expected a TRON transaction info object");
        return DecodeTronTxInfo(ref r);
    }

    /// <summary>Finds what an object is from its property names, reading a copy of the reader.</summary>
    private static ItemKind Peek(ref Utf8JsonReader r)
    {
        var p = r;
        Span<byte> scratch = stackalloc byte[JsonValues.NameScratchSize];
        bool first = true;
        while (true)
        {
            if (!p.Read()) return ItemKind.NeedMore;
            if (p.TokenType == JsonTokenType.EndObject) return ItemKind.Unknown;
            if (first && !p.HasValueSequence && JsonShapes.IsTxIdKey(p.ValueSpan)) return ItemKind.TronDict;
            first = false;
            var kind = Classify(JsonValues.Name(in p, scratch));
            if (kind != ItemKind.Unknown) return kind;
            if (!p.TrySkip()) return ItemKind.NeedMore;
        }
    }

    private static ItemKind Classify(ReadOnlySpan<byte> name) => JsonShapes.Classify(name) switch
    {
        JsonShape.Log => ItemKind.Log,
        JsonShape.Block => ItemKind.Block,
        JsonShape.Receipt => ItemKind.Receipt,
        JsonShape.Response => ItemKind.Response,
        JsonShape.Erigon => ItemKind.Erigon,
        JsonShape.TronTxInfo => ItemKind.TronTxInfo,
        _ => ItemKind.Unknown,
    };
}
