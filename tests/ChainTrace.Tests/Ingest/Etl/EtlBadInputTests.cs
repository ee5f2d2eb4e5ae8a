using System.Text;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;
using Xunit;

namespace ChainTrace.Tests.Ingest.Etl;

/// <summary>Bad ethereum-etl input fails with the file, line and column; with SkipBad it is counted and skipped.</summary>
public sealed class EtlBadInputTests
{
    private const string File = "exports/token_transfers_00001.csv";
    private static readonly string A = "0x" + new string('a', 40);
    private static readonly string B = "0x" + new string('B', 40);
    private static readonly string H = "0x" + new string('c', 64);
    private const string Header = "token_address,from_address,to_address,value,transaction_hash,log_index,block_number,block_timestamp";

    private static string Row(string token = "", string from = "", string to = "", string value = "1000", string hash = "",
        string log = "1", string block = "16000000", string time = "1668811211") =>
        string.Join(",", token == "" ? A : token, from == "" ? B : from, to == "" ? A : to, value, hash == "" ? H : hash, log, block, time);

    private static string Csv(string badRow) => $"{Header}\n{Row(log: "0")}\n{badRow}\n{Row(log: "2")}\n";

    private static ChainDataException Fails(string text, string file = File, EtlTable table = EtlTable.TokenTransfers, bool json = false)
    {
        var sink = new EtlRecordingSink();
        return Assert.Throws<ChainDataException>(() => EtlReaderRoundTripTests.Read(text, file, table, json, new EtlContext(), sink));
    }

