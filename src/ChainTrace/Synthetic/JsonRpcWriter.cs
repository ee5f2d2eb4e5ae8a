namespace ChainTrace.Synthetic;

/// <summary>
/// Writes <c>logs.jsonl</c> (one eth_getLogs response per line, each covering <see cref="BlocksPerLogsLine"/>
/// blocks) and <c>blocks.jsonl</c> (one eth_getBlockByNumber response with full transactions per line), the way an
/// Ethereum node answers: lower-case hex, quantities without leading zeros.
/// </summary>
internal sealed class JsonRpcWriter : IBlockWriter
{
    /// <summary>Blocks per eth_getLogs response line.</summary>
    public const int BlocksPerLogsLine = 20;

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
        _codec.WriteBlockHash(block.Number - 1, _parentHash);
        if (_logs is not null) WriteLogs(_logs, block);
        if (_blocks is not null) WriteBlockLine(_blocks, block);
    }

    private void Quantity(Utf8Sink s, ulong value)
    {
        s.Byte((byte)'"');
        s.HexQuantity(value);
        s.Byte((byte)'"');
    }

    private static void Hex64(Utf8Sink s, ReadOnlySpan<byte> hex64)
    {
        var d = s.Take(68);
        d[0] = (byte)'"'; d[1] = (byte)'0'; d[2] = (byte)'x';
        hex64.CopyTo(d[3..]);
        d[67] = (byte)'"';
    }

    private void AddressValue(Utf8Sink s, int id)
    {
        var d = s.Take(44);
        d[0] = (byte)'"'; d[1] = (byte)'0'; d[2] = (byte)'x';
        _codec.WriteAddressHex(id, d[3..]);
        d[43] = (byte)'"';
    }

    private void WriteLogs(Utf8Sink s, SynthBlock block)
    {
        if (!_lineOpen)
        {
            s.Raw("{\"jsonrpc\":\"2.0\",\"id\":"u8);
            s.Decimal(++_logsId);
            s.Raw(",\"result\":["u8);
            _lineOpen = true;
            _lineHasLog = false;
        }
        long timestamp = _codec.OutputTimestamp(block.Timestamp);
        uint logIndex = 0;
        for (int i = 0; i < block.Count; i++)
        {
            ref readonly var tx = ref block.Txs[i];
            if (!tx.HasLog) continue;
            _codec.WriteTxHash(block.Number, i, _txHash);
            if (_lineHasLog) s.Byte((byte)',');
            _lineHasLog = true;
            s.Raw("{\"address\":"u8);
            AddressValue(s, ChainCodec.Contract);
            s.Raw(",\"topics\":["u8);
            int topics = TxEncoding.TopicCount(tx);
            for (int t = 0; t < topics; t++)
            {
                if (t > 0) s.Byte((byte)',');
                var d = s.Take(68);
                d[0] = (byte)'"'; d[1] = (byte)'0'; d[2] = (byte)'x';
                TxEncoding.WriteTopic(_codec, tx, t, d[3..]);
                d[67] = (byte)'"';
            }
            s.Raw("],\"data\":"u8);
            var data = s.Take(68);
            data[0] = (byte)'"'; data[1] = (byte)'0'; data[2] = (byte)'x';
            TxEncoding.WriteLogData(_codec, tx, data[3..]);
            data[67] = (byte)'"';
            s.Raw(",\"blockNumber\":"u8);
            Quantity(s, block.Number);
            s.Raw(",\"transactionHash\":"u8);
            Hex64(s, _txHash);
            s.Raw(",\"transactionIndex\":"u8);
            Quantity(s, (ulong)i);
            s.Raw(",\"blockHash\":"u8);
            Hex64(s, _blockHash);
            s.Raw(",\"logIndex\":"u8);
            Quantity(s, logIndex++);
            s.Raw(",\"removed\":false,\"blockTimestamp\":"u8);
            Quantity(s, (ulong)timestamp);
            s.Byte((byte)'}');
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
        s.Raw("{\"jsonrpc\":\"2.0\",\"id\":"u8);
        s.Decimal(++_blocksId);
        s.Raw(",\"result\":{\"number\":"u8);
        Quantity(s, block.Number);
        s.Raw(",\"hash\":"u8);
        Hex64(s, _blockHash);
        s.Raw(",\"parentHash\":"u8);
        Hex64(s, _parentHash);
        s.Raw(",\"timestamp\":"u8);
        Quantity(s, (ulong)_codec.OutputTimestamp(block.Timestamp));
        s.Raw(",\"miner\":"u8);
        AddressValue(s, ChainCodec.Miner);
        s.Raw(",\"gasLimit\":\"0x1c9c380\",\"gasUsed\":"u8);
        Quantity(s, (ulong)gasUsed);
        s.Raw(",\"baseFeePerGas\":\"0x37e11d600\",\"transactions\":["u8);
        for (int i = 0; i < block.Count; i++)
        {
            ref readonly var tx = ref block.Txs[i];
            _codec.WriteTxHash(block.Number, i, _txHash);
            if (i > 0) s.Byte((byte)',');
            s.Raw("{\"hash\":"u8);
            Hex64(s, _txHash);
            s.Raw(",\"nonce\":"u8);
            Quantity(s, (ulong)tx.Nonce);
            s.Raw(",\"blockHash\":"u8);
            Hex64(s, _blockHash);
            s.Raw(",\"blockNumber\":"u8);
            Quantity(s, block.Number);
            s.Raw(",\"transactionIndex\":"u8);
            Quantity(s, (ulong)i);
            s.Raw(",\"from\":"u8);
            AddressValue(s, tx.Sender);
            s.Raw(",\"to\":"u8);
            AddressValue(s, tx.Target);
            s.Raw(",\"value\":"u8);
            Quantity(s, (ulong)tx.Value);
            s.Raw(",\"gas\":"u8);
            Quantity(s, (ulong)tx.Gas);
            s.Raw(",\"gasPrice\":\"0x4a817c800\",\"input\":\"0x"u8);
            var input = s.Take(TxEncoding.MaxInputHex);
            int n = TxEncoding.WriteInput(_codec, tx, input);
            s.Untake(TxEncoding.MaxInputHex - n);
            s.Raw("\",\"type\":\"0x0\",\"chainId\":"u8);
            Quantity(s, _codec.Profile.ChainId);
            s.Byte((byte)'}');
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
