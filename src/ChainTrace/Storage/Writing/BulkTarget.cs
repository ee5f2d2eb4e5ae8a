using System.Buffers.Binary;
using ChainTrace.Primitives;
using ChainTrace.Storage.Encoding;
using ChainTrace.Storage.Rocks;
using RocksDbSharp;

namespace ChainTrace.Storage.Writing;

/// <summary>
/// The bulk target: records are collected in memory (transfers as compact structs plus their encoded amounts),
/// and at commit written as sorted SST files (edges ordered by a stable counting sort on the owner id, since they
/// arrive in seq order) and ingested into the store; the meta with the cursor is written last. A marker in the meta
/// brackets the ingestion, so a crash in between is repaired at the next open. After its commit it hands over to
/// an incremental <see cref="BatchTarget"/>. Used for a store without stateful data.
/// </summary>
internal sealed class BulkTarget : IWriteTarget
{
    private const int RecentHashes = 4096;

    private readonly ChainTraceStore _store;
    private readonly StoreMeta _meta;
    private readonly WriterSettings _settings;
    private readonly ChunkedList<Transfer> _transfers = new();
    private readonly ByteArena _values = new();
    private readonly ChunkedList<NewAddress> _addresses = new();
    private readonly KvRun _tokens = new(ColumnFamilies.Tokens);
    private readonly KvRun _supply = new(ColumnFamilies.Supply);
    private readonly KvRun _approvals = new(ColumnFamilies.Approvals);
    private readonly KvRun _blacklist = new(ColumnFamilies.Blacklist);
    private readonly KvRun _native = new(ColumnFamilies.Native);
    private readonly KvRun _nativeIn = new(ColumnFamilies.NativeIn);
    private readonly KvRun _blocks = new(ColumnFamilies.Blocks);
    private readonly KvRun _txs = new(ColumnFamilies.Txs);
    private readonly Dictionary<uint, Hash32> _recent = [];
    private readonly Queue<uint> _recentOrder = new();
    private uint _maxToken;
    private ulong _recordsEnd;
    private bool _committed;

    /// <summary>Creates a bulk target over the writer's working meta.</summary>
    public BulkTarget(ChainTraceStore store, StoreMeta meta, WriterSettings settings)
    {
        if (store.Meta.BlockCount != 0 || store.Meta.TxCount != 0 || store.Meta.TransferCount != 0 || store.Meta.Cursor is not null)
            throw new InvalidOperationException("A bulk load needs a store without indexed data.");
        _store = store;
        _meta = meta;
        _settings = settings;
    }

    /// <inheritdoc/>
    public bool NeedsUnboundedCaches => true;

    /// <summary>Approximate bytes held (the writer's id and balance caches included).</summary>
    public long Bytes =>
        _transfers.Bytes + _values.Bytes + _addresses.Bytes * 5 / 2 + _tokens.Bytes + _supply.Bytes + _approvals.Bytes + _blacklist.Bytes
        + _native.Bytes + _nativeIn.Bytes + _blocks.Bytes + _txs.Bytes;

    /// <inheritdoc/>
    public void PutAddress(in Address address, uint id, Seq firstSeen)
    {
        ref var a = ref _addresses.Add();
        a.Address = address;
        a.Id = id;
        a.FirstSeen = firstSeen.Value;
    }

    /// <inheritdoc/>
    public void PutToken(uint id, TokenInfo token)
    {
        Span<byte> key = stackalloc byte[21];
        KeyCodec.WriteTokenContractKey(key, token.Contract);
        Span<byte> idValue = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(idValue, id);
        _tokens.Add(key, idValue);
        KeyCodec.WriteTokenIdKey(key, id);
        _tokens.Add(key[..5], TokenTable.Encode(token));
    }

    /// <inheritdoc/>
    public void PutTransfer(Seq seq, uint token, uint from, uint to, in UInt256 amount, in UInt256 fromBalance, uint fromCount, in UInt256 toBalance, uint toCount)
    {
        var span = _values.Reserve(3 * ValueCodec.MaxAmountLength, out long position);
        int n = ValueCodec.WriteAmount(span, amount);
        n += ValueCodec.WriteBalance(span[n..], fromBalance);
        n += ValueCodec.WriteBalance(span[n..], toBalance);
        _values.Commit(n);
        ref var t = ref _transfers.Add();
        t.Seq = seq.Value;
        t.Token = token;
        t.From = from;
        t.To = to;
        t.FromCount = fromCount;
        t.ToCount = toCount;
        t.Values = position;
        if (token > _maxToken) _maxToken = token;
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
        _supply.Add(key, value[..n]);
    }

