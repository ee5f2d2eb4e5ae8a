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

    private const int MaxRecord = 2048;

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
        var w = new RecordWriter(s.Begin(MaxRecord));
        w.Decimal(block.Number);
        w.Byte((byte)',');
        w.Hash(_blockHash, quoted: false);
        w.Byte((byte)',');
        _codec.WriteBlockHash(block.Number - 1, _scratch);
        w.Hash(_scratch, quoted: false);
        w.Raw(",0x0000000000000000,0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347,"u8);
        w.Raw(EmptyBloom);
        for (ulong root = 3; root <= 5; root++)
        {
            w.Byte((byte)',');
            _codec.WriteHash(root, block.Number, 0, _scratch);
            w.Hash(_scratch, quoted: false);
        }
        w.Byte((byte)',');
        w.Address(_codec, ChainCodec.Miner, quoted: false);
        w.Raw(",0,58750003716598352816469,"u8);
        w.Decimal(600 + 150L * block.Count);
        w.Raw(",0x,30000000,"u8);
        w.Decimal(gasUsed);
        w.Byte((byte)',');
        w.Decimal(timestamp);
        w.Byte((byte)',');
        w.Decimal(block.Count);
        w.Raw(",15000000000,,,,\n"u8);
        s.Commit(w.Length);
    }

    private void WriteTransaction(Utf8Sink s, SynthBlock block, int index, in SynthTx tx, long timestamp)
    {
        var w = new RecordWriter(s.Begin(MaxRecord));
        w.Hash(_txHash, quoted: false);
        w.Byte((byte)',');
        w.Decimal(tx.Nonce);
        w.Byte((byte)',');
        w.Hash(_blockHash, quoted: false);
        w.Byte((byte)',');
        w.Decimal(block.Number);
        w.Byte((byte)',');
        w.Decimal(index);
        w.Byte((byte)',');
        w.Address(_codec, tx.Sender, quoted: false);
        w.Byte((byte)',');
        w.Address(_codec, tx.Target, quoted: false);
        w.Byte((byte)',');
        w.Decimal(tx.Value);
        w.Byte((byte)',');
        w.Decimal(tx.Gas);
        w.Raw(",20000000000,0x"u8);
        int n = TxEncoding.WriteInput(_codec, tx, w.Take(TxEncoding.MaxInputHex));
        w.Untake(TxEncoding.MaxInputHex - n);
        w.Byte((byte)',');
        w.Decimal(timestamp);
        w.Raw(",,,0,,\n"u8);
        s.Commit(w.Length);
    }

    private void WriteTokenTransfer(Utf8Sink s, SynthBlock block, in SynthTx tx, uint logIndex)
    {
        var w = new RecordWriter(s.Begin(MaxRecord));
        w.Address(_codec, ChainCodec.Contract, quoted: false);
        w.Byte((byte)',');
        w.Address(_codec, tx.A, quoted: false);
        w.Byte((byte)',');
        w.Address(_codec, tx.B, quoted: false);
        w.Byte((byte)',');
        w.Decimal(tx.Amount);
        w.Byte((byte)',');
        w.Hash(_txHash, quoted: false);
        w.Byte((byte)',');
        w.Decimal(logIndex);
        w.Byte((byte)',');
        w.Decimal(block.Number);
        w.Byte((byte)'\n');
        s.Commit(w.Length);
    }

    private void WriteLog(Utf8Sink s, SynthBlock block, int index, in SynthTx tx, uint logIndex)
    {
        var w = new RecordWriter(s.Begin(MaxRecord));
        w.Decimal(logIndex);
        w.Byte((byte)',');
        w.Hash(_txHash, quoted: false);
        w.Byte((byte)',');
        w.Decimal(index);
        w.Byte((byte)',');
        w.Hash(_blockHash, quoted: false);
        w.Byte((byte)',');
        w.Decimal(block.Number);
        w.Byte((byte)',');
        w.Address(_codec, ChainCodec.Contract, quoted: false);
        w.Raw(",0x"u8);
        TxEncoding.WriteLogData(_codec, tx, w.Take(64));
        w.Byte((byte)',');
        int topics = TxEncoding.TopicCount(tx);
        if (topics > 1) w.Byte((byte)'"');
        for (int t = 0; t < topics; t++)
        {
            if (t > 0) w.Byte((byte)',');
            w.Raw("0x"u8);
            TxEncoding.WriteTopic(_codec, tx, t, w.Take(64));
        }
        if (topics > 1) w.Byte((byte)'"');
        w.Byte((byte)'\n');
        s.Commit(w.Length);
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
