using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Clustering;

/// <summary>What an address's cluster is: the fields <c>address --format json</c> reports.</summary>
/// <param name="AddressId">The address's id.</param>
/// <param name="ClusterId">Stable cluster id: the smallest address id among the members (the address's own id when alone).</param>
/// <param name="Size">Members (1 when alone).</param>
/// <param name="Entity">Entity name from labelled members, or null.</param>
/// <param name="EntityCategory">Category of that label.</param>
/// <param name="ConflictingEntities">Other entity names on members (labels disagree).</param>
/// <param name="DepositOf">When the address is a detected deposit address: the hot wallet it sweeps to.</param>
/// <param name="DepositOfEntity">That hot wallet's entity (its label name), when known.</param>
public sealed record ClusterSummary(uint AddressId, uint ClusterId, uint Size, string? Entity, string? EntityCategory,
    IReadOnlyList<string> ConflictingEntities, Address? DepositOf, string? DepositOfEntity);

/// <summary>A link with its addresses, its evidence transactions and a sentence an analyst can quote.</summary>
/// <param name="Link">The stored link.</param>
/// <param name="Anchor">Address of the anchor (deposit address, funder, spender).</param>
/// <param name="Member">Address of the member (customer, funded address, owner).</param>
/// <param name="EvidenceTx">Transaction of the first evidence event, when stored.</param>
/// <param name="Evidence2Tx">Transaction of the second evidence event, when stored.</param>
/// <param name="HotWallet">For a deposit link: the hot wallet the anchor sweeps to.</param>
/// <param name="Explanation">One sentence.</param>
public sealed record ExplainedLink(ClusterLink Link, Address Anchor, Address Member, Hash32? EvidenceTx, Hash32? Evidence2Tx, Address? HotWallet, string Explanation);

/// <summary>One step of a <see cref="ClusterPath"/>: from one address to the next, by one link or (two customers of one deposit address) two.</summary>
/// <param name="From">Step start.</param>
/// <param name="To">Step end.</param>
/// <param name="Links">The link(s) that join them.</param>
public sealed record ClusterPathStep(Address From, Address To, IReadOnlyList<ExplainedLink> Links);

/// <summary>Why two addresses share a cluster: a shortest chain of links from <see cref="From"/> to <see cref="To"/>.</summary>
/// <param name="From">First address.</param>
/// <param name="To">Second address.</param>
/// <param name="ClusterId">Their cluster.</param>
/// <param name="Steps">Steps in order; empty when both are the same address.</param>
public sealed record ClusterPath(Address From, Address To, uint ClusterId, IReadOnlyList<ClusterPathStep> Steps);

/// <summary>A member of a shown cluster.</summary>
/// <param name="AddressId">Id.</param>
/// <param name="Address">Address.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="DepositOf">The hot wallet it sweeps to, when it is a deposit address.</param>
public sealed record ClusterMemberView(uint AddressId, Address Address, IReadOnlyList<AddressLabel> Labels, Address? DepositOf);

/// <summary>A cluster as <c>cluster show</c> prints it.</summary>
/// <param name="Address">The address asked about.</param>
/// <param name="Summary">Its cluster summary.</param>
/// <param name="Members">Members (at most the requested number), ascending id.</param>
/// <param name="MembersTruncated">True when members were left out.</param>
/// <param name="Links">Links among members with evidence (at most the requested number).</param>
/// <param name="LinksTruncated">True when links were left out.</param>
public sealed record ClusterView(Address Address, ClusterSummary Summary, IReadOnlyList<ClusterMemberView> Members, bool MembersTruncated,
    IReadOnlyList<ExplainedLink> Links, bool LinksTruncated);

/// <summary>
/// Address clustering over an indexed chain: runs the heuristics (deposit-address reuse, gas funding,
/// approvals), keeps their links with evidence and the materialised clusters in an <see cref="IClusterStore"/>,
/// and answers questions about them. The CLI's <c>cluster</c> commands are thin wrappers over this class.
/// </summary>
public sealed class Clusterer
{
    /// <summary>Creates a clusterer over a chain reader and a cluster store.</summary>
    public Clusterer(IChainReader reader, IClusterStore store, ClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(store);
        Reader = reader;
        Store = store;
        Options = options ?? new ClusterOptions();
    }

    /// <summary>Creates a clusterer over a RocksDB chain store, keeping clusters in its reserved column families.</summary>
    public Clusterer(ChainTraceStore store, ClusterOptions? options = null)
        : this(store, new RocksClusterStore(store ?? throw new ArgumentNullException(nameof(store))), options)
    {
    }

    /// <summary>The chain.</summary>
    public IChainReader Reader { get; }

    /// <summary>Where clusters live.</summary>
    public IClusterStore Store { get; }

    /// <summary>Options of runs started without explicit options, and label rules of queries.</summary>
    public ClusterOptions Options { get; }