    private static void AssertNames(ChainDataException ex, long line, string? field)
    {
        Assert.Equal(File, ex.Source_);
        Assert.Equal(line, ex.Line);
        Assert.Equal(field, ex.Field);
        Assert.Contains(File + ":" + line, ex.Message, StringComparison.Ordinal);
        if (field is not null) Assert.Contains($"'{field}'", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadCells => new()
    {
        { Row(from: "0xZZ" + new string('a', 38)), "from_address", "hex" },
        { Row(to: "0x" + new string('a', 39)), "to_address", "40 hex" },
        { Row(token: new string('a', 42)), "token_address", "0x" },
        { Row(hash: "0x" + new string('c', 62)), "transaction_hash", "64 hex" },
        { Row(value: "12a"), "value", "not a decimal" },
        { Row(value: "-5"), "value", "not a decimal" },
        { Row(value: "115792089237316195423570985008687907853269984665640564039457584007913129639936"), "value", "2^256" },
        { Row(block: "16e6"), "block_number", "not a decimal" },
        { Row(block: "4294967296"), "block_number", "4294967295" },
        { Row(log: "65535"), "log_index", "65534" },
        { Row(time: "soon"), "block_timestamp", "timestamp" },
        { Row(value: "\"1000"), "value", "quote" },
        { Row(value: ""), "value", "missing value" },
    };

    [Theory]
    [MemberData(nameof(BadCells))]
    public void BadCell_NamesFileLineAndColumn(string badRow, string field, string problem)
    {
        var ex = Fails(Csv(badRow));
        AssertNames(ex, 3, field);
        Assert.Contains(problem, ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void LineNumber_CountsLineBreaksInsideQuotedCells()
    {
        string text = $"{Header},note\r\n{Row(log: "0")},\"two\r\nlines\"\r\n{Row(log: "1")},\"a\nb\nc\"\r\n{Row(value: "x", log: "2")},ok\r\n";
        AssertNames(Fails(text), 7, "value");
    }

    [Fact]
    public async Task Reading_LeavesTheCallersStreamOpen()
    {
        foreach (bool json in new[] { false, true })
        {
            var stream = new MemoryStream(Encoding.UTF8.GetBytes(json ? "" : Header + "\n"));
            await EtlReader.ReadAsync(stream, File, EtlTable.TokenTransfers, json, new EtlContext(), new EtlRecordingSink(), DecodeOptions.Default);
            Assert.True(stream.CanRead);
        }
    }

    [Fact]
    public async Task Cancellation_StopsTheRead()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        foreach (bool json in new[] { false, true })
        {
            var stream = new MemoryStream(Encoding.UTF8.GetBytes(Csv(Row(log: "1"))));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                EtlReader.ReadAsync(stream, File, EtlTable.TokenTransfers, json, new EtlContext(), new EtlRecordingSink(), DecodeOptions.Default, cts.Token));
        }
    }

    [Fact]
    public void MissingColumn_NamesIt_AtTheHeader()
    {
        var ex = Fails("token_address,from_address,to_address,transaction_hash,log_index,block_number\n");
        AssertNames(ex, 1, "value");
        Assert.Contains("missing", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFile_FailsAtLineOne() => AssertNames(Fails(""), 1, null);

    [Fact]
    public void UnterminatedQuote_InLastRow_NamesLineAndColumn()
    {
        string text = $"{Header}\n{Row(log: "0")}\n{Row(log: "1").Replace(",1,", ",\"1,", StringComparison.Ordinal)}\n";
        var ex = Fails(text);
        AssertNames(ex, 3, "log_index");
        Assert.Contains("quote", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedLastLine_NamesLineAndFirstMissingColumn()
    {
        string full = Row(log: "1");
        string cut = full[..full.LastIndexOf(',', full.LastIndexOf(',') - 1)]; // without block_number and block_timestamp
        var ex = Fails($"{Header}\n{Row(log: "0")}\n{cut}");
        AssertNames(ex, 3, "block_number");
        Assert.Contains("truncated", ex.Problem, StringComparison.Ordinal);
        Assert.Contains("6 of the header's 8 columns", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_BadHex_NamesLineOffsetAndField()
    {
        string good = $"{{\"token_address\": \"{A}\", \"from_address\": \"{B}\", \"to_address\": \"{A}\", \"value\": 5, \"transaction_hash\": \"{H}\", \"log_index\": 0, \"block_number\": 7}}";
        string bad = good.Replace("\"from_address\": \"0xBBB", "\"from_address\": \"0xgBB", StringComparison.Ordinal);
        string text = good + "\n" + bad + "\n";
        var ex = Fails(text, json: true);
        AssertNames(ex, 2, "from_address");
        Assert.Equal(Encoding.UTF8.GetByteCount(good + "\n") + bad.IndexOf("\"0xgBB", StringComparison.Ordinal), ex.ByteOffset);
    }

    [Fact]
    public void Json_TruncatedLastLine_NamesLine()
    {
        string good = $"{{\"token_address\": \"{A}\", \"from_address\": \"{B}\", \"to_address\": \"{A}\", \"value\": 5, \"transaction_hash\": \"{H}\", \"log_index\": 0, \"block_number\": 7}}";
        var ex = Fails(good + "\n" + good[..^20], json: true);
        AssertNames(ex, 2, null);
        Assert.Contains("invalid JSON", ex.Problem, StringComparison.Ordinal);
        Assert.InRange(ex.ByteOffset!.Value, good.Length + 1, 2 * good.Length - 19);
    }

    [Fact]
    public void Json_MissingRequiredProperty_NamesIt()
    {
        string line = $"{{\"token_address\": \"{A}\", \"from_address\": \"{B}\", \"to_address\": \"{A}\", \"transaction_hash\": \"{H}\", \"log_index\": 0, \"block_number\": 7}}";
        var ex = Fails(line + "\n", json: true);
        AssertNames(ex, 1, "value");
    }

    [Fact]
    public void Json_ValueOverMax_AsNumber_IsRejected()
    {
        string line = $"{{\"token_address\": \"{A}\", \"from_address\": \"{B}\", \"to_address\": \"{A}\", \"value\": 115792089237316195423570985008687907853269984665640564039457584007913129639936, \"transaction_hash\": \"{H}\", \"log_index\": 0, \"block_number\": 7}}";
        var ex = Fails(line, json: true);
        AssertNames(ex, 1, "value");
        Assert.Contains("2^256", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SkipBad_CountsReportsAndContinues()
    {
        var reported = new List<ChainDataException>();
        var options = new DecodeOptions { SkipBad = true, OnBadRecord = reported.Add };
        string text = $"{Header}\n{Row(log: "0")}\n{Row(value: "x", log: "1")}\n{Row(log: "2", block: "16000001")}\n{Row(log: "3")[..20]}";
        var sink = new EtlRecordingSink();
        EtlReaderRoundTripTests.Read(text, File, EtlTable.TokenTransfers, false, new EtlContext(), sink, options);
        Assert.Equal([0u, 2u], sink.Events.Select(e => e.LogIndex));
        Assert.Equal(2, sink.SkipCount(SkipReason.BadRecord));
        Assert.Equal([3L, 5L], reported.Select(e => e.Line!.Value));
        Assert.Equal(["value", "from_address"], reported.Select(e => e.Field));
    }

    [Fact]
    public async Task OnBytesRead_ReportsEveryByteInLargeChunks()
    {
        var sb = new StringBuilder(Header).Append('\n');
        for (int i = 0; i < 20_000; i++) sb.Append(Row(log: (i % 60000).ToString(System.Globalization.CultureInfo.InvariantCulture), block: (1000 + i / 100).ToString(System.Globalization.CultureInfo.InvariantCulture))).Append('\n');
        byte[] bytes = Encoding.UTF8.GetBytes(sb.ToString());
        foreach (bool json in new[] { false, true })
        {
            byte[] input = json ? Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"{{\"type\": \"block\", \"number\": 1, \"hash\": \"{H}\", \"parent_hash\": \"{H}\", \"timestamp\": 1}}\n", 20_000))) : bytes;
            var calls = new List<long>();
            var options = new DecodeOptions { OnBytesRead = calls.Add };
            var sink = new EtlRecordingSink();
            await EtlReader.ReadAsync(new MemoryStream(input), File, json ? EtlTable.Blocks : EtlTable.TokenTransfers, json, new EtlContext(), sink, options);
            Assert.Equal(input.Length, calls.Sum());
            Assert.InRange(calls.Count, 2, 1 + input.Length / (1 << 20) + 1);
            Assert.Equal(20_000, json ? sink.Blocks.Count : sink.Events.Count);
        }
    }
}
