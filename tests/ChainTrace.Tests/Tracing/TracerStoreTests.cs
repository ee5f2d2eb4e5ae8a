using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using ChainTrace.Indexing;
using ChainTrace.Ingest;
using ChainTrace.Labels;
using ChainTrace.Primitives;
using ChainTrace.Reporting;
using ChainTrace.Storage;
using ChainTrace.Storage.Memory;
using ChainTrace.Synthetic;
using ChainTrace.Tracing;
using Xunit;

namespace ChainTrace.Tests.Tracing;

/// <summary>
/// One generated chain (with its planted laundering cases), indexed into a real RocksDB store and loaded into a
/// <see cref="MemoryChainStore"/> from the same files; deposit addresses are labelled from the ground truth, as
/// the clusterer would label them. Shared by the tests of the class, deleted afterwards.
/// </summary>
public sealed class SynthStoresFixture : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ct-trace-{Guid.NewGuid():N}");

    public SynthStoresFixture()
    {
        Directory.CreateDirectory(_dir);
        var synth = SynthGenerator.Generate(new SynthOptions
        {
            Seed = 23,
            Transfers = 20_000,
            Profile = ChainProfile.Ethereum,
            Formats = SynthFormats.JsonRpc,
            LaunderingCases = 8,
        }, Path.Combine(_dir, "synth"), null, CancellationToken.None);
        Truth = GroundTruth.Load(synth.GroundTruthJson);

        var labels = LabelFileReader.Read(synth.LabelsCsv, ChainProfile.Ethereum).Labels.ToList();
        var exchangeNames = Truth.Entities.ToDictionary(e => e.Id, e => e.Name);
        foreach (var d in Truth.DepositAddresses)
            labels.Add((Address.Parse(d.Address), new AddressLabel(LabelCategories.DepositAddress, exchangeNames[d.Exchange], "ground-truth")));

        Rocks = ChainTraceStore.Open(Path.Combine(_dir, "db"), new StoreOptions { Profile = ChainProfile.Ethereum });
        new Indexer(Rocks).IndexAsync(synth.JsonRpcFiles, new IndexOptions(), null, CancellationToken.None).GetAwaiter().GetResult();
        Rocks.ImportLabels(labels);

        Memory = new MemoryChainStore(ChainProfile.Ethereum);
        ChainFileReader.ReadPathsAsync(synth.JsonRpcFiles, Memory, new DecodeOptions(), ChainProfile.Ethereum, CancellationToken.None).GetAwaiter().GetResult();
        foreach (var (address, label) in labels) Memory.AddLabel(address, label);
    }

    public GroundTruth Truth { get; }

    public ChainTraceStore Rocks { get; }

    public MemoryChainStore Memory { get; }

    public void Dispose()
    {
        Rocks.Dispose();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}

public class TracerStoreTests(SynthStoresFixture chain) : IClassFixture<SynthStoresFixture>
{
    /// <summary>The whole result as JSON, without the timing statistics.</summary>
    private static string Canonical(TraceResult r)
    {
        var node = JsonNode.Parse(TraceJsonWriter.ToJson(r, indented: false))!.AsObject();
        node.Remove("stats");
        return node.ToJsonString();
    }

    private static TraceOptions CaseOptions(TruthCase c, TraceModel models, int extraHops = 0) => new()
    {
        Seeds = [.. c.Seeds.Select(Address.Parse)],
        Models = models,
        Hops = c.MaxHops + extraHops,
        SinceBlock = c.FromBlock,
        UntilBlock = c.ToBlock,
    };

    [Fact]
    public void PlantedCases_ReproduceTheGroundTruthExactly_OnBothStores()
    {
        Assert.NotEmpty(chain.Truth.Cases);
        Assert.Contains(chain.Truth.Cases, c => c.Kind == "mixing");
        foreach (var c in chain.Truth.Cases)
        {
            foreach (var store in new IChainReader[] { chain.Rocks, chain.Memory })
            {
                var result = new Tracer(store).Trace(CaseOptions(c, TraceModel.All));
                foreach (var r in result.Results)
                {
                    string model = TraceModels.Name(r.Model);
                    var expected = c.Expected[model];
                    string where = $"{c.Id} ({c.Kind}) {model} on {store.GetType().Name}";
                    Assert.True(BigInteger.Parse(c.Seeded, CultureInfo.InvariantCulture) == r.Summary.Traced.ToBigInteger(), $"{where}: traced {r.Summary.Traced}, expected {c.Seeded}");

                    // Every expected terminal address with its amount, and nothing else.
                    var vias = expected.Terminals.SelectMany(t => t.Via).ToList();
                    Assert.True(vias.Count == r.Terminals.Count, $"{where}: {r.Terminals.Count} terminals, expected {vias.Count}");
                    foreach (var v in vias)
                        Assert.True(BigInteger.Parse(v.Amount, CultureInfo.InvariantCulture) == r.TerminalAmount(Address.Parse(v.Address)).ToBigInteger(),
                            $"{where}: terminal {v.Address} got {r.TerminalAmount(Address.Parse(v.Address))}, expected {v.Amount}");
                    Assert.Equal(expected.TerminalAmount, r.Summary.ReachedTerminals.ToBigInteger());

                    // Held amounts at non-terminal addresses.
                    foreach (var h in expected.Held)
                    {
                        var node = r.Nodes.SingleOrDefault(n => n.Address == Address.Parse(h.Address));
                        Assert.True(node is not null, $"{where}: holder {h.Address} not reached");
                        Assert.True(BigInteger.Parse(h.Amount, CultureInfo.InvariantCulture) == node!.Held.ToBigInteger(), $"{where}: held at {h.Address} {node.Held}, expected {h.Amount}");
                        Assert.Equal(h.Blacklisted, node.Blacklisted);
                    }
                    if (r.Model != TraceModel.Poison)
                        Assert.Equal(expected.HeldAmount, r.Summary.Held.ToBigInteger());

                    // Hops of the case's addresses.
                    foreach (var a in c.Addresses.Where(a => a.Hop > 0))
                    {
                        var node = r.Nodes.SingleOrDefault(n => n.Address == Address.Parse(a.Address));
                        if (node is not null) Assert.True(a.Hop == node.Hops, $"{where}: {a.Role} {a.Address} at hop {node.Hops}, expected {a.Hop}");
                    }
                }

                // A larger hop limit or an open-ended window changes nothing (the truth says so).
                var wider = new Tracer(store).Trace(CaseOptions(c, TraceModel.All, extraHops: 2) with { UntilBlock = c.ToBlock + 5 });
                foreach (var r in wider.Results)
                    Assert.Equal(c.Expected[TraceModels.Name(r.Model)].TerminalAmount, r.Summary.ReachedTerminals.ToBigInteger());
            }
        }
    }

