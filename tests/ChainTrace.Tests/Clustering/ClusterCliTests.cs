using System.Globalization;
using System.Text.Json.Nodes;
using ChainTrace.Clustering;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using ChainTrace.Tests.Cli;
using Xunit;

namespace ChainTrace.Tests.Clustering;

/// <summary>A synthetic chain indexed and clustered through the CLI, shared by the cluster command tests.</summary>
public sealed class ClusteredSynthFixture : IDisposable
{
    private readonly TempDir _dir = new("ct-cluster-cli");

    public ClusteredSynthFixture()
    {
        var synth = SynthGenerator.Generate(new SynthOptions { Seed = 9, Transfers = SynthOptions.MinTransfers }, _dir.File("synth"));
        Truth = GroundTruth.Load(synth.GroundTruthJson);
        Db = _dir.File("db");
        Run(["index", "--db", Db, .. synth.JsonRpcFiles]);
        Run(["labels", "import", "--db", Db, synth.LabelsCsv]);
        ClusterOutput = Run(["cluster", "--db", Db]);
    }

    public string Db { get; }

    public GroundTruth Truth { get; }

    internal CliResult ClusterOutput { get; }

    /// <summary>A deposit address with at least two senders: two addresses that must share a cluster.</summary>
    public TruthDeposit SharedDeposit => Truth.DepositAddresses.First(d => d.Senders.Count >= 2);

    /// <summary>A deposit address of an ordinary customer (no labels) with at least two senders.</summary>
    public TruthDeposit CustomerDeposit => Truth.DepositAddresses.First(d => d.Senders.Count >= 2 && d.User.StartsWith("customer", StringComparison.Ordinal));

    private static CliResult Run(string[] args)
    {
        var r = CliRunner.RunAsync(args).GetAwaiter().GetResult();
        if (r.ExitCode != 0) throw new InvalidOperationException(r.ToString());
        return r;
    }

    public ChainTraceStore OpenStore() => ChainTraceStore.Open(Db, new StoreOptions { CreateIfMissing = false, ReadOnly = true });

    public void Dispose() => _dir.Dispose();
}

