using System.Buffers.Binary;
using ChainTrace.Primitives;
using ChainTrace.Storage.Encoding;
using ChainTrace.Storage.Rocks;
using RocksDbSharp;

namespace ChainTrace.Storage;

public sealed partial class ChainTraceStore
{
    /// <summary>Value kinds in the blacklist family.</summary>
    internal const byte BlacklistAdded = 1, BlacklistRemoved = 2, BlacklistDestroyed = 3;

    /// <summary>Value kinds in the supply family.</summary>
    internal const byte SupplyIssue = 1, SupplyRedeem = 2;

    /// <inheritdoc/>
    public uint AddressCount => _meta.NextAddressId - 1;

    /// <inheritdoc/>
    public ulong? IndexedHead => _meta.Cursor;

    /// <inheritdoc/>
    public bool TryGetAddressId(Address address, out uint id)
    {
        ThrowIfDisposed();
        Span<byte> key = stackalloc byte[Address.Size];
        address.WriteTo(key);
        Span<byte> value = stackalloc byte[4];
        if (RocksNative.Get(_db, _readOptions, AddressesFamily, key, value) != 4) { id = 0; return false; }
        id = BinaryPrimitives.ReadUInt32BigEndian(value);
        return true;
    }

    /// <inheritdoc/>
    public Address GetAddress(uint id)
    {
        if (!TryGetAddress(id, out var address, out _))
            throw new ArgumentOutOfRangeException(nameof(id), id, "Unknown address id.");
        return address;
    }

    /// <summary>The address behind an id and the position where it was first seen (<see cref="Seq.MaxValue"/> when never on chain, e.g. a label).</summary>
    public bool TryGetAddress(uint id, out Address address, out Seq firstSeen)
    {
        ThrowIfDisposed();
        Span<byte> key = stackalloc byte[4];
        KeyCodec.WriteId(key, id);
        Span<byte> value = stackalloc byte[28];
        if (RocksNative.Get(_db, _readOptions, AddressIdsFamily, key, value) != 28)
        {
            address = default;
            firstSeen = default;
            return false;
        }
        address = new Address(value[..20]);
        firstSeen = KeyCodec.ReadSeq(value[20..]);
        return true;
    }

    /// <inheritdoc/>
    public bool TryGetTokenId(Address contract, out uint tokenId) => _tokens.TryGetId(contract, out tokenId);

    /// <inheritdoc/>
    public IEdgeCursor OpenEdges(EdgeDirection direction, uint id, uint tokenId, Seq from, bool descending = false)
    {
        ThrowIfDisposed();
        return new EdgeCursor(_db, direction == EdgeDirection.Out ? OutFamily : InFamily, id, tokenId, from, descending);
    }

    /// <inheritdoc/>
    public bool TryGetLastEdge(EdgeDirection direction, uint id, uint tokenId, out Edge edge) =>
        TryGetEdgeAtOrBefore(direction, id, tokenId, Seq.MaxValue, out edge);

    /// <inheritdoc/>
    public bool TryGetEdgeAtOrBefore(EdgeDirection direction, uint id, uint tokenId, Seq atOrBefore, out Edge edge)
    {
        ThrowIfDisposed();
        Span<byte> lower = stackalloc byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(lower, id, tokenId, 0);
        Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(key, id, tokenId, atOrBefore.Value);
        using var it = new NativeIterator(_db, direction == EdgeDirection.Out ? OutFamily : InFamily, lower);
        it.SeekForPrev(key);
        if (!it.Valid)
        {
            it.ThrowIfError();
            edge = default;
            return false;
        }
        var k = it.Key;
        KeyCodec.ReadEdgeKey(k, out uint kid, out uint ktoken, out var seq);
        if (kid != id || ktoken != tokenId) { edge = default; return false; }
        edge = ValueCodec.ReadEdge(it.Value, seq);
        return true;
    }

    /// <inheritdoc/>
    public bool TryGetBlockTimestamp(ulong block, out long unixSeconds)
    {
        ThrowIfDisposed();
        unixSeconds = 0;
        if (block > uint.MaxValue) return false;
        Span<byte> key = stackalloc byte[4];
        KeyCodec.WriteId(key, (uint)block);
        Span<byte> value = stackalloc byte[8];
        if (RocksNative.Get(_db, _readOptions, BlocksFamily, key, value) < 8) return false;
        unixSeconds = BinaryPrimitives.ReadInt64BigEndian(value);
        return true;
    }

    /// <summary>Stored hash of a block (from its header, or from a log of it); false when unknown.</summary>
    public bool TryGetBlockHash(ulong block, out Hash32 hash)
    {
        ThrowIfDisposed();
        hash = default;
        if (block > uint.MaxValue) return false;
        Span<byte> key = stackalloc byte[4];
        KeyCodec.WriteId(key, (uint)block);
        Span<byte> value = stackalloc byte[BlockValue.FullLength];
        if (RocksNative.Get(_db, _readOptions, BlocksFamily, key, value) < BlockValue.HashLength) return false;
        hash = new Hash32(value.Slice(8, 32));
        return !hash.IsZero;
    }

