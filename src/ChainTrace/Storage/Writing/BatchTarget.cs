using System.Buffers.Binary;
using ChainTrace.Primitives;
using ChainTrace.Storage.Encoding;
using ChainTrace.Storage.Rocks;
using RocksDbSharp;

namespace ChainTrace.Storage.Writing;

/// <summary>
/// The incremental target: every record goes into one RocksDB write batch, committed atomically with the meta
/// (cursor, counters, next ids). Upserts of blocks and transactions consult the pending batch, then the store.
/// </summary>
internal sealed class BatchTarget : IWriteTarget
{
    private readonly ChainTraceStore _store;
    private readonly StoreMeta _meta;
    private readonly WriterSettings _settings;
    private readonly WriteBatch _batch = new();
    private readonly Dictionary<uint, (int Length, Hash32 Hash)> _pendingBlocks = [];
    private readonly Dictionary<ulong, bool> _pendingTxs = [];
    private long _records;
    private int _blocks;
    private ulong _committedEnd;

    /// <summary>Creates a target that counts new blocks and transactions into <paramref name="meta"/>.</summary>
    public BatchTarget(ChainTraceStore store, StoreMeta meta, WriterSettings settings)
    {
        _store = store;
        _meta = meta;
        _settings = settings;
        _committedEnd = meta.RecordsEnd;
    }

    /// <inheritdoc/>
    public bool NeedsUnboundedCaches => false;

    /// <summary>Records in the pending batch.</summary>
    public long PendingRecords => _records;

    /// <inheritdoc/>
    public void PutAddress(in Address address, uint id, Seq firstSeen)
    {
        Span<byte> key = stackalloc byte[Address.Size];
        address.WriteTo(key);
        Span<byte> idBytes = stackalloc byte[4];
        KeyCodec.WriteId(idBytes, id);
        RocksNative.Put(_batch, _store.AddressesFamily, key, idBytes);
        Span<byte> value = stackalloc byte[28];
        address.WriteTo(value);
        KeyCodec.WriteSeq(value[20..], firstSeen.Value);
        RocksNative.Put(_batch, _store.AddressIdsFamily, idBytes, value);
        _records++;
    }

    /// <inheritdoc/>
    public void PutToken(uint id, TokenInfo token) => _store.PutToken(_batch, id, token);

