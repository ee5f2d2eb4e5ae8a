namespace ChainTrace.Synthetic;

/// <summary>
/// Writes the ethereum-etl export of the same history: <c>blocks.csv</c>, <c>transactions.csv</c>,
/// <c>token_transfers.csv</c> and <c>logs.csv</c>, with ethereum-etl's column names and order, decimal numbers,
/// lower-case hex, and topics comma-joined in one field (quoted only when it holds a comma, as Python's csv does).
/// </summary>
internal sealed class EtlWriter : IBlockWriter
{
    private const string BlocksHeader = "number,hash,parent_hash,nonce,sha3_uncles,logs_bloom,transactions_root,state_root,receipts_root,miner,difficulty,total_difficulty,size,extra_data,gas_limit,gas_used,timestamp,transaction_count,base_fee_per_gas,withdrawals_root,withdrawals,blob_gas_used,excess_blob_gas\n";
    private const string TransactionsHeader = "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp,max_fee_per_gas,max_priority_fee_per_gas,transaction_type,max_fee_per_blob_gas,blob_versioned_hashes\n";
    private const string TokenTransfersHeader = "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n";
    private const string LogsHeader = "log_index,transaction_hash,transaction_index,block_hash,block_number,address,data,topics\n";

    private static readonly byte[] EmptyBloom = MakeBloom();

    private readonly ChainCodec _codec;
    private readonly Utf8Sink? _blocks, _transactions, _tokenTransfers, _logs;
    private readonly byte[] _blockHash = new byte[64];
    private readonly byte[] _txHash = new byte[64];
    private readonly byte[] _scratch = new byte[64];

    /// <summary>
    /// Creates the writer of blocks.csv + transactions.csv (<paramref name="blocksPart"/>) or of
    /// token_transfers.csv + logs.csv (two writers run on two threads).
    /// </summary>
    public EtlWriter(ChainCodec codec, string directory, bool gzip, bool blocksPart)
    {
        _codec = codec;
        Directory.CreateDirectory(directory);
        string ext = gzip ? ".csv.gz" : ".csv";
        if (blocksPart)
        {
            _blocks = Open(directory, "blocks" + ext, gzip, BlocksHeader);
            _transactions = Open(directory, "transactions" + ext, gzip, TransactionsHeader);
            Files = [_blocks.Path, _transactions.Path];
        }
        else
        {
            _tokenTransfers = Open(directory, "token_transfers" + ext, gzip, TokenTransfersHeader);
            _logs = Open(directory, "logs" + ext, gzip, LogsHeader);
            Files = [_tokenTransfers.Path, _logs.Path];
        }
    }

    public IReadOnlyList<string> Files { get; }

    private static Utf8Sink Open(string directory, string name, bool gzip, string header)
    {
        var sink = new Utf8Sink(Path.Combine(directory, name), gzip);
        sink.Raw(System.Text.Encoding.ASCII.GetBytes(header));
        return sink;
    }

    private static byte[] MakeBloom()
    {
        var b = new byte[2 + 512];
        b.AsSpan().Fill((byte)'0');
        b[1] = (byte)'x';
        return b;
    }

    private static void Hex64(Utf8Sink s, ReadOnlySpan<byte> hex64)
    {
        var d = s.Take(66);
        d[0] = (byte)'0'; d[1] = (byte)'x';
        hex64.CopyTo(d[2..]);
    }

    private void AddressValue(Utf8Sink s, int id)
    {
        var d = s.Take(42);
        d[0] = (byte)'0'; d[1] = (byte)'x';
        _codec.WriteAddressHex(id, d[2..]);
    }

    public void WriteBlock(SynthBlock block)
    {
        _codec.WriteBlockHash(block.Number, _blockHash);
        long timestamp = _codec.OutputTimestamp(block.Timestamp);
        long gasUsed = 0;
        uint logIndex = 0;
        for (int i = 0; i < block.Count; i++)
        {
            ref readonly var tx = ref block.Txs[i];
            gasUsed += tx.Gas;
            _codec.WriteTxHash(block.Number, i, _txHash);
            if (_transactions is not null) WriteTransaction(_transactions, block, i, tx, timestamp);
            if (!tx.HasLog) continue;
            if (_logs is not null)
            {
                if (tx.IsTransferLog) WriteTokenTransfer(_tokenTransfers!, block, tx, logIndex);
                WriteLog(_logs, block, i, tx, logIndex);
            }
            logIndex++;
        }
        if (_blocks is not null) WriteBlockRow(_blocks, block, timestamp, gasUsed);
    }

