using System.Buffers.Binary;
using ChainTrace.Storage.Rocks;
using RocksDbSharp;

namespace ChainTrace.Storage;

/// <summary>How the store chooses which tokens it indexes.</summary>
internal enum TokenMode : byte
{
    /// <summary>Not decided yet (nothing indexed).</summary>
    Unset = 0,
    /// <summary>Only the tokens registered in the tokens family.</summary>
    Listed = 1,
    /// <summary>Every token; new contracts get ids on first sight.</summary>
    All = 2,
}

/// <summary>
/// The store's <c>meta</c> family in memory: schema, chain, token mode, the indexed cursor and the counters.
/// The writer changes a copy and publishes it after its batch is committed, so readers see committed values.
/// </summary>
internal sealed class StoreMeta
{
    /// <summary>Names of the meta keys.</summary>
    public static class Keys
    {
        /// <summary>Schema version (int32).</summary>
        public const string Schema = "schema";
        /// <summary>Chain name (UTF-8).</summary>
        public const string Chain = "chain";
        /// <summary>Chain id (uint64).</summary>
        public const string ChainId = "chain_id";
        /// <summary>Token mode (1 byte).</summary>
        public const string TokenMode = "tokens_mode";
        /// <summary>Highest fully indexed block (uint64); absent for an empty store.</summary>
        public const string Cursor = "cursor";
        /// <summary>Next address id to hand out (uint32).</summary>
        public const string NextAddressId = "next_address_id";
        /// <summary>Next token id to hand out (uint32).</summary>
        public const string NextTokenId = "next_token_id";
        /// <summary>Stored transfers (int64).</summary>
        public const string Transfers = "count.transfers";
        /// <summary>Stored blocks (int64).</summary>
        public const string Blocks = "count.blocks";
        /// <summary>Stored transactions (int64).</summary>
        public const string Txs = "count.txs";
        /// <summary>Stored labels (int64).</summary>
        public const string Labels = "count.labels";
        /// <summary>Every block and transaction record is below this block (uint64): upserts above it need no existence check.</summary>
        public const string RecordsEnd = "records_end";
        /// <summary>Present while a bulk load is ingesting files; the cursor is written when it is removed.</summary>
        public const string BulkInProgress = "bulk_in_progress";
    }

    /// <summary>Schema version.</summary>
    public int Schema;
    /// <summary>Chain name.</summary>
    public string Chain = "";
    /// <summary>Chain id.</summary>
    public ulong ChainId;
    /// <summary>Token mode.</summary>
    public TokenMode Tokens;
    /// <summary>Indexed cursor.</summary>
    public ulong? Cursor;
    /// <summary>Next address id (ids handed out are 1..NextAddressId−1).</summary>
    public uint NextAddressId = 1;
    /// <summary>Next token id.</summary>
    public uint NextTokenId = 1;
    /// <summary>Stored transfers.</summary>
    public long TransferCount;
    /// <summary>Stored blocks.</summary>
    public long BlockCount;
    /// <summary>Stored transactions.</summary>
    public long TxCount;
    /// <summary>Stored labels.</summary>
    public long LabelCount;
    /// <summary>Upper bound (exclusive) of the blocks with a block or transaction record.</summary>
    public ulong RecordsEnd;
    /// <summary>True while a bulk load is in progress.</summary>
    public bool BulkInProgress;

    /// <summary>A copy.</summary>
    public StoreMeta Clone() => (StoreMeta)MemberwiseClone();

    /// <summary>Overwrites every field with <paramref name="other"/>'s.</summary>
    public void CopyFrom(StoreMeta other)
    {
        Schema = other.Schema;
        Chain = other.Chain;
        ChainId = other.ChainId;
        Tokens = other.Tokens;
        Cursor = other.Cursor;
        NextAddressId = other.NextAddressId;
        NextTokenId = other.NextTokenId;
        TransferCount = other.TransferCount;
        BlockCount = other.BlockCount;
        TxCount = other.TxCount;
        LabelCount = other.LabelCount;
        RecordsEnd = other.RecordsEnd;
        BulkInProgress = other.BulkInProgress;
    }

