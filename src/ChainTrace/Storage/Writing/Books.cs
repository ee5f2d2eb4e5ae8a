using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ChainTrace.Primitives;

namespace ChainTrace.Storage.Writing;

/// <summary>
/// Address → id while writing: a two-generation cache (a cheap approximation of LRU: when the young generation
/// outgrows the capacity at a commit point, it becomes the old one) over the store's <c>addresses</c> family.
/// New addresses get the next id and are written through the target.
/// </summary>
internal sealed class AddressBook
{
    private readonly ChainTraceStore _store;
    private AddressMap _young = new();
    private AddressMap _old = new(16);
    private bool _lookupStore;

    /// <summary>Creates a book; <paramref name="storeHasAddresses"/> false skips store lookups until something is evicted.</summary>
    public AddressBook(ChainTraceStore store, bool storeHasAddresses)
    {
        _store = store;
        _lookupStore = storeHasAddresses;
    }

    /// <summary>Entries kept before evicting at a commit point; 0 = unbounded.</summary>
    public int Capacity { get; set; }

    /// <summary>Store lookups done (cache misses of known addresses).</summary>
    public long StoreLookups { get; private set; }

    /// <summary>The id of <paramref name="address"/>, assigning the next one (and writing it) on first sight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint GetOrAdd(in Address address, Seq seq, StoreMeta meta, IWriteTarget target)
    {
        uint id = _young.Get(address);
        return id != 0 ? id : Miss(address, seq, meta, target);
    }

    private uint Miss(in Address address, Seq seq, StoreMeta meta, IWriteTarget target)
    {
        uint id = _old.Get(address);
        if (id != 0 || (_lookupStore && Lookup(address, out id)))
        {
            _young.Set(address, id);
            return id;
        }
        if (meta.NextAddressId == uint.MaxValue) throw new StoreException("The store ran out of address ids (2^32 − 1).");
        id = meta.NextAddressId++;
        _young.Set(address, id);
        target.PutAddress(address, id, seq);
        return id;
    }

    private bool Lookup(in Address address, out uint id)
    {
        StoreLookups++;
        return _store.TryGetAddressId(address, out id);
    }

    /// <summary>Evicts the old generation when over capacity; call only when everything pending is committed.</summary>
    public void Trim()
    {
        if (Capacity <= 0 || _young.Count <= Capacity) return;
        (_old, _young) = (_young, _old);
        _young.Clear();
        _lookupStore = true;
    }

    /// <summary>Number of cached entries.</summary>
    public int Count => _young.Count + _old.Count;
}

/// <summary>Running state of one (address, token): balance and edge counts.</summary>
internal struct Account
{
    /// <summary>Balance after the last transfer (two's complement).</summary>
    public UInt256 Balance;
    /// <summary>Outgoing edges so far.</summary>
    public uint OutCount;
    /// <summary>Incoming edges so far.</summary>
    public uint InCount;
}

/// <summary>
/// Running balances and counts per (address, token) while writing, in the same two-generation cache. A miss for an
/// address that may have stored edges reads its last out and in edges (the later one holds the balance).
/// </summary>
internal sealed class AccountBook
{
    private const int DenseTokens = 8;
    private readonly ChainTraceStore _store;
    private Dictionary<ulong, Account> _young = new(1 << 16);
    private Dictionary<ulong, Account> _old = [];
    private readonly Account[]?[] _dense = new Account[]?[DenseTokens];
    private readonly ulong[]?[] _loaded = new ulong[]?[DenseTokens];
    private uint _firstFreshId;
    private int _capacity;

    /// <summary>Creates a book; ids ≥ <paramref name="firstFreshId"/> have no stored edges yet.</summary>
    public AccountBook(ChainTraceStore store, uint firstFreshId)
    {
        _store = store;
        _firstFreshId = firstFreshId;
    }

    /// <summary>
    /// Entries kept before evicting at a commit point; 0 = unbounded, held in arrays indexed by id (the common
    /// tokens) for speed. Leaving unbounded mode requires everything to be committed.
    /// </summary>
    public int Capacity
    {
        get => _capacity;
        set
        {
            if (_capacity == 0 && value > 0)
            {
                Array.Clear(_dense);
                Array.Clear(_loaded);
                _young.Clear();
                _old.Clear();
                _firstFreshId = _store.Meta.NextAddressId;
            }
            _capacity = value;
        }
    }