    [Fact]
    public void RocksDbAndMemoryStores_GiveIdenticalResults()
    {
        // Planted cases in both directions, and traces from busy background addresses with a hub guard.
        var seeds = chain.Truth.Cases.Select(c => c.Seeds).ToList();
        var busy = chain.Truth.Entities.Where(e => e.Kind is "customer" or "operator").SelectMany(e => e.Addresses).Take(12).Select(a => new[] { a });
        int compared = 0, nonTrivial = 0;
        foreach (var s in seeds.Concat(busy))
        {
            var addresses = s.Select(Address.Parse).ToList();
            if (!addresses.All(a => chain.Memory.TryGetAddressId(a, out _))) continue;
            compared++;
            foreach (var options in new[]
            {
                new TraceOptions { Seeds = addresses, Models = TraceModel.All, Hops = 4, MaxDegree = 200 },
                new TraceOptions { Seeds = addresses, Models = TraceModel.Haircut | TraceModel.Poison, Direction = TraceDirection.Backward, Hops = 3, MaxDegree = 200 },
            })
            {
                var rocks = new Tracer(chain.Rocks).Trace(options);
                if (rocks.Results.Any(r => r.Nodes.Count > 5 && r.Terminals.Count > 0)) nonTrivial++;
                Assert.Equal(Canonical(new Tracer(chain.Memory).Trace(options)), Canonical(rocks));
            }
        }
        Assert.True(compared >= 15, $"only {compared} seed sets compared");
        Assert.True(nonTrivial >= 10, $"only {nonTrivial} non-trivial traces");
    }

    [Fact]
    public void RocksDbStore_MatchesTheOracleOnGeneratedHistory()
    {
        // The oracle replays the store's own transfer log (no index) for a background trace with every model.
        var token = chain.Rocks.Profile.DefaultToken.Contract;
        Assert.True(chain.Rocks.TryGetTokenId(token, out uint tokenId));
        var history = chain.Rocks.ScanTransfers(Seq.MinValue, Seq.MaxValue)
            .Where(t => t.TokenId == tokenId)
            .Select(t => new OracleTransfer(t.Seq, chain.Rocks.GetAddress(t.FromId), chain.Rocks.GetAddress(t.ToId), t.Amount.ToBigInteger()))
            .ToList();
        var labels = chain.Rocks.LabelledAddressIds().ToDictionary(id => chain.Rocks.GetAddress(id), id => chain.Rocks.GetLabels(id).ToArray());
        var oracle = new OracleTracer(history, labels);
        var c = chain.Truth.Cases.First(x => x.Kind == "mixing");
        foreach (var options in new[]
        {
            CaseOptions(c, TraceModel.All, extraHops: 1) with { UntilBlock = null, MaxDegree = 150 },
            CaseOptions(c, TraceModel.Haircut | TraceModel.Poison) with { Direction = TraceDirection.Backward, SinceBlock = null, MaxDegree = 150 },
        })
        {
            var expected = oracle.Run(options);
            var actual = new Tracer(chain.Rocks).Trace(options);
            foreach (var r in actual.Results)
            {
                var om = expected[r.Model];
                Assert.Equal(om.Nodes.Count(kv => kv.Value.Hop >= 0), r.Nodes.Count);
                foreach (var n in r.Nodes)
                {
                    var on = om.Nodes[n.Address];
                    Assert.Equal(on.Hop, n.Hops);
                    if (r.Model == TraceModel.Haircut) Assert.True(Math.Abs((double)n.Received.ToBigInteger() - on.HReceived) <= 1 + 1e-9 * on.HReceived);
                    else Assert.Equal(on.Received, n.Received.ToBigInteger());
                }
            }
        }
    }
}