    /// <summary>Adds every meta key to a batch.</summary>
    public void WriteTo(WriteBatch batch, ColumnFamilyHandle meta)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(v, Schema);
        Put(batch, meta, Keys.Schema, v[..4]);
        Put(batch, meta, Keys.Chain, System.Text.Encoding.UTF8.GetBytes(Chain));
        BinaryPrimitives.WriteUInt64BigEndian(v, ChainId);
        Put(batch, meta, Keys.ChainId, v);
        v[0] = (byte)Tokens;
        Put(batch, meta, Keys.TokenMode, v[..1]);
        if (Cursor is { } c)
        {
            BinaryPrimitives.WriteUInt64BigEndian(v, c);
            Put(batch, meta, Keys.Cursor, v);
        }
        else
        {
            RocksNative.Delete(batch, meta, System.Text.Encoding.ASCII.GetBytes(Keys.Cursor));
        }
        BinaryPrimitives.WriteUInt32BigEndian(v, NextAddressId);
        Put(batch, meta, Keys.NextAddressId, v[..4]);
        BinaryPrimitives.WriteUInt32BigEndian(v, NextTokenId);
        Put(batch, meta, Keys.NextTokenId, v[..4]);
        PutLong(batch, meta, Keys.Transfers, TransferCount);
        PutLong(batch, meta, Keys.Blocks, BlockCount);
        PutLong(batch, meta, Keys.Txs, TxCount);
        PutLong(batch, meta, Keys.Labels, LabelCount);
        PutLong(batch, meta, Keys.RecordsEnd, (long)RecordsEnd);
        if (BulkInProgress) Put(batch, meta, Keys.BulkInProgress, [1]);
        else RocksNative.Delete(batch, meta, System.Text.Encoding.ASCII.GetBytes(Keys.BulkInProgress));
    }

    private static void PutLong(WriteBatch batch, ColumnFamilyHandle meta, string key, long value)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(v, value);
        Put(batch, meta, key, v);
    }

    private static void Put(WriteBatch batch, ColumnFamilyHandle meta, string key, ReadOnlySpan<byte> value) =>
        RocksNative.Put(batch, meta, System.Text.Encoding.ASCII.GetBytes(key), value);

    /// <summary>Reads the meta family; returns null when it holds no schema key (a new or foreign database).</summary>
    public static StoreMeta? Read(RocksDb db, ColumnFamilyHandle meta)
    {
        byte[]? Get(string key) => db.Get(System.Text.Encoding.ASCII.GetBytes(key), meta);
        var schema = Get(Keys.Schema);
        if (schema is null) return null;
        var m = new StoreMeta
        {
            Schema = schema.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(schema) : -1,
            Chain = Get(Keys.Chain) is { } chain ? System.Text.Encoding.UTF8.GetString(chain) : "",
            ChainId = Get(Keys.ChainId) is { Length: 8 } id ? BinaryPrimitives.ReadUInt64BigEndian(id) : 0,
            Tokens = Get(Keys.TokenMode) is { Length: 1 } mode ? (TokenMode)mode[0] : TokenMode.Unset,
            Cursor = Get(Keys.Cursor) is { Length: 8 } cursor ? BinaryPrimitives.ReadUInt64BigEndian(cursor) : null,
            NextAddressId = Get(Keys.NextAddressId) is { Length: 4 } na ? BinaryPrimitives.ReadUInt32BigEndian(na) : 1,
            NextTokenId = Get(Keys.NextTokenId) is { Length: 4 } nt ? BinaryPrimitives.ReadUInt32BigEndian(nt) : 1,
            TransferCount = Get(Keys.Transfers) is { Length: 8 } t ? BinaryPrimitives.ReadInt64BigEndian(t) : 0,
            BlockCount = Get(Keys.Blocks) is { Length: 8 } b ? BinaryPrimitives.ReadInt64BigEndian(b) : 0,
            TxCount = Get(Keys.Txs) is { Length: 8 } x ? BinaryPrimitives.ReadInt64BigEndian(x) : 0,
            LabelCount = Get(Keys.Labels) is { Length: 8 } l ? BinaryPrimitives.ReadInt64BigEndian(l) : 0,
            RecordsEnd = Get(Keys.RecordsEnd) is { Length: 8 } e ? BinaryPrimitives.ReadUInt64BigEndian(e) : 0,
            BulkInProgress = Get(Keys.BulkInProgress) is not null,
        };
        return m;
    }
}