    /// <summary>Store lookups done.</summary>
    public long StoreLookups { get; private set; }

    /// <summary>The state of (id, token), loaded on a miss. The reference is valid until the next call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Account Get(uint id, uint token)
    {
        if (_capacity == 0 && token < DenseTokens) return ref Dense(id, token);
        ulong key = ((ulong)token << 32) | id;
        ref Account slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_young, key, out bool exists);
        if (!exists) Load(ref slot, key, id, token);
        return ref slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Account Dense(uint id, uint token)
    {
        var accounts = _dense[token];
        if (accounts is null || id >= accounts.Length) accounts = Grow(token, id);
        ref Account slot = ref accounts[id];
        if (id < _firstFreshId)
        {
            var loaded = _loaded[token]!;
            ulong bit = 1UL << (int)(id & 63);
            if ((loaded[id >> 6] & bit) == 0)
            {
                loaded[id >> 6] |= bit;
                LoadStored(ref slot, id, token);
            }
        }
        return ref slot;
    }

    private Account[] Grow(uint token, uint id)
    {
        var accounts = _dense[token] ?? [];
        int size = Math.Max(1024, accounts.Length);
        while (size <= id) size = checked(size * 2);
        Array.Resize(ref accounts, size);
        _dense[token] = accounts;
        var loaded = _loaded[token] ?? [];
        Array.Resize(ref loaded, (size + 63) / 64);
        _loaded[token] = loaded;
        return accounts;
    }

    private void Load(ref Account slot, ulong key, uint id, uint token)
    {
        if (_old.Remove(key, out var old)) { slot = old; return; }
        if (id >= _firstFreshId) return;
        LoadStored(ref slot, id, token);
    }

    private void LoadStored(ref Account slot, uint id, uint token)
    {
        StoreLookups++;
        bool hasOut = _store.TryGetLastEdge(EdgeDirection.Out, id, token, out var outEdge);
        bool hasIn = _store.TryGetLastEdge(EdgeDirection.In, id, token, out var inEdge);
        if (hasOut) slot.OutCount = outEdge.Count;
        if (hasIn) slot.InCount = inEdge.Count;
        if (hasOut && (!hasIn || outEdge.Seq >= inEdge.Seq)) slot.Balance = outEdge.BalanceAfter;
        else if (hasIn) slot.Balance = inEdge.BalanceAfter;
    }

    /// <summary>Evicts the old generation when over capacity; call only when everything pending is committed.</summary>
    public void Trim(uint nextAddressId)
    {
        if (_capacity <= 0 || _young.Count <= _capacity) return;
        (_old, _young) = (_young, _old);
        _young.Clear();
        _firstFreshId = nextAddressId;
    }

    /// <summary>Forgets everything (after a rollback changed stored balances).</summary>
    public void Clear(uint nextAddressId)
    {
        _young.Clear();
        _old.Clear();
        foreach (var loaded in _loaded) if (loaded is not null) Array.Clear(loaded);
        _firstFreshId = nextAddressId;
    }
}

/// <summary>
/// An open-addressing hash table from address to id (ids are never 0, which marks an empty slot): one probe
/// sequence over 24-byte entries, no per-entry allocation, no removal (generations are dropped whole).
/// </summary>
internal sealed class AddressMap
{
    private Entry[] _entries;
    private int _mask;

    /// <summary>Creates a table for about <paramref name="capacity"/> entries.</summary>
    public AddressMap(int capacity = 1 << 16)
    {
        int size = 16;
        while (size < capacity * 2) size *= 2;
        _entries = new Entry[size];
        _mask = size - 1;
    }

    /// <summary>Entries held.</summary>
    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref readonly Bits BitsOf(in Address address) => ref Unsafe.As<Address, Bits>(ref Unsafe.AsRef(in address));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(in Bits b) => (int)(((b.A * 0x9E3779B97F4A7C15UL) ^ (b.B * 0xC2B2AE3D27D4EB4FUL) ^ (b.C * 0x165667B19E3779F9UL)) >> 32);

    /// <summary>The id of an address, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Get(in Address address)
    {
        ref readonly var b = ref BitsOf(address);
        var entries = _entries;
        int mask = _mask;
        for (int i = Hash(b) & mask; ; i = (i + 1) & mask)
        {
            ref var e = ref entries[i];
            if (e.Id == 0) return 0;
            if (e.A == b.A && e.B == b.B && e.C == b.C) return e.Id;
        }
    }

