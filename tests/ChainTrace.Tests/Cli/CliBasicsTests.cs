using ChainTrace.Cli.Infrastructure;
using Xunit;

namespace ChainTrace.Tests.Cli;

public sealed class CliBasicsTests
{
    [Fact]
    public async Task Version_PrintsTheAssemblyVersion_AndExitsZero()
    {
        var r = await CliRunner.RunAsync("--version");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(ErrorReporter.Version, r.Out.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", r.Out.Trim());
    }

    [Fact]
    public async Task UnknownCommand_IsOneLineOnStderr_ExitTwo()
    {
        var r = await CliRunner.RunAsync("frobnicate");
        Assert.Equal(2, r.ExitCode);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("chaintrace: error:", lines[0], StringComparison.Ordinal);
        Assert.Contains("frobnicate", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChildProcess_UnknownOption_ExitTwo_NoStackTrace()
    {
        var r = await CliRunner.RunProcessAsync(TimeSpan.FromSeconds(60), "--no-such-option");
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("index")]
    [InlineData("stats")]
    [InlineData("address")]
    [InlineData("labels", "import")]
    [InlineData("export", "transfers")]
    [InlineData("synth")]
    [InlineData("trace")]
    [InlineData("totals")]
    [InlineData("demo")]
    public async Task Help_OfEveryCommand_RendersWithDescriptions(params string[] command)
    {
        var r = await CliRunner.RunAsync([.. command, "--help"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("USAGE:", r.Out, StringComparison.Ordinal);
        Assert.Contains("--help", r.Out, StringComparison.Ordinal);
        Assert.Empty(r.Err);
        // Every option line carries a description (the last column is not empty).
        var options = r.Out[r.Out.IndexOf("OPTIONS:", StringComparison.Ordinal)..].Split('\n')
            .Where(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal) || l.TrimStart().StartsWith("-h", StringComparison.Ordinal));
        Assert.All(options, l => Assert.Matches(@"\S\s{2,}\S.*\w", l.Trim()));
    }

    [Fact]
    public async Task Help_OfTheApp_ListsEveryCommand()
    {
        var r = await CliRunner.RunAsync("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var c in new[] { "index", "stats", "address", "labels", "export", "synth", "trace", "totals", "demo" })
            Assert.Matches($@"(?m)^\s+{c}\b", r.Out);
    }

    [Theory]
    [InlineData(new[] { "--db", "x", "stats" }, new[] { "stats", "--db", "x" })]
    [InlineData(new[] { "--db=x", "--chain", "tron", "labels", "import", "a.csv" }, new[] { "labels", "import", "--db=x", "--chain", "tron", "a.csv" })]
    [InlineData(new[] { "stats", "--db", "x" }, new[] { "stats", "--db", "x" })]
    [InlineData(new[] { "--db", "x" }, new[] { "--db", "x" })]
    public void GlobalOptions_BeforeTheCommand_AreMovedBehindIt(string[] input, string[] expected)
    {
        Assert.Equal(expected, GlobalOptions.MoveBeforeCommand(input));
    }
}
