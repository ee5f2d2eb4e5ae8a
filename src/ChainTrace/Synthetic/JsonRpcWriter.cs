namespace ChainTrace.Synthetic;

/// <summary>
/// Writes <c>logs.jsonl</c> (one eth_getLogs response per line, each covering <see cref="BlocksPerLogsLine"/>
/// blocks) or <c>blocks.jsonl</c> (one eth_getBlockByNumber response with full transactions per line), the way an
/// Ethereum node answers: lower-case hex, quantities without leading zeros.
/// </summary>
internal sealed class JsonRpcWriter : IBlockWriter
{
    /// <summary>Blocks per eth_getLogs response line.</summary>
    public const int BlocksPerLogsLine = 20;

    private const int MaxRecord = 2048;

    private readonly ChainCodec _codec;
    private readonly ulong _startBlock;
    private readonly Utf8Sink? _logs;
    private readonly Utf8Sink? _blocks;
    private readonly byte[] _blockHash = new byte[64];
    private readonly byte[] _parentHash = new byte[64];
    private readonly byte[] _txHash = new byte[64];
    private long _logsId, _blocksId;
    private bool _lineOpen, _lineHasLog;

    /// <summary>Creates the writer of one of the two files (two writers run on two threads).</summary>
    public JsonRpcWriter(ChainCodec codec, ulong startBlock, string directory, bool gzip, bool logs)
    {
        _codec = codec;
        _startBlock = startBlock;
        string ext = gzip ? ".jsonl.gz" : ".jsonl";
        if (logs) _logs = new Utf8Sink(Path.Combine(directory, "logs" + ext), gzip);
        else _blocks = new Utf8Sink(Path.Combine(directory, "blocks" + ext), gzip);
        Files = [(_logs ?? _blocks)!.Path];
    }

    public IReadOnlyList<string> Files { get; }

    public void WriteBlock(SynthBlock block)
    {
        _codec.WriteBlockHash(block.Number, _blockHash);
        if (_logs is not null) WriteLogs(_logs, block);
        if (_blocks is not null)
        {
            _codec.WriteBlockHash(block.Number - 1, _parentHash);
            WriteBlockLine(_blocks, block);
        }
    }

    private void WriteLogs(Utf8Sink s, SynthBlock block)
    {
        if (!_lineOpen)
        {
            var w = new RecordWriter(s.Begin(64));
            w.Raw("{\"jsonrpc\":\"2.0\",\"id\":"u8);
            w.Decimal(++_logsId);
            w.Raw(",\"result\":["u8);
            s.Commit(w.Length);
            _lineOpen = true;
            _lineHasLog = false;
        }
        ulong timestamp = (ulong)_codec.OutputTimestamp(block.Timestamp);
        uint logIndex = 0;
        for (int i = 0; i < block.Count; i++)
        {
            ref readonly var tx = ref block.Txs[i];
            if (!tx.HasLog) continue;
            _codec.WriteTxHash(block.Number, i, _txHash);
            var w = new RecordWriter(s.Begin(MaxRecord));
            if (_lineHasLog) w.Byte((byte)',');
            _lineHasLog = true;
            w.Raw("{\"address\":"u8);
            w.Address(_codec, ChainCodec.Contract, quoted: true);
            w.Raw(",\"topics\":["u8);
            int topics = TxEncoding.TopicCount(tx);
            for (int t = 0; t < topics; t++)
            {
                if (t > 0) w.Byte((byte)',');
                w.Raw("\"0x"u8);
                TxEncoding.WriteTopic(_codec, tx, t, w.Take(64));
                w.Byte((byte)'"');
            }
            w.Raw("],\"data\":\"0x"u8);
            TxEncoding.WriteLogData(_codec, tx, w.Take(64));
            w.Raw("\",\"blockNumber\":"u8);
            w.Quantity(block.Number);
            w.Raw(",\"transactionHash\":"u8);
            w.Hash(_txHash, quoted: true);
            w.Raw(",\"transactionIndex\":"u8);
            w.Quantity((ulong)i);
            w.Raw(",\"blockHash\":"u8);
            w.Hash(_blockHash, quoted: true);
            w.Raw(",\"logIndex\":"u8);
            w.Quantity(logIndex++);
            w.Raw(",\"removed\":false,\"blockTimestamp\":"u8);
            w.Quantity(timestamp);
            w.Byte((byte)'}');
            s.Commit(w.Length);
        }
        if ((block.Number - _startBlock + 1) % BlocksPerLogsLine == 0) CloseLogsLine();
    }