    /// <inheritdoc/>
    public void PutTransfer(Seq seq, uint token, uint from, uint to, in UInt256 amount, in UInt256 fromBalance, uint fromCount, in UInt256 toBalance, uint toCount)
    {
        Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];
        Span<byte> value = stackalloc byte[ValueCodec.MaxEdgeValueLength];
        KeyCodec.WriteEdgeKey(key, from, token, seq.Value);
        int n = ValueCodec.WriteEdge(value, to, fromCount, amount, fromBalance);
        RocksNative.Put(_batch, _store.OutFamily, key, value[..n]);
        KeyCodec.WriteEdgeKey(key, to, token, seq.Value);
        n = ValueCodec.WriteEdge(value, from, toCount, amount, toBalance);
        RocksNative.Put(_batch, _store.InFamily, key, value[..n]);
        KeyCodec.WriteSeq(key, seq.Value);
        n = ValueCodec.WriteTransfer(value, token, from, to, amount);
        RocksNative.Put(_batch, _store.TransfersFamily, key[..KeyCodec.SeqKeyLength], value[..n]);
        _records++;
    }

    /// <inheritdoc/>
    public void PutSupply(Seq seq, uint token, byte kind, in UInt256 amount)
    {
        Span<byte> key = stackalloc byte[KeyCodec.SeqKeyLength];
        KeyCodec.WriteSeq(key, seq.Value);
        Span<byte> value = stackalloc byte[1 + ValueCodec.MaxVarintLength + ValueCodec.MaxAmountLength];
        value[0] = kind;
        int n = 1 + ValueCodec.WriteVarint(value[1..], token);
        n += ValueCodec.WriteAmount(value[n..], amount);
        RocksNative.Put(_batch, _store.SupplyFamily, key, value[..n]);
        _records++;
    }

    /// <inheritdoc/>
    public void PutApproval(Seq seq, uint token, uint owner, uint spender, in UInt256 amount)
    {
        Span<byte> key = stackalloc byte[KeyCodec.SeqKeyLength];
        KeyCodec.WriteSeq(key, seq.Value);
        Span<byte> value = stackalloc byte[ValueCodec.MaxTransferValueLength];
        int n = ValueCodec.WriteIds3Amount(value, token, owner, spender, amount);
        RocksNative.Put(_batch, _store.ApprovalsFamily, key, value[..n]);
        _records++;
    }

    /// <inheritdoc/>
    public void PutBlacklist(uint id, uint token, Seq seq, byte kind, in UInt256 amount)
    {
        Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(key, id, token, seq.Value);
        Span<byte> value = stackalloc byte[1 + ValueCodec.MaxAmountLength];
        value[0] = kind;
        int n = 1 + ValueCodec.WriteAmount(value[1..], amount);
        RocksNative.Put(_batch, _store.BlacklistFamily, key, value[..n]);
        _records++;
    }

    /// <inheritdoc/>
    public void PutNative(Seq seq, uint from, uint to, in UInt256 value)
    {
        Span<byte> key = stackalloc byte[KeyCodec.IdSeqKeyLength];
        Span<byte> v = stackalloc byte[2 * ValueCodec.MaxVarintLength + ValueCodec.MaxAmountLength];
        KeyCodec.WriteSeq(key, seq.Value);
        int n = ValueCodec.WriteIds2Amount(v, from, to, value);
        RocksNative.Put(_batch, _store.NativeFamily, key[..KeyCodec.SeqKeyLength], v[..n]);
        KeyCodec.WriteIdSeq(key, to, seq.Value);
        n = ValueCodec.WriteIdAmount(v, from, value);
        RocksNative.Put(_batch, _store.NativeInFamily, key, v[..n]);
        _records++;
    }

    /// <inheritdoc/>
    public void UpsertBlock(uint block, long timestamp, in Hash32 hash, in Hash32 parentHash, int length)
    {
        int existing;
        if (_pendingBlocks.TryGetValue(block, out var pending)) existing = pending.Length;
        else if (block >= _committedEnd)
        {
            existing = -1;
            _meta.BlockCount++;
        }
        else
        {
            Span<byte> k = stackalloc byte[4];
            KeyCodec.WriteId(k, block);
            existing = RocksNative.Get(_store.Database, _store.DefaultReadOptions, _store.BlocksFamily, k, []);
            if (existing < 0) _meta.BlockCount++;
        }
        if (length < existing) return;
        Span<byte> key = stackalloc byte[4];
        KeyCodec.WriteId(key, block);
        Span<byte> value = stackalloc byte[BlockValue.FullLength];
        BinaryPrimitives.WriteInt64BigEndian(value, timestamp);
        if (length >= BlockValue.HashLength) hash.WriteTo(value[8..]);
        if (length >= BlockValue.FullLength) parentHash.WriteTo(value[40..]);
        RocksNative.Put(_batch, _store.BlocksFamily, key, value[..length]);
        _pendingBlocks[block] = (length, length >= BlockValue.HashLength ? hash : default);
        if (block >= _meta.RecordsEnd) _meta.RecordsEnd = block + 1UL;
        _records++;
    }

    /// <inheritdoc/>
    public void UpsertTx(uint block, ushort txIndex, in Hash32 hash, uint from, uint to, bool full)
    {
        ulong pendingKey = ((ulong)block << 16) | txIndex;
        Span<byte> key = stackalloc byte[KeyCodec.TxKeyLength];
        KeyCodec.WriteTxKey(key, block, txIndex);
        if (_pendingTxs.TryGetValue(pendingKey, out bool pendingFull))
        {
            if (pendingFull && !full) return;
        }
        else if (block >= _committedEnd)
        {
            _meta.TxCount++;
        }
        else
        {
            int existing = RocksNative.Get(_store.Database, _store.DefaultReadOptions, _store.TxsFamily, key, []);
            if (existing < 0) _meta.TxCount++;
            else if (existing > 32 && !full) return;
        }
        Span<byte> value = stackalloc byte[32 + 2 * ValueCodec.MaxVarintLength];
        hash.WriteTo(value);
        int n = 32;
        if (full)
        {
            n += ValueCodec.WriteVarint(value[n..], from);
            n += ValueCodec.WriteVarint(value[n..], to);
        }
        RocksNative.Put(_batch, _store.TxsFamily, key, value[..n]);
        _pendingTxs[pendingKey] = full;
        if (block >= _meta.RecordsEnd) _meta.RecordsEnd = block + 1UL;
        _records++;
    }

    /// <inheritdoc/>
    public bool TryGetBlockHash(uint block, out Hash32 hash)
    {
        if (_pendingBlocks.TryGetValue(block, out var pending) && !pending.Hash.IsZero)
        {
            hash = pending.Hash;
            return true;
        }
        return _store.TryGetBlockHash(block, out hash);
    }

    /// <inheritdoc/>
    public void BlockCompleted() => _blocks++;

    /// <inheritdoc/>
    public bool WantsCommit => _records >= _settings.CommitRecords || _blocks >= _settings.CommitBlocks;

    /// <inheritdoc/>
    public void Commit(StoreMeta meta)
    {
        meta.WriteTo(_batch, _store.MetaFamily);
        _store.Write(_batch);
        Clear();
    }

    /// <inheritdoc/>
    public void Discard() => Clear();

    private void Clear()
    {
        _batch.Clear();
        _pendingBlocks.Clear();
        _pendingTxs.Clear();
        _records = 0;
        _blocks = 0;
        _committedEnd = _meta.RecordsEnd;
    }

    /// <inheritdoc/>
    public IWriteTarget Continue(StoreMeta meta) => this;

    /// <inheritdoc/>
    public void Dispose() => _batch.Dispose();
}