public sealed class ClusterCliTests(ClusteredSynthFixture chain) : IClassFixture<ClusteredSynthFixture>
{
    [Fact]
    public void Cluster_PrintsASummaryThatMatchesTheStore()
    {
        using var store = chain.OpenStore();
        var stored = new Clusterer(store).Store.ScanClusters().ToList();
        Assert.NotEmpty(stored);
        Assert.Contains("Clusters (full rebuild)", chain.ClusterOutput.Out, StringComparison.Ordinal);
        Assert.Contains("deposit addresses", chain.ClusterOutput.Out, StringComparison.Ordinal);
        Assert.Contains(stored.Count.ToString("N0", CultureInfo.InvariantCulture), chain.ClusterOutput.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_Json_ReportsTheSameFiguresAsTheLibrary()
    {
        using var dir = new TempDir("ct-cluster-copy");
        CopyDirectory(chain.Db, dir.File("db"));
        var r = await CliRunner.RunAsync("cluster", "--db", dir.File("db"), "--format", "json", "--heuristics", "deposit,gas");
        Assert.True(r.ExitCode == 0, r.ToString());
        var json = JsonNode.Parse(r.Out)!;
        using var store = ChainTraceStore.Open(dir.File("db"), new StoreOptions { CreateIfMissing = false, ReadOnly = true });
        var clusters = new Clusterer(store).Store;
        Assert.Equal(clusters.ScanClusters().Count(), (int)json["clusters"]!);
        Assert.Equal(clusters.ScanClusters().Sum(c => (long)c.Header.Size), (long)json["clustered_addresses"]!);
        Assert.Equal(0, (long)json["links"]!["approval"]!); // approvals were switched off
        Assert.True((long)json["links"]!["deposit"]! > 0);
        Assert.Equal(clusters.ScanDeposits().Count(), (int)json["deposit_addresses"]!);
    }

    [Fact]
    public async Task ClusterShow_Json_ListsBothCustomersOfADepositAddress()
    {
        var dep = chain.SharedDeposit;
        var r = await CliRunner.RunAsync("cluster", "show", "--db", chain.Db, dep.Senders[0], "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var json = JsonNode.Parse(r.Out)!;
        var members = json["members"]!.AsArray().Select(m => Address.Parse((string)m!["address"]!)).ToList();
        Assert.Contains(Address.Parse(dep.Senders[1]), members);
        Assert.DoesNotContain(Address.Parse(dep.Address), members);
        Assert.Equal(members.Count, (int)json["size"]!);
        Assert.Contains(json["links"]!.AsArray(), l => (string)l!["heuristic"]! == "deposit" && Address.Parse((string)l["anchor"]!) == Address.Parse(dep.Address));
    }

    [Fact]
    public async Task ClusterWhy_ExplainsTwoCustomersOfOneDepositAddress_WithTransactions()
    {
        var dep = chain.SharedDeposit;
        var r = await CliRunner.RunAsync("cluster", "why", "--db", chain.Db, dep.Senders[0], dep.Senders[1], "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var steps = JsonNode.Parse(r.Out)!["steps"]!.AsArray();
        Assert.NotEmpty(steps);
        Assert.Equal(Address.Parse(dep.Senders[0]), Address.Parse((string)steps[0]!["from"]!));
        Assert.Equal(Address.Parse(dep.Senders[1]), Address.Parse((string)steps[^1]!["to"]!));
        foreach (var step in steps)
            foreach (var link in step!["links"]!.AsArray())
            {
                Assert.StartsWith("0x", (string)link!["evidence"]!["tx"]!, StringComparison.Ordinal);
                Assert.StartsWith("0x", (string)link["evidence2"]!["tx"]!, StringComparison.Ordinal);
            }

        var table = await CliRunner.RunAsync("cluster", "why", "--db", chain.Db, dep.Senders[0], dep.Senders[1]);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("deposit address", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterWhy_AddressesInDifferentClusters_FailsWithOneLine()
    {
        var dep = chain.SharedDeposit;
        var r = await CliRunner.RunAsync("cluster", "why", "--db", chain.Db, dep.Senders[0], dep.SweepsTo);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not in one cluster", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.Trim().Split('\n'));
    }

    [Fact]
    public async Task ClusterExport_CsvHasOneRowPerClusteredAddress_JsonlOneLinePerCluster()
    {
        using var store = chain.OpenStore();
        var clusters = new Clusterer(store).Store.ScanClusters().ToList();
        var csv = await CliRunner.RunAsync("cluster", "export", "--db", chain.Db, "--format", "csv");
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var rows = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("cluster,size,entity,address,deposit_of", rows[0]);
        Assert.Equal(clusters.Sum(c => (long)c.Header.Size), rows.Length - 1);

        var jsonl = await CliRunner.RunAsync("cluster", "export", "--db", chain.Db, "--format", "jsonl");
        Assert.True(jsonl.ExitCode == 0, jsonl.ToString());
        var lines = jsonl.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(clusters.Count, lines.Length);
        foreach (var line in lines)
        {
            var o = JsonNode.Parse(line)!;
            Assert.Equal((int)o["size"]!, o["members"]!.AsArray().Count);
        }

        var links = await CliRunner.RunAsync("cluster", "export", "--db", chain.Db, "--format", "jsonl", "--links");
        Assert.True(links.ExitCode == 0, links.ToString());
        Assert.Equal(new Clusterer(store).Store.CountLinks().Sum(), links.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Address_Json_CarriesClusterSizeAndEntity()
    {
        var dep = chain.SharedDeposit;
        var r = await CliRunner.RunAsync("address", "--db", chain.Db, dep.Senders[0], "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var json = JsonNode.Parse(r.Out)!;
        using var store = chain.OpenStore();
        var c = new Clusterer(store).GetCluster(Address.Parse(dep.Senders[0]))!;
        Assert.Equal(c.ClusterId, (uint)json["cluster"]!);
        Assert.Equal(c.Size, (uint)json["clusterSize"]!);
        Assert.True(c.Size >= 2);

        var hot = await CliRunner.RunAsync("address", "--db", chain.Db, dep.Address, "--format", "json");
        Assert.True(hot.ExitCode == 0, hot.ToString());
        Assert.Equal(Address.Parse(dep.SweepsTo), Address.Parse((string)JsonNode.Parse(hot.Out)!["deposit_address_of"]!["hot_wallet"]!));
    }

    [Theory]
    [InlineData("cluster", "--heuristics", "deposit,magic")]
    [InlineData("cluster", "--min-forward", "1.5")]
    [InlineData("cluster", "show", "0x123")]
    [InlineData("cluster", "export", "--format", "xml")]
    public async Task Cluster_BadArguments_FailWithExitCode2(params string[] args)
    {
        var r = await CliRunner.RunAsync([.. args, "--db", chain.Db]);
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterShow_OnAStoreNeverClustered_SaysWhatToRun()
    {
        using var dir = new TempDir("ct-cluster-none");
        var synth = SynthGenerator.Generate(new SynthOptions { Seed = 2, Transfers = SynthOptions.MinTransfers }, dir.File("synth"));
        var index = await CliRunner.RunAsync(["index", "--db", dir.File("db"), .. synth.JsonRpcFiles]);
        Assert.True(index.ExitCode == 0, index.ToString());
        Assert.DoesNotContain("clusters updated", index.Out, StringComparison.Ordinal);
        var truth = GroundTruth.Load(synth.GroundTruthJson);
        var r = await CliRunner.RunAsync("cluster", "show", "--db", dir.File("db"), truth.DepositAddresses[0].Senders[0]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("chaintrace cluster", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_OnAClusteredStore_UpdatesTheClusters()
    {
        using var dir = new TempDir("ct-cluster-reindex");
        CopyDirectory(chain.Db, dir.File("db"));
        var synth = SynthGenerator.Generate(new SynthOptions { Seed = 9, Transfers = SynthOptions.MinTransfers }, dir.File("synth"));
        var r = await CliRunner.RunAsync(["index", "--db", dir.File("db"), .. synth.JsonRpcFiles]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("clusters updated", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_OnAClusteredStore_StopsAtDepositAddresses_AndReportsThemPerExchange()
    {
        var plan = chain.Truth.Cases.First(c => c.Addresses.Any(a => a.Role == "deposit" && a.Hop >= 0));
        var r = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", plan.Seeds[0], "--hops", plan.MaxHops.ToString(CultureInfo.InvariantCulture),
            "--since", plan.FromBlock.ToString(CultureInfo.InvariantCulture), "--model", "all", "--format", "json", "--by-cluster");
        Assert.True(r.ExitCode == 0, r.ToString());
        var json = JsonNode.Parse(r.Out)!;
        var truthDeposits = chain.Truth.DepositAddresses.Select(d => Address.Parse(d.Address)).ToHashSet();
        var reported = json["deposits"]!.AsArray().SelectMany(e => e!["deposits"]!.AsArray()).ToList();
        Assert.NotEmpty(reported);
        foreach (var d in reported)
        {
            Assert.Contains(Address.Parse((string)d!["deposit"]!), truthDeposits);
            Assert.Matches("^deposit address 0x[0-9a-fA-F]{40} of exchange .+ received [0-9.–]+ USDT$", (string)d["text"]!);
        }
        var byCluster = json["by_cluster"]!.AsObject();
        Assert.Equal(4, byCluster.Count);
        Assert.Contains(byCluster["haircut"]!["nodes"]!.AsArray(), n => (bool)n!["seed"]!);

        var table = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", plan.Seeds[0], "--hops", plan.MaxHops.ToString(CultureInfo.InvariantCulture),
            "--since", plan.FromBlock.ToString(CultureInfo.InvariantCulture));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Exchange deposit addresses reached", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_FromAClusterSeed_SeedsEveryMember()
    {
        var dep = chain.SharedDeposit;
        using var store = chain.OpenStore();
        var c = new Clusterer(store).GetCluster(Address.Parse(dep.Senders[0]))!;
        var r = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", $"cluster:{c.ClusterId}", "--format", "json", "--hops", "1");
        Assert.True(r.ExitCode == 0, r.ToString());
        var seeds = JsonNode.Parse(r.Out)!["seeds"]!.AsArray().Select(x => Address.Parse((string)x!)).ToHashSet();
        Assert.Equal((int)c.Size, seeds.Count);
        Assert.Contains(Address.Parse(dep.Senders[1]), seeds);

        var expanded = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", dep.Senders[0], "--expand-cluster", "--format", "json", "--hops", "1");
        Assert.True(expanded.ExitCode == 0, expanded.ToString());
        Assert.Equal(seeds, JsonNode.Parse(expanded.Out)!["seeds"]!.AsArray().Select(x => Address.Parse((string)x!)).ToHashSet());

        var bad = await CliRunner.RunAsync("trace", "--db", chain.Db, "--from", "cluster:999999999");
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public async Task LabelsImport_OnAClusteredStore_NamesTheWholeCluster()
    {
        using var dir = new TempDir("ct-cluster-label");
        CopyDirectory(chain.Db, dir.File("db"));
        var dep = chain.CustomerDeposit;
        var csv = dir.Write("mine.csv", $"address,category,name\n{dep.Senders[0]},scam,Test Ring\n");
        var r = await CliRunner.RunAsync("labels", "import", "--db", dir.File("db"), csv);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("clusters updated (full rebuild", r.Out, StringComparison.Ordinal);
        var other = await CliRunner.RunAsync("address", "--db", dir.File("db"), dep.Senders[1], "--format", "json");
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Equal("Test Ring", (string)JsonNode.Parse(other.Out)!["entity"]!);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