    /// <inheritdoc/>
    public bool TryGetTxHash(ulong block, uint txIndex, out Hash32 hash)
    {
        bool found = TryReadTx(block, txIndex, out hash, out _, out _, out _);
        return found;
    }

    /// <inheritdoc/>
    public bool TryGetTransaction(ulong block, uint txIndex, out TxRecord transaction)
    {
        if (TryReadTx(block, txIndex, out var hash, out uint from, out uint to, out bool full) && full)
        {
            transaction = new TxRecord(hash, from, to);
            return true;
        }
        transaction = default;
        return false;
    }

    private bool TryReadTx(ulong block, uint txIndex, out Hash32 hash, out uint from, out uint to, out bool full)
    {
        ThrowIfDisposed();
        hash = default;
        from = to = 0;
        full = false;
        if (block > uint.MaxValue || txIndex > ushort.MaxValue) return false;
        Span<byte> key = stackalloc byte[KeyCodec.TxKeyLength];
        KeyCodec.WriteTxKey(key, (uint)block, (ushort)txIndex);
        Span<byte> value = stackalloc byte[32 + 2 * ValueCodec.MaxVarintLength];
        int n = RocksNative.Get(_db, _readOptions, TxsFamily, key, value);
        if (n < 32) return false;
        if (n > value.Length) ValueCodec.ThrowCorrupt("transaction");
        hash = new Hash32(value[..32]);
        if (n > 32)
        {
            int m = ValueCodec.ReadVarint(value[32..n], out from);
            ValueCodec.ReadVarint(value[(32 + m)..n], out to);
            full = true;
        }
        return true;
    }

    /// <inheritdoc/>
    public bool IsBlacklisted(uint id, uint tokenId)
    {
        ThrowIfDisposed();
        Span<byte> lower = stackalloc byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(lower, id, tokenId, 0);
        Span<byte> upper = stackalloc byte[KeyCodec.EdgeKeyLength];
        if (!KeyCodec.WriteEdgePrefixEnd(upper, id, tokenId)) upper = default;
        using var it = new NativeIterator(_db, BlacklistFamily, lower, upper);
        it.SeekToLast();
        if (!it.Valid) { it.ThrowIfError(); return false; }
        var v = it.Value;
        return v.Length > 0 && v[0] != BlacklistRemoved;
    }

    /// <inheritdoc/>
    public IEnumerable<TransferRecord> ScanTransfers(Seq from, Seq to)
    {
        ThrowIfDisposed();
        return ScanBySeq(TransfersFamily, from, to, static (seq, value) => ValueCodec.ReadTransfer(value, seq));
    }

    /// <summary>Supply events (USDT Issue and Redeem) with from ≤ seq ≤ to: (seq, token id, issued (true) or redeemed, amount).</summary>
    public IEnumerable<(Seq Seq, uint TokenId, bool Issued, UInt256 Amount)> ScanSupply(Seq from, Seq to)
    {
        ThrowIfDisposed();
        return ScanBySeq(SupplyFamily, from, to, static (seq, value) =>
        {
            if (value.Length < 2) ValueCodec.ThrowCorrupt("supply");
            int n = 1 + ValueCodec.ReadVarint(value[1..], out uint token);
            ValueCodec.ReadAmount(value[n..], out var amount);
            return (seq, token, value[0] == SupplyIssue, amount);
        });
    }

    /// <inheritdoc/>
    public IEnumerable<NativeTransferRecord> ScanNativeTransfers(Seq from, Seq to)
    {
        ThrowIfDisposed();
        return ScanBySeq(NativeFamily, from, to, static (seq, value) =>
        {
            ValueCodec.ReadIds2Amount(value, out uint f, out uint t, out var amount);
            return new NativeTransferRecord(seq, f, t, amount);
        });
    }

    /// <summary>Native transfers received by <paramref name="toId"/>, in seq order.</summary>
    public IEnumerable<NativeTransferRecord> ScanNativeTransfersTo(uint toId)
    {
        ThrowIfDisposed();
        return ScanNativeIn(toId);
    }

    private IEnumerable<NativeTransferRecord> ScanNativeIn(uint toId)
    {
        var lower = new byte[KeyCodec.IdSeqKeyLength];
        KeyCodec.WriteIdSeq(lower, toId, 0);
        var upper = new byte[KeyCodec.IdSeqKeyLength];
        bool bounded = toId != uint.MaxValue;
        if (bounded) KeyCodec.WriteIdSeq(upper, toId + 1, 0);
        using var it = new NativeIterator(_db, NativeInFamily, lower, bounded ? upper : default);
        for (it.SeekToFirst(); it.Valid; it.Next())
        {
            KeyCodec.ReadIdSeq(it.Key, out uint to, out var seq);
            if (to != toId) break;
            ValueCodec.ReadIdAmount(it.Value, out uint from, out var value);
            yield return new NativeTransferRecord(seq, from, to, value);
        }
        it.ThrowIfError();
    }

