using ChainTrace.Primitives;

namespace ChainTrace.Clustering;

internal sealed partial class ClusterRun
{
    private static readonly uint[] BucketStarts = [2, 3, 10, 100, 1000, 10_000];

    private ClusterResult Summarise(UnionOutcome union, Seq from, Seq cursor)
    {
        var t = _tally;
        ClusterSize Size(uint id, uint size) =>
            new(id, size, ClusterEntities.Resolve(_store.GetHeader(id)?.Labels ?? [], _o.ServiceCategories).Name);
        var largest = t.Largest.OrderByDescending(x => x.Value).ThenBy(x => x.Key).Take(10).Select(x => Size(x.Key, x.Value)).ToList();
        var giants = t.Giants.OrderByDescending(x => x.Value).ThenBy(x => x.Key).Take(_o.MaxReported).Select(x => Size(x.Key, x.Value)).ToList();
        var conflicts = t.Conflicts.OrderBy(x => x.Key).Take(_o.MaxReported)
            .Select(x => new EntityConflict(x.Key, t.ConflictSizes.GetValueOrDefault(x.Key), x.Value)).ToList();
        var histogram = new List<SizeBucket>();
        for (int i = 0; i < BucketStarts.Length; i++)
            histogram.Add(new SizeBucket(BucketStarts[i], i + 1 < BucketStarts.Length ? BucketStarts[i + 1] - 1 : uint.MaxValue, t.Buckets[i]));
        var perHeuristic = new Dictionary<LinkHeuristic, long>();
        foreach (var h in LinkHeuristicNames.Each) perHeuristic[h] = t.Links[(int)h];
        return new ClusterResult
        {
            Incremental = !_full,
            Relinked = union.Relinked,
            FromSeq = from,
            ToSeq = cursor,
            EventsProcessed = _events,
            Addresses = _n,
            Clusters = t.Clusters,
            ClusteredAddresses = t.Clustered,
            Largest = largest,
            SizeHistogram = histogram,
            LinksPerHeuristic = perHeuristic,
            LinksWritten = _puts.Count,
            LinksRemoved = _deletes.Count,
            DepositAddresses = t.Deposits,
            HotWallets = t.HotWallets.Count,
            RejectedDepositCandidates = _rejectedDeposits,
            RefusedLinkCount = union.Relinked ? union.RefusedCount : _meta?.RefusedLinks ?? 0,
            RefusedLinks = union.Refused,
            ConflictCount = t.Conflicts.Count,
            Conflicts = conflicts,
            GiantClusters = giants,
            UnionFindBytesPerAddress = union.BytesPerAddress,
            Elapsed = TimeSpan.Zero,
        };
    }

    /// <summary>Figures over the materialised clusters of a store.</summary>
    internal sealed record ClusterStats(
        long Clusters, long ClusteredAddresses, IReadOnlyList<ClusterSize> Largest, IReadOnlyList<SizeBucket> Histogram,
        IReadOnlyDictionary<LinkHeuristic, long> LinksPerHeuristic, long DepositAddresses, long HotWallets,
        long ConflictCount, IReadOnlyList<EntityConflict> Conflicts, IReadOnlyList<ClusterSize> Giants)
    {
        public static ClusterStats Compute(IClusterStore store, ClusterOptions o)
        {
            long clusters = 0, clustered = 0, conflictCount = 0;
            var buckets = new long[BucketStarts.Length];
            var largest = new List<ClusterSize>();
            var conflicts = new List<EntityConflict>();
            var giants = new List<ClusterSize>();
            foreach (var (id, header) in store.ScanClusters())
            {
                clusters++;
                clustered += header.Size;
                int b = BucketStarts.Length - 1;
                while (b > 0 && header.Size < BucketStarts[b]) b--;
                buckets[b]++;
                var entity = ClusterEntities.Resolve(header.Labels, o.ServiceCategories);
                var size = new ClusterSize(id, header.Size, entity.Name);
                if (largest.Count < 10 || header.Size > largest[^1].Size)
                {
                    int at = largest.FindIndex(x => x.Size < header.Size);
                    largest.Insert(at < 0 ? largest.Count : at, size);
                    if (largest.Count > 10) largest.RemoveAt(10);
                }
                if (header.Size >= o.GiantClusterSize && giants.Count < o.MaxReported) giants.Add(size);
                if (entity.HasConflict)
                {
                    conflictCount++;
                    if (conflicts.Count < o.MaxReported) conflicts.Add(new EntityConflict(id, header.Size, [entity.Name!, .. entity.ConflictingNames]));
                }
            }
            var histogram = new List<SizeBucket>();
            for (int i = 0; i < BucketStarts.Length; i++)
                histogram.Add(new SizeBucket(BucketStarts[i], i + 1 < BucketStarts.Length ? BucketStarts[i + 1] - 1 : uint.MaxValue, buckets[i]));
            var counts = store.CountLinks();
            var perHeuristic = new Dictionary<LinkHeuristic, long>();
            foreach (var h in LinkHeuristicNames.Each) perHeuristic[h] = counts[(int)h];
            long deposits = 0;
            var hot = new HashSet<uint>();
            foreach (var d in store.ScanDeposits()) { deposits++; hot.Add(d.HotWallet); }
            return new ClusterStats(clusters, clustered, largest, histogram, perHeuristic, deposits, hot.Count, conflictCount, conflicts, giants);
        }
    }
}