    /// <inheritdoc/>
    public void PutApproval(Seq seq, uint token, uint owner, uint spender, in UInt256 amount)
    {
        Span<byte> key = stackalloc byte[KeyCodec.SeqKeyLength];
        KeyCodec.WriteSeq(key, seq.Value);
        Span<byte> value = stackalloc byte[ValueCodec.MaxTransferValueLength];
        int n = ValueCodec.WriteIds3Amount(value, token, owner, spender, amount);
        _approvals.Add(key, value[..n]);
    }

    /// <inheritdoc/>
    public void PutBlacklist(uint id, uint token, Seq seq, byte kind, in UInt256 amount)
    {
        Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(key, id, token, seq.Value);
        Span<byte> value = stackalloc byte[1 + ValueCodec.MaxAmountLength];
        value[0] = kind;
        int n = 1 + ValueCodec.WriteAmount(value[1..], amount);
        _blacklist.Add(key, value[..n]);
    }

    /// <inheritdoc/>
    public void PutNative(Seq seq, uint from, uint to, in UInt256 value)
    {
        Span<byte> key = stackalloc byte[KeyCodec.IdSeqKeyLength];
        Span<byte> v = stackalloc byte[2 * ValueCodec.MaxVarintLength + ValueCodec.MaxAmountLength];
        KeyCodec.WriteSeq(key, seq.Value);
        int n = ValueCodec.WriteIds2Amount(v, from, to, value);
        _native.Add(key[..KeyCodec.SeqKeyLength], v[..n]);
        KeyCodec.WriteIdSeq(key, to, seq.Value);
        n = ValueCodec.WriteIdAmount(v, from, value);
        _nativeIn.Add(key, v[..n]);
    }

    /// <inheritdoc/>
    public void UpsertBlock(uint block, long timestamp, in Hash32 hash, in Hash32 parentHash, int length)
    {
        Span<byte> key = stackalloc byte[4];
        KeyCodec.WriteId(key, block);
        Span<byte> value = stackalloc byte[BlockValue.FullLength];
        BinaryPrimitives.WriteInt64BigEndian(value, timestamp);
        if (length >= BlockValue.HashLength) hash.WriteTo(value[8..]);
        if (length >= BlockValue.FullLength) parentHash.WriteTo(value[40..]);
        _blocks.Add(key, value[..length], (byte)length);
        if (block >= _recordsEnd) _recordsEnd = block + 1UL;
        if (length >= BlockValue.HashLength && !hash.IsZero) Remember(block, hash);
    }

    private void Remember(uint block, in Hash32 hash)
    {
        if (_recent.TryGetValue(block, out var known))
        {
            if (known != hash) _recent[block] = hash;
            return;
        }
        _recent[block] = hash;
        _recentOrder.Enqueue(block);
        if (_recentOrder.Count > RecentHashes) _recent.Remove(_recentOrder.Dequeue());
    }

    /// <inheritdoc/>
    public void UpsertTx(uint block, ushort txIndex, in Hash32 hash, uint from, uint to, bool full)
    {
        Span<byte> key = stackalloc byte[KeyCodec.TxKeyLength];
        KeyCodec.WriteTxKey(key, block, txIndex);
        Span<byte> value = stackalloc byte[32 + 2 * ValueCodec.MaxVarintLength];
        hash.WriteTo(value);
        int n = 32;
        if (full)
        {
            n += ValueCodec.WriteVarint(value[n..], from);
            n += ValueCodec.WriteVarint(value[n..], to);
        }
        _txs.Add(key, value[..n], full ? (byte)2 : (byte)1);
        if (block >= _recordsEnd) _recordsEnd = block + 1UL;
    }

    /// <inheritdoc/>
    public bool TryGetBlockHash(uint block, out Hash32 hash) =>
        _recent.TryGetValue(block, out hash) || _store.TryGetBlockHash(block, out hash);

    /// <inheritdoc/>
    public void BlockCompleted()
    {
    }

    /// <inheritdoc/>
    public bool WantsCommit => Bytes + _transfers.Count * 16 > _settings.BulkMemoryBudget;

