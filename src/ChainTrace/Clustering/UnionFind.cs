namespace ChainTrace.Clustering;

/// <summary>
/// Disjoint sets over dense ids 0..Count−1: a <c>uint[]</c> of parents with path compression and a <c>byte[]</c>
/// of ranks for union by rank, 5 bytes per element. Ranks stay below 32 (a rank-r root has ≥ 2^r elements).
/// </summary>
public sealed class UnionFind
{
    private uint[] _parent;
    private byte[] _rank;

    /// <summary>Memory per element: 4 bytes of parent, 1 byte of rank.</summary>
    public const int BytesPerElement = sizeof(uint) + sizeof(byte);

    /// <summary>Creates <paramref name="count"/> singletons.</summary>
    public UnionFind(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _parent = new uint[count];
        _rank = new byte[count];
        for (uint i = 0; i < (uint)count; i++) _parent[i] = i;
    }

    /// <summary>Number of elements.</summary>
    public int Count => _parent.Length;

    /// <summary>Grows to <paramref name="count"/> elements; the new ones are singletons.</summary>
    public void Grow(int count)
    {
        int old = _parent.Length;
        if (count <= old) return;
        Array.Resize(ref _parent, count);
        Array.Resize(ref _rank, count);
        for (uint i = (uint)old; i < (uint)count; i++) _parent[i] = i;
    }

    /// <summary>The representative of <paramref name="x"/>'s set; compresses the path.</summary>
    public uint Find(uint x)
    {
        var parent = _parent;
        uint root = x;
        while (parent[root] != root) root = parent[root];
        while (parent[x] != root)
        {
            uint next = parent[x];
            parent[x] = root;
            x = next;
        }
        return root;
    }

    /// <summary>True if both are in one set.</summary>
    public bool Connected(uint a, uint b) => Find(a) == Find(b);

    /// <summary>Merges the sets of <paramref name="a"/> and <paramref name="b"/>; false if they were already one.</summary>
    public bool Union(uint a, uint b)
    {
        uint ra = Find(a), rb = Find(b);
        if (ra == rb) return false;
        LinkRoots(ra, rb);
        return true;
    }

    /// <summary>Merges two distinct roots by rank; returns the new root.</summary>
    public uint LinkRoots(uint ra, uint rb)
    {
        byte ka = _rank[ra], kb = _rank[rb];
        if (ka < kb) (ra, rb) = (rb, ra);
        _parent[rb] = ra;
        if (ka == kb) _rank[ra]++;
        return ra;
    }

    /// <summary>
    /// Turns the structure into a cluster map in place, without extra memory: afterwards
    /// <see cref="ClusterOf"/>(x) is the smallest element of x's set (the stable cluster id). The structure is
    /// no longer a union-find after this call (unions throw).
    /// </summary>
    public void Materialise()
    {
        var parent = _parent;
        var mark = _rank;
        for (uint i = 0; i < (uint)parent.Length; i++) parent[i] = Find(i);
        // mark: 1 = root whose smallest member is not known yet, 2 = root whose parent slot now holds its smallest member.
        for (int i = 0; i < parent.Length; i++) mark[i] = parent[i] == (uint)i ? (byte)1 : (byte)0;
        for (uint i = 0; i < (uint)parent.Length; i++)
        {
            uint r = parent[i];
            if (mark[r] == 1)
            {
                // i is the first (smallest) member of r's set met in ascending order.
                parent[r] = i;
                mark[r] = 2;
                parent[i] = i;
            }
            else if (mark[r] == 2)
            {
                parent[i] = parent[r];
            }
            else
            {
                // r is no longer a root slot: i's parent already is the final id (set when i was first touched as r's min).
            }
        }
        _materialised = true;
    }

    private bool _materialised;

    /// <summary>After <see cref="Materialise"/>: the cluster id (smallest member) of <paramref name="x"/>.</summary>
    public uint ClusterOf(uint x)
    {
        if (!_materialised) throw new InvalidOperationException("Call Materialise first.");
        return _parent[x];
    }

    /// <summary>After <see cref="Materialise"/>: the cluster map itself (index = element, value = cluster id).</summary>
    internal uint[] ClusterMap => _materialised ? _parent : throw new InvalidOperationException("Call Materialise first.");
}
