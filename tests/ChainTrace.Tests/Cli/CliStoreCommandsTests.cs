using System.Globalization;
using System.Numerics;
using System.Text.Json;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using nietras.SeparatedValues;
using Xunit;

namespace ChainTrace.Tests.Cli;

/// <summary>The store commands in-process against a real store indexed from a synthetic chain.</summary>
public sealed class CliStoreCommandsTests(SynthFixture synth) : IClassFixture<SynthFixture>
{
    private async Task<string> IndexAsync(TempDir dir)
    {
        var db = dir.File("db");
        var r = await CliRunner.RunAsync(["index", "--db", db, .. synth.Result.JsonRpcFiles]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return db;
    }

    private static ChainTraceStore Open(string db) =>
        ChainTraceStore.Open(db, new StoreOptions { Profile = ChainProfile.Ethereum, CreateIfMissing = false, ReadOnly = true });

    [Fact]
    public async Task Index_ThenStats_ReportsTheStoredTransfers()
    {
        using var dir = new TempDir();
        var db = await IndexAsync(dir);
        long stored;
        using (var store = Open(db)) stored = store.ScanTransfers(Seq.MinValue, Seq.MaxValue).LongCount();
        Assert.True(stored > 0);

        var r = await CliRunner.RunAsync("stats", "--db", db);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("ethereum", r.Out, StringComparison.Ordinal);
        Assert.Matches($@"transfers\s*[│|]\s*{stored.ToString("N0", CultureInfo.InvariantCulture)}\s", r.Out);
    }

    [Fact]
    public async Task Address_Json_MatchesAPlainRecomputationFromTheTransfers()
    {
        using var dir = new TempDir();
        var db = await IndexAsync(dir);
        // The busiest address, and its flows recomputed from the raw transfer list.
        Address target;
        BigInteger inSum = 0, outSum = 0;
        long inCount = 0, outCount = 0;
        int decimals;
        using (var store = Open(db))
        {
            var all = store.ScanTransfers(Seq.MinValue, Seq.MaxValue).ToList();
            var busiest = all.SelectMany(t => new[] { t.FromId, t.ToId }).Where(id => id != 0 && store.GetAddress(id) != Address.Zero)
                .GroupBy(id => id).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            target = store.GetAddress(busiest);
            foreach (var t in all)
            {
                if (t.ToId == busiest) { inSum += t.Amount.ToBigInteger(); inCount++; }
                if (t.FromId == busiest) { outSum += t.Amount.ToBigInteger(); outCount++; }
            }
            decimals = store.Profile.DefaultToken.Decimals;
        }

        var r = await CliRunner.RunAsync("address", "--db", db, target.ToHex(), "--format", "json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        var o = doc.RootElement;
        Assert.Equal(target.ToChecksumHex(), o.GetProperty("address").GetString());
        Assert.Equal(UInt256.FormatUnits(inSum, decimals), o.GetProperty("total_in").GetString());
        Assert.Equal(UInt256.FormatUnits(outSum, decimals), o.GetProperty("total_out").GetString());
        Assert.Equal(inCount, o.GetProperty("count_in").GetInt64());
        Assert.Equal(outCount, o.GetProperty("count_out").GetInt64());
        Assert.Equal(UInt256.FormatUnits(inSum - outSum, decimals), o.GetProperty("balance").GetString());
    }

    [Fact]
    public async Task Address_Unknown_And_Malformed_ExitTwo()
    {
        using var dir = new TempDir();
        var db = await IndexAsync(dir);
        var bad = await CliRunner.RunAsync("address", "--db", db, "0x1234");
        Assert.Equal(2, bad.ExitCode);
        Assert.Single(bad.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var unknown = await CliRunner.RunAsync("address", "--db", db, "0x000000000000000000000000000000000000dEaD");
        Assert.Equal(2, unknown.ExitCode);
    }

    [Fact]
    public async Task LabelsImport_GoodFile_ShowsOnAddress_BadRowImportsNothing()
    {
        using var dir = new TempDir();
        var db = await IndexAsync(dir);
        Address someone;
        using (var store = Open(db)) someone = store.GetAddress(store.ScanTransfers(Seq.MinValue, Seq.MaxValue).First().ToId);

        var bad = dir.Write("bad.csv", $"address,category,name\n{someone.ToHex()},Exchange,Good Exchange\n0xnothex,scam,X\n");
        IReadOnlyDictionary<string, string> before;
        using (var store = Open(db)) before = store.ComputeDigest();
        var r1 = await CliRunner.RunAsync("labels", "import", "--db", db, bad);
        Assert.Equal(2, r1.ExitCode);
        Assert.Contains("bad.csv:3", r1.Err, StringComparison.Ordinal);
        using (var store = Open(db)) Assert.Equal(before, store.ComputeDigest());

        var good = dir.Write("good.csv", $"address,category,name,source\n{someone.ToHex()},Exchange,Good Exchange,test\n");
        var r2 = await CliRunner.RunAsync("labels", "import", "--db", db, good, Fixtures.Path("labels", "tornado_cash.yaml"));
        Assert.True(r2.ExitCode == 0, r2.ToString());
        var show = await CliRunner.RunAsync("address", "--db", db, someone.ToHex(), "--format", "json");
        using var doc = JsonDocument.Parse(show.Out);
        var label = Assert.Single(doc.RootElement.GetProperty("labels").EnumerateArray());
        Assert.Equal("exchange", label.GetProperty("category").GetString());
        Assert.Equal("Good Exchange", label.GetProperty("name").GetString());
    }

    [Fact]
    public async Task ExportTransfers_Csv_EqualsTheStoredTransfers()
    {
        using var dir = new TempDir();
        var db = await IndexAsync(dir);
        var csv = dir.File("t.csv");
        var r = await CliRunner.RunAsync("export", "transfers", "--db", db, "--format", "csv", "--out", csv);
        Assert.True(r.ExitCode == 0, r.ToString());

        var expected = new List<string>();
        using (var store = Open(db))
        {
            foreach (var t in store.ScanTransfers(Seq.MinValue, Seq.MaxValue))
            {
                Assert.True(store.TryGetToken(t.TokenId, out var token));
                string A(uint id) => (id == 0 ? Address.Zero : store.GetAddress(id)).ToHex();
                var hash = store.TryGetTxHash(t.Seq.Block, t.Seq.TxIndex, out var h) ? h.ToString() : "";
                var ts = store.TryGetBlockTimestamp(t.Seq.Block, out var s) ? s.ToString(CultureInfo.InvariantCulture) : "";
                expected.Add(string.Join(',', token.Contract.ToHex(), A(t.FromId), A(t.ToId), t.Amount.ToBigInteger().ToString(CultureInfo.InvariantCulture),
                    hash, (t.Seq.Sub - 1).ToString(CultureInfo.InvariantCulture), t.Seq.Block.ToString(CultureInfo.InvariantCulture), ts));
            }
        }
        var lines = File.ReadAllLines(csv);
        Assert.Equal("token_address,from_address,to_address,value,transaction_hash,log_index,block_number,block_timestamp", lines[0]);
        Assert.Equal(expected, lines[1..]);
        Assert.All(lines[1..], l => Assert.NotEqual("", l.Split(',')[7]));   // the dumps carry block times
    }

    [Fact]
    public async Task Index_Redirected_PrintsPlainProgressLines()
    {
        using var dir = new TempDir();
        var r = await CliRunner.RunProcessAsync(TimeSpan.FromSeconds(90),
            ["index", "--db", dir.File("db"), "--mode", "incremental", .. synth.Result.JsonRpcFiles],
            new Dictionary<string, string> { ["CHAINTRACE_PROGRESS_MS"] = "20" });
        Assert.True(r.ExitCode == 0, r.ToString());
        var progress = r.Out.Split('\n').Where(l => l.StartsWith("Indexing: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, l => Assert.Matches(@"^Indexing: \d+\.\d% .* transfers", l));
    }
}