    /// <summary>Adds or replaces an entry; <paramref name="id"/> must not be 0.</summary>
    public void Set(in Address address, uint id)
    {
        if ((Count + 1) * 2 > _entries.Length) Resize();
        ref readonly var b = ref BitsOf(address);
        for (int i = Hash(b) & _mask; ; i = (i + 1) & _mask)
        {
            ref var e = ref _entries[i];
            if (e.Id == 0)
            {
                e.A = b.A;
                e.B = b.B;
                e.C = b.C;
                e.Id = id;
                Count++;
                return;
            }
            if (e.A == b.A && e.B == b.B && e.C == b.C)
            {
                e.Id = id;
                return;
            }
        }
    }

    private void Resize()
    {
        var old = _entries;
        _entries = new Entry[old.Length * 2];
        _mask = _entries.Length - 1;
        foreach (ref readonly var e in old.AsSpan())
        {
            if (e.Id == 0) continue;
            int i = (int)(((e.A * 0x9E3779B97F4A7C15UL) ^ (e.B * 0xC2B2AE3D27D4EB4FUL) ^ (e.C * 0x165667B19E3779F9UL)) >> 32) & _mask;
            while (_entries[i].Id != 0) i = (i + 1) & _mask;
            _entries[i] = e;
        }
    }

    /// <summary>Drops every entry (keeps the table's size).</summary>
    public void Clear()
    {
        Array.Clear(_entries);
        Count = 0;
    }

    /// <summary>An address's fields, for hashing and comparison.</summary>
    private struct Bits
    {
        public ulong A;
        public ulong B;
        public uint C;
    }

    private struct Entry
    {
        public ulong A;
        public ulong B;
        public uint C;
        public uint Id;
    }
}

/// <summary>Token contract → token id while writing; in all-tokens mode new contracts get ids on first sight.</summary>
internal sealed class TokenBook
{
    private readonly Dictionary<Address, uint> _ids = [];
    private readonly Dictionary<uint, Address?> _issuers = [];
    private readonly List<(uint Id, TokenInfo Token)> _added = [];
    private readonly bool _all;
    private TokenTable _table;
    private Address _lastContract;
    private uint _lastId;

    /// <summary>Creates a book over the store's committed token table.</summary>
    public TokenBook(TokenTable table, bool allTokens)
    {
        _table = table;
        _all = allTokens;
        foreach (var (id, token) in table.List)
        {
            _ids[token.Contract] = id;
            _issuers[id] = token.Issuer;
        }
    }

    /// <summary>True when events of <paramref name="contract"/> are indexed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsTracked(in Address contract) => _all || (_lastId != 0 && contract == _lastContract) || _ids.ContainsKey(contract);

    /// <summary>The id of a tracked token, assigning one (all-tokens mode) on first sight.</summary>
    public uint Resolve(in Address contract, StoreMeta meta, IWriteTarget target)
    {
        if (_lastId != 0 && contract == _lastContract) return _lastId;
        if (!_ids.TryGetValue(contract, out uint id))
        {
            if (!_all) throw new InvalidOperationException("Untracked token reached the writer.");
            id = meta.NextTokenId++;
            var info = new TokenInfo("", contract, 0);
            _ids[contract] = id;
            _issuers[id] = null;
            _added.Add((id, info));
            target.PutToken(id, info);
        }
        _lastContract = contract;
        _lastId = id;
        return id;
    }

    /// <summary>The issuer of a token (credited by Issue, debited by Redeem), if known.</summary>
    public Address? Issuer(uint tokenId) => _issuers.TryGetValue(tokenId, out var a) ? a : null;

    /// <summary>The table including tokens added since the last call, or null when none were added.</summary>
    public TokenTable? TakeAdded()
    {
        if (_added.Count == 0) return null;
        _table = _table.With(_added);
        _added.Clear();
        return _table;
    }

    /// <summary>Forgets tokens added since the last commit (their writes were discarded).</summary>
    public void DropAdded()
    {
        foreach (var (id, token) in _added)
        {
            _ids.Remove(token.Contract);
            _issuers.Remove(id);
        }
        _added.Clear();
        _lastId = 0;
    }
}
