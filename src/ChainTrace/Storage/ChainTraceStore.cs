using System.Buffers.Binary;
using ChainTrace.Primitives;
using ChainTrace.Storage.Encoding;
using ChainTrace.Storage.Rocks;
using RocksDbSharp;

namespace ChainTrace.Storage;

/// <summary>
/// The RocksDB-backed store of one chain: dense address ids, token edges with running balances and counts,
/// transfers, blocks, transactions, native transfers, approvals, blacklist events and labels. Queries read it
/// through <see cref="IChainReader"/>; the indexer is its only writer. Thread-safe for reads; one writer at a time.
/// </summary>
public sealed partial class ChainTraceStore : IChainReader, IDisposable
{
    /// <summary>The schema version this build reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;

    private readonly RocksDb _db;
    private readonly RocksConfig _config;
    private readonly Dictionary<string, ColumnFamilyHandle> _families = new(StringComparer.Ordinal);
    private readonly IntPtr _readOptions;
    private readonly object _writeLock = new();
    private volatile StoreMeta _meta;
    private volatile TokenTable _tokens;
    private volatile LabelCache? _labels;
    private int _writerActive;
    private int _disposed;

    internal readonly ColumnFamilyHandle AddressesFamily, AddressIdsFamily, TokensFamily, OutFamily, InFamily, TransfersFamily,
        SupplyFamily, TxsFamily, NativeFamily, NativeInFamily, ApprovalsFamily, BlacklistFamily, BlocksFamily, LabelsFamily, MetaFamily;

    private ChainTraceStore(string path, RocksDb db, RocksConfig config, ChainProfile profile, bool readOnly)
    {
        Path = path;
        _db = db;
        _config = config;
        Profile = profile;
        ReadOnly = readOnly;
        foreach (var name in ColumnFamilies.All) _families[name] = db.GetColumnFamily(name);
        AddressesFamily = _families[ColumnFamilies.Addresses];
        AddressIdsFamily = _families[ColumnFamilies.AddressIds];
        TokensFamily = _families[ColumnFamilies.Tokens];
        OutFamily = _families[ColumnFamilies.Out];
        InFamily = _families[ColumnFamilies.In];
        TransfersFamily = _families[ColumnFamilies.Transfers];
        SupplyFamily = _families[ColumnFamilies.Supply];
        TxsFamily = _families[ColumnFamilies.Txs];
        NativeFamily = _families[ColumnFamilies.Native];
        NativeInFamily = _families[ColumnFamilies.NativeIn];
        ApprovalsFamily = _families[ColumnFamilies.Approvals];
        BlacklistFamily = _families[ColumnFamilies.Blacklist];
        BlocksFamily = _families[ColumnFamilies.Blocks];
        LabelsFamily = _families[ColumnFamilies.Labels];
        MetaFamily = _families[ColumnFamilies.Meta];
        _readOptions = Native.Instance.rocksdb_readoptions_create();
        _meta = new StoreMeta();
        _tokens = TokenTable.Empty;
    }

    /// <summary>Directory of the store.</summary>
    public string Path { get; }

    /// <summary>True when opened read-only.</summary>
    public bool ReadOnly { get; }

    /// <inheritdoc/>
    public ChainProfile Profile { get; }

