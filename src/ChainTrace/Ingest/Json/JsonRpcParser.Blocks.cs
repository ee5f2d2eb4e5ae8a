using System.Text.Json;

namespace ChainTrace.Ingest.Json;

internal sealed partial class JsonRpcParser
{
    /// <summary>
    /// Decodes a block object (reader on its StartObject) once it is complete in the buffer: first its header
    /// (emitted with the transaction count), then each full transaction. A bad transaction is skipped on its own
    /// under SkipBad; a bad header skips the block.
    /// </summary>
    private bool DecodeBlock(ref Utf8JsonReader r)
    {
        var probe = r;
        if (!probe.TrySkip()) return false;
        long start = r.TokenStartIndex;
        Span<byte> name = stackalloc byte[JsonValues.NameScratchSize];
        Span<byte> scratch = stackalloc byte[ValueScratchSize];

        BlockHeader header = default;
        header.TransactionCount = -1;
        bool hasNumber = false, hasHash = false, hasParent = false, hasTime = false;
        var p = r;
        while (p.Read() && p.TokenType != JsonTokenType.EndObject)
        {
            var n = JsonValues.Name(in p, name);
            p.Read();
            if (n.SequenceEqual("number"u8))
            {
                header.Number = ReadBlockNumber(in p, scratch, "number");
                _currentBlock = header.Number;
                hasNumber = true;
            }
            else if (n.SequenceEqual("hash"u8))
            {
                header.Hash = ReadHash(in p, scratch, "hash");
                hasHash = true;
            }
            else if (n.SequenceEqual("parentHash"u8))
            {
                header.ParentHash = ReadHash(in p, scratch, "parentHash");
                hasParent = true;
            }
            else if (n.SequenceEqual("timestamp"u8))
            {
                header.Timestamp = ReadTimestamp(in p, scratch, "timestamp", _millis);
                hasTime = true;
            }
            else if (n.SequenceEqual("transactions"u8) && p.TokenType == JsonTokenType.StartArray)
            {
                int count = 0;
                while (p.Read() && p.TokenType != JsonTokenType.EndArray)
                {
                    count++;
                    if (p.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) p.TrySkip();
                }
                header.TransactionCount = count;
            }
            else if (p.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                p.TrySkip();
            }
        }
        if (!hasNumber) FailAt(start, "number", "the block has no number (a pending block?)");
        if (!hasHash) FailAt(start, "hash", "the block has no hash (a pending block?)");
        if (!hasParent) FailAt(start, "parentHash", "the block has no parentHash");
        if (!hasTime) FailAt(start, "timestamp", "the block has no timestamp");
        _sink.OnBlock(in header);

        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            bool isTransactions = r.ValueTextEquals("transactions"u8);
            r.Read();
            if (!isTransactions || r.TokenType != JsonTokenType.StartArray)
            {
                if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) r.TrySkip();
                continue;
            }
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                if (r.TokenType == JsonTokenType.String) continue; // transaction hashes only
                var txStart = r;
                try
                {
                    if (r.TokenType != JsonTokenType.StartObject) Fail(in r, "transactions", "expected a transaction object or hash");
                    DecodeTransaction(ref r, in header, scratch, name);
                }
                catch (ChainDataException ex) when (_options.SkipBad)
                {
                    r = txStart;
                    if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) r.TrySkip();
                    _currentBlock = header.Number;
                    ReportBad(ex);
                }
            }
        }
        return true;
    }

    /// <summary>Decodes one complete transaction object and emits it.</summary>
    private void DecodeTransaction(ref Utf8JsonReader r, in BlockHeader header, scoped Span<byte> scratch, scoped Span<byte> name)
    {
        long start = r.TokenStartIndex;
        TransactionRecord tx = default;
        tx.Block = header.Number;
        tx.Timestamp = header.Timestamp;
        bool hasHash = false, hasFrom = false, hasTo = false, hasValue = false, hasIndex = false;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            var n = JsonValues.Name(in r, name);
            r.Read();
            if (n.SequenceEqual("hash"u8))
            {
                tx.Hash = ReadHash(in r, scratch, "hash");
                hasHash = true;
            }
            else if (n.SequenceEqual("from"u8))
            {
                tx.From = ReadAddress(in r, scratch, "from");
                hasFrom = true;
            }
            else if (n.SequenceEqual("to"u8))
            {
                hasTo = true;
                tx.HasTo = r.TokenType != JsonTokenType.Null;
                if (tx.HasTo) tx.To = ReadAddress(in r, scratch, "to");
            }
            else if (n.SequenceEqual("value"u8))
            {
                tx.Value = ReadValue(in r, scratch, "value");
                hasValue = true;
            }
            else if (n.SequenceEqual("transactionIndex"u8))
            {
                tx.TxIndex = ReadIndex(in r, scratch, "transactionIndex", ushort.MaxValue);
                hasIndex = true;
            }
            else if (n.SequenceEqual("blockNumber"u8))
            {
                if (r.TokenType != JsonTokenType.Null && ReadQuantity(in r, scratch, "blockNumber") != header.Number)
                    Fail(in r, "blockNumber", $"the transaction's block differs from its block's number {header.Number}");
            }
            else if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                r.TrySkip();
            }
        }
        if (!hasHash) FailAt(start, "hash", "the transaction has no hash");
        if (!hasFrom) FailAt(start, "from", "the transaction has no from");
        if (!hasTo) FailAt(start, "to", "the transaction has no to (null for contract creation)");
        if (!hasValue) FailAt(start, "value", "the transaction has no value");
        if (!hasIndex) FailAt(start, "transactionIndex", "the transaction has no transactionIndex");
        _sink.OnTransaction(in tx);
    }
}
