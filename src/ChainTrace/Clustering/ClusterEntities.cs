using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Clustering;

/// <summary>The entity a cluster stands for, from its members' labels.</summary>
/// <param name="Name">Entity name; null when no member is labelled.</param>
/// <param name="Category">Category of the label that named it.</param>
/// <param name="ConflictingNames">Other names carried by members (labels disagree: reported, not resolved).</param>
public sealed record ClusterEntity(string? Name, string? Category, IReadOnlyList<string> ConflictingNames)
{
    /// <summary>No entity.</summary>
    public static readonly ClusterEntity None = new(null, null, []);

    /// <summary>True when members carry labels of more than one entity.</summary>
    public bool HasConflict => ConflictingNames.Count > 0;
}

/// <summary>
/// How labels propagate to clusters: a service label (exchange, otc, bridge, mixer) names the entity before any
/// other label; ties go to the alphabetically first category, then name; names compare case-insensitively.
/// Every other distinct name is a conflict. Deposit-address labels describe an address, not an entity, and are ignored.
/// </summary>
public static class ClusterEntities
{
    /// <summary>Resolves the entity of a set of labels.</summary>
    public static ClusterEntity Resolve(IReadOnlyList<ClusterLabel> labels, IReadOnlyList<string> serviceCategories)
    {
        ClusterLabel? best = null;
        int bestRank = int.MaxValue;
        foreach (var l in labels)
        {
            int rank = Rank(l.Category, serviceCategories);
            if (best is null || rank < bestRank || (rank == bestRank && Compare(l, best.Value) < 0)) { best = l; bestRank = rank; }
        }
        if (best is not { } b) return ClusterEntity.None;
        var others = new List<string>();
        foreach (var l in labels)
        {
            if (string.Equals(l.Name, b.Name, StringComparison.OrdinalIgnoreCase)) continue;
            bool seen = false;
            foreach (var o in others) if (string.Equals(o, l.Name, StringComparison.OrdinalIgnoreCase)) { seen = true; break; }
            if (!seen) others.Add(l.Name);
        }
        others.Sort(StringComparer.OrdinalIgnoreCase);
        return new ClusterEntity(b.Name, b.Category, others);
    }

    /// <summary>The name of the first service label (by the same order as <see cref="Resolve"/>); null if none.</summary>
    public static string? ServiceName(IReadOnlyList<ClusterLabel> labels, IReadOnlyList<string> serviceCategories)
    {
        ClusterLabel? best = null;
        int bestRank = int.MaxValue;
        foreach (var l in labels)
        {
            int rank = Rank(l.Category, serviceCategories);
            if (rank >= serviceCategories.Count) continue;
            if (best is null || rank < bestRank || (rank == bestRank && Compare(l, best.Value) < 0)) { best = l; bestRank = rank; }
        }
        return best?.Name;
    }

    /// <summary>True when two entity names are the same entity.</summary>
    public static bool SameEntity(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>Sorted distinct union of two label lists.</summary>
    public static IReadOnlyList<ClusterLabel> Union(IReadOnlyList<ClusterLabel> a, IReadOnlyList<ClusterLabel> b)
    {
        if (b.Count == 0) return a;
        if (a.Count == 0) return b;
        var set = new SortedSet<ClusterLabel>(a, LabelComparer.Instance);
        set.UnionWith(b);
        return [.. set];
    }

    /// <summary>Sorted distinct labels.</summary>
    public static IReadOnlyList<ClusterLabel> Normalise(IEnumerable<ClusterLabel> labels) => [.. new SortedSet<ClusterLabel>(labels, LabelComparer.Instance)];

    private static int Rank(string category, IReadOnlyList<string> serviceCategories)
    {
        for (int i = 0; i < serviceCategories.Count; i++)
            if (string.Equals(serviceCategories[i], category, StringComparison.OrdinalIgnoreCase)) return i;
        return serviceCategories.Count;
    }

    private static int Compare(ClusterLabel x, ClusterLabel y) => LabelComparer.Instance.Compare(x, y);

    /// <summary>Ordinal order on (category, name).</summary>
    internal sealed class LabelComparer : IComparer<ClusterLabel>
    {
        public static readonly LabelComparer Instance = new();

        public int Compare(ClusterLabel x, ClusterLabel y)
        {
            int c = string.CompareOrdinal(x.Category, y.Category);
            return c != 0 ? c : string.CompareOrdinal(x.Name, y.Name);
        }
    }
}

/// <summary>The labels of a store as clustering sees them (snapshot taken at the start of a run).</summary>
internal sealed class LabelIndex
{
    private readonly Dictionary<uint, ClusterLabel[]> _labels = [];
    private readonly HashSet<uint> _services = [];
    private readonly HashSet<uint> _hot = [];
    private readonly Dictionary<uint, string> _serviceNames = [];

