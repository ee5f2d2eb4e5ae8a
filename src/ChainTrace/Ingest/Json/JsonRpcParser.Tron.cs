using System.Text.Json;

namespace ChainTrace.Ingest.Json;

internal sealed partial class JsonRpcParser
{
    // Numbering of consecutive TRON transaction infos of one block.
    private ulong _tronBlock;
    private uint _tronTxCount;
    private uint _tronLogCount;

    /// <summary>
    /// Decodes a TRON <c>/wallet/gettransactioninfobyid</c> result (reader on its StartObject) once complete:
    /// <c>id</c> (transaction hash, hex without 0x), <c>blockNumber</c>, <c>blockTimeStamp</c> (milliseconds) and
    /// <c>log</c> (20-byte hex addresses without the 0x41 prefix, topics and data without 0x). The source gives no
    /// transaction index or block-wide log index, so consecutive infos of one block are numbered in file order:
    /// transaction index 0, 1, 2… and a running log index. That is exact for <c>gettransactioninfobyblocknum</c>
    /// (a block's infos in block order); for infos fetched one by one it keeps positions unique, not true.
    /// </summary>
    private bool DecodeTronTxInfo(ref Utf8JsonReader r)
    {
        var probe = r;
        if (!probe.TrySkip()) return false;
        long start = r.TokenStartIndex;
        Span<byte> name = stackalloc byte[JsonValues.NameScratchSize];
        Span<byte> scratch = stackalloc byte[ValueScratchSize];
        TokenEvent ev = default;
        bool hasId = false, hasBlock = false;
        var p = r;
        while (p.Read() && p.TokenType != JsonTokenType.EndObject)
        {
            var n = JsonValues.Name(in p, name);
            p.Read();
            if (n.SequenceEqual("id"u8))
            {
                ev.TxHash = ReadHash(in p, scratch, "id");
                hasId = true;
            }
            else if (n.SequenceEqual("blockNumber"u8))
            {
                ev.Block = ReadBlockNumber(in p, scratch, "blockNumber");
                _currentBlock = ev.Block;
                hasBlock = true;
            }
            else if (n.SequenceEqual("blockTimeStamp"u8))
            {
                ev.Timestamp = ReadTimestamp(in p, scratch, "blockTimeStamp", milliseconds: true);
            }
            else if (p.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                p.TrySkip();
            }
        }
        if (!hasId) FailAt(start, "id", "the transaction info has no id");
        if (!hasBlock) FailAt(start, "blockNumber", "the transaction info has no blockNumber");
        if (_tronBlock == ev.Block && _tronTxCount > 0)
        {
            if (_tronTxCount > ushort.MaxValue) FailAt(start, "id", "more than 65536 transactions in one block");
        }
        else
        {
            _tronBlock = ev.Block;
            _tronTxCount = 0;
            _tronLogCount = 0;
        }
        ev.TxIndex = _tronTxCount++;

        Span<byte> topics = stackalloc byte[LogRules.MaxTopics * 32];
        Span<byte> data = stackalloc byte[LogRules.MaxDecodedData];
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            bool isLog = r.ValueTextEquals("log"u8);
            r.Read();
            if (!isLog || r.TokenType != JsonTokenType.StartArray)
            {
                if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) r.TrySkip();
                continue;
            }
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                if (r.TokenType != JsonTokenType.StartObject) Fail(in r, "log", "expected a log object");
                long logStart = r.TokenStartIndex;
                int topicCount = 0, dataLength = 0;
                bool hasAddress = false, hasTopics = false;
                if (_tronLogCount >= ushort.MaxValue) Fail(in r, "log", "more than 65535 logs in one block");
                ev.LogIndex = _tronLogCount++;
                while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                {
                    var n = JsonValues.Name(in r, name);
                    r.Read();
                    if (n.SequenceEqual("address"u8))
                    {
                        ev.Token = ReadTronAddress(in r, scratch, "address");
                        hasAddress = true;
                    }
                    else if (n.SequenceEqual("topics"u8))
                    {
                        topicCount = ReadTopics(ref r, topics, scratch);
                        hasTopics = true;
                    }
                    else if (n.SequenceEqual("data"u8))
                    {
                        dataLength = ReadData(in r, data, scratch, "data");
                    }
                    else if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        r.TrySkip();
                    }
                }
                if (!hasAddress) FailAt(logStart, "address", "the log has no address");
                if (!hasTopics) FailAt(logStart, "topics", "the log has no topics");
                Emit(topics, topicCount, data, dataLength, ref ev);
            }
        }
        return true;
    }

    /// <summary>A TRON hex address: 20 bytes, or 21 with the 0x41 prefix.</summary>
    private ChainTrace.Primitives.Address ReadTronAddress(in Utf8JsonReader r, Span<byte> scratch, string field)
    {
        if (r.TokenType == JsonTokenType.String && JsonValues.TryText(in r, scratch, out var text))
        {
            var digits = JsonValues.Digits(text);
            if (digits.Length == 42 && digits[0] == '4' && digits[1] == '1') digits = digits[2..];
            if (JsonValues.TryAddress(digits, out var address)) return address;
        }
        Fail(in r, field, "expected a TRON hex address (40 hex digits, or 42 starting with 41)");
        return default;
    }
}