    /// <summary>
    /// Opens (or creates) the store at <paramref name="path"/>. Throws <see cref="StoreException"/> when the
    /// directory holds a store of another chain or schema version, or no store and creation is not allowed.
    /// </summary>
    public static ChainTraceStore Open(string path, StoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new StoreOptions();
        string full = System.IO.Path.GetFullPath(path);
        bool exists = File.Exists(System.IO.Path.Combine(full, "CURRENT"));
        if (!exists && (options.ReadOnly || !options.CreateIfMissing))
            throw new StoreException($"No store at {full}.");
        var config = RocksConfig.Create(options.BlockCacheBytes, createIfMissing: !options.ReadOnly);
        if (exists && RocksDb.TryListColumnFamilies(config.Db, full, out var existing))
        {
            foreach (var name in existing)
            {
                if (name == "default" || ColumnFamilies.All.Contains(name)) continue;
                throw new StoreException($"The store at {full} has a column family '{name}' this build does not know; it was written by a newer ChainTrace or is not a ChainTrace store.");
            }
            if (options.ReadOnly)
            {
                foreach (var name in ColumnFamilies.All)
                    if (!existing.Contains(name))
                        throw new StoreException($"The store at {full} lacks the column family '{name}'; open it read-write once to upgrade it, or it is not a ChainTrace store.");
            }
        }
        RocksDb db;
        try
        {
            if (!exists) Directory.CreateDirectory(full);
            db = options.ReadOnly ? RocksDb.OpenReadOnly(config.Db, full, config.Families, false) : RocksDb.Open(config.Db, full, config.Families);
        }
        catch (RocksDbException e)
        {
            throw new StoreException($"Cannot open the store at {full}: {e.Message}", e);
        }
        var store = new ChainTraceStore(full, db, config, options.Profile, options.ReadOnly);
        try
        {
            store.LoadMeta();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private void LoadMeta()
    {
        var meta = StoreMeta.Read(_db, MetaFamily);
        if (meta is null)
        {
            if (!IsEmptyDatabase()) throw new StoreException($"The database at {Path} is not a ChainTrace store (it has data but no schema version).");
            if (ReadOnly) throw new StoreException($"No store at {Path}.");
            meta = new StoreMeta { Schema = CurrentSchemaVersion, Chain = Profile.Name, ChainId = Profile.ChainId };
            using var batch = new WriteBatch();
            meta.WriteTo(batch, MetaFamily);
            _db.Write(batch);
        }
        if (meta.Schema != CurrentSchemaVersion)
            throw new StoreException($"The store at {Path} has schema version {meta.Schema}; this build needs schema version {CurrentSchemaVersion}. Re-index into a new store.");
        if (!string.Equals(meta.Chain, Profile.Name, StringComparison.Ordinal))
            throw new StoreException($"The store at {Path} indexes {meta.Chain}, not {Profile.Name}: open it with the {meta.Chain} chain profile.");
        if (meta.ChainId != Profile.ChainId)
            throw new StoreException($"The store at {Path} indexes chain id {meta.ChainId}, not {Profile.ChainId} ({Profile.Name}).");
        _meta = meta;
        _tokens = LoadTokens();
        if (!ReadOnly)
        {
            foreach (var dir in Directory.EnumerateDirectories(Path, Writing.BulkTarget.BulkDirectoryPrefix + "*"))
                Writing.BulkTarget.DeleteDirectory(dir);
        }
        if (meta.BulkInProgress)
        {
            if (ReadOnly) throw new StoreException($"The store at {Path} was left by an interrupted bulk load; open it read-write once to repair it.");
            RecoverInterruptedBulkLoad();
        }
    }

    private bool IsEmptyDatabase()
    {
        foreach (var family in _families.Values)
        {
            using var it = new NativeIterator(_db, family);
            it.SeekToFirst();
            if (it.Valid) return false;
        }
        return true;
    }

    private TokenTable LoadTokens()
    {
        var list = new List<(uint, TokenInfo)>();
        Span<byte> lower = [KeyCodec.TokenById];
        Span<byte> upper = [KeyCodec.TokenById + 1];
        using var it = new NativeIterator(_db, TokensFamily, lower, upper);
        for (it.SeekToFirst(); it.Valid; it.Next())
            list.Add((BinaryPrimitives.ReadUInt32BigEndian(it.Key[1..]), TokenTable.Decode(it.Value)));
        it.ThrowIfError();
        return new TokenTable(list);
    }

    // ---- internal plumbing for the writer and the clustering engine ----

    /// <summary>The RocksDB database (raw access for the clustering engine's reserved families).</summary>
    internal RocksDb Database => _db;

    /// <summary>A column family by name (see <see cref="ColumnFamilies"/>).</summary>
    internal ColumnFamilyHandle GetColumnFamily(string name) =>
        _families.TryGetValue(name, out var h) ? h : throw new ArgumentException($"Unknown column family '{name}'.", nameof(name));

    /// <summary>Options of a column family (SST files for bulk ingestion must use them).</summary>
    internal ColumnFamilyOptions GetColumnFamilyOptions(string name) => _config.For(name);

    /// <summary>Shared default read options for point reads.</summary>
    internal IntPtr DefaultReadOptions => _readOptions;

    /// <summary>The committed meta (a snapshot; do not mutate).</summary>
    internal StoreMeta Meta => _meta;

    /// <summary>The committed token table.</summary>
    internal TokenTable TokenTable => _tokens;

    /// <summary>Publishes meta and tokens after a committed write.</summary>
    internal void Publish(StoreMeta meta, TokenTable? tokens = null)
    {
        _meta = meta;
        if (tokens is not null) _tokens = tokens;
    }

    /// <summary>Drops the cached labels (after labels were written).</summary>
    internal void InvalidateLabels() => _labels = null;

    /// <summary>Takes the single-writer slot; dispose the result to release it.</summary>
    internal IDisposable AcquireWriter()
    {
        ThrowIfDisposed();
        if (ReadOnly) throw new InvalidOperationException($"The store at {Path} is open read-only.");
        if (Interlocked.CompareExchange(ref _writerActive, 1, 0) != 0)
            throw new InvalidOperationException("Another writer (an indexing run, a label import or a rollback) is using this store.");
        return new WriterSlot(this);
    }

    private sealed class WriterSlot(ChainTraceStore store) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) Volatile.Write(ref store._writerActive, 0);
        }
    }

    /// <summary>Writes a batch (synchronously, WAL on).</summary>
    internal void Write(WriteBatch batch)
    {
        ThrowIfDisposed();
        _db.Write(batch);
    }

    /// <summary>
    /// Fixes the token set on the first run and checks it on later runs: <paramref name="allTokens"/> or exactly
    /// <paramref name="tokens"/> (the profile's default token when empty). A different set is an error: the
    /// running balances of a store only make sense for the tokens it indexed from the start. Tokens the profile
    /// knows keep the profile's symbol, decimals and issuer.
    /// </summary>
    internal void ConfigureTokens(IReadOnlyList<TokenInfo> tokens, bool allTokens)
    {
        ThrowIfDisposed();
        var wanted = new List<TokenInfo>();
        foreach (var t in tokens.Count == 0 ? [Profile.DefaultToken] : tokens)
        {
            var known = Profile.Tokens.FirstOrDefault(p => p.Contract == t.Contract) ?? t;
            if (!wanted.Any(w => w.Contract == known.Contract)) wanted.Add(known);
        }
        var meta = _meta;
        if (meta.Tokens == TokenMode.Unset)
        {
            if (ReadOnly) throw new InvalidOperationException($"The store at {Path} is open read-only.");
            var register = new List<(uint, TokenInfo)>();
            uint next = meta.NextTokenId;
            foreach (var info in allTokens ? Profile.Tokens : wanted)
            {
                if (_tokens.TryGetId(info.Contract, out _)) continue;
                register.Add((next++, info));
            }
            var updated = meta.Clone();
            updated.Tokens = allTokens ? TokenMode.All : TokenMode.Listed;
            updated.NextTokenId = next;
            using var batch = new WriteBatch();
            foreach (var (id, info) in register) PutToken(batch, id, info);
            updated.WriteTo(batch, MetaFamily);
            Write(batch);
            Publish(updated, _tokens.With(register));
            return;
        }
        var asked = wanted.Select(w => w.Contract).ToList();
        if (meta.Tokens == TokenMode.All)
        {
            if (!allTokens) throw new StoreException($"The store at {Path} indexes all tokens; this run asks for {Describe(asked)}. Index with all tokens or into another store.");
            return;
        }
        if (allTokens) throw new StoreException($"The store at {Path} indexes only {Describe(_tokens.List.Select(t => t.Token.Contract))}; this run asks for all tokens. Index into another store.");
        var have = _tokens.List.Select(t => t.Token.Contract).ToHashSet();
        if (!have.SetEquals(asked))
            throw new StoreException($"The store at {Path} indexes {Describe(have)}; this run asks for {Describe(asked)}. Use the same token set or another store.");
    }

    private string Describe(IEnumerable<Address> contracts) =>
        string.Join(", ", contracts.Select(c => Profile.Tokens.FirstOrDefault(t => t.Contract == c) is { } t ? $"{t.Symbol} ({Profile.Format(c)})" : Profile.Format(c)));

    /// <summary>Adds a token's two keys to a batch.</summary>
    internal void PutToken(WriteBatch batch, uint id, TokenInfo token)
    {
        Span<byte> key = stackalloc byte[21];
        KeyCodec.WriteTokenContractKey(key, token.Contract);
        Span<byte> idValue = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(idValue, id);
        RocksNative.Put(batch, TokensFamily, key, idValue);
        KeyCodec.WriteTokenIdKey(key, id);
        RocksNative.Put(batch, TokensFamily, key[..5], TokenTable.Encode(token));
    }

    /// <summary>Indexed tokens with their ids.</summary>
    public IReadOnlyList<(uint Id, TokenInfo Token)> Tokens => _tokens.List;

    /// <summary>Looks up a token by id.</summary>
    public bool TryGetToken(uint tokenId, out TokenInfo token)
    {
        if (_tokens.TryGet(tokenId, out token)) return true;
        token = null!;
        return false;
    }

    /// <summary>
    /// Flushes memtables and compacts every column family down to the bottommost level, rewriting it there (so
    /// everything ends up ZSTD-compressed); for benchmarks and for a store that will only be read from now on.
    /// </summary>
    public unsafe void Compact()
    {
        ThrowIfDisposed();
        var native = Native.Instance;
        IntPtr options = native.rocksdb_compactoptions_create();
        try
        {
            native.rocksdb_compactoptions_set_exclusive_manual_compaction(options, 1);
            native.rocksdb_compactoptions_set_bottommost_level_compaction(options, 3); // kForceOptimized
            foreach (var name in ColumnFamilies.All)
            {
                var family = _families[name];
                native.rocksdb_flush_cf(_db.Handle, FlushOptionsHandle, family.Handle);
                native.rocksdb_compact_range_cf_opt(_db.Handle, family.Handle, options, (byte*)null, UIntPtr.Zero, (byte*)null, UIntPtr.Zero);
            }
        }
        finally
        {
            native.rocksdb_compactoptions_destroy(options);
        }
    }

    private static readonly FlushOptions WaitingFlush = new FlushOptions().SetWaitForFlush(true);

    private static IntPtr FlushOptionsHandle => WaitingFlush.Handle;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Closes the database. Idempotent; cursors must be disposed before.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Native.Instance.rocksdb_readoptions_destroy(_readOptions);
        _db.Dispose();
        GC.KeepAlive(_config);
    }
}
