using System.Text.Json;

namespace ChainTrace.Clustering;

/// <summary>
/// Running figures over the clusters (counts, size histogram, largest, conflicts, giants, links, deposit
/// addresses), kept as a blob so that an incremental update reports them without scanning the store.
/// Recomputed from scratch by every full run and relink; adjusted by merges otherwise (clusters only grow then).
/// The largest list keeps <see cref="LargestKept"/> entries so that merges among them leave ten to report.
/// </summary>
internal sealed class ClusterTally
{
    public const string BlobName = "tally";
    public const int LargestKept = 64;

    public long Clusters { get; set; }
    public long Clustered { get; set; }
    public long[] Buckets { get; set; } = new long[6];
    public long[] Links { get; set; } = new long[4];
    public long Deposits { get; set; }
    public Dictionary<uint, int> HotWallets { get; set; } = [];
    public Dictionary<uint, uint> Largest { get; set; } = [];
    public Dictionary<uint, uint> Giants { get; set; } = [];
    public Dictionary<uint, string[]> Conflicts { get; set; } = [];
    public Dictionary<uint, uint> ConflictSizes { get; set; } = [];

    private static readonly uint[] BucketStarts = [2, 3, 10, 100, 1000, 10_000];

    /// <summary>Bucket index of a size ≥ 2.</summary>
    public static int Bucket(uint size)
    {
        int b = BucketStarts.Length - 1;
        while (b > 0 && size < BucketStarts[b]) b--;
        return b;
    }

    /// <summary>Counts a cluster in.</summary>
    public void Add(uint id, uint size, IReadOnlyList<ClusterLabel> labels, ClusterOptions o)
    {
        if (size < 2) return;
        Clusters++;
        Clustered += size;
        Buckets[Bucket(size)]++;
        if (size >= o.GiantClusterSize) Giants[id] = size;
        var entity = ClusterEntities.Resolve(labels, o.ServiceCategories);
        if (entity.HasConflict)
        {
            Conflicts[id] = [entity.Name!, .. entity.ConflictingNames];
            ConflictSizes[id] = size;
        }
        if (Largest.Count < LargestKept) { Largest[id] = size; return; }
        uint minId = 0, minSize = uint.MaxValue;
        foreach (var (k, v) in Largest)
            if (v < minSize || (v == minSize && k > minId)) { minSize = v; minId = k; }
        if (size > minSize) { Largest.Remove(minId); Largest[id] = size; }
    }

    /// <summary>Counts a cluster out (before it is merged away or grows).</summary>
    public void Remove(uint id, uint size)
    {
        if (size < 2) return;
        Clusters--;
        Clustered -= size;
        Buckets[Bucket(size)]--;
        Giants.Remove(id);
        Conflicts.Remove(id);
        ConflictSizes.Remove(id);
        Largest.Remove(id);
    }

    /// <summary>A deposit address appears, disappears or changes hot wallet.</summary>
    public void Deposit(uint? oldHot, uint? newHot)
    {
        if (oldHot is { } o)
        {
            Deposits--;
            if (HotWallets.TryGetValue(o, out int n) && n <= 1) HotWallets.Remove(o);
            else HotWallets[o] = n - 1;
        }
        if (newHot is { } h)
        {
            Deposits++;
            HotWallets[h] = HotWallets.GetValueOrDefault(h) + 1;
        }
    }

    /// <summary>Forgets the cluster figures (not links and deposits) before a relink recounts them.</summary>
    public void ClearClusters()
    {
        Clusters = Clustered = 0;
        Array.Clear(Buckets);
        Largest.Clear();
        Giants.Clear();
        Conflicts.Clear();
        ConflictSizes.Clear();
    }

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static ClusterTally? Decode(byte[]? blob)
    {
        if (blob is null) return null;
        try
        {
            return JsonSerializer.Deserialize<ClusterTally>(blob);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Counts everything from the store (old stores without a tally).</summary>
    public static ClusterTally Scan(IClusterStore store, ClusterOptions o)
    {
        var t = new ClusterTally();
        foreach (var (id, header) in store.ScanClusters()) t.Add(id, header.Size, header.Labels, o);
        var links = store.CountLinks();
        Array.Copy(links, t.Links, Math.Min(links.Length, t.Links.Length));
        foreach (var d in store.ScanDeposits()) t.Deposit(null, d.HotWallet);
        return t;
    }
}