    /// <inheritdoc/>
    public IEnumerable<ApprovalRecord> ScanApprovals(Seq from, Seq to)
    {
        ThrowIfDisposed();
        return ScanBySeq(ApprovalsFamily, from, to, static (seq, value) =>
        {
            var t = ValueCodec.ReadTransfer(value, seq);
            return new ApprovalRecord(seq, t.TokenId, t.FromId, t.ToId, t.Amount);
        });
    }

    /// <inheritdoc/>
    public IEnumerable<BlacklistRecord> ScanBlacklist()
    {
        ThrowIfDisposed();
        var list = new List<BlacklistRecord>();
        using (var it = new NativeIterator(_db, BlacklistFamily))
        {
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                KeyCodec.ReadEdgeKey(it.Key, out uint id, out uint token, out var seq);
                var v = it.Value;
                if (v.Length < 2) ValueCodec.ThrowCorrupt("blacklist");
                ValueCodec.ReadAmount(v[1..], out var amount);
                list.Add(new BlacklistRecord(seq, token, id, v[0] != BlacklistRemoved, amount));
            }
            it.ThrowIfError();
        }
        list.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        return list;
    }

    /// <inheritdoc/>
    public IReadOnlyList<AddressLabel> GetLabels(uint id) => Labels.Get(id);

    /// <inheritdoc/>
    public IEnumerable<uint> LabelledAddressIds() => Labels.Ids;

    private delegate T SeqDecoder<T>(Seq seq, ReadOnlySpan<byte> value);

    private IEnumerable<T> ScanBySeq<T>(ColumnFamilyHandle family, Seq from, Seq to, SeqDecoder<T> decode)
    {
        if (from > to) yield break;
        var lower = new byte[8];
        KeyCodec.WriteSeq(lower, from.Value);
        var upper = new byte[8];
        bool bounded = to.Value != ulong.MaxValue;
        if (bounded) KeyCodec.WriteSeq(upper, to.Value + 1);
        using var it = new NativeIterator(_db, family, lower, bounded ? upper : default);
        for (it.SeekToFirst(); it.Valid; it.Next())
            yield return decode(KeyCodec.ReadSeq(it.Key), it.Value);
        it.ThrowIfError();
    }

    /// <summary>A cursor over one address's edges of one token: one native iterator, no allocation per step.</summary>
    private sealed class EdgeCursor : IEdgeCursor
    {
        private readonly NativeIterator _it;
        private readonly Seq _from;
        private readonly bool _descending;
        private bool _started;
        private Edge _current;

        public EdgeCursor(RocksDb db, ColumnFamilyHandle family, uint id, uint token, Seq from, bool descending)
        {
            Span<byte> lower = stackalloc byte[KeyCodec.EdgeKeyLength];
            KeyCodec.WriteEdgeKey(lower, id, token, 0);
            Span<byte> upper = stackalloc byte[KeyCodec.EdgeKeyLength];
            if (!KeyCodec.WriteEdgePrefixEnd(upper, id, token)) upper = default;
            _it = new NativeIterator(db, family, lower, upper);
            _from = from;
            _descending = descending;
            Id = id;
            Token = token;
        }

        private uint Id { get; }

        private uint Token { get; }

        public Edge Current => _current;

        public bool MoveNext()
        {
            if (!_started)
            {
                _started = true;
                Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];
                KeyCodec.WriteEdgeKey(key, Id, Token, _from.Value);
                if (_descending) _it.SeekForPrev(key);
                else _it.Seek(key);
            }
            else if (_descending)
            {
                _it.Prev();
            }
            else
            {
                _it.Next();
            }
            if (!_it.Valid)
            {
                _it.ThrowIfError();
                return false;
            }
            KeyCodec.ReadEdgeKey(_it.Key, out _, out _, out var seq);
            _current = ValueCodec.ReadEdge(_it.Value, seq);
            return true;
        }

        public void Dispose() => _it.Dispose();
    }
}

/// <summary>Layout of a value in the blocks family: timestamp (8) [| hash (32) [| parent hash (32)]]; longer = better.</summary>
internal static class BlockValue
{
    /// <summary>Timestamp only (from a transaction record).</summary>
    public const int TimestampLength = 8;
    /// <summary>Timestamp and hash (from a log).</summary>
    public const int HashLength = 40;
    /// <summary>A full header.</summary>
    public const int FullLength = 72;
}
