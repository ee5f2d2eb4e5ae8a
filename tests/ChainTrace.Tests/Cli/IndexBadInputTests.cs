using System.IO.Compression;
using System.Text.RegularExpressions;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using Xunit;

namespace ChainTrace.Tests.Cli;

/// <summary>
/// Bad input through the real command line: each kind stops the run with exit code 2 and one stderr line naming
/// the file and the line or byte offset, and leaves the store exactly as it was (digest of every column family).
/// </summary>
public sealed partial class IndexBadInputTests(SynthFixture synth) : IClassFixture<SynthFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static IReadOnlyDictionary<string, string> Digest(string db)
    {
        using var store = ChainTraceStore.Open(db, new StoreOptions { Profile = ChainProfile.Ethereum, CreateIfMissing = false });
        return store.ComputeDigest();
    }

    /// <summary>A store holding the good logs, and its digest.</summary>
    private async Task<(string Db, IReadOnlyDictionary<string, string> Digest)> IndexedStoreAsync(TempDir dir)
    {
        var db = dir.File("db");
        var ok = await CliRunner.RunAsync("index", "--db", db, synth.LogsFile);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        return (db, Digest(db));
    }

    /// <summary>Copies the logs with line <paramref name="lineIndex"/> (0-based) rewritten; returns the copy's path.</summary>
    private string CorruptCopy(TempDir dir, string name, Func<string, string> corrupt, out int lineNumber, int? lineIndex = null)
    {
        var lines = File.ReadAllLines(synth.LogsFile);
        int i = lineIndex ?? lines.Length / 2;
        var changed = corrupt(lines[i]);
        Assert.NotEqual(lines[i], changed);
        lines[i] = changed;
        lineNumber = i + 1;
        var path = dir.File(name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private static string ReplaceAfter(string line, string marker, Func<string, string> rest)
    {
        int at = line.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no {marker} in the line");
        at += marker.Length;
        return line[..at] + rest(line[at..]);
    }

    public static TheoryData<string, string> LineCorruptions => new()
    {
        { "malformed-json", "cut" },
        { "bad-hex", "hex" },
        { "wrong-length", "length" },
        { "rpc-error", "error" },
    };

    [Theory]
    [MemberData(nameof(LineCorruptions))]
    public async Task BadLine_ExitsTwo_WithOneLineNamingFileAndLine_AndStoreUnchanged(string name, string kind)
    {
        using var dir = new TempDir();
        var (db, before) = await IndexedStoreAsync(dir);
        var bad = CorruptCopy(dir, $"{name}.jsonl", kind switch
        {
            "cut" => l => l[..(l.Length / 2)],
            "hex" => l => ReplaceAfter(l, "\"data\":\"0x", r => "zz" + r[2..]),
            "length" => l => ReplaceAfter(l, "\"address\":\"0x", r => r[2..]),
            _ => _ => "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32005,\"message\":\"query returned more than 10000 results\"}}",
        }, out int line);

        var r = await CliRunner.RunProcessAsync(Timeout, "index", "--db", db, bad);

        Assert.True(r.ExitCode == 2, r.ToString());
        var errLines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(errLines.Length == 1, r.ToString());
        Assert.Contains($"{name}.jsonl:{line}", errLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        if (kind == "error") Assert.Contains("more than 10000 results", errLines[0], StringComparison.Ordinal);
        Assert.Equal(before, Digest(db));
    }

    [Fact]
    public async Task TruncatedGzip_ExitsTwo_NamingFileAndOffset_AndStoreUnchanged()
    {
        using var dir = new TempDir();
        var (db, before) = await IndexedStoreAsync(dir);
        var gz = dir.File("logs.jsonl.gz");
        using (var output = File.Create(gz))
        using (var zip = new GZipStream(output, CompressionLevel.Fastest))
        using (var input = File.OpenRead(synth.LogsFile))
            input.CopyTo(zip);
        var bytes = File.ReadAllBytes(gz);
        File.WriteAllBytes(gz, bytes[..(bytes.Length * 2 / 3)]);

        var r = await CliRunner.RunProcessAsync(Timeout, "index", "--db", db, gz);

        Assert.True(r.ExitCode == 2, r.ToString());
        var errLines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(errLines.Length == 1, r.ToString());
        Assert.Contains("logs.jsonl.gz", errLines[0], StringComparison.Ordinal);
        Assert.Matches(@"logs\.jsonl\.gz(:\d+)?( \(byte \d+\))?", errLines[0]);
        Assert.True(Regex.IsMatch(errLines[0], @"\(byte \d+\)|\.gz:\d+"), errLines[0]);
        Assert.Equal(before, Digest(db));
    }

    [Fact]
    public async Task UnknownFormat_ExitsTwo_WithOneLine_AndStoreUnchanged()
    {
        using var dir = new TempDir();
        var (db, before) = await IndexedStoreAsync(dir);
        var odd = dir.Write("notes.xyz", "this is not chain data\n");

        var r = await CliRunner.RunProcessAsync(Timeout, "index", "--db", db, odd);

        Assert.True(r.ExitCode == 2, r.ToString());
        var errLines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(errLines.Length == 1, r.ToString());
        Assert.Contains("notes.xyz", errLines[0], StringComparison.Ordinal);
        Assert.Equal(before, Digest(db));
    }

    [Fact]
    public async Task SkipBad_CountsEachBadRecord_AndKeepsTheGoodOnes()
    {
        using var dir = new TempDir();
        var (db, before) = await IndexedStoreAsync(dir);
        var lines = File.ReadAllLines(synth.LogsFile);
        var picks = new[] { lines.Length / 4, lines.Length / 2, 3 * lines.Length / 4 };
        foreach (var i in picks) lines[i] = ReplaceAfter(lines[i], "\"data\":\"0x", r => "zz" + r[2..]);
        var bad = dir.File("three-bad.jsonl");
        File.WriteAllText(bad, string.Join('\n', lines) + "\n");

        var r = await CliRunner.RunAsync("index", "--db", db, "--skip-bad", bad);

        Assert.True(r.ExitCode == 0, r.ToString());
        var m = BadRecordsRow().Match(r.Out);
        Assert.True(m.Success, r.Out);
        Assert.Equal(picks.Length, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var i in picks) Assert.Contains($"three-bad.jsonl:{i + 1}", r.Out, StringComparison.Ordinal);
        // Everything else in the file was already indexed: re-indexing it changes nothing.
        Assert.Equal(before, Digest(db));
    }

    [GeneratedRegex(@"\bbad records\s*[│|]\s*([\d,]+)")]
    private static partial Regex BadRecordsRow();
}