    /// <summary>The last committed run, or null.</summary>
    public ClusterMeta? LastRun => Store.ReadMeta();

    /// <summary>Full rebuild: forgets every link and cluster and re-runs the heuristics over the whole history.</summary>
    public ClusterResult Run(ClusterOptions? options = null, IProgress<ClusterProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new ClusterRun(Reader, Store, options ?? Options, full: true, progress, cancellationToken).Execute();

    /// <summary>
    /// Incremental update: processes only the events after the stored cursor and updates the links and clusters
    /// they affect. Falls back to a full rebuild when there is no previous run or the options or labels changed.
    /// </summary>
    public ClusterResult Update(ClusterOptions? options = null, IProgress<ClusterProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new ClusterRun(Reader, Store, options ?? Options, full: false, progress, cancellationToken).Execute();

    /// <summary>The cluster of an address; null when the store does not know the address.</summary>
    public ClusterSummary? GetCluster(Address address) =>
        Reader.TryGetAddressId(address, out uint id) ? GetCluster(id) : null;

    /// <summary>The cluster of an address id.</summary>
    public ClusterSummary GetCluster(uint id)
    {
        uint cid = Store.GetClusterId(id);
        var header = Store.GetHeader(cid);
        IReadOnlyList<ClusterLabel> labels = header?.Labels ?? LabelsOf(id);
        var entity = ClusterEntities.Resolve(labels, Options.ServiceCategories);
        Address? depositOf = null;
        string? depositEntity = null;
        if (Store.TryGetDeposit(id, out var dep))
        {
            depositOf = Reader.GetAddress(dep.HotWallet);
            depositEntity = EntityOf(dep.HotWallet);
        }
        return new ClusterSummary(id, cid, header?.Size ?? 1, entity.Name, entity.Category, entity.ConflictingNames, depositOf, depositEntity);
    }

    /// <summary>Members of a cluster id (the id itself for a singleton).</summary>
    public IEnumerable<uint> Members(uint clusterId)
    {
        bool any = false;
        foreach (uint m in Store.GetMembers(clusterId)) { any = true; yield return m; }
        if (!any && clusterId >= 1 && clusterId <= Reader.AddressCount) yield return clusterId;
    }

    /// <summary>True if the address is a detected deposit address; gives the hot wallet it sweeps to.</summary>
    public bool TryGetDeposit(Address address, out Address hotWallet)
    {
        hotWallet = default;
        if (!Reader.TryGetAddressId(address, out uint id) || !Store.TryGetDeposit(id, out var d)) return false;
        hotWallet = Reader.GetAddress(d.HotWallet);
        return true;
    }

    /// <summary>The entity name of an address's cluster (or of the address alone); null if unlabelled.</summary>
    public string? EntityOf(uint id)
    {
        var header = Store.GetHeader(Store.GetClusterId(id));
        var labels = header?.Labels ?? LabelsOf(id);
        return ClusterEntities.Resolve(labels, Options.ServiceCategories).Name;
    }

    /// <summary>Why two addresses share a cluster; null when they do not (or are unknown).</summary>
    public ClusterPath? Why(Address a, Address b)
    {
        if (!Reader.TryGetAddressId(a, out uint ia) || !Reader.TryGetAddressId(b, out uint ib)) return null;
        var steps = FindPath(ia, ib);
        if (steps is null) return null;
        var explained = new List<ClusterPathStep>(steps.Count);
        foreach (var (from, to, links) in steps)
            explained.Add(new ClusterPathStep(Reader.GetAddress(from), Reader.GetAddress(to), links.Select(Explain).ToList()));
        return new ClusterPath(a, b, Store.GetClusterId(ia), explained);
    }

    /// <summary>
    /// The id-level chain of links joining two addresses of one cluster (breadth-first, so a shortest one);
    /// null when they are in different clusters. Each step is one link, or two deposit links sharing their
    /// deposit address when the deposit address itself is not clustered with its customers.
    /// </summary>
    public IReadOnlyList<(uint From, uint To, IReadOnlyList<ClusterLink> Links)>? FindPath(uint a, uint b)
    {
        uint cid = Store.GetClusterId(a);
        if (Store.GetClusterId(b) != cid) return null;
        if (a == b) return [];
        bool depositInCluster = Store.ReadMeta()?.DepositAddressInCluster ?? true;
        var prev = new Dictionary<uint, (uint From, ClusterLink L1, ClusterLink? L2)>();
        var queue = new Queue<uint>();
        queue.Enqueue(a);
        prev[a] = (a, default, null);
        while (queue.Count > 0)
        {
            uint x = queue.Dequeue();
            foreach (var link in Store.GetLinksOf(x))
            {
                if (link.Heuristic == LinkHeuristic.DepositReuse && !depositInCluster)
                {
                    if (x == link.Anchor) continue;
                    foreach (var other in Store.GetStar(LinkHeuristic.DepositReuse, link.Anchor))
                        if (other.Member != x && Visit(other.Member, x, link, other)) return Build();
                }
                else if (Visit(link.Other(x), x, link, null)) return Build();
            }
        }
        return null;

        bool Visit(uint y, uint from, ClusterLink l1, ClusterLink? l2)
        {
            if (prev.ContainsKey(y) || Store.GetClusterId(y) != cid) return false;
            prev[y] = (from, l1, l2);
            queue.Enqueue(y);
            return y == b;
        }

        List<(uint, uint, IReadOnlyList<ClusterLink>)> Build()
        {
            var path = new List<(uint, uint, IReadOnlyList<ClusterLink>)>();
            for (uint y = b; y != a;)
            {
                var (from, l1, l2) = prev[y];
                path.Add((from, y, l2 is { } second ? [l1, second] : [l1]));
                y = from;
            }
            path.Reverse();
            return path;
        }
    }

    /// <summary>A cluster with members, labels and the links among them.</summary>
    public ClusterView? Show(Address address, int maxMembers = 1000, int maxLinks = 1000)
    {
        if (!Reader.TryGetAddressId(address, out uint id)) return null;
        var summary = GetCluster(id);
        var members = new List<ClusterMemberView>();
        bool membersTruncated = false;
        foreach (uint m in Members(summary.ClusterId))
        {
            if (members.Count == maxMembers) { membersTruncated = true; break; }
            Address? depositOf = Store.TryGetDeposit(m, out var d) ? Reader.GetAddress(d.HotWallet) : null;
            members.Add(new ClusterMemberView(m, Reader.GetAddress(m), Reader.GetLabels(m), depositOf));
        }
        var links = new List<ExplainedLink>();
        var seen = new HashSet<(LinkHeuristic, uint, uint)>();
        bool linksTruncated = false;
        foreach (var member in members)
        {
            foreach (var l in Store.GetLinksOf(member.AddressId))
            {
                if (!seen.Add((l.Heuristic, l.Anchor, l.Member))) continue;
                if (Store.GetClusterId(l.Other(member.AddressId)) != summary.ClusterId && Store.GetClusterId(l.Member) != summary.ClusterId) continue;
                if (links.Count == maxLinks) { linksTruncated = true; break; }
                links.Add(Explain(l));
            }
            if (linksTruncated) break;
        }
        return new ClusterView(address, summary, members, membersTruncated, links, linksTruncated);
    }

    /// <summary>Resolves a link's addresses and evidence transactions and says what it means.</summary>
    public ExplainedLink Explain(ClusterLink link)
    {
        var profile = Reader.Profile;
        var anchor = Reader.GetAddress(link.Anchor);
        var member = Reader.GetAddress(link.Member);
        Hash32? tx1 = Reader.TryGetTxHash(link.Evidence.Block, link.Evidence.TxIndex, out var h1) ? h1 : null;
        Hash32? tx2 = Reader.TryGetTxHash(link.Evidence2.Block, link.Evidence2.TxIndex, out var h2) ? h2 : null;
        string e1 = tx1?.ToString() ?? "event " + link.Evidence;
        string e2 = tx2?.ToString() ?? "event " + link.Evidence2;
        string a = profile.Format(anchor), m = profile.Format(member);
        Address? hot = null;
        string text;
        switch (link.Heuristic)
        {
            case LinkHeuristic.DepositReuse:
                string target = "its hot wallet";
                if (Store.TryGetDeposit(link.Anchor, out var dep))
                {
                    hot = Reader.GetAddress(dep.HotWallet);
                    var name = EntityOf(dep.HotWallet);
                    target = "hot wallet " + profile.Format(hot.Value) + (name is null ? "" : " (" + name + ")");
                }
                text = $"{m} sent tokens to {a} ({e1}); {a} is a deposit address that sweeps to {target} ({e2}): one customer uses it.";
                break;
            case LinkHeuristic.GasFunding:
                text = $"{a} paid the first {profile.NativeSymbol} of fresh address {m} ({e1}); {m} then moved tokens ({e2}).";
                break;
            case LinkHeuristic.Approval:
                text = $"{m} approved {a} to spend its tokens ({e1}); {a} then sent the transaction that moved {m}'s tokens with transferFrom ({e2}).";
                break;
            default:
                text = $"{a} and {m} are linked.";
                break;
        }
        return new ExplainedLink(link, anchor, member, tx1, tx2, hot, text);
    }

    private IReadOnlyList<ClusterLabel> LabelsOf(uint id)
    {
        var list = new List<ClusterLabel>();
        foreach (var l in Reader.GetLabels(id))
            if (!string.Equals(l.Category, LabelCategories.DepositAddress, StringComparison.OrdinalIgnoreCase))
                list.Add(new ClusterLabel(l.Category.ToLowerInvariant(), l.Name));
        return ClusterEntities.Normalise(list);
    }
}
