using ChainTrace.Ingest;
using ChainTrace.Labels;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Memory;
using ChainTrace.Synthetic;

namespace ChainTrace.Benchmarks.Tracing;

/// <summary>
/// A store to trace on, with its seeds. <c>rocks:DIR</c> opens an indexed RocksDB store whose generator output
/// (ground-truth.json, labels.csv) sits in <c>DIR/../synth-*</c> or is given by CHAINTRACE_BENCH_SYNTH;
/// <c>memory:N</c> generates an N-transfer chain (cached under the temp directory) and loads it into a
/// <see cref="MemoryChainStore"/>. Exchange deposit addresses are labelled from the ground truth, standing in for
/// the clusterer, so that they are terminals as in a real investigation.
/// </summary>
internal sealed class TraceBenchStore : IDisposable
{
    private readonly ChainTraceStore? _rocks;

    private TraceBenchStore(IChainReader reader, ChainTraceStore? rocks, GroundTruth truth, string name)
    {
        Reader = reader;
        _rocks = rocks;
        Truth = truth;
        Name = name;
        PlantedSeeds = [.. truth.Cases.Select(c => c.Seeds.Select(Address.Parse).ToArray())];
        // Background seeds: customers and operators that moved tokens (a stress mix: hubs, long fan-outs).
        var rng = new Random(12345);
        var candidates = truth.Entities.Where(e => e.Kind is "customer" or "operator").SelectMany(e => e.Addresses)
            .Select(Address.Parse).Where(a => reader.TryGetAddressId(a, out _)).ToList();
        BackgroundSeeds = [.. Enumerable.Range(0, Math.Min(200, candidates.Count)).Select(_ => new[] { candidates[rng.Next(candidates.Count)] })];
    }

    public IChainReader Reader { get; }

    public GroundTruth Truth { get; }

    public string Name { get; }

    /// <summary>Seed sets of the planted laundering cases.</summary>
    public IReadOnlyList<Address[]> PlantedSeeds { get; }

    /// <summary>Random single-address seed sets from background traffic.</summary>
    public IReadOnlyList<Address[]> BackgroundSeeds { get; }

    /// <summary>Opens "rocks:DIR" or builds "memory:N".</summary>
    public static TraceBenchStore Open(string spec)
    {
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string kind = spec[..colon], arg = spec[(colon + 1)..];
        if (kind == "rocks")
        {
            string synthDir = Environment.GetEnvironmentVariable("CHAINTRACE_BENCH_SYNTH")
                ?? Directory.GetDirectories(Path.GetDirectoryName(Path.GetFullPath(arg))!, "synth-*")
                    .First(d => Path.GetFileName(d)[6..] == Path.GetFileName(arg)[3..]);
            var truth = GroundTruth.Load(Path.Combine(synthDir, "ground-truth.json"));
            var store = ChainTraceStore.Open(arg, new StoreOptions { CreateIfMissing = false, ReadOnly = false });
            store.ImportLabels(DepositLabels(truth));
            return new TraceBenchStore(store, store, truth, $"RocksDB {Path.GetFileName(Path.GetFullPath(arg))}");
        }
        long transfers = long.Parse(arg, System.Globalization.CultureInfo.InvariantCulture);
        string dir = Path.Combine(Path.GetTempPath(), $"chaintrace-bench-synth-{transfers}");
        if (!File.Exists(Path.Combine(dir, "ground-truth.json")))
            SynthGenerator.Generate(new SynthOptions { Seed = 7, Transfers = transfers, Formats = SynthFormats.JsonRpc }, dir, null, CancellationToken.None);
        var memory = new MemoryChainStore(ChainProfile.Ethereum);
        var files = Directory.GetFiles(dir, "*.jsonl").OrderBy(f => f.Contains("blocks", StringComparison.Ordinal) ? 1 : 0).ToList();
        ChainFileReader.ReadPathsAsync(files, memory, new DecodeOptions(), ChainProfile.Ethereum, CancellationToken.None).GetAwaiter().GetResult();
        foreach (var (a, l) in LabelFileReader.Read(Path.Combine(dir, "labels.csv"), ChainProfile.Ethereum).Labels) memory.AddLabel(a, l);
        var t = GroundTruth.Load(Path.Combine(dir, "ground-truth.json"));
        foreach (var (a, l) in DepositLabels(t)) memory.AddLabel(a, l);
        return new TraceBenchStore(memory, null, t, $"memory, {transfers} transfers");
    }

    private static IEnumerable<(Address, AddressLabel)> DepositLabels(GroundTruth truth)
    {
        var names = truth.Entities.ToDictionary(e => e.Id, e => e.Name);
        foreach (var d in truth.DepositAddresses)
            yield return (Address.Parse(d.Address), new AddressLabel(LabelCategories.DepositAddress, names[d.Exchange], "ground-truth"));
    }

    public void Dispose() => _rocks?.Dispose();
}
