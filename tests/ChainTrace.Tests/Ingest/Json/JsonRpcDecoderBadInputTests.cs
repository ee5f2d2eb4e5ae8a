using System.Text;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Json;
using Xunit;

namespace ChainTrace.Tests.Ingest.Json;

/// <summary>One test per kind of bad input: the error names the file, the line and byte offset, and the field.</summary>
public sealed class JsonRpcDecoderBadInputTests
{
    private const string Source = "dump/logs.jsonl";
    private const string Transfer = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

    private static string Log(string address = "0xdac17f958d2ee523a2206206994597c13d831ec7", string data = "0x00000000000000000000000000000000000000000000000000000000000f4240",
        string logIndex = "\"0x1\"", string? extraTopic = null) =>
        $"{{\"address\":\"{address}\",\"topics\":[\"{Transfer}\",\"0x000000000000000000000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"," +
        $"\"0x000000000000000000000000bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"{(extraTopic is null ? "" : "," + extraTopic)}],\"data\":\"{data}\"," +
        $"\"blockNumber\":\"0x112a880\",\"transactionHash\":\"0x{new string('1', 64)}\",\"transactionIndex\":\"0x2\",\"logIndex\":{logIndex},\"removed\":false}}";

    private static string Response(params string[] logs) => $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{string.Join(",", logs)}]}}";

    private static async Task<(RecordingSink Sink, List<ChainDataException> Bad)> Decode(string text, bool skipBad = false, int maxRecord = 64 << 20)
    {
        var sink = new RecordingSink();
        var bad = new List<ChainDataException>();
        var options = new DecodeOptions { SkipBad = skipBad, OnBadRecord = bad.Add, MaxRecordBytes = maxRecord };
        await JsonRpcDecoder.DecodeAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), Source, sink, options);
        return (sink, bad);
    }

    private static async Task<ChainDataException> Fails(string text) =>
        await Assert.ThrowsAsync<ChainDataException>(() => Decode(text));

    private static void AssertNames(ChainDataException ex, long line, string? field, string problem)
    {
        Assert.StartsWith($"{Source}:{line} (byte ", ex.Message);
        Assert.Equal(line, ex.Line);
        Assert.NotNull(ex.ByteOffset);
        Assert.Equal(field, ex.Field);
        if (field is not null) Assert.Contains($"field '{field}'", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    private static long OffsetOf(string text, string needle) => Encoding.UTF8.GetByteCount(text[..text.IndexOf(needle, StringComparison.Ordinal)]);

    [Fact]
    public async Task MalformedJson_NamesLineOffsetAndProperty()
    {
        string text = Response(Log()) + "\n" + Response(Log()).Replace("\"logIndex\":\"0x1\"", "\"logIndex\":0x1", StringComparison.Ordinal) + "\n";
        var ex = await Fails(text);
        AssertNames(ex, 2, "logIndex", "malformed JSON");
        Assert.InRange(ex.ByteOffset!.Value, text.IndexOf('\n') + 1, OffsetOf(text, "0x1,\"removed\"") + 1);
    }

    [Fact]
    public async Task BadHex_NamesField()
    {
        string text = Response(Log()) + "\n" + Response(Log(), Log(address: "0xdac17f958d2ee523a2206206994597c13d831eZZ")) + "\n";
        var ex = await Fails(text);
        AssertNames(ex, 2, "address", "20-byte address");
        Assert.Equal(OffsetOf(text, "\"0xdac17f958d2ee523a2206206994597c13d831eZZ\""), ex.ByteOffset);
        Assert.Contains("0xdac17f958d2ee523a2206206994597c13d831eZZ", ex.Message);
    }

    [Fact]
    public async Task WrongAddressLength_NamesField()
    {
        var ex = await Fails(Response(Log(address: "0xdac17f958d2ee523a2206206994597c13d831e")));
        AssertNames(ex, 1, "address", "20-byte address");
    }

    [Fact]
    public async Task WrongTopicLength_NamesField()
    {
        var ex = await Fails(Response(Log(extraTopic: "\"0x1234\"")));
        AssertNames(ex, 1, "topics", "32-byte topic");
    }

    [Fact]
    public async Task FiveTopics_NamesField()
    {
        string t = $"\"0x{new string('0', 64)}\"";
        var ex = await Fails(Response(Log(extraTopic: $"{t},{t}")));
        AssertNames(ex, 1, "topics", "at most 4 topics");
    }

    [Fact]
    public async Task OddHexData_NamesField()
    {
        var ex = await Fails(Response(Log(data: "0x123")));
        AssertNames(ex, 1, "data", "odd number");
    }

    [Fact]
    public async Task MissingRequiredField_NamesField()
    {
        var ex = await Fails(Response(Log().Replace(",\"logIndex\":\"0x1\"", "", StringComparison.Ordinal)));
        AssertNames(ex, 1, "logIndex", "no logIndex");
    }

    [Fact]
    public async Task PendingLogWithNullBlockNumber_NamesField()
    {
        var ex = await Fails(Response(Log().Replace("\"blockNumber\":\"0x112a880\"", "\"blockNumber\":null", StringComparison.Ordinal)));
        AssertNames(ex, 1, "blockNumber", "hex quantity");
    }

    [Fact]
    public async Task ValueLongerThan32Bytes_NamesField()
    {
        string tx = $"{{\"hash\":\"0x{new string('a', 64)}\",\"from\":\"0x{new string('b', 40)}\",\"to\":null,\"value\":\"0x1{new string('0', 64)}\",\"transactionIndex\":\"0x0\"}}";
        string block = $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{{\"hash\":\"0x{new string('c', 64)}\",\"number\":\"0x10\",\"parentHash\":\"0x{new string('d', 64)}\",\"timestamp\":\"0x5\",\"transactions\":[{tx}]}}}}";
        var ex = await Fails(block + "\n");
        AssertNames(ex, 1, "value", "longer than 32 bytes");
    }

    [Fact]
    public async Task TruncatedJsonLines_NamesLastLine()
    {
        string full = Response(Log()) + "\n" + Response(Log()) + "\n" + Response(Log(), Log()) + "\n";
        string text = full[..(full.Length - 40)];
        var ex = await Fails(text);
        AssertNames(ex, 3, null, "truncated input");
    }

    [Fact]
    public async Task TruncatedDocumentBetweenRecords_SaysTruncated()
    {
        string text = "[\n" + Log() + ",\n" + Log() + "\n"; // the closing bracket is missing
        var ex = await Fails(text);
        Assert.Contains("truncated input", ex.Message);
        Assert.Contains(Source, ex.Message);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), ex.ByteOffset);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-4)]  // only the trailer's size field is cut: the JSON inside is complete
    public async Task TruncatedGzip_SaysTruncatedGzip(double cut)
    {
        string text = string.Concat(Enumerable.Range(0, 200).Select(_ => Response(Log(), Log()) + "\n"));
        byte[] gz = Fixtures.Gzip(Encoding.UTF8.GetBytes(text));
        int keep = cut > 0 ? (int)(gz.Length * cut) : gz.Length + (int)cut;
        var ex = await Assert.ThrowsAsync<ChainDataException>(() =>
            JsonRpcDecoder.DecodeAsync(new MemoryStream(gz, 0, keep), "dump/logs.jsonl.gz", new RecordingSink(), DecodeOptions.Default));
        Assert.StartsWith("dump/logs.jsonl.gz (byte ", ex.Message);
        Assert.Contains("truncated gzip", ex.Message);
        Assert.NotNull(ex.ByteOffset);
    }

    [Fact]
    public async Task JsonRpcErrorObject_NamesCodeAndMessage()
    {
        string text = Response(Log()) + "\n" + "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32005,\"message\":\"query returned more than 10000 results\"}}\n";
        var ex = await Fails(text);
        AssertNames(ex, 2, "error", "JSON-RPC error -32005: query returned more than 10000 results");
    }

    [Fact]
    public async Task NullResult_RealFile_NamesResultLine()
    {
        string path = Fixtures.Eth("eth_getBlockReceipts", "test_08.json");
        var ex = await Assert.ThrowsAsync<ChainDataException>(() => DecodeFileAsync(path));
        string[] lines = File.ReadAllLines(path);
        long expectedLine = Array.FindIndex(lines, l => l.Contains("\"result\": null", StringComparison.Ordinal)) + 1;
        Assert.Equal(expectedLine, ex.Line);
        Assert.Equal("result", ex.Field);
        Assert.Contains("null", ex.Problem);
        Assert.StartsWith(path + ":" + expectedLine, ex.Message);
    }

    [Fact]
    public async Task NullResult_RealBlockFile_Fails()
    {
        var ex = await Assert.ThrowsAsync<ChainDataException>(() => DecodeFileAsync(Fixtures.Eth("eth_getBlockByNumber", "test_03.json")));
        Assert.Equal("result", ex.Field);
    }

    [Fact]
    public async Task ResponseWithoutResult_RealFile_Fails()
    {
        string path = Fixtures.Eth("eth_getBlockReceipts", "test_07.json");
        var ex = await Assert.ThrowsAsync<ChainDataException>(() => DecodeFileAsync(path));
        Assert.Equal("result", ex.Field);
        Assert.Contains("neither a result nor an error", ex.Message);
        Assert.StartsWith(path + ":", ex.Message);
    }

    [Fact]
    public async Task RecordLargerThanLimit_Fails()
    {
        string text = Response(Enumerable.Repeat(Log(), 50).ToArray()).Replace("\"jsonrpc\":\"2.0\"", "\"jsonrpc\":\"2.0\",\"pad\":\"" + new string('x', 300_000) + "\"", StringComparison.Ordinal);
        var ex = await Assert.ThrowsAsync<ChainDataException>(() => Decode(text, maxRecord: 200_000));
        Assert.Contains("MaxRecordBytes", ex.Message);
    }

    private static async Task DecodeFileAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await JsonRpcDecoder.DecodeAsync(stream, path, new RecordingSink(), DecodeOptions.Default);
    }

    [Fact]
    public async Task SkipBad_CountsAndReportsEachBadRecord_DecodesTheRest()
    {
        string text = string.Join("\n",
            Response(Log(), Log(logIndex: "\"0x2\"")),                                        // 1: 2 good
            Response(Log()).Replace("\"removed\":false", "\"removed\":fals", StringComparison.Ordinal), // 2: malformed JSON
            Response(Log(logIndex: "\"0x3\"")),                                               // 3: 1 good
            Response(Log(logIndex: "\"0x4\""), Log(address: "0x12"), Log(logIndex: "\"0x5\"")), // 4: bad address between 2 good
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32000,\"message\":\"boom\"}}", // 5: error object
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":null}",                                 // 6: null result
            Response(Log(logIndex: "\"0x6\""))) + "\n";                                        // 7: 1 good
        var (sink, bad) = await Decode(text, skipBad: true);
        Assert.Equal([1u, 2u, 3u, 4u, 5u, 6u], sink.Events.Select(e => e.LogIndex));
        Assert.Equal(4, sink.Count(SkipReason.BadRecord));
        Assert.Equal([2L, 4L, 5L, 6L], bad.Select(b => b.Line!.Value));
        Assert.Equal(["removed", "address", "error", "result"], bad.Select(b => b.Field));
    }

    [Fact]
    public async Task SkipBad_TruncatedLastLine_CountsIt()
    {
        string full = Response(Log()) + "\n" + Response(Log(logIndex: "\"0x2\"")) + "\n";
        var (sink, bad) = await Decode(full[..^30], skipBad: true);
        Assert.Single(sink.Events);
        Assert.Equal(2L, Assert.Single(bad).Line);
        Assert.Contains("truncated", bad[0].Message);
    }

    [Fact]
    public async Task SkipBad_MalformedPrettyDocument_StillStops()
    {
        string text = "{\n  \"jsonrpc\": \"2.0\",\n  \"id\": 1,\n  \"result\": [\n    " + Log() + ",\n    " + Log().Replace("\"removed\":false", "\"removed\":nul", StringComparison.Ordinal) + "\n  ]\n}\n";
        var ex = await Assert.ThrowsAsync<ChainDataException>(() => Decode(text, skipBad: true));
        Assert.Equal(6, ex.Line);
        Assert.Contains("malformed JSON", ex.Message);
    }

    [Fact]
    public async Task SkipBad_BadTransactionInBlock_SkipsOnlyThatTransaction()
    {
        string Tx(int i, string value) => $"{{\"hash\":\"0x{new string('a', 63)}{i}\",\"from\":\"0x{new string('b', 40)}\",\"to\":\"0x{new string('e', 40)}\",\"value\":\"{value}\",\"transactionIndex\":\"0x{i}\"}}";
        string text = $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{{\"hash\":\"0x{new string('c', 64)}\",\"number\":\"0x10\",\"parentHash\":\"0x{new string('d', 64)}\",\"timestamp\":\"0x5\",\"transactions\":[{Tx(0, "0x1")},{Tx(1, "0xZZ")},{Tx(2, "0x3")}]}}}}";
        var (sink, bad) = await Decode(text, skipBad: true);
        Assert.Equal(3, Assert.Single(sink.Blocks).TransactionCount);
        Assert.Equal([0u, 2u], sink.Transactions.Select(t => t.TxIndex));
        Assert.Equal("value", Assert.Single(bad).Field);
        Assert.Equal(16UL, sink.Skipped.Single().Block);
    }

    [Fact]
    public async Task ByteOrderMark_IsSkipped()
    {
        var (sink, _) = await Decode("\uFEFF" + Response(Log()) + "\n");
        Assert.Single(sink.Events);
    }

    [Fact]
    public async Task UnrecognisedObject_NamesLine()
    {
        var ex = await Fails("{\"foo\":1}\n");
        AssertNames(ex, 1, null, "not a log, block, receipt");
    }
}