    private LabelIndex()
    {
    }

    /// <summary>FNV-1a hash of every label: a change forces a full rebuild.</summary>
    public string Fingerprint { get; private set; } = "";

    /// <summary>Ids with at least one (non-deposit) label, ascending.</summary>
    public IReadOnlyCollection<uint> Ids => _labels.Keys;

    /// <summary>Reads the reader's labels.</summary>
    public static LabelIndex Build(IChainReader reader, ClusterOptions options)
    {
        var index = new LabelIndex();
        ulong hash = 14695981039346656037UL;
        foreach (uint id in reader.LabelledAddressIds())
        {
            var list = new List<ClusterLabel>();
            foreach (var l in reader.GetLabels(id))
            {
                if (string.Equals(l.Category, LabelCategories.DepositAddress, StringComparison.OrdinalIgnoreCase)) continue;
                list.Add(new ClusterLabel(l.Category.ToLowerInvariant(), l.Name));
            }
            if (list.Count == 0) continue;
            var labels = ClusterEntities.Normalise(list).ToArray();
            index._labels[id] = labels;
            hash = Mix(hash, id);
            foreach (var l in labels)
            {
                hash = Mix(hash, l.Category);
                hash = Mix(hash, l.Name);
                if (Contains(options.ServiceCategories, l.Category)) index._services.Add(id);
                if (Contains(options.Deposit.HotWalletCategories, l.Category)) index._hot.Add(id);
            }
            if (ClusterEntities.ServiceName(labels, options.ServiceCategories) is { } s) index._serviceNames[id] = s;
        }
        index.Fingerprint = index._labels.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        return index;
    }

    /// <summary>True if labelled with a service category.</summary>
    public bool IsService(uint id) => _services.Contains(id);

    /// <summary>True if labelled with a hot-wallet category.</summary>
    public bool IsHotLabelled(uint id) => _hot.Contains(id);

    /// <summary>Ids labelled with a hot-wallet category.</summary>
    public IEnumerable<uint> HotLabelled => _hot;

    /// <summary>The service entity of a labelled id, if any.</summary>
    public string? ServiceName(uint id) => _serviceNames.TryGetValue(id, out var s) ? s : null;

    /// <summary>Ids with a service entity.</summary>
    public IEnumerable<KeyValuePair<uint, string>> ServiceNames => _serviceNames;

    /// <summary>Labels of an id (empty if none).</summary>
    public IReadOnlyList<ClusterLabel> Get(uint id) => _labels.TryGetValue(id, out var l) ? l : [];

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var s in list) if (string.Equals(s, value, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static ulong Mix(ulong hash, uint value)
    {
        for (int i = 0; i < 4; i++) { hash ^= (byte)(value >> (8 * i)); hash *= 1099511628211UL; }
        return hash;
    }

    private static ulong Mix(ulong hash, string value)
    {
        foreach (char c in value) { hash ^= c; hash *= 1099511628211UL; }
        hash ^= 0xFF;
        return hash * 1099511628211UL;
    }
}
