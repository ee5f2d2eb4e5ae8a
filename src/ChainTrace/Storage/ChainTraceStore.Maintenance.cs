using System.Numerics;
using System.Security.Cryptography;
using ChainTrace.Primitives;
using ChainTrace.Storage.Encoding;
using ChainTrace.Storage.Rocks;
using RocksDbSharp;

namespace ChainTrace.Storage;

public sealed partial class ChainTraceStore
{
    /// <summary>
    /// Undoes everything indexed after <paramref name="block"/> (a reorg): removes transfers, edges, supply events,
    /// approvals, blacklist events, native transfers, transactions and blocks above it, and moves the cursor back.
    /// Running balances and counts need no repair: they live on the edges, so the last remaining edge of each
    /// address holds its state at the fork. Address ids are kept (ids are permanent).
    /// </summary>
    public void RollbackTo(ulong block)
    {
        using var slot = AcquireWriter();
        RollbackCore(block);
    }

    /// <summary>Rollback for a caller that holds the writer slot; <paramref name="keepThrough"/> null removes every block.</summary>
    internal void RollbackCore(ulong? keepThrough)
    {
        ThrowIfDisposed();
        if (keepThrough is { } k && k >= uint.MaxValue) return;
        ulong firstBlock = keepThrough is { } kb ? kb + 1 : 0;
        var meta = _meta.Clone();
        using var batch = new WriteBatch();
        Span<byte> seqKey = stackalloc byte[8];
        KeyCodec.WriteSeq(seqKey, Seq.BlockStart(firstBlock).Value);
        Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];

