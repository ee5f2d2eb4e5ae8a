using RocksDbSharp;
using RocksFamilies = RocksDbSharp.ColumnFamilies;

namespace ChainTrace.Storage.Rocks;

/// <summary>
/// RocksDB options for the store: one block cache shared by every column family; LZ4 on upper levels and ZSTD
/// on the bottommost level (where most bytes end up); bloom filters on the point-lookup families; larger blocks
/// on the scan-heavy edge families. The option objects must live as long as the database.
/// </summary>
internal sealed class RocksConfig
{
    private readonly Dictionary<string, ColumnFamilyOptions> _families = new(StringComparer.Ordinal);

    private RocksConfig(DbOptions db, RocksFamilies families, Cache cache)
    {
        Db = db;
        Families = families;
        BlockCache = cache;
    }

    /// <summary>Database-wide options.</summary>
    public DbOptions Db { get; }

    /// <summary>Column family descriptors to open with.</summary>
    public RocksFamilies Families { get; }

    /// <summary>The shared block cache.</summary>
    public Cache BlockCache { get; }

    /// <summary>Options of one column family (also used for its SST files).</summary>
    public ColumnFamilyOptions For(string family) => _families[family];

    /// <summary>Families whose values are read by key (bloom filters pay off).</summary>
    private static readonly HashSet<string> PointLookup = new(StringComparer.Ordinal)
    {
        ColumnFamilies.Addresses, ColumnFamilies.AddressIds, ColumnFamilies.Tokens, ColumnFamilies.Txs,
        ColumnFamilies.Blocks, ColumnFamilies.Labels, ColumnFamilies.Meta, ColumnFamilies.Clusters,
    };


    /// <summary>Families that take most of the volume.</summary>
    private static readonly HashSet<string> Large = new(StringComparer.Ordinal)
    {
        ColumnFamilies.Out, ColumnFamilies.In, ColumnFamilies.Transfers, ColumnFamilies.Addresses,
        ColumnFamilies.AddressIds, ColumnFamilies.Txs,
    };

    /// <summary>Builds the options.</summary>
    public static RocksConfig Create(long blockCacheBytes, bool createIfMissing)
    {
        var db = new DbOptions()
            .SetCreateIfMissing(createIfMissing)
            .SetCreateMissingColumnFamilies(true)
            .SetMaxTotalWalSize(256UL << 20)
            .SetKeepLogFileNum(2)
            .SetMaxLogFileSize(8UL << 20)
            .SetInfoLogLevel(InfoLogLevel.Warn);
        Native.Instance.rocksdb_options_set_max_background_jobs(db.Handle, Math.Max(2, Environment.ProcessorCount));
        var cache = Cache.CreateLru((ulong)Math.Max(8L << 20, blockCacheBytes));
        var defaults = new ColumnFamilyOptions();
        var families = new RocksFamilies(defaults);
        var config = new RocksConfig(db, families, cache);
        foreach (var name in ColumnFamilies.All)
        {
            bool point = PointLookup.Contains(name), large = Large.Contains(name);
            var table = new BlockBasedTableOptions()
                .SetBlockCache(cache)
                .SetBlockSize(point ? 4096UL : 16384UL)
                // Point-lookup families keep index and filter blocks in the table readers, outside the block
                // cache: a filter of a large bulk-loaded file (10 bits per key) can exceed a cache shard and
                // would then be read again on every Get.
                .SetCacheIndexAndFilterBlocks(!point)
                .SetPinL0FilterAndIndexBlocksInCache(!point)
                .SetFormatVersion(5);
            // address_ids is dense (every id below the next one exists): a filter would never say no.
            if (point && name != ColumnFamilies.AddressIds) table.SetFilterPolicy(BloomFilterPolicy.Create(10, false));
            var options = new ColumnFamilyOptions()
                .SetBlockBasedTableFactory(table)
                .SetCompression(Compression.Lz4)
                .SetWriteBufferSize(large ? 64UL << 20 : 8UL << 20)
                .SetMaxWriteBufferNumber(large ? 3 : 2)
                .SetLevelCompactionDynamicLevelBytes(true)
                .SetTargetFileSizeBase(64UL << 20);
            Native.Instance.rocksdb_options_set_bottommost_compression(options.Handle, (int)Compression.Zstd);
            config._families[name] = options;
            config._tables.Add(table);
            families.Add(name, options);
        }
        return config;
    }

    private readonly List<BlockBasedTableOptions> _tables = [];
}
