using ChainTrace.Primitives;

namespace ChainTrace.Clustering;

/// <summary>Receives one stored per-address state row from <see cref="IClusterStore.ReadStates"/>.</summary>
/// <param name="address">The address id.</param>
/// <param name="data">Its state bytes (valid during the call only).</param>
public delegate void StateVisitor(uint address, ReadOnlySpan<byte> data);

/// <summary>A distinct (category, entity name) pair found on a cluster's members.</summary>
/// <param name="Category">Label category (exchange, scam, …).</param>
/// <param name="Name">Entity name.</param>
public readonly record struct ClusterLabel(string Category, string Name);

/// <summary>What is kept about a multi-member cluster.</summary>
/// <param name="Size">Number of member addresses (≥ 2).</param>
/// <param name="Labels">Distinct labels of its members (deposit-address labels excluded), sorted.</param>
public sealed record ClusterHeader(uint Size, IReadOnlyList<ClusterLabel> Labels)
{
    /// <summary>Value equality including the label list.</summary>
    public bool Equals(ClusterHeader? other) =>
        other is not null && Size == other.Size && Labels.SequenceEqual(other.Labels);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Size, Labels.Count);
}

/// <summary>A detected deposit address and the hot wallet it sweeps to.</summary>
/// <param name="Deposit">Address id of the deposit address.</param>
/// <param name="HotWallet">Address id of the exchange hot wallet.</param>
/// <param name="FirstSweep">Seq of its first sweep to the hot wallet.</param>
public readonly record struct DepositRecord(uint Deposit, uint HotWallet, Seq FirstSweep);

/// <summary>The clustering state a store keeps between runs.</summary>
/// <param name="Cursor">Last seq processed (inclusive); the next update starts after it.</param>
/// <param name="Options">Fingerprint of the options of the run (<see cref="ClusterOptions.Fingerprint"/>).</param>
/// <param name="AddressCount">Address ids covered by the per-address state.</param>
/// <param name="RefusedLinks">Links refused by the service guard in the last union pass.</param>
/// <param name="Completed">UTC time of the run.</param>
/// <param name="Heuristics">Heuristics that ran.</param>
/// <param name="DepositAddressInCluster">Whether deposit links merged the deposit address itself with its customers.</param>
public sealed record ClusterMeta(Seq Cursor, string Options, uint AddressCount, long RefusedLinks, DateTimeOffset Completed,
    LinkHeuristics Heuristics, bool DepositAddressInCluster);

/// <summary>
/// Persistence of clustering: links with evidence, per-address heuristic state (for incremental updates),
/// the materialised clusters (address → cluster, cluster → members and header), detected deposit addresses
/// and a small meta record. Implemented in memory (<see cref="MemoryClusterStore"/>) and over the RocksDB store.
/// Addresses not in any multi-member cluster have no row: their cluster id is their own id.
/// </summary>
public interface IClusterStore
{
    /// <summary>The meta record of the last committed run; null if clustering never ran.</summary>
    ClusterMeta? ReadMeta();

    /// <summary>Every link, ordered by (heuristic, anchor, member).</summary>
    IEnumerable<ClusterLink> ScanLinks();

    /// <summary>The links of one star, ordered by member.</summary>
    IEnumerable<ClusterLink> GetStar(LinkHeuristic heuristic, uint anchor);

    /// <summary>Every link touching <paramref name="address"/> as anchor or member.</summary>
    IEnumerable<ClusterLink> GetLinksOf(uint address);

    /// <summary>Number of links of each heuristic (index = (int)heuristic).</summary>
    long[] CountLinks();

    /// <summary>The cluster id of an address (its own id when it is alone).</summary>
    uint GetClusterId(uint address);

    /// <summary>The header of a multi-member cluster; null for a singleton or unknown id.</summary>
    ClusterHeader? GetHeader(uint clusterId);

    /// <summary>Members of a multi-member cluster in ascending id order (empty for a singleton).</summary>
    IEnumerable<uint> GetMembers(uint clusterId);

    /// <summary>Every multi-member cluster with its header, by ascending id.</summary>
    IEnumerable<(uint ClusterId, ClusterHeader Header)> ScanClusters();

    /// <summary>The deposit record of an address, if it is a detected deposit address.</summary>
    bool TryGetDeposit(uint address, out DepositRecord deposit);

    /// <summary>Every detected deposit address, by ascending id.</summary>
    IEnumerable<DepositRecord> ScanDeposits();

    /// <summary>
    /// Reads the stored per-address heuristic state of ids <paramref name="first"/> .. first + count − 1: calls
    /// <paramref name="found"/> with each stored id and its bytes (ids without a row are left alone).
    /// </summary>
    void ReadStates(uint first, int count, StateVisitor found);

    /// <summary>Reads a named blob of heuristic state; null if absent.</summary>
    byte[]? ReadBlob(string name);

    /// <summary>Starts a batch of writes, applied by <see cref="IClusterBatch.Commit"/>.</summary>
    IClusterBatch BeginBatch();

    /// <summary>Takes the store's single-writer slot for a clustering run (throws if another writer holds it); dispose to release.</summary>
    IDisposable AcquireWriter();
}

/// <summary>
/// A set of writes to an <see cref="IClusterStore"/>. Implementations may write a large batch in pieces before
/// <see cref="Commit"/>, but then remove the meta record first and write it last (callers put the meta last),
/// so an interrupted run is detected by the missing meta and rebuilt. Callers read nothing they wrote before commit.
/// </summary>
public interface IClusterBatch : IDisposable
{
    /// <summary>Removes everything clustering ever stored (first step of a full rebuild).</summary>
    void Clear();

    /// <summary>Removes every cluster row (address → cluster, members, headers), before a re-materialisation.</summary>
    void ClearClusters();

    /// <summary>Stores a link.</summary>
    void PutLink(in ClusterLink link);

    /// <summary>Removes a link (matched by heuristic, anchor and member).</summary>
    void DeleteLink(in ClusterLink link);

    /// <summary>Sets the cluster of an address; <paramref name="clusterId"/> equal to <paramref name="address"/> with no members means alone (row removed).</summary>
    void SetCluster(uint address, uint clusterId);

    /// <summary>Removes an address's cluster row (the address is alone).</summary>
    void RemoveCluster(uint address);

    /// <summary>Adds a member row.</summary>
    void PutMember(uint clusterId, uint member);

    /// <summary>Removes a member row.</summary>
    void DeleteMember(uint clusterId, uint member);

    /// <summary>Writes a cluster header.</summary>
    void PutHeader(uint clusterId, ClusterHeader header);

    /// <summary>Removes a cluster header.</summary>
    void DeleteHeader(uint clusterId);

    /// <summary>Records a deposit address.</summary>
    void PutDeposit(in DepositRecord deposit);

    /// <summary>Forgets a deposit address.</summary>
    void DeleteDeposit(uint address);

    /// <summary>Writes one address's heuristic state.</summary>
    void PutState(uint address, ReadOnlySpan<byte> data);

    /// <summary>Writes a named blob of heuristic state.</summary>
    void PutBlob(string name, ReadOnlySpan<byte> data);

    /// <summary>Writes the meta record.</summary>
    void PutMeta(ClusterMeta meta);

    /// <summary>Applies every write atomically.</summary>
    void Commit();
}
