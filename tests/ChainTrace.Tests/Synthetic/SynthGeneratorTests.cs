using Xunit;
using System.IO.Compression;
using ChainTrace.Primitives;
using ChainTrace.Synthetic;

namespace ChainTrace.Tests.Synthetic;

public sealed class SynthGeneratorTests
{
    private static Dictionary<string, byte[]> ReadAll(string directory, bool gunzip = false)
    {
        var files = new Dictionary<string, byte[]>();
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(directory, path);
            byte[] bytes = File.ReadAllBytes(path);
            if (gunzip && rel.EndsWith(".gz", StringComparison.Ordinal))
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                bytes = ms.ToArray();
                rel = rel[..^3];
            }
            files[rel] = bytes;
        }
        return files;
    }

    [Fact]
    public void Generate_SameSeedTwice_WritesByteIdenticalFiles()
    {
        using var a = new SynthTempDir();
        using var b = new SynthTempDir();
        var options = new SynthOptions { Seed = 11, Transfers = 12_345, Formats = SynthFormats.All };
        SynthGenerator.Generate(options, a.Path);
        SynthGenerator.Generate(options, b.Path);
        var fa = ReadAll(a.Path);
        var fb = ReadAll(b.Path);
        Assert.Equal(fa.Keys.Order(), fb.Keys.Order());
        Assert.Equal(8, fa.Count); // logs, blocks, 4 etl files, labels, ground truth, nothing else
        foreach (var (name, bytes) in fa) Assert.True(bytes.AsSpan().SequenceEqual(fb[name]), $"{name} differs between two runs");
    }

    [Fact]
    public void Generate_DifferentSeed_WritesDifferentHistory()
    {
        using var a = new SynthTempDir();
        using var b = new SynthTempDir();
        var ra = SynthGenerator.Generate(new SynthOptions { Seed = 1 }, a.Path);
        var rb = SynthGenerator.Generate(new SynthOptions { Seed = 2 }, b.Path);
        Assert.False(File.ReadAllBytes(ra.JsonRpcFiles[0]).AsSpan().SequenceEqual(File.ReadAllBytes(rb.JsonRpcFiles[0])));
        Assert.False(File.ReadAllBytes(ra.GroundTruthJson).AsSpan().SequenceEqual(File.ReadAllBytes(rb.GroundTruthJson)));
        Assert.Equal(ra.Transfers, rb.Transfers);
    }

    [Fact]
    public void Generate_Gzip_DecompressesToTheSameBytesAsPlain()
    {
        using var plain = new SynthTempDir();
        using var gz = new SynthTempDir();
        var options = new SynthOptions { Seed = 5, Formats = SynthFormats.All };
        var rp = SynthGenerator.Generate(options, plain.Path);
        var rg = SynthGenerator.Generate(new SynthOptions { Seed = 5, Formats = SynthFormats.All, Gzip = true }, gz.Path);
        Assert.All(rg.JsonRpcFiles, f => Assert.EndsWith(".jsonl.gz", f, StringComparison.Ordinal));
        Assert.All(Directory.GetFiles(rg.EtlDirectory!), f => Assert.EndsWith(".csv.gz", f, StringComparison.Ordinal));
        var fp = ReadAll(plain.Path);
        var fg = ReadAll(gz.Path, gunzip: true);
        Assert.Equal(fp.Keys.Order(), fg.Keys.Order());
        foreach (var (name, bytes) in fp) Assert.True(bytes.AsSpan().SequenceEqual(fg[name]), $"{name} differs between plain and gzip");
        Assert.Equal(rp.Transfers, rg.Transfers);
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(23_457)]
    public void Generate_WritesExactlyTheRequestedTransfers(long transfers)
    {
        using var dir = new SynthTempDir();
        var output = SynthOutput.Generate(new SynthOptions { Seed = 9, Transfers = transfers }, dir.Path);
        Assert.Equal(transfers, output.Transfers.LongCount());
        Assert.Equal(transfers, output.Result.Transfers);
        Assert.Equal(transfers, output.Truth.Totals.Transfers);
        Assert.Equal(output.Blocks.Count, output.Result.Blocks);
        Assert.Equal(output.Blocks.Sum(b => b.Transactions.Count), output.Result.Transactions);
        Assert.Equal(output.Blocks.Sum(b => b.Transactions.Count(t => !t.Value.IsZero)), output.Result.NativeTransfers);
        Assert.Equal(output.Logs.Count(l => l.Kind == "Approval"), output.Result.Approvals);
        Assert.Equal(output.Result.Approvals, output.Truth.Totals.Approvals);
        Assert.Equal(output.Result.NativeTransfers, output.Truth.Totals.NativeTransfers);
    }

    [Fact]
    public void Generate_OnlyEtl_WritesNoJsonRpcFiles()
    {
        using var dir = new SynthTempDir();
        var r = SynthGenerator.Generate(new SynthOptions { Formats = SynthFormats.Etl }, dir.Path);
        Assert.Empty(r.JsonRpcFiles);
        Assert.NotNull(r.EtlDirectory);
        Assert.False(File.Exists(Path.Combine(dir.Path, "logs.jsonl")));
        Assert.Equal(4, Directory.GetFiles(r.EtlDirectory!).Length);
    }

    [Fact]
    public void Generate_ReportsProgressUpToTheTotal()
    {
        using var dir = new SynthTempDir();
        var seen = new List<long>();
        var progress = new SyncProgress(seen.Add);
        var r = SynthGenerator.Generate(new SynthOptions { Transfers = 30_000 }, dir.Path, progress);
        Assert.NotEmpty(seen);
        Assert.Equal(r.Transfers, seen[^1]);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First <= p.Second));
    }

    [Fact]
    public void Generate_Cancelled_Throws()
    {
        using var dir = new SynthTempDir();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => SynthGenerator.Generate(new SynthOptions(), dir.Path, null, cts.Token));
    }

    [Theory]
    [InlineData(9_999, 0, 0, SynthFormats.JsonRpc)]
    [InlineData(50_000_001, 0, 0, SynthFormats.JsonRpc)]
    [InlineData(10_000, -1, 0, SynthFormats.JsonRpc)]
    [InlineData(10_000, 0, -1, SynthFormats.JsonRpc)]
    [InlineData(10_000, 0, 0, (SynthFormats)0)]
    public void Generate_InvalidOptions_Throws(long transfers, int exchanges, int cases, SynthFormats formats)
    {
        using var dir = new SynthTempDir();
        var options = new SynthOptions { Transfers = transfers, Exchanges = exchanges, LaunderingCases = cases, Formats = formats };
        Assert.ThrowsAny<ArgumentException>(() => SynthGenerator.Generate(options, dir.Path));
    }

    [Fact]
    public void Generate_TooManyCasesForTheSize_Throws()
    {
        using var dir = new SynthTempDir();
        var ex = Assert.Throws<ArgumentException>(() => SynthGenerator.Generate(new SynthOptions { LaunderingCases = 2_000 }, dir.Path));
        Assert.Contains("laundering cases", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_ExplicitCounts_AreHonoured()
    {
        using var dir = new SynthTempDir();
        var output = SynthOutput.Generate(new SynthOptions { Seed = 4, Exchanges = 3, LaunderingCases = 6 }, dir.Path);
        Assert.Equal(3, output.Truth.Entities.Count(e => e.Kind == "exchange"));
        Assert.Equal(6, output.Truth.Cases.Count);
        Assert.Equal(["peel-chain", "fan-out-fan-in", "mixing", "blacklisted-end", "peel-chain", "fan-out-fan-in"], output.Truth.Cases.Select(c => c.Kind));
    }

    [Fact]
    public void Generate_DefaultCounts_ScaleWithSize()
    {
        using var small = new SynthTempDir();
        using var larger = new SynthTempDir();
        var a = GroundTruth.Load(SynthGenerator.Generate(new SynthOptions { Transfers = 10_000 }, small.Path).GroundTruthJson);
        var b = GroundTruth.Load(SynthGenerator.Generate(new SynthOptions { Transfers = 100_000 }, larger.Path).GroundTruthJson);
        Assert.Equal(5, a.Entities.Count(e => e.Kind == "exchange"));
        Assert.Equal(4, a.Cases.Count);
        Assert.True(b.Entities.Count(e => e.Kind == "exchange") > 5);
        Assert.True(b.Cases.Count > 4);
    }

    [Fact]
    public void Generate_StartBlockAndTimestamp_AreUsed()
    {
        using var dir = new SynthTempDir();
        var output = SynthOutput.Generate(new SynthOptions { StartBlock = 5_000_000, StartTimestamp = 1_500_000_000 }, dir.Path);
        Assert.Equal(5_000_000UL, output.Blocks[0].Number);
        Assert.Equal(1_500_000_000, output.Blocks[0].Timestamp);
        Assert.Equal(1_500_000_012, output.Blocks[1].Timestamp);
        Assert.Equal(output.Blocks[^1].Number, output.Truth.Run.EndBlock);
    }

    [Fact]
    public void Generate_TronProfile_UsesMillisecondsMintsAndBase58Labels()
    {
        using var dir = new SynthTempDir();
        var output = SynthOutput.Generate(new SynthOptions { Profile = ChainProfile.Tron, Seed = 2 }, dir.Path);
        Assert.Null(output.Truth.Run.Issuer);
        Assert.True(output.Truth.Run.TimestampsInMilliseconds);
        Assert.Equal(1_693_000_000_000, output.Blocks[0].Timestamp);
        Assert.Equal(1_693_000_003_000, output.Blocks[1].Timestamp);
        Assert.Equal(output.Blocks[0].Timestamp, output.Logs[0].BlockTimestamp);
        Assert.DoesNotContain(output.Logs, l => l.Kind == "Issue");
        Assert.Contains(output.Transfers, t => t.From.IsZero);
        Assert.All(output.Labels, l => Assert.StartsWith("T", l.Text, StringComparison.Ordinal));
        Assert.Equal("0x" + Convert.ToHexStringLower(ChainProfile.Tron.DefaultToken.Contract.ToArray()), output.Logs[0].Contract);
    }

    /// <summary>A multi-million run in every format, gzip, stays exact (CHAINTRACE_HEAVY=1).</summary>
    [HeavyFact]
    public void Generate_FiveMillionTransfers_AllFormatsGzip_ExactCounts()
    {
        using var dir = new SynthTempDir();
        var r = SynthGenerator.Generate(new SynthOptions { Seed = 5, Transfers = 5_000_000, Formats = SynthFormats.All, Gzip = true }, dir.Path);
        Assert.Equal(5_000_000, r.Transfers);
        var truth = GroundTruth.Load(r.GroundTruthJson);
        Assert.Equal(5_000_000, truth.Totals.Transfers);
        Assert.Equal(12, truth.Cases.Count);
        Assert.Equal(18, truth.Entities.Count(e => e.Kind == "exchange")); // 5 + 5·2 decades + 3 for the ×5
        long rows = SynthOutput.ReadLines(Path.Combine(r.EtlDirectory!, "token_transfers.csv.gz")).LongCount() - 1;
        Assert.Equal(5_000_000, rows);
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