    private void CloseLogsLine()
    {
        if (!_lineOpen || _logs is null) return;
        _logs.Raw("]}\n"u8);
        _lineOpen = false;
    }

    private void WriteBlockLine(Utf8Sink s, SynthBlock block)
    {
        long gasUsed = 0;
        for (int i = 0; i < block.Count; i++) gasUsed += block.Txs[i].Gas;
        var w = new RecordWriter(s.Begin(MaxRecord));
        w.Raw("{\"jsonrpc\":\"2.0\",\"id\":"u8);
        w.Decimal(++_blocksId);
        w.Raw(",\"result\":{\"number\":"u8);
        w.Quantity(block.Number);
        w.Raw(",\"hash\":"u8);
        w.Hash(_blockHash, quoted: true);
        w.Raw(",\"parentHash\":"u8);
        w.Hash(_parentHash, quoted: true);
        w.Raw(",\"timestamp\":"u8);
        w.Quantity((ulong)_codec.OutputTimestamp(block.Timestamp));
        w.Raw(",\"miner\":"u8);
        w.Address(_codec, ChainCodec.Miner, quoted: true);
        w.Raw(",\"gasLimit\":\"0x1c9c380\",\"gasUsed\":"u8);
        w.Quantity((ulong)gasUsed);
        w.Raw(",\"baseFeePerGas\":\"0x37e11d600\",\"transactions\":["u8);
        s.Commit(w.Length);
        for (int i = 0; i < block.Count; i++)
        {
            ref readonly var tx = ref block.Txs[i];
            _codec.WriteTxHash(block.Number, i, _txHash);
            w = new RecordWriter(s.Begin(MaxRecord));
            if (i > 0) w.Byte((byte)',');
            w.Raw("{\"hash\":"u8);
            w.Hash(_txHash, quoted: true);
            w.Raw(",\"nonce\":"u8);
            w.Quantity((ulong)tx.Nonce);
            w.Raw(",\"blockHash\":"u8);
            w.Hash(_blockHash, quoted: true);
            w.Raw(",\"blockNumber\":"u8);
            w.Quantity(block.Number);
            w.Raw(",\"transactionIndex\":"u8);
            w.Quantity((ulong)i);
            w.Raw(",\"from\":"u8);
            w.Address(_codec, tx.Sender, quoted: true);
            w.Raw(",\"to\":"u8);
            w.Address(_codec, tx.Target, quoted: true);
            w.Raw(",\"value\":"u8);
            w.Quantity((ulong)tx.Value);
            w.Raw(",\"gas\":"u8);
            w.Quantity((ulong)tx.Gas);
            w.Raw(",\"gasPrice\":\"0x4a817c800\",\"input\":\"0x"u8);
            var input = w.Take(TxEncoding.MaxInputHex);
            int n = TxEncoding.WriteInput(_codec, tx, input);
            w.Untake(TxEncoding.MaxInputHex - n);
            w.Raw("\",\"type\":\"0x0\",\"chainId\":"u8);
            w.Quantity(_codec.Profile.ChainId);
            w.Byte((byte)'}');
            s.Commit(w.Length);
        }
        s.Raw("]}}\n"u8);
    }

    public void Complete() => CloseLogsLine();

    public void Dispose()
    {
        _logs?.Dispose();
        _blocks?.Dispose();
    }
}
