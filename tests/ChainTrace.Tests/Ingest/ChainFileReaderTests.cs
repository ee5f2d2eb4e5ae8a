using System.Text;
using System.Text.Json;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;
using ChainTrace.Ingest.Json;
using ChainTrace.Primitives;
using ChainTrace.Tests.Ingest.Json;
using Xunit;

namespace ChainTrace.Tests.Ingest;

/// <summary>The file dispatcher: planning (expansion, detection, order) and reading through the right decoder.</summary>
public sealed class ChainFileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chaintrace-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    private string Write(string relative, byte[] bytes)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Copy(string fixture, string relative) => Write(relative, File.ReadAllBytes(fixture));

    private const string EtlBlocksCsv =
        "number,hash,parent_hash,nonce,miner,timestamp,transaction_count\n" +
        "16,0xcccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc,0xdddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd,0x0,0x0000000000000000000000000000000000000000,5,1\n";

    private const string EtlTransactionsCsv =
        "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas\n" +
        "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,0,0xcccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc,16,0,0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee,7,21000\n";

    private const string EtlTransfersCsv =
        "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n" +
        "0xdac17f958d2ee523a2206206994597c13d831ec7,0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee,1000000,0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,3,16\n";

    [Fact]
    public void Plan_Directory_ExpandsSortsDetectsAndPutsBlocksThenTransactionsFirst()
    {
        string logs = Copy(Fixtures.Eth("eth_getLogs", "test_04.tar.extracted", "test_04.json"), "a/logs_04.json");
        string transfers = Write("a/token_transfers.csv", EtlTransfersCsv);
        string receipts = Copy(Fixtures.Eth("eth_getBlockReceipts", "test_02.json"), "b/receipts.json");
        string blocks = Copy(Fixtures.Eth("eth_getBlockByNumber", "test_08.json"), "c/block.json");
        string txs = Write("c/transactions.csv.gz", Fixtures.Gzip(Encoding.UTF8.GetBytes(EtlTransactionsCsv)));
        string etlBlocks = Write("d/blocks.csv", EtlBlocksCsv);
        Write("README.md", "# not data");
        Write(".hidden/skip.json", "{}");
        Write("c/.skip.json", "{}");

        var plan = ChainFileReader.Plan([_dir]);

        Assert.Equal([blocks, etlBlocks, txs, logs, transfers, receipts], plan.Select(f => f.Path));
        Assert.Equal([InputFormat.ErigonRequestResponse, InputFormat.EtlCsv, InputFormat.EtlCsv, InputFormat.ErigonRequestResponse, InputFormat.EtlCsv, InputFormat.ErigonRequestResponse],
            plan.Select(f => f.Format));
        Assert.Equal([null, EtlTable.Blocks, EtlTable.Transactions, null, EtlTable.TokenTransfers, null], plan.Select(f => f.EtlTable));
        Assert.All(plan, f => Assert.Equal(new FileInfo(f.Path).Length, f.Length));
    }

    [Fact]
    public void Plan_DirectoryWithNonChainFiles_LeavesThemOutWhenAsked_ButNamedFilesMustBeChainData()
    {
        Write("d/blocks.csv", EtlBlocksCsv);
        string labels = Write("d/labels.csv", "address,category,name,source\n0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,exchange,X,test\n");
        string truth = Write("d/ground-truth.json", "{\"entities\":[]}");
        var ignored = new List<string>();
        var plan = ChainFileReader.Plan([Path.Combine(_dir, "d")], ignored);
        Assert.Single(plan);
        Assert.Equal(new[] { truth, labels }.Order(StringComparer.Ordinal), ignored.Order(StringComparer.Ordinal));
        // Without a list to report them in, and for a file named explicitly, an unknown format stays an error.
        Assert.Throws<ChainDataException>(() => ChainFileReader.Plan([Path.Combine(_dir, "d")]));
        var e = Assert.Throws<ChainDataException>(() => ChainFileReader.Plan([labels], ignored));
        Assert.Contains("unknown format", e.Message);
    }

    [Fact]
    public void Plan_ExplicitFilesKeepTheirOrderWithinAKind()
    {
        string l2 = Write("l2.jsonl", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}\n");
        string l1 = Write("l1.jsonl", "[]");
        string b = Write("b.json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"number\":\"0x1\",\"hash\":\"0x00\",\"parentHash\":\"0x00\"}}");
        var plan = ChainFileReader.Plan([l2, b, l1]);
        Assert.Equal([b, l2, l1], plan.Select(f => f.Path));
        Assert.Equal([InputFormat.JsonRpcBlocks, InputFormat.JsonRpcLogs, InputFormat.BareLogArray], plan.Select(f => f.Format));
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"address\":\"0x00\"}]}\n", InputFormat.JsonRpcLogs)]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"blockHash\":\"0x0\",\"logs\":[]}]}]", InputFormat.JsonRpcReceipts)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"baseFeePerGas\":\"0x1\"}}", InputFormat.JsonRpcBlocks)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1,\"message\":\"x\"}}", InputFormat.JsonRpcLogs)]
    [InlineData("{\"address\":\"0x00\",\"topics\":[]}\n{\"address\":\"0x00\",\"topics\":[]}\n", InputFormat.BareLogArray)]
    [InlineData("[{\"blockNumber\":\"0x1\",\"address\":\"0x00\"}]", InputFormat.BareLogArray)]
    [InlineData("[{\"number\":\"0x1\",\"parentHash\":\"0x00\"}]", InputFormat.JsonRpcBlocks)]
    [InlineData("{\"id\":\"ab\",\"blockNumber\":1,\"log\":[]}", InputFormat.TronTxInfo)]
    [InlineData("{\"type\":\"token_transfer\",\"token_address\":\"0x00\"}\n", InputFormat.EtlJsonLines)]
    [InlineData("token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n", InputFormat.EtlCsv)]
    public void Detect_Heads(string head, InputFormat expected)
    {
        var file = InputFormatDetector.Detect(Encoding.UTF8.GetBytes(head), isWholeInput: true, "x");
        Assert.Equal(expected, file.Format);
    }

    [Fact]
    public void DetectFile_RealFixtures()
    {
        Assert.Equal(InputFormat.ErigonRequestResponse, ChainFileReader.DetectFile(Fixtures.Eth("eth_getBlockReceipts", "test_02.json")).Format);
        Assert.Equal(InputFormat.TronTxInfo, ChainFileReader.DetectFile(Fixtures.Path("tron", "ledger-live-excerpt", "getTransactionInfoById.fixture.EXCERPT.json")).Format);
        string gz = Write("x.json.gz", Fixtures.Gzip(File.ReadAllBytes(Fixtures.Eth("eth_getBlockByNumber", "test_08.json"))));
        var detected = ChainFileReader.DetectFile(gz);
        Assert.Equal(InputFormat.ErigonRequestResponse, detected.Format);
        Assert.Equal(0, detected.Rank); // a block file: read first
    }

    [Fact]
    public void Plan_UnknownFormat_NamesFile()
    {
        string path = Write("notes.json", "hello, world\n");
        var ex = Assert.Throws<ChainDataException>(() => ChainFileReader.Plan([path]));
        Assert.StartsWith(path, ex.Message);
        Assert.Contains("unknown format", ex.Message);
        Assert.Contains("hello, world", ex.Message);
    }

    [Fact]
    public void Plan_EmptyFile_IsUnknownFormat()
    {
        string path = Write("empty.jsonl", "");
        var ex = Assert.Throws<ChainDataException>(() => ChainFileReader.Plan([path]));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public async Task MissingFile_ClearError()
    {
        string path = Path.Combine(_dir, "nope.json");
        var ex = Assert.Throws<ChainDataException>(() => ChainFileReader.Plan([path]));
        Assert.Equal($"{path}: no such file or directory", ex.Message);
        var file = new InputFile(path, InputFormat.JsonRpcLogs, 0);
        var ex2 = await Assert.ThrowsAsync<ChainDataException>(() => ChainFileReader.ReadAsync(file, new RecordingSink(), DecodeOptions.Default, new EtlContext()));
        Assert.Equal(ex.Message, ex2.Message);
    }

    [Fact]
    public async Task ReadPaths_Directory_SameRecordsAsEachFileInPlannedOrder_ProgressCoversEveryByte()
    {
        Copy(Fixtures.Eth("eth_getLogs", "test_04.tar.extracted", "test_04.json"), "logs.json");
        Write("receipts.json.gz", Fixtures.Gzip(File.ReadAllBytes(Fixtures.Eth("eth_getBlockReceipts", "test_02.json"))));
        Copy(Fixtures.Eth("eth_getBlockByNumber", "test_08.json"), "z_block.json");

        var expected = new List<string>();
        foreach (var file in ChainFileReader.Plan([_dir]))
            expected.AddRange(ReferenceDecoder.Decode(ReadDecompressed(file.Path)));

        var sink = new RecordingSink();
        long progress = 0;
        await ChainFileReader.ReadPathsAsync([_dir], sink, new DecodeOptions { OnBytesRead = n => progress += n });

        Assert.Equal(expected, sink.Lines);
        Assert.StartsWith("block 18000000", sink.Lines[0]); // the block file came first
        Assert.Equal(Directory.GetFiles(_dir).Sum(f => new FileInfo(f).Length), progress);
    }

    private static byte[] ReadDecompressed(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes is not [0x1f, 0x8b, ..]) return bytes;
        using var gz = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
        var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task ReadPaths_EthereumEtlFiles_GoThroughTheEtlReaderWithOneContext()
    {
        Write("token_transfers.csv", EtlTransfersCsv);
        Write("transactions.csv", EtlTransactionsCsv);
        Write("blocks.csv", EtlBlocksCsv);
        var sink = new RecordingSink();
        await ChainFileReader.ReadPathsAsync([_dir], sink, DecodeOptions.Default);
        var block = Assert.Single(sink.Blocks);
        Assert.Equal(16UL, block.Number);
        var tx = Assert.Single(sink.Transactions);
        Assert.Equal(block.Timestamp, tx.Timestamp);
        var ev = Assert.Single(sink.Events);
        Assert.Equal(Fixtures.Usdt, ev.Token);
        Assert.Equal(tx.Hash, ev.TxHash);
        Assert.Equal(tx.TxIndex, ev.TxIndex);
        Assert.Equal(new UInt256(1_000_000), ev.Amount);
    }

    [Fact]
    public async Task ReadAsync_TronTransactionInfo_MatchesTronGridDecoding()
    {
        string infoPath = Fixtures.Path("tron", "ledger-live-excerpt", "getTransactionInfoById.fixture.EXCERPT.json");
        var file = ChainFileReader.DetectFile(infoPath);
        var sink = new RecordingSink();
        await ChainFileReader.ReadAsync(file, sink, DecodeOptions.Default, new EtlContext());

        Assert.Equal(ReferenceDecoder.Decode(File.ReadAllBytes(infoPath)), sink.Lines);
        using var trongrid = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tron", "ledger-live-excerpt", "fetchTronAccountTxsTrc20.fixture.EXCERPT.json")));
        var decoded = trongrid.RootElement.EnumerateObject().SelectMany(a => a.Value.GetProperty("data").EnumerateArray())
            .ToDictionary(x => x.GetProperty("transaction_id").GetString()!);
        var usdt = ChainProfile.Tron.DefaultToken.Contract;
        Assert.Equal(5, sink.Events.Count); // the excerpt's five USDT transfers
        Assert.All(sink.Events, e => Assert.Equal((TokenEventKind.Transfer, usdt), (e.Kind, e.Token)));
        using var infos = JsonDocument.Parse(File.ReadAllBytes(infoPath));
        int listed = infos.RootElement.EnumerateObject().Count(p => decoded.ContainsKey(p.Name) && p.Value.TryGetProperty("log", out _));
        Assert.True(listed >= 4, $"only {listed} of the transfers are in the TronGrid excerpt");
        int compared = 0;
        foreach (var e in sink.Events)
        {
            if (!decoded.TryGetValue(e.TxHash.ToString()[2..], out var expected)) continue;
            compared++;
            Assert.Equal(expected.GetProperty("token_info").GetProperty("address").GetString(), e.Token.ToTron());
            Assert.Equal(expected.GetProperty("from").GetString(), e.From.ToTron());
            Assert.Equal(expected.GetProperty("to").GetString(), e.To.ToTron());
            Assert.Equal(UInt256.Parse(expected.GetProperty("value").GetString()!), e.Amount);
            Assert.Equal(expected.GetProperty("block_timestamp").GetInt64() / 1000, e.Timestamp);
        }
        Assert.Equal(listed, compared);
    }
}
