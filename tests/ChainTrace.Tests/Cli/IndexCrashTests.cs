using System.Diagnostics;
using ChainTrace.Indexing;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using Xunit;
using Xunit.Abstractions;

namespace ChainTrace.Tests.Cli;

/// <summary>
/// Crash safety end to end: index a generated chain in a child process, SIGKILL it at random moments (during the
/// bulk load and during incremental batches), rerun the same command to completion, and require every column
/// family's digest to equal that of one uninterrupted run.
/// </summary>
public sealed class IndexCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static IReadOnlyDictionary<string, string> Digest(string db)
    {
        using var store = ChainTraceStore.Open(db, new StoreOptions { Profile = ChainProfile.Ethereum, CreateIfMissing = false });
        return store.ComputeDigest();
    }

    private static SynthResult Generate(string dir, long transfers, int seed) =>
        SynthGenerator.Generate(new SynthOptions
        {
            Seed = seed,
            Transfers = transfers,
            Profile = ChainProfile.Ethereum,
            Formats = SynthFormats.JsonRpc,
        }, dir, null, CancellationToken.None);

    /// <summary>Runs <c>index</c> in a child process and SIGKILLs it after <paramref name="delay"/>; false if it finished first.</summary>
    private async Task<bool> RunAndKillAsync(string[] args, TimeSpan delay)
    {
        using var p = CliRunner.Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await Task.WhenAny(p.WaitForExitAsync(), Task.Delay(delay));
        bool killed = !p.HasExited;
        if (killed) p.Kill();                      // SIGKILL on Unix: no chance to flush or clean up
        await p.WaitForExitAsync();
        var outText = await stdout;
        var err = await stderr;
        output.WriteLine($"  delay {delay.TotalMilliseconds:0} ms: {(killed ? "killed" : $"finished first (exit {p.ExitCode})")}");
        if (!killed) Assert.True(p.ExitCode == 0, outText + err);
        return killed;
    }

    private async Task CrashAndRecoverAsync(string mode, long transfers, int kills, int seed)
    {
        using var dir = new TempDir("ct-crash");
        var synth = Generate(dir.File("chain"), transfers, seed);
        var files = synth.JsonRpcFiles.ToArray();

        // One uninterrupted run, in-process through the same library the CLI uses.
        var reference = dir.File("reference");
        using (var store = ChainTraceStore.Open(reference, new StoreOptions { Profile = ChainProfile.Ethereum }))
            await new Indexer(store).IndexAsync(files, new IndexOptions { Mode = Enum.Parse<IndexMode>(mode, true) }, null, CancellationToken.None);
        var expected = Digest(reference);

        // The same command, killed again and again, then run to completion.
        var db = dir.File("crashed");
        string[] args = ["index", "--db", db, "--mode", mode, .. files];
        var sw = Stopwatch.StartNew();
        var full = await CliRunner.RunProcessAsync(Timeout, ["index", "--db", dir.File("timing"), "--mode", mode, .. files]);
        Assert.True(full.ExitCode == 0, full.ToString());
        var runTime = sw.Elapsed;
        output.WriteLine($"{mode}: uninterrupted child run {runTime.TotalMilliseconds:0} ms");

        // Kill points spread over the run: the first well inside it (the store is empty: the bulk path in auto
        // mode), later ones earlier, as each rerun has less left to do (resuming, then incremental batches).
        // A run that finishes before its kill leaves a complete store, so later kills would hit no-op reruns; on
        // a loaded (or fast) machine that happens, so such an attempt starts over on a fresh store with the time
        // scale halved, until the wanted number of kills landed mid-run (bounded attempts).
        var rng = new Random(seed);
        int killedCount = 0, k = 0;
        double t = runTime.TotalMilliseconds;
        for (int attempt = 0; killedCount < kills && attempt < kills * 4; attempt++)
        {
            double lo = k == 0 ? 0.35 : 0.2, hi = k == 0 ? 0.8 : 0.6;
            var delay = TimeSpan.FromMilliseconds(t * (lo + rng.NextDouble() * (hi - lo)));
            if (await RunAndKillAsync(args, delay))
            {
                killedCount++;
                k++;
            }
            else
            {
                Directory.Delete(db, recursive: true);
                t *= 0.5;
                k = 0;
                killedCount = 0;
            }
        }
        var final = await CliRunner.RunProcessAsync(Timeout, args);
        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.True(killedCount > 0, "no run was killed mid-way: the chain is too small for this machine");

        var actual = Digest(db);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (cf, hash) in expected)
            Assert.True(actual[cf] == hash, $"column family '{cf}' differs after {killedCount} kills ({mode})");
    }

    [Fact]
    public Task Sigkill_DuringBulkLoad_ThenRerun_EqualsUninterruptedRun() =>
        CrashAndRecoverAsync("bulk", transfers: 40_000, kills: 3, seed: 21);

    [Fact]
    public Task Sigkill_DuringIncrementalBatches_ThenRerun_EqualsUninterruptedRun() =>
        CrashAndRecoverAsync("incremental", transfers: 40_000, kills: 3, seed: 22);

    [HeavyFact]
    public Task Heavy_ManySigkills_OnALargerChain() =>
        CrashAndRecoverAsync("auto", transfers: 400_000, kills: 12, seed: 23);
}
