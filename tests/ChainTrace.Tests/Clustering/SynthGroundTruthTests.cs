using ChainTrace.Clustering;
using ChainTrace.Indexing;
using ChainTrace.Labels;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using ChainTrace.Tests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace ChainTrace.Tests.Clustering;

/// <summary>Clusters a synthetic chain indexed into RocksDB and scores the result against the generator's ground truth.</summary>
public sealed class SynthGroundTruthTests(ITestOutputHelper output)
{
    internal static async Task<(ChainTraceStore Store, GroundTruth Truth)> IndexSynth(TempDir dir, int seed, long transfers)
    {
        var synth = SynthGenerator.Generate(new SynthOptions { Seed = seed, Transfers = transfers }, dir.File("synth"));
        var store = ChainTraceStore.Open(dir.File("store"), new StoreOptions { Profile = ChainProfile.Ethereum });
        await new Indexer(store).IndexAsync(synth.JsonRpcFiles, new IndexOptions());
        store.ImportLabels(LabelFileReader.Read(synth.LabelsCsv, ChainProfile.Ethereum).Labels);
        return (store, GroundTruth.Load(synth.GroundTruthJson));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public async Task Synth_Clusters_MeetPrecisionAndRecall_AndNeverMergeCustomersWithExchanges(int seed)
    {
        using var dir = new TempDir("ct-cluster");
        var (store, truth) = await IndexSynth(dir, seed, 20_000);
        using (store)
        {
            var clusterer = new Clusterer(store, new RocksClusterStore(store));
            var result = clusterer.Run();
            var q = ClusterQuality.Measure(store, clusterer.Store, truth);
            output.WriteLine(q.ToString());
            output.WriteLine($"clusters {result.Clusters}, clustered {result.ClusteredAddresses}, deposits {result.DepositAddresses}, hot wallets {result.HotWallets}, " +
                $"links {string.Join(", ", result.LinksPerHeuristic)}, refused {result.RefusedLinkCount}, rejected deposits {result.RejectedDepositCandidates}");

            Assert.True(q.ExpectedPairs > 100, $"the ground truth should offer pairs to find: {q}");
            Assert.True(q.Precision >= 0.99, q.ToString());
            Assert.True(q.Recall >= 0.9, q.ToString());
            Assert.Equal(0, q.ExchangeCustomerMerges);
            Assert.Equal(0, q.DepositWithHotWallet);
            Assert.True(q.DepositsFound >= q.DepositsTrue * 9 / 10, q.ToString());
            Assert.Equal(0, q.DepositsWrong);
            Assert.Equal(0, q.DepositsWrongExchange);
        }
    }

    /// <summary>Controls: the measure catches the over-merging that the guards prevent.</summary>
    [Fact]
    public async Task Synth_WithoutTheGuards_TheMeasureReportsFalseMerges()
    {
        using var dir = new TempDir("ct-cluster-ctl");
        var (store, truth) = await IndexSynth(dir, 3, 20_000);
        using (store)
        {
            // Gas stations fund thousands of fresh addresses: without the funder bound they swallow their customers.
            var loose = new Clusterer(store, new MemoryClusterStore());
            loose.Run(new ClusterOptions { Gas = new GasFundingOptions { MaxFundedPerFunder = int.MaxValue } });
            var q = ClusterQuality.Measure(store, loose.Store, truth);
            output.WriteLine("no funder bound: " + q);
            Assert.True(q.Precision < 0.5, q.ToString());

            // Treating deposit addresses as their customers' breaks the documented ownership.
            var merged = new Clusterer(store, new MemoryClusterStore());
            merged.Run(new ClusterOptions { Deposit = new DepositReuseOptions { LinkDepositAddressToCustomer = true } });
            var q2 = ClusterQuality.Measure(store, merged.Store, truth);
            output.WriteLine("deposit in cluster: " + q2);
            Assert.True(q2.Precision < 0.99, q2.ToString());
        }
    }

    /// <summary>The same on a large synthetic chain (CHAINTRACE_HEAVY=1; size from CHAINTRACE_CLUSTER_TRANSFERS, default 1M).</summary>
    [HeavyFact]
    public async Task Synth_Large_MeetsPrecisionAndRecall_AndIncrementalEqualsFull()
    {
        long transfers = long.TryParse(Environment.GetEnvironmentVariable("CHAINTRACE_CLUSTER_TRANSFERS"), out var t) ? t : 1_000_000;
        using var dir = new TempDir("ct-cluster-heavy");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (store, truth) = await IndexSynth(dir, 5, transfers);
        output.WriteLine($"generated and indexed {transfers} transfers in {clock.Elapsed.TotalSeconds:F1} s");
        using (store)
        {
            var clusterer = new Clusterer(store, new RocksClusterStore(store));
            var result = clusterer.Run();
            output.WriteLine($"full clustering {result.Elapsed.TotalSeconds:F2} s, {result.EventsProcessed} events, {result.Addresses} addresses; " +
                string.Join(", ", result.Phases.Select(p => $"{p.Key} {p.Value.TotalMilliseconds:F0} ms")));
            var q = ClusterQuality.Measure(store, clusterer.Store, truth);
            output.WriteLine(q.ToString());
            output.WriteLine($"clusters {result.Clusters}, clustered {result.ClusteredAddresses}, largest {result.Largest.FirstOrDefault()?.Size}, deposits {result.DepositAddresses}, hot wallets {result.HotWallets}, " +
                $"links {string.Join(", ", result.LinksPerHeuristic)}, refused {result.RefusedLinkCount}, rejected deposits {result.RejectedDepositCandidates}");
            Assert.True(q.Precision >= 0.99, q.ToString());
            Assert.True(q.Recall >= 0.9, q.ToString());
            Assert.Equal(0, q.ExchangeCustomerMerges);
            Assert.Equal(0, q.DepositWithHotWallet);
            Assert.True(q.DepositsFound >= q.DepositsTrue * 9 / 10, q.ToString());
            Assert.Equal(0, q.DepositsWrong);
        }
    }
}
