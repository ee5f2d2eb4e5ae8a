using System.Text.Json;
using System.Text.Json.Nodes;
using ChainTrace.Primitives;
using ChainTrace.Reporting;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using ChainTrace.Tests.Cli;
using ChainTrace.Tracing;
using Xunit;

namespace ChainTrace.Tests.Tracing;

/// <summary>A synthetic chain indexed once through the CLI for the trace/totals command tests.</summary>
public sealed class IndexedSynthFixture : IDisposable
{
    private readonly TempDir _dir = new("ct-trace-cli");

    public IndexedSynthFixture()
    {
        var synth = SynthGenerator.Generate(new SynthOptions { Seed = 5, Transfers = SynthOptions.MinTransfers, Formats = SynthFormats.JsonRpc },
            _dir.File("synth"), null, CancellationToken.None);
        Truth = GroundTruth.Load(synth.GroundTruthJson);
        Db = _dir.File("db");
        var index = CliRunner.RunAsync(["index", "--db", Db, .. synth.JsonRpcFiles]).GetAwaiter().GetResult();
        if (index.ExitCode != 0) throw new InvalidOperationException(index.ToString());
        var labels = CliRunner.RunAsync("labels", "import", "--db", Db, synth.LabelsCsv).GetAwaiter().GetResult();
        if (labels.ExitCode != 0) throw new InvalidOperationException(labels.ToString());
    }

    public string Db { get; }

    public GroundTruth Truth { get; }

    public string Seed => Truth.Cases[0].Seeds[0];

    public void Dispose() => _dir.Dispose();
}

public class TraceCliTests(IndexedSynthFixture chain) : IClassFixture<IndexedSynthFixture>
{
    private static string WithoutStats(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("stats");
        return node.ToJsonString();
    }

    [Fact]
    public async Task Trace_Json_IsTheLibraryResult()
    {
        var c = chain.Truth.Cases[0];
        var r = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", chain.Seed, "--model", "all", "--hops", c.MaxHops.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--since", c.FromBlock.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        string expected;
        using (var store = ChainTraceStore.Open(chain.Db, new StoreOptions { CreateIfMissing = false, ReadOnly = true }))
        {
            var result = new Tracer(store).Trace(new TraceOptions { Seeds = [Address.Parse(chain.Seed)], Models = TraceModel.All, Hops = c.MaxHops, SinceBlock = c.FromBlock });
            expected = TraceJsonWriter.ToJson(result);
        }
        Assert.Equal(WithoutStats(expected), WithoutStats(r.Out));
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(4, doc.RootElement.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Trace_Table_ShowsTerminalsFirstThenTheSummary()
    {
        var r = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", chain.Seed, "--model", "haircut,fifo", "--hops", "8");
        Assert.True(r.ExitCode == 0, r.ToString());
        int terminals = r.Out.IndexOf("terminal(s)", StringComparison.Ordinal);
        int summary = r.Out.IndexOf("Summary", StringComparison.Ordinal);
        Assert.True(terminals >= 0 && summary > terminals, r.Out);
        Assert.Contains("haircut", r.Out, StringComparison.Ordinal);
        Assert.Contains("fifo", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv", "model,record,address")]
    [InlineData("dot", "digraph chaintrace {")]
    public async Task Trace_OtherFormats_WriteToTheOutFile(string format, string start)
    {
        using var dir = new TempDir();
        var file = dir.File("out." + format);
        var r = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", chain.Seed, "--format", format, "--out", file);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith(start, File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown-address", "--from", "0x00000000000000000000000000000000000000aa", "Unknown address")]
    [InlineData("other-chain", "--from", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "is a TRON address")]
    [InlineData("hops", "--hops", "0", "--hops must be between 1 and 64")]
    [InlineData("hops-high", "--hops", "65", "--hops must be between 1 and 64")]
    [InlineData("window", "--since", "200000000", "starts after it ends")]
    [InlineData("model", "--model", "weighted", "Unknown model")]
    [InlineData("fifo-backward", "--direction", "backward", "Backward tracing supports")]
    [InlineData("min-amount", "--min-amount", "1.1234567", "--min-amount")]
    public async Task Trace_BadInput_OneLineErrorAndExitCode2(string name, string option, string value, string message)
    {
        var args = new List<string> { "trace", "--db", chain.Db };
        if (option != "--from") args.AddRange(["--from", chain.Seed]);
        args.AddRange([option, value]);
        if (name == "window") args.AddRange(["--until", "100"]);
        if (name == "fifo-backward") args.AddRange(["--model", "fifo"]);
        var r = await CliRunner.RunAsync([.. args]);
        Assert.True(r.ExitCode == 2, $"{name}: {r}");
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length <= 2 && !r.Err.Contains("   at ", StringComparison.Ordinal), $"{name}: {r}");
        Assert.True(r.Err.Contains(message, StringComparison.Ordinal), $"{name}: {r}");
    }

    [Fact]
    public async Task Totals_Json_HasVictimsOffRampsAndHoldings()
    {
        using var dir = new TempDir();
        var seeds = dir.Write("seeds.txt", "# the collector\n" + chain.Seed + "\n");
        var r = await CliRunner.RunAsync("totals", "--db", chain.Db, "--seeds", seeds, "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        var c = chain.Truth.Cases[0];
        Assert.Equal(c.Victims.Count, root.GetProperty("received_from_outside").GetProperty("distinct_senders").GetInt32());
        var seeded = UInt256.Parse(c.Seeded).ToTokenString(6);
        Assert.Equal(seeded, root.GetProperty("received_from_outside").GetProperty("amount").GetString());
        Assert.Equal(4, root.GetProperty("summaries").GetArrayLength());
        Assert.True(root.GetProperty("off_ramps").GetArrayLength() > 0);
        var table = await CliRunner.RunAsync("totals", "--db", chain.Db, "--seeds", chain.Seed);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Off-ramps reached", table.Out, StringComparison.Ordinal);
    }
}