    /// <inheritdoc/>
    public void Commit(StoreMeta meta)
    {
        if (_committed) throw new InvalidOperationException("A bulk target commits once.");
        _committed = true;
        string dir = System.IO.Path.Combine(_store.Path, BulkDirectoryPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            long blocks = 0, txs = 0;
            var jobs = new List<Action>
            {
                () => Set(files, ColumnFamilies.Transfers, WriteTransfers(dir)),
                () => Set(files, ColumnFamilies.Out, WriteEdges(dir, outgoing: true)),
                () => Set(files, ColumnFamilies.In, WriteEdges(dir, outgoing: false)),
                () =>
                {
                    Set(files, ColumnFamilies.AddressIds, WriteAddressIds(dir));
                    Set(files, ColumnFamilies.Addresses, WriteAddresses(dir));
                },
                () =>
                {
                    foreach (var run in (ReadOnlySpan<KvRun>)[_tokens, _supply, _approvals, _blacklist, _native, _nativeIn])
                        Set(files, run.Family, WriteRun(dir, run, out _));
                    Set(files, ColumnFamilies.Blocks, WriteRun(dir, _blocks, out blocks));
                    Set(files, ColumnFamilies.Txs, WriteRun(dir, _txs, out txs));
                },
            };
            Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) }, [.. jobs]);
            Release();

            var marker = _store.Meta.Clone();
            marker.BulkInProgress = true;
            using (var batch = new WriteBatch())
            {
                marker.WriteTo(batch, _store.MetaFamily);
                _store.Write(batch);
            }
            var ingest = new IngestExternalFileOptions().SetMoveFiles(true);
            foreach (var name in ColumnFamilies.All)
            {
                if (!files.TryGetValue(name, out var list) || list.Count == 0) continue;
                _store.Database.IngestExternalFiles([.. list], ingest, _store.GetColumnFamily(name));
            }
            meta.RecordsEnd = Math.Max(meta.RecordsEnd, _recordsEnd);
            meta.BlockCount += blocks;
            meta.TxCount += txs;
            meta.BulkInProgress = false;
            using (var batch = new WriteBatch())
            {
                meta.WriteTo(batch, _store.MetaFamily);
                _store.Write(batch);
            }
        }
        finally
        {
            DeleteDirectory(dir);
        }
    }

    private static void Set(Dictionary<string, List<string>> files, string family, List<string> list)
    {
        lock (files) files[family] = list;
    }

    /// <summary>Name prefix of the bulk load's scratch directories inside the store.</summary>
    internal const string BulkDirectoryPrefix = "bulk-";

    private List<string> WriteTransfers(string dir)
    {
        using var files = new SstFileSet(_store, ColumnFamilies.Transfers, dir, _settings.BulkFileBytes);
        Span<byte> key = stackalloc byte[KeyCodec.SeqKeyLength];
        Span<byte> value = stackalloc byte[ValueCodec.MaxTransferValueLength];
        for (long i = 0; i < _transfers.Count; i++)
        {
            ref var t = ref _transfers[i];
            KeyCodec.WriteSeq(key, t.Seq);
            var amount = Amount(_values.At(t.Values));
            int n = ValueCodec.WriteVarint(value, t.Token);
            n += ValueCodec.WriteVarint(value[n..], t.From);
            n += ValueCodec.WriteVarint(value[n..], t.To);
            amount.CopyTo(value[n..]);
            files.Put(key, value[..(n + amount.Length)]);
        }
        return files.Finish();
    }

    private List<string> WriteEdges(string dir, bool outgoing) =>
        _maxToken > 1 ? WriteEdgesSorted(dir, outgoing) : WriteEdgesScattered(dir, outgoing);

    /// <summary>
    /// One token: edges are bucketed by owner id. A first sequential pass sizes each owner's bucket, a second
    /// encodes every edge straight into its bucket (sequential reads, scattered writes), a third writes the
    /// buckets in id order: no random reads of the transfer table.
    /// </summary>
    private unsafe List<string> WriteEdgesScattered(string dir, bool outgoing)
    {
        long n = _transfers.Count;
        uint maxId = 0;
        for (long i = 0; i < n; i++)
        {
            ref var t = ref _transfers[i];
            uint id = outgoing ? t.From : t.To;
            if (id > maxId) maxId = id;
        }
        var offsets = new long[(long)maxId + 2];
        Span<byte> scratch = stackalloc byte[ValueCodec.MaxEdgeValueLength];
        for (long i = 0; i < n; i++)
        {
            ref var t = ref _transfers[i];
            offsets[(outgoing ? t.From : t.To) + 1] += 1 + 8 + EdgeLength(ref t, outgoing);
        }
        for (long k = 1; k < offsets.Length; k++) offsets[k] += offsets[k - 1];
        long total = offsets[^1];
        byte* buffer = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)Math.Max(1, total));
        try
        {
            var cursor = (long[])offsets.Clone();
            for (long i = 0; i < n; i++)
            {
                ref var t = ref _transfers[i];
                uint owner = outgoing ? t.From : t.To;
                int length = EdgeValue(ref t, outgoing, scratch);
                byte* at = buffer + cursor[owner];
                at[0] = (byte)length;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(new Span<byte>(at + 1, 8), t.Seq);
                scratch[..length].CopyTo(new Span<byte>(at + 9, length));
                cursor[owner] += 9 + length;
            }
            using var files = new SstFileSet(_store, outgoing ? ColumnFamilies.Out : ColumnFamilies.In, dir, _settings.BulkFileBytes);
            Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];
            uint token = _maxToken == 0 ? 1 : _maxToken;
            for (uint owner = 0; owner <= maxId; owner++)
            {
                for (long p = offsets[owner]; p < offsets[owner + 1];)
                {
                    byte* at = buffer + p;
                    int length = at[0];
                    KeyCodec.WriteEdgeKey(key, owner, token, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(at + 1, 8)));
                    files.Put(key, new ReadOnlySpan<byte>(at + 9, length));
                    p += 9 + length;
                }
            }
            return files.Finish();
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(buffer);
        }
    }

    /// <summary>The length of <see cref="EdgeValue"/>'s encoding, without encoding.</summary>
    private int EdgeLength(ref Transfer t, bool outgoing)
    {
        var record = _values.At(t.Values);
        int amount = 1 + (record[0] & 0x3F);
        int fromBalance = 1 + (record[amount] & 0x3F);
        int balance = outgoing ? fromBalance : 1 + (record[amount + fromBalance] & 0x3F);
        return VarintLength(outgoing ? t.To : t.From) + VarintLength(outgoing ? t.FromCount : t.ToCount) + amount + balance;
    }

    private static int VarintLength(uint v) => v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;

    /// <summary>Encodes the value of one side's edge of a transfer; returns its length.</summary>
    private int EdgeValue(ref Transfer t, bool outgoing, Span<byte> value)
    {
        var record = _values.At(t.Values);
        var amount = Amount(record);
        var fromBalance = Amount(record[amount.Length..]);
        int n = ValueCodec.WriteVarint(value, outgoing ? t.To : t.From);
        n += ValueCodec.WriteVarint(value[n..], outgoing ? t.FromCount : t.ToCount);
        amount.CopyTo(value[n..]);
        n += amount.Length;
        var balance = outgoing ? fromBalance : Amount(record[(amount.Length + fromBalance.Length)..]);
        balance.CopyTo(value[n..]);
        return n + balance.Length;
    }

    private List<string> WriteEdgesSorted(string dir, bool outgoing)
    {
        int[] order = EdgeOrder(outgoing);
        using var files = new SstFileSet(_store, outgoing ? ColumnFamilies.Out : ColumnFamilies.In, dir, _settings.BulkFileBytes);
        Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];
        Span<byte> value = stackalloc byte[ValueCodec.MaxEdgeValueLength];
        for (int j = 0; j < order.Length; j++)
        {
            ref var t = ref _transfers[order[j]];
            KeyCodec.WriteEdgeKey(key, outgoing ? t.From : t.To, t.Token, t.Seq);
            files.Put(key, value[..EdgeValue(ref t, outgoing, value)]);
        }
        return files.Finish();
    }

    /// <summary>Transfer indices ordered by (owner id, token id, seq): stable counting sorts, since they arrive in seq order.</summary>
    private int[] EdgeOrder(bool outgoing)
    {
        int n = checked((int)_transfers.Count);
        var keys = new uint[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (_maxToken > 1)
        {
            for (int i = 0; i < n; i++) keys[i] = _transfers[i].Token;
            order = CountingSort(order, keys, _maxToken);
        }
        uint maxId = 0;
        for (int i = 0; i < n; i++)
        {
            ref var t = ref _transfers[i];
            uint id = outgoing ? t.From : t.To;
            keys[i] = id;
            if (id > maxId) maxId = id;
        }
        return CountingSort(order, keys, maxId);
    }

    private static int[] CountingSort(int[] order, uint[] keys, uint max)
    {
        var counts = new int[(long)max + 2];
        foreach (int i in order) counts[keys[i] + 1]++;
        for (long k = 1; k < counts.Length; k++) counts[k] += counts[k - 1];
        var sorted = new int[order.Length];
        foreach (int i in order) sorted[counts[keys[i]]++] = i;
        return sorted;
    }

    private static ReadOnlySpan<byte> Amount(ReadOnlySpan<byte> record) => record[..(1 + (record[0] & 0x3F))];

    private List<string> WriteAddressIds(string dir)
    {
        using var files = new SstFileSet(_store, ColumnFamilies.AddressIds, dir, _settings.BulkFileBytes);
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[28];
        for (long i = 0; i < _addresses.Count; i++)
        {
            ref var a = ref _addresses[i];
            KeyCodec.WriteId(key, a.Id);
            a.Address.WriteTo(value);
            KeyCodec.WriteSeq(value[20..], a.FirstSeen);
            files.Put(key, value);
        }
        return files.Finish();
    }

    private List<string> WriteAddresses(string dir)
    {
        // Sort by the first 8 bytes as an integer (addresses are near-random, so ties are rare), then fix ties.
        int n = checked((int)_addresses.Count);
        var keys = new ulong[n];
        var index = new int[n];
        Span<byte> bytes = stackalloc byte[Address.Size];
        for (int i = 0; i < n; i++)
        {
            _addresses[i].Address.WriteTo(bytes);
            keys[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes);
            index[i] = i;
        }
        Array.Sort(keys, index);
        for (int i = 1; i < n; i++)
        {
            if (keys[i] != keys[i - 1]) continue;
            int start = i - 1;
            while (i + 1 < n && keys[i + 1] == keys[start]) i++;
            Array.Sort(index, start, i - start + 1, Comparer<int>.Create((a, b) => _addresses[a].Address.CompareTo(_addresses[b].Address)));
        }
        using var files = new SstFileSet(_store, ColumnFamilies.Addresses, dir, _settings.BulkFileBytes);
        Span<byte> value = stackalloc byte[4];
        foreach (int i in index)
        {
            ref var a = ref _addresses[i];
            a.Address.WriteTo(bytes);
            KeyCodec.WriteId(value, a.Id);
            files.Put(bytes, value);
        }
        return files.Finish();
    }

    private List<string> WriteRun(string dir, KvRun run, out long distinct)
    {
        using var files = new SstFileSet(_store, run.Family, dir, _settings.BulkFileBytes);
        distinct = run.ForEachDistinct(files.Put);
        return files.Finish();
    }

    /// <inheritdoc/>
    public void Discard() => Release();

    private void Release()
    {
        _transfers.Clear();
        _values.Clear();
        _addresses.Clear();
        foreach (var run in (ReadOnlySpan<KvRun>)[_tokens, _supply, _approvals, _blacklist, _native, _nativeIn, _blocks, _txs]) run.Clear();
    }

    /// <inheritdoc/>
    public IWriteTarget Continue(StoreMeta meta) => _committed ? new BatchTarget(_store, meta, _settings) : this;

    /// <inheritdoc/>
    public void Dispose() => Release();

    internal static void DeleteDirectory(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private struct Transfer
    {
        public ulong Seq;
        public long Values;
        public uint Token;
        public uint From;
        public uint To;
        public uint FromCount;
        public uint ToCount;
    }

    private struct NewAddress
    {
        public Address Address;
        public ulong FirstSeen;
        public uint Id;
    }
}

/// <summary>Sequential SST files of one column family, rolling over at a size limit.</summary>
internal sealed class SstFileSet : IDisposable
{
    private readonly ChainTraceStore _store;
    private readonly string _family;
    private readonly string _dir;
    private readonly long _maxBytes;
    private readonly List<string> _files = [];
    private SstWriter? _writer;

    /// <summary>Creates an empty set.</summary>
    public SstFileSet(ChainTraceStore store, string family, string dir, long maxBytes)
    {
        _store = store;
        _family = family;
        _dir = dir;
        _maxBytes = maxBytes;
    }

    /// <summary>Entries written.</summary>
    public long Entries { get; private set; }

    /// <summary>Adds an entry; keys must be strictly increasing across the set.</summary>
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_writer is null)
        {
            string path = Path.Combine(_dir, $"{_family}-{_files.Count:D4}.sst");
            _writer = new SstWriter(path, _store.GetColumnFamilyOptions(_family));
        }
        _writer.Put(key, value);
        Entries++;
        if (_writer.RawBytes >= _maxBytes) Close();
    }

    private void Close()
    {
        if (_writer is null) return;
        _writer.Finish();
        _files.Add(_writer.Path);
        _writer.Dispose();
        _writer = null;
    }

    /// <summary>Finishes the last file; returns every file written.</summary>
    public List<string> Finish()
    {
        Close();
        return _files;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