        using (var it = new NativeIterator(_db, TransfersFamily, seqKey))
        {
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                var seq = KeyCodec.ReadSeq(it.Key);
                var t = ValueCodec.ReadTransfer(it.Value, seq);
                KeyCodec.WriteEdgeKey(key, t.FromId, t.TokenId, seq.Value);
                RocksNative.Delete(batch, OutFamily, key);
                KeyCodec.WriteEdgeKey(key, t.ToId, t.TokenId, seq.Value);
                RocksNative.Delete(batch, InFamily, key);
                RocksNative.Delete(batch, TransfersFamily, it.Key);
                meta.TransferCount--;
            }
            it.ThrowIfError();
        }
        DeleteFrom(batch, SupplyFamily, seqKey);
        DeleteFrom(batch, ApprovalsFamily, seqKey);
        using (var it = new NativeIterator(_db, NativeFamily, seqKey))
        {
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                var seq = KeyCodec.ReadSeq(it.Key);
                ValueCodec.ReadIds2Amount(it.Value, out _, out uint to, out _);
                KeyCodec.WriteIdSeq(key, to, seq.Value);
                RocksNative.Delete(batch, NativeInFamily, key[..KeyCodec.IdSeqKeyLength]);
                RocksNative.Delete(batch, NativeFamily, it.Key);
            }
            it.ThrowIfError();
        }
        using (var it = new NativeIterator(_db, BlacklistFamily))
        {
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                KeyCodec.ReadEdgeKey(it.Key, out _, out _, out var seq);
                if (seq.Block >= firstBlock) RocksNative.Delete(batch, BlacklistFamily, it.Key);
            }
            it.ThrowIfError();
        }
        Span<byte> txKey = stackalloc byte[KeyCodec.TxKeyLength];
        KeyCodec.WriteTxKey(txKey, (uint)firstBlock, 0);
        meta.TxCount -= DeleteFrom(batch, TxsFamily, txKey);
        Span<byte> blockKey = stackalloc byte[4];
        KeyCodec.WriteId(blockKey, (uint)firstBlock);
        meta.BlockCount -= DeleteFrom(batch, BlocksFamily, blockKey);
        meta.RecordsEnd = Math.Min(meta.RecordsEnd, firstBlock);
        meta.Cursor = meta.Cursor is { } c && keepThrough is { } keep ? Math.Min(c, keep) : null;
        meta.WriteTo(batch, MetaFamily);
        Write(batch);
        Publish(meta);
    }

    private long DeleteFrom(WriteBatch batch, ColumnFamilyHandle family, ReadOnlySpan<byte> lower)
    {
        long n = 0;
        using var it = new NativeIterator(_db, family, lower);
        for (it.SeekToFirst(); it.Valid; it.Next())
        {
            RocksNative.Delete(batch, family, it.Key);
            n++;
        }
        it.ThrowIfError();
        return n;
    }

    /// <summary>
    /// Repairs a store whose bulk load stopped half-way (the marker is set before the first file is ingested and
    /// removed with the cursor): drops ids, tokens and records the load added, back to the last committed state.
    /// </summary>
    private void RecoverInterruptedBulkLoad()
    {
        var meta = _meta;
        using (var batch = new WriteBatch())
        {
            Span<byte> idKey = stackalloc byte[4];
            KeyCodec.WriteId(idKey, meta.NextAddressId);
            using (var it = new NativeIterator(_db, AddressIdsFamily, idKey))
            {
                for (it.SeekToFirst(); it.Valid; it.Next()) RocksNative.Delete(batch, AddressIdsFamily, it.Key);
                it.ThrowIfError();
            }
            using (var it = new NativeIterator(_db, AddressesFamily))
            {
                for (it.SeekToFirst(); it.Valid; it.Next())
                    if (KeyCodec.ReadId(it.Value) >= meta.NextAddressId) RocksNative.Delete(batch, AddressesFamily, it.Key);
                it.ThrowIfError();
            }
            using (var it = new NativeIterator(_db, TokensFamily))
            {
                for (it.SeekToFirst(); it.Valid; it.Next())
                {
                    var k = it.Key;
                    uint id = k[0] == KeyCodec.TokenById ? KeyCodec.ReadId(k[1..]) : KeyCodec.ReadId(it.Value);
                    if (id >= meta.NextTokenId) RocksNative.Delete(batch, TokensFamily, k);
                }
                it.ThrowIfError();
            }
            Write(batch);
        }
        RollbackCore(meta.Cursor);
        // The rollback removed what the load ingested, which the committed counters never included.
        var repaired = meta.Clone();
        repaired.BulkInProgress = false;
        using (var batch = new WriteBatch())
        {
            repaired.WriteTo(batch, MetaFamily);
            Write(batch);
        }
        Publish(repaired, LoadTokens());
    }

    /// <summary>
    /// Hex SHA-256 per column family over every key and value in order (length-prefixed). Two stores with the
    /// same digests hold the same data; used by crash, idempotency and bulk-versus-incremental tests.
    /// </summary>
    public IReadOnlyDictionary<string, string> ComputeDigest()
    {
        ThrowIfDisposed();
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Span<byte> len = stackalloc byte[4];
        foreach (var name in ColumnFamilies.All)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var it = new NativeIterator(_db, _families[name], fillCache: false);
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                var k = it.Key;
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(len, k.Length);
                hash.AppendData(len);
                hash.AppendData(k);
                var v = it.Value;
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(len, v.Length);
                hash.AppendData(len);
                hash.AppendData(v);
            }
            it.ThrowIfError();
            result[name] = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        return result;
    }

    /// <summary>Counters, tokens and approximate sizes.</summary>
    public StoreStats GetStats()
    {
        ThrowIfDisposed();
        var meta = _meta;
        var sizes = new List<ColumnFamilySize>();
        long total = 0;
        foreach (var name in ColumnFamilies.All)
        {
            var family = _families[name];
            var size = new ColumnFamilySize(name,
                RocksNative.IntProperty(_db, family, "rocksdb.total-sst-files-size"),
                RocksNative.IntProperty(_db, family, "rocksdb.cur-size-all-mem-tables"));
            sizes.Add(size);
            total += size.TotalBytes;
        }
        return new StoreStats(meta.Chain, meta.Schema, meta.Cursor, meta.NextAddressId - 1, meta.TransferCount, meta.BlockCount,
            meta.TxCount, meta.LabelCount, _tokens.List, meta.Tokens == TokenMode.All, sizes, total);
    }

    /// <summary>
    /// An address at a glance for one token: balance, totals, counts, first and last activity, top counterparties
    /// by volume, labels, blacklist status. Scans the address's edges (cost grows with its activity). Null when
    /// the address is unknown.
    /// </summary>
    public AddressSummary? GetAddressSummary(Address address, uint tokenId, int topCounterparties = 10)
    {
        ThrowIfDisposed();
        if (!TryGetAddressId(address, out uint id)) return null;
        var parties = new Dictionary<uint, (UInt256 Sent, UInt256 Received, long Count)>();
        UInt256 totalIn = default, totalOut = default;
        long countIn = 0, countOut = 0;
        Seq? first = null, last = null;
        Edge lastEdge = default;
        bool any = false;
        foreach (var direction in (ReadOnlySpan<EdgeDirection>)[EdgeDirection.Out, EdgeDirection.In])
        {
            using var cursor = OpenEdges(direction, id, tokenId, Seq.MinValue);
            while (cursor.MoveNext())
            {
                var e = cursor.Current;
                parties.TryGetValue(e.Counterparty, out var p);
                if (direction == EdgeDirection.Out) { totalOut += e.Amount; countOut = e.Count; p.Sent += e.Amount; }
                else { totalIn += e.Amount; countIn = e.Count; p.Received += e.Amount; }
                p.Count++;
                parties[e.Counterparty] = p;
                if (first is null || e.Seq < first) first = e.Seq;
                if (!any || e.Seq >= lastEdge.Seq) { lastEdge = e; any = true; }
            }
        }
        if (any) last = lastEdge.Seq;
        var top = parties
            .Select(kv => (kv.Key, Sent: kv.Value.Sent.ToBigInteger(), Received: kv.Value.Received.ToBigInteger(), kv.Value.Count))
            .OrderByDescending(p => p.Sent + p.Received).ThenBy(p => p.Key)
            .Take(Math.Max(0, topCounterparties))
            .Select(p => new CounterpartySummary(GetAddress(p.Key), p.Sent, p.Received, p.Count))
            .ToList();
        long? Time(Seq? s) => s is { } q && TryGetBlockTimestamp(q.Block, out long t) ? t : null;
        return new AddressSummary(address, id,
            any ? lastEdge.BalanceAfter.ToSignedBigInteger() : BigInteger.Zero,
            totalIn.ToBigInteger(), totalOut.ToBigInteger(), countIn, countOut,
            first, Time(first), last, Time(last), top, GetLabels(id), IsBlacklisted(id, tokenId));
    }
}
