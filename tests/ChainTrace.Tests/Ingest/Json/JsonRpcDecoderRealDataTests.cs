using ChainTrace.Ingest;
using ChainTrace.Ingest.Json;
using Xunit;

namespace ChainTrace.Tests.Ingest.Json;

/// <summary>The fast decoder against the reference decoder and the documented facts, on real mainnet data.</summary>
public sealed class JsonRpcDecoderRealDataTests
{
    private static async Task<RecordingSink> DecodeFile(string path, Stream? stream = null)
    {
        var sink = new RecordingSink();
        await using var input = stream ?? File.OpenRead(path);
        await JsonRpcDecoder.DecodeAsync(input, path, sink, DecodeOptions.Default);
        return sink;
    }

    private static int TransferTopicLogs(RecordingSink sink) =>
        sink.Events.Count(e => e.Kind == TokenEventKind.Transfer) + sink.Count(SkipReason.Erc721) + sink.Count(SkipReason.MalformedTransferShape)
        - sink.Events.Count(e => e.Kind == TokenEventKind.Approval) * 0;

    [Fact]
    public async Task Decode_Block18MReceipts_MatchesReferenceAndFacts()
    {
        string path = Fixtures.Eth("eth_getBlockReceipts", "test_02.json");
        var sink = await DecodeFile(path);
        Assert.Equal(ReferenceDecoder.Decode(File.ReadAllBytes(path)), sink.Lines);
        Assert.Equal(291, sink.Events.Count + sink.Skipped.Count); // every log is either an event or a skip
        int transferTopic = sink.Events.Count(e => e.Kind == TokenEventKind.Transfer) + sink.Count(SkipReason.Erc721) + sink.Count(SkipReason.MalformedTransferShape);
        Assert.Equal(143, transferTopic);
        Assert.Equal(45, sink.Events.Count(e => e.Kind == TokenEventKind.Transfer && e.Token == Fixtures.Usdt));
        Assert.All(sink.Events, e => Assert.Equal(18_000_000UL, e.Block));
        Assert.All(sink.Events, e => Assert.Equal(0x64ea268fL, e.Timestamp));
    }

    [Fact]
    public async Task Decode_TransferLogsOf4Blocks_MatchesReferenceAndFacts()
    {
        string path = Fixtures.Eth("eth_getLogs", "test_04.tar.extracted", "test_04.json");
        var sink = await DecodeFile(path);
        Assert.Equal(ReferenceDecoder.Decode(File.ReadAllBytes(path)), sink.Lines);
        Assert.Equal(325, sink.Events.Count(e => e.Kind == TokenEventKind.Transfer));
        Assert.Equal(106, sink.Count(SkipReason.Erc721));
        Assert.Equal(431, sink.Events.Count + sink.Skipped.Count);
        Assert.Equal(46, sink.Events.Count(e => e.Token == Fixtures.Usdt));
        Assert.All(sink.Events, e => Assert.InRange(e.Block, 16_000_000UL, 16_000_003UL));
    }

    [Fact]
    public async Task Decode_AllLogsOf2Blocks_MatchesReferenceAndFacts()
    {
        string path = Fixtures.Eth("eth_getLogs", "test_07.tar.extracted", "test_07.json");
        var sink = await DecodeFile(path);
        Assert.Equal(ReferenceDecoder.Decode(File.ReadAllBytes(path)), sink.Lines);
        Assert.Equal(641, sink.Events.Count + sink.Skipped.Count);
        Assert.Equal(26, sink.Events.Count(e => e.Kind == TokenEventKind.Transfer && e.Token == Fixtures.Usdt));
        // Log indexes are block-wide and strictly increasing within a block.
        foreach (var block in sink.Events.GroupBy(e => e.Block))
            Assert.Equal(block.Select(e => e.LogIndex).Order(), block.Select(e => e.LogIndex));
    }

    [Fact]
    public async Task Decode_Block18MWithFullTransactions_EmitsHeaderThen94Transactions()
    {
        string path = Fixtures.Eth("eth_getBlockByNumber", "test_08.json");
        var sink = await DecodeFile(path);
        Assert.Equal(ReferenceDecoder.Decode(File.ReadAllBytes(path)), sink.Lines);
        var block = Assert.Single(sink.Blocks);
        Assert.Equal(18_000_000UL, block.Number);
        Assert.Equal(94, block.TransactionCount);
        Assert.Equal(94, sink.Transactions.Count);
        Assert.StartsWith("block ", sink.Lines[0]);
        Assert.Equal(Enumerable.Range(0, 94).Select(i => (uint)i), sink.Transactions.Select(t => t.TxIndex));
        Assert.Equal(1, sink.Transactions.Count(t => !t.HasTo)); // one contract creation
        Assert.All(sink.Transactions, t => Assert.Equal(block.Timestamp, t.Timestamp));
    }

    [Fact]
    public async Task Decode_BlockReceiptsAndBlockTogether_TransactionHashesMatchLogs()
    {
        var receipts = await DecodeFile(Fixtures.Eth("eth_getBlockReceipts", "test_02.json"));
        var block = await DecodeFile(Fixtures.Eth("eth_getBlockByNumber", "test_08.json"));
        var txIndexByHash = block.Transactions.ToDictionary(t => t.Hash, t => t.TxIndex);
        Assert.All(receipts.Events, e => Assert.Equal(txIndexByHash[e.TxHash], e.TxIndex));
        Assert.All(receipts.Events, e => Assert.Equal(block.Blocks[0].Hash, e.BlockHash));
    }

    [Fact]
    public async Task Decode_SingleTransactionReceipt_DecodesItsLogs()
    {
        string path = Fixtures.Eth("eth_getTransactionReceipt", "test_06.json");
        var sink = await DecodeFile(path);
        var expected = ReferenceDecoder.Decode(File.ReadAllBytes(path));
        Assert.NotEmpty(expected);
        Assert.Equal(expected, sink.Lines);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(2, 64)]
    [InlineData(3, 4096)]
    public async Task Decode_RealFilesReadInSmallChunksWithTinySegments_SameRecords(int seed, int maxChunk)
    {
        foreach (var path in new[]
        {
            Fixtures.Eth("eth_getBlockReceipts", "test_02.json"),
            Fixtures.Eth("eth_getBlockByNumber", "test_08.json"),
            Fixtures.Eth("eth_getLogs", "test_07.tar.extracted", "test_07.json"),
        })
        {
            byte[] bytes = File.ReadAllBytes(path);
            var expected = (await DecodeFile(path)).Lines;
            var sink = new RecordingSink();
            var pipe = System.IO.Pipelines.PipeReader.Create(new ChunkyStream(bytes, seed, maxChunk),
                new System.IO.Pipelines.StreamPipeReaderOptions(bufferSize: 64, minimumReadSize: 16));
            await JsonRpcDecoder.DecodeAsync(pipe, path, sink, DecodeOptions.Default, ChainTrace.Primitives.ChainProfile.Ethereum);
            Assert.Equal(expected, sink.Lines);
        }
    }

    [Fact]
    public async Task Decode_GzippedRealFile_SameRecordsAsPlain()
    {
        string path = Fixtures.Eth("eth_getLogs", "test_04.tar.extracted", "test_04.json");
        byte[] bytes = File.ReadAllBytes(path);
        var plain = await DecodeFile(path);
        var zipped = await DecodeFile(path + ".gz", new ChunkyStream(Fixtures.Gzip(bytes), 5, 1000));
        Assert.Equal(plain.Lines, zipped.Lines);
    }
}
