using ChainTrace.Primitives;

namespace ChainTrace.Clustering;

/// <summary>Progress of a clustering run.</summary>
/// <param name="Phase">scan, candidates, deposit, gas, approval, union, write.</param>
/// <param name="Done">Units done in this phase (events, addresses, links).</param>
/// <param name="Total">Units in this phase when known, else 0.</param>
public readonly record struct ClusterProgress(string Phase, long Done, long Total);

/// <summary>A link the service guard refused: it would have merged two clusters labelled as different services.</summary>
/// <param name="Link">The refused link.</param>
/// <param name="EntityA">Service entity of one side.</param>
/// <param name="EntityB">Service entity of the other side.</param>
public sealed record RefusedLink(ClusterLink Link, string EntityA, string EntityB);

/// <summary>A cluster whose members carry labels of different entities.</summary>
/// <param name="ClusterId">The cluster.</param>
/// <param name="Size">Members.</param>
/// <param name="Entities">Every entity name found, the chosen one first.</param>
public sealed record EntityConflict(uint ClusterId, uint Size, IReadOnlyList<string> Entities);

/// <summary>A cluster and its size.</summary>
/// <param name="ClusterId">Stable id: the smallest member address id.</param>
/// <param name="Size">Members.</param>
/// <param name="Entity">Entity name, if labelled.</param>
public sealed record ClusterSize(uint ClusterId, uint Size, string? Entity);

/// <summary>How many clusters have a size in [Min, Max].</summary>
/// <param name="Min">Smallest size of the bucket.</param>
/// <param name="Max">Largest size of the bucket (uint.MaxValue: open).</param>
/// <param name="Clusters">Clusters in the bucket.</param>
public sealed record SizeBucket(uint Min, uint Max, long Clusters);

/// <summary>What a clustering run did and the state of the clusters after it.</summary>
public sealed record ClusterResult
{
    /// <summary>True for an incremental update, false for a full rebuild.</summary>
    public required bool Incremental { get; init; }
    /// <summary>True when clusters were recomputed from every stored link (full run, retracted links or refused merges).</summary>
    public required bool Relinked { get; init; }
    /// <summary>First seq processed.</summary>
    public required Seq FromSeq { get; init; }
    /// <summary>Last seq processed (the new cursor).</summary>
    public required Seq ToSeq { get; init; }
    /// <summary>Transfers, native transfers and approvals read.</summary>
    public required long EventsProcessed { get; init; }
    /// <summary>Address ids in the store.</summary>
    public required uint Addresses { get; init; }
    /// <summary>Clusters with at least two members.</summary>
    public required long Clusters { get; init; }
    /// <summary>Addresses in such clusters.</summary>
    public required long ClusteredAddresses { get; init; }
    /// <summary>The largest clusters, biggest first (at most ten).</summary>
    public required IReadOnlyList<ClusterSize> Largest { get; init; }
    /// <summary>Cluster sizes: 2, 3–9, 10–99, 100–999, 1000–9999, ≥ 10000.</summary>
    public required IReadOnlyList<SizeBucket> SizeHistogram { get; init; }
    /// <summary>Stored links per heuristic.</summary>
    public required IReadOnlyDictionary<LinkHeuristic, long> LinksPerHeuristic { get; init; }
    /// <summary>Links written by this run (new or with new evidence).</summary>
    public required long LinksWritten { get; init; }
    /// <summary>Links removed by this run.</summary>
    public required long LinksRemoved { get; init; }
    /// <summary>Detected deposit addresses.</summary>
    public required long DepositAddresses { get; init; }
    /// <summary>Hot wallets (labelled or detected) that deposit addresses sweep to.</summary>
    public required long HotWallets { get; init; }
    /// <summary>Deposit candidates rejected because too many distinct addresses sent to them (collectors, payment processors).</summary>
    public required long RejectedDepositCandidates { get; init; }
    /// <summary>Links refused by the service guard (exact count).</summary>
    public required long RefusedLinkCount { get; init; }
    /// <summary>Refused links (at most <see cref="ClusterOptions.MaxReported"/>).</summary>
    public required IReadOnlyList<RefusedLink> RefusedLinks { get; init; }
    /// <summary>Clusters with conflicting labels (exact count).</summary>
    public required long ConflictCount { get; init; }
    /// <summary>Clusters with conflicting labels (at most <see cref="ClusterOptions.MaxReported"/>).</summary>
    public required IReadOnlyList<EntityConflict> Conflicts { get; init; }
    /// <summary>Clusters of at least <see cref="ClusterOptions.GiantClusterSize"/> members.</summary>
    public required IReadOnlyList<ClusterSize> GiantClusters { get; init; }
    /// <summary>Memory of the union-find per address (bytes), when one was built.</summary>
    public required int UnionFindBytesPerAddress { get; init; }
    /// <summary>Wall time.</summary>
    public required TimeSpan Elapsed { get; init; }
    /// <summary>Wall time per phase (scan, candidates, deposit, gas, approval, union, write, summary).</summary>
    public IReadOnlyList<KeyValuePair<string, TimeSpan>> Phases { get; init; } = [];
}
