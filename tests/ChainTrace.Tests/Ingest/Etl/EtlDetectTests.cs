using System.Text;
using ChainTrace.Ingest.Etl;
using Xunit;

namespace ChainTrace.Tests.Ingest.Etl;

/// <summary>Detecting the table from a CSV header or a first JSON object; and allocation per record.</summary>
public sealed class EtlDetectTests
{
    // ethereum-etl's column lists (blocks and transactions as of its 2.x schema).
    private const string Blocks = "number,hash,parent_hash,nonce,sha3_uncles,logs_bloom,transactions_root,state_root,receipts_root,miner,difficulty,total_difficulty,size,extra_data,gas_limit,gas_used,timestamp,transaction_count,base_fee_per_gas";
    private const string Transactions = "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp,max_fee_per_gas,max_priority_fee_per_gas,transaction_type";
    private const string Logs = "log_index,transaction_hash,transaction_index,block_hash,block_number,address,data,topics";
    private const string TokenTransfers = "token_address,from_address,to_address,value,transaction_hash,log_index,block_number";

    public static TheoryData<string, EtlTable?> Headers => new()
    {
        { Blocks, EtlTable.Blocks },
        { Transactions, EtlTable.Transactions },
        { Logs, EtlTable.Logs },
        { TokenTransfers, EtlTable.TokenTransfers },
        { "\uFEFF" + string.Join(",", TokenTransfers.Split(',').Reverse()) + ",block_timestamp\r\n0x1,0x2", EtlTable.TokenTransfers },
        { "\"log_index\",\"topics\",\"data\",extra", EtlTable.Logs },
        { "address,label,category", null },
        { "", null },
        { "hash,nonce", null },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void Csv_ByHeaderNames(string header, EtlTable? expected) =>
        Assert.Equal(expected, EtlReader.DetectCsvTable(Encoding.UTF8.GetBytes(header)));

    public static TheoryData<string, EtlTable?> Objects => new()
    {
        { "{\"type\": \"block\", \"number\": 1}", EtlTable.Blocks },
        { "{\"number\": 1, \"hash\": \"0x\", \"parent_hash\": \"0x\", \"withdrawals\": [{\"a\": 1}]}", EtlTable.Blocks },
        { "{\"hash\": \"0x\", \"nonce\": 1, \"block_number\": 1, \"transaction_index\": 0, \"from_address\": \"0x\", \"type\": \"transaction\"}", EtlTable.Transactions },
        { "{\"hash\": \"0x\", \"block_number\": 1, \"transaction_index\": 0, \"from_address\": \"0x\"}", EtlTable.Transactions },
        { "{\"log_index\": 0, \"data\": \"0x\", \"topics\": []}", EtlTable.Logs },
        { "{\"type\": \"token_transfer\"", EtlTable.TokenTransfers }, // cut short
        { "{\"token_address\": \"0x\", \"value\": 1, \"log_index\": 2, \"transaction_hash\": \"0x\", \"from_add", EtlTable.TokenTransfers },
        { "{\"type\": \"trace\", \"x\": 1}", null },
        { "[1, 2]", null },
        { "not json", null },
        { "", null },
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void Json_ByTypeOrPropertyNames(string json, EtlTable? expected) =>
        Assert.Equal(expected, EtlReader.DetectJsonTable(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void JsonStream_WithMixedTypes_RoutesEachLineByItsType()
    {
        string h = "0x" + new string('1', 64), a = "0x" + new string('2', 40);
        string text =
            $"{{\"type\": \"block\", \"number\": 5, \"hash\": \"{h}\", \"parent_hash\": \"{h}\", \"timestamp\": 77, \"transaction_count\": 1}}\n" +
            $"{{\"type\": \"transaction\", \"hash\": \"{h}\", \"block_number\": 5, \"transaction_index\": 3, \"from_address\": \"{a}\", \"to_address\": null, \"value\": 0}}\n" +
            $"{{\"type\": \"trace\", \"block_number\": 5}}\n" +
            $"{{\"type\": \"token_transfer\", \"token_address\": \"{a}\", \"from_address\": \"{a}\", \"to_address\": \"{a}\", \"value\": \"9\", \"transaction_hash\": \"{h}\", \"log_index\": 4, \"block_number\": 5}}\n";
        var sink = new EtlRecordingSink();
        var context = new EtlContext();
        EtlReaderRoundTripTests.Read(text, "stream.json", EtlTable.Blocks, true, context, sink);
        Assert.Single(sink.Blocks);
        Assert.False(Assert.Single(sink.Transactions).HasTo);
        var e = Assert.Single(sink.Events);
        Assert.Equal((3u, 77L), (e.TxIndex, e.Timestamp));
        Assert.Equal([(ChainTrace.Ingest.SkipReason.OtherEvent, 5UL)], sink.Skipped);
        Assert.Equal(0, context.TxIndexFallbacks);
    }

    /// <summary>token_transfers rows, 10 per block, 2 per transaction, as CSV or JSON lines.</summary>
    private static byte[] TransfersFile(int rows, bool json)
    {
        var sb = new StringBuilder(json ? "" : "token_address,from_address,to_address,value,transaction_hash,log_index,block_number,block_timestamp\n");
        string a = "0x" + new string('a', 40), b = "0x" + new string('B', 40), value = "340282366920938463463374607431768211455";
        for (int i = 0; i < rows; i++)
        {
            string tx = "0x" + (i / 2).ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
            int block = 1000 + i / 10, log = i % 10;
            sb.Append(json
                ? $"{{\"token_address\": \"{a}\", \"from_address\": \"{b}\", \"to_address\": \"{a}\", \"value\": {value}, \"transaction_hash\": \"{tx}\", \"log_index\": {log}, \"block_number\": {block}, \"block_timestamp\": 1600000000}}\n"
                : $"{a},{b},{a},{value},{tx},{log},{block},1600000000\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static long AllocatedReading(byte[] bytes, int rows, bool json)
    {
        var sink = new CountingSink();
        var stream = new MemoryStream(bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var task = EtlReader.ReadAsync(stream, "t.csv", EtlTable.TokenTransfers, json, new EtlContext(), sink, ChainTrace.Ingest.DecodeOptions.Default);
        Assert.True(task.IsCompleted); // a MemoryStream completes synchronously: everything ran on this thread
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        task.GetAwaiter().GetResult();
        Assert.Equal(rows, sink.Count);
        return allocated;
    }

    private sealed class CountingSink : ChainTrace.Ingest.IChainEventSink
    {
        public int Count;
        public void OnBlock(in ChainTrace.Ingest.BlockHeader block) { }
        public void OnTransaction(in ChainTrace.Ingest.TransactionRecord transaction) { }
        public void OnTokenEvent(in ChainTrace.Ingest.TokenEvent tokenEvent) => Count++;
        public void OnSkipped(ChainTrace.Ingest.SkipReason reason, ulong block) { }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reading_AllocatesNothingPerRow(bool json)
    {
        byte[] smallFile = TransfersFile(2_000, json), largeFile = TransfersFile(40_000, json);
        AllocatedReading(smallFile, 2_000, json); // warm up (JIT, static tables, buffer pools)
        long small = Math.Min(AllocatedReading(smallFile, 2_000, json), AllocatedReading(smallFile, 2_000, json));
        long large = Math.Min(AllocatedReading(largeFile, 40_000, json), AllocatedReading(largeFile, 40_000, json));
        // The smallest object is 24 bytes, so anything allocated per row, or even every eighth row, would show as
        // 3 bytes per row or more. What may remain is a pooled 64 KB read buffer that the pool did not have at hand.
        Assert.True(large - small < 3 * 38_000, $"{small} B for 2,000 rows, {large} B for 40,000 rows");
    }
}
