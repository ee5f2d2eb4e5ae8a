using System.Globalization;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using ChainTrace.Tests.Cli;
using ChainTrace.Tests.Storage;
using Spectre.Console.Testing;
using Xunit;

namespace ChainTrace.Tests.Ingest.Node;

/// <summary><c>chaintrace sync</c> end to end against the loopback node.</summary>
public sealed class SyncCliTests
{
    [Fact]
    public async Task SyncCommand_BuildsTheSameStoreAsIndex_AndPrintsTheSummary()
    {
        using var dir = new StoreDir();
        var synth = SynthGenerator.Generate(new SynthOptions { Seed = 12, Transfers = 10_000 }, dir.Sub("synth"));
        var chain = new NodeChain();
        chain.LoadLogs(synth.JsonRpcFiles[0]);
        chain.LoadBlocks(synth.JsonRpcFiles[1]);
        using var node = new FakeNode(chain) { MaxLogs = 2_000 };
        string first = chain.Blocks.Keys.Min().ToString(CultureInfo.InvariantCulture);

        var i = await CliRunner.RunAsync(["index", "--db", dir.Sub("index"), "--mode", "incremental", .. synth.JsonRpcFiles]);
        Assert.True(i.ExitCode == 0, i.ToString());
        var s = await CliRunner.RunAsync(["sync", "--db", dir.Sub("sync"), "--rpc", node.Url.ToString(), "--from-block", first,
            "--confirmations", "0", "--blocks", "all", "--range", "100000000"]);
        Assert.True(s.ExitCode == 0, s.ToString());
        Assert.Contains("transfers stored", s.Out, StringComparison.Ordinal);
        Assert.True(node.TooManyErrors > 0);

        // Run again without --from-block: resumes after the indexed head, nothing new.
        var again = await CliRunner.RunAsync(["sync", "--db", dir.Sub("sync"), "--rpc", node.Url.ToString(), "--confirmations", "0"]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("none new", again.Out, StringComparison.Ordinal);

        using var a = ChainTraceStore.Open(dir.Sub("index"), new StoreOptions { CreateIfMissing = false });
        using var b = ChainTraceStore.Open(dir.Sub("sync"), new StoreOptions { CreateIfMissing = false });
        var da = a.ComputeDigest();
        var db = b.ComputeDigest();
        foreach (var (cf, digest) in da)
            Assert.True(db.TryGetValue(cf, out var other) && other == digest, $"column family '{cf}' differs");

    }

    [Fact]
    public async Task SyncFollow_PicksUpNewBlocks_UntilCancelled()
    {
        using var dir = new StoreDir();
        var synth = SynthGenerator.Generate(new SynthOptions { Seed = 14, Transfers = 10_000 }, dir.Sub("synth"));
        var chain = new NodeChain();
        chain.LoadLogs(synth.JsonRpcFiles[0]);
        chain.LoadBlocks(synth.JsonRpcFiles[1]);
        ulong head = chain.Head;
        chain.HeadOverride = head - 100;
        using var node = new FakeNode(chain);
        string first = chain.Blocks.Keys.Min().ToString(CultureInfo.InvariantCulture);
        using var console = new TestConsole().Width(200);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var run = ChainTrace.Cli.Program.RunAsync(["sync", "--db", dir.Sub("sync"), "--rpc", node.Url.ToString(), "--from-block", first,
            "--confirmations", "0", "--follow", "--poll", "1"], console, new StringWriter(), cts.Token);

        await WaitFor(() => Interlocked.Read(ref node.MaxLogsToBlock) >= (long)(head - 100), run);
        chain.HeadOverride = null; // new blocks arrive
        await WaitFor(() => Interlocked.Read(ref node.MaxLogsToBlock) >= (long)head, run);
        int calls = Volatile.Read(ref node.HeadCalls);
        await WaitFor(() => Volatile.Read(ref node.HeadCalls) > calls, run); // the next poll began: the last sync is committed
        await cts.CancelAsync();
        int code = await run;
        Assert.True(code is 0 or 130, $"exit {code}\n{console.Output}");

        using var indexed = dir.Open("index");
        await new ChainTrace.Indexing.Indexer(indexed).IndexAsync(synth.JsonRpcFiles, new ChainTrace.Indexing.IndexOptions());
        using var synced = ChainTraceStore.Open(dir.Sub("sync"), new StoreOptions { CreateIfMissing = false });
        Assert.Equal(indexed.IndexedHead, synced.IndexedHead);
        Assert.Equal(indexed.GetStats().TransferCount, synced.GetStats().TransferCount);
    }

    private static async Task WaitFor(Func<bool> condition, Task run)
    {
        for (int i = 0; i < 600 && !condition(); i++)
        {
            Assert.False(run.IsCompleted, "sync --follow ended by itself");
            await Task.Delay(100);
        }
        Assert.True(condition(), "timed out waiting for the follow loop");
    }

    [Fact]
    public async Task SyncCommand_WrongChain_IsAOneLineError()
    {
        using var dir = new StoreDir();
        using var node = new FakeNode(new NodeChain(), chainId: 137);
        var r = await CliRunner.RunAsync(["sync", "--db", dir.Sub("db"), "--rpc", node.Url.ToString()]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("chain id 137", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rpc", "ftp://x")]
    [InlineData("--rpc", "http://127.0.0.1:1/", "--blocks", "some")]
    [InlineData("--rpc", "http://127.0.0.1:1/", "--from-block", "10", "--to-block", "5")]
    public async Task SyncCommand_BadOptions_AreUsageErrors(params string[] args)
    {
        using var dir = new StoreDir();
        var r = await CliRunner.RunAsync(["sync", "--db", dir.Sub("db"), .. args]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.False(Directory.Exists(dir.Sub("db")), "a usage error must not create a store");
    }

    [Fact]
    public async Task SyncHelp_DescribesEveryOption()
    {
        var r = await CliRunner.RunAsync("sync", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var option in new[] { "--rpc", "--from-block", "--to-block", "--confirmations", "--follow", "--token" })
            Assert.Contains(option, r.Out, StringComparison.Ordinal);
    }
}
