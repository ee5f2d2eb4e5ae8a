namespace ChainTrace.Storage;

/// <summary>
/// The store's column families, declared once. Every key is fixed-width big-endian, so RocksDB's byte order is
/// numeric order; docs/STORE.md lists each family's key and value layout.
/// </summary>
public static class ColumnFamilies
{
    /// <summary>address (20 B) → id (4 B).</summary>
    public const string Addresses = "addresses";
    /// <summary>id (4 B) → address (20 B) | first-seen seq (8 B).</summary>
    public const string AddressIds = "address_ids";
    /// <summary>'a' | contract (20 B) → token id; 'i' | token id (4 B) → contract, decimals, issuer, symbol.</summary>
    public const string Tokens = "tokens";
    /// <summary>from id | token id | seq → to id, sender's out-count, amount, sender's balance after.</summary>
    public const string Out = "out";
    /// <summary>to id | token id | seq → from id, receiver's in-count, amount, receiver's balance after.</summary>
    public const string In = "in";
    /// <summary>seq → token id, from id, to id, amount.</summary>
    public const string Transfers = "transfers";
    /// <summary>seq → kind (issue, redeem), token id, amount: USDT supply events, stored whether or not the issuer is known.</summary>
    public const string Supply = "supply";
    /// <summary>block (4 B) | tx index (2 B) → tx hash [, from id, to id].</summary>
    public const string Txs = "txs";
    /// <summary>seq → from id, to id, value: native-coin transfers with a non-zero value.</summary>
    public const string Native = "native";
    /// <summary>to id | seq → from id, value: native transfers by receiver (gas-funding heuristic).</summary>
    public const string NativeIn = "native_in";
    /// <summary>seq → token id, owner id, spender id, amount.</summary>
    public const string Approvals = "approvals";
    /// <summary>address id | token id | seq → kind (added, removed, destroyed), destroyed amount.</summary>
    public const string Blacklist = "blacklist";
    /// <summary>block (4 B) → timestamp [, hash [, parent hash]].</summary>
    public const string Blocks = "blocks";
    /// <summary>address id → list of (category, name, source).</summary>
    public const string Labels = "labels";
    /// <summary>Clustering links (reserved for the clustering engine).</summary>
    public const string Links = "links";
    /// <summary>Cluster assignments (reserved for the clustering engine).</summary>
    public const string Clusters = "clusters";
    /// <summary>Cluster members (reserved for the clustering engine).</summary>
    public const string ClusterMembers = "cluster_members";
    /// <summary>name → value: schema version, chain, tokens, cursor, counters.</summary>
    public const string Meta = "meta";

    /// <summary>Every column family of the store, in a fixed order (digests, statistics).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Addresses, AddressIds, Tokens, Out, In, Transfers, Supply, Txs, Native, NativeIn, Approvals, Blacklist,
        Blocks, Labels, Links, Clusters, ClusterMembers, Meta,
    ];
}