    private void WriteBlockRow(Utf8Sink s, SynthBlock block, long timestamp, long gasUsed)
    {
        s.Decimal(block.Number);
        s.Byte((byte)',');
        Hex64(s, _blockHash);
        s.Byte((byte)',');
        _codec.WriteBlockHash(block.Number - 1, _scratch);
        Hex64(s, _scratch);
        s.Raw(",0x0000000000000000,0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347,"u8);
        s.Raw(EmptyBloom);
        for (ulong root = 3; root <= 5; root++)
        {
            s.Byte((byte)',');
            _codec.WriteHash(root, block.Number, 0, _scratch);
            Hex64(s, _scratch);
        }
        s.Byte((byte)',');
        AddressValue(s, ChainCodec.Miner);
        s.Raw(",0,58750003716598352816469,"u8);
        s.Decimal(600 + 150L * block.Count);
        s.Raw(",0x,30000000,"u8);
        s.Decimal(gasUsed);
        s.Byte((byte)',');
        s.Decimal(timestamp);
        s.Byte((byte)',');
        s.Decimal(block.Count);
        s.Raw(",15000000000,,,,\n"u8);
    }

    private void WriteTransaction(Utf8Sink s, SynthBlock block, int index, in SynthTx tx, long timestamp)
    {
        Hex64(s, _txHash);
        s.Byte((byte)',');
        s.Decimal(tx.Nonce);
        s.Byte((byte)',');
        Hex64(s, _blockHash);
        s.Byte((byte)',');
        s.Decimal(block.Number);
        s.Byte((byte)',');
        s.Decimal(index);
        s.Byte((byte)',');
        AddressValue(s, tx.Sender);
        s.Byte((byte)',');
        AddressValue(s, tx.Target);
        s.Byte((byte)',');
        s.Decimal(tx.Value);
        s.Byte((byte)',');
        s.Decimal(tx.Gas);
        s.Raw(",20000000000,0x"u8);
        var input = s.Take(TxEncoding.MaxInputHex);
        int n = TxEncoding.WriteInput(_codec, tx, input);
        s.Untake(TxEncoding.MaxInputHex - n);
        s.Byte((byte)',');
        s.Decimal(timestamp);
        s.Raw(",,,0,,\n"u8);
    }

    private void WriteTokenTransfer(Utf8Sink s, SynthBlock block, in SynthTx tx, uint logIndex)
    {
        AddressValue(s, ChainCodec.Contract);
        s.Byte((byte)',');
        AddressValue(s, tx.A);
        s.Byte((byte)',');
        AddressValue(s, tx.B);
        s.Byte((byte)',');
        s.Decimal(tx.Amount);
        s.Byte((byte)',');
        Hex64(s, _txHash);
        s.Byte((byte)',');
        s.Decimal(logIndex);
        s.Byte((byte)',');
        s.Decimal(block.Number);
        s.Byte((byte)'\n');
    }

    private void WriteLog(Utf8Sink s, SynthBlock block, int index, in SynthTx tx, uint logIndex)
    {
        s.Decimal(logIndex);
        s.Byte((byte)',');
        Hex64(s, _txHash);
        s.Byte((byte)',');
        s.Decimal(index);
        s.Byte((byte)',');
        Hex64(s, _blockHash);
        s.Byte((byte)',');
        s.Decimal(block.Number);
        s.Byte((byte)',');
        AddressValue(s, ChainCodec.Contract);
        s.Raw(",0x"u8);
        TxEncoding.WriteLogData(_codec, tx, s.Take(64));
        s.Byte((byte)',');
        int topics = TxEncoding.TopicCount(tx);
        if (topics > 1) s.Byte((byte)'"');
        for (int t = 0; t < topics; t++)
        {
            if (t > 0) s.Byte((byte)',');
            s.Raw("0x"u8);
            TxEncoding.WriteTopic(_codec, tx, t, s.Take(64));
        }
        if (topics > 1) s.Byte((byte)'"');
        s.Byte((byte)'\n');
    }

    public void Complete()
    {
    }

    public void Dispose()
    {
        _blocks?.Dispose();
        _transactions?.Dispose();
        _tokenTransfers?.Dispose();
        _logs?.Dispose();
    }
}
