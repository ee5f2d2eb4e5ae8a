using ChainTrace.Indexing;
using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Writing;

namespace ChainTrace.Tests.Storage;

/// <summary>A temporary directory for one test's stores, deleted on dispose.</summary>
internal sealed class StoreDir : IDisposable
{
    public StoreDir()
    {
        Root = Path.Combine(Path.GetTempPath(), "ct-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Sub(string name) => Path.Combine(Root, name);

    public ChainTraceStore Open(string name = "db", ChainProfile? profile = null, bool readOnly = false) =>
        ChainTraceStore.Open(Sub(name), new StoreOptions { Profile = profile ?? ChainProfile.Ethereum, ReadOnly = readOnly, CreateIfMissing = !readOnly });

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>One record of a chain history, in feed order.</summary>
internal abstract record HistoryItem
{
    public sealed record Header(BlockHeader Value) : HistoryItem;
    public sealed record Tx(TransactionRecord Value) : HistoryItem;
    public sealed record Token(TokenEvent Value) : HistoryItem;
}

/// <summary>A generated chain history: headers, transactions and token events, each list in block order.</summary>
internal sealed class History
{
    public List<BlockHeader> Headers { get; } = [];
    public List<TransactionRecord> Transactions { get; } = [];
    public List<TokenEvent> Events { get; } = [];

    /// <summary>Feed order of a file-based run: every header, then every transaction, then every token event.</summary>
    public IEnumerable<HistoryItem> FileOrder(ulong? fromBlock = null, ulong? toBlock = null)
    {
        bool In(ulong b) => (fromBlock is null || b >= fromBlock) && (toBlock is null || b <= toBlock);
        foreach (var h in Headers) if (In(h.Number)) yield return new HistoryItem.Header(h);
        foreach (var t in Transactions) if (In(t.Block)) yield return new HistoryItem.Tx(t);
        foreach (var e in Events) if (In(e.Block)) yield return new HistoryItem.Token(e);
    }

    public ulong LastBlock => Headers[^1].Number;
}

/// <summary>Generates random but valid histories: power-law-ish addresses, USDT special events, native transfers.</summary>
internal static class HistoryGenerator
{
    public static readonly Address Usdt = ChainProfile.Ethereum.DefaultToken.Contract;
    public static readonly Address Issuer = ChainProfile.Ethereum.DefaultToken.Issuer!.Value;
    public static readonly Address OtherToken = Address.Parse("0x1111111111111111111111111111111111111111");

    public static Address AddressOf(int i)
    {
        Span<byte> b = stackalloc byte[20];
        b.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b[16..], i + 1);
        b[0] = (byte)(i * 37);
        return new Address(b);
    }

    public static Hash32 HashOf(ulong kind, ulong a, ulong b = 0)
    {
        Span<byte> h = stackalloc byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(h, kind);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(h[8..], a);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(h[16..], b);
        h[24] = 0xAB;
        return new Hash32(h);
    }

    /// <param name="branch">Changes block hashes (and with <paramref name="seed"/> the contents): another branch of the chain.</param>
    public static History Generate(int seed, int blocks, int addresses = 40, double eventsPerBlock = 4, bool specials = true,
        bool otherToken = false, bool bigAmounts = true, ulong firstBlock = 100, ulong branch = 0)
    {
        var rng = new Random(seed);
        var h = new History();
        Hash32 parent = HashOf(1, firstBlock - 1);
        for (ulong n = firstBlock; n < firstBlock + (ulong)blocks; n++)
        {
            var hash = HashOf(1 + branch, n);
            long ts = 1_600_000_000 + (long)n * 12;
            h.Headers.Add(new BlockHeader { Number = n, Hash = hash, ParentHash = parent, Timestamp = ts, TransactionCount = -1 });
            parent = hash;
            int txs = rng.Next(0, 4);
            uint log = 0;
            for (uint tx = 0; tx < txs; tx++)
            {
                var txHash = HashOf(2 + branch, n, tx);
                bool hasTo = rng.Next(10) > 0;
                h.Transactions.Add(new TransactionRecord
                {
                    Block = n,
                    TxIndex = tx,
                    Hash = txHash,
                    From = Pick(rng, addresses),
                    To = hasTo ? Pick(rng, addresses) : default,
                    HasTo = hasTo,
                    Value = rng.Next(3) == 0 ? UInt256.Zero : new UInt256((ulong)rng.NextInt64(1, long.MaxValue)),
                    Timestamp = ts,
                });
                int events = Poisson(rng, eventsPerBlock / Math.Max(1, txs));
                for (int k = 0; k < events; k++)
                {
                    var e = new TokenEvent
                    {
                        Kind = TokenEventKind.Transfer,
                        Block = n,
                        TxIndex = tx,
                        LogIndex = log++,
                        TxHash = txHash,
                        BlockHash = hash,
                        Timestamp = ts,
                        Token = otherToken && rng.Next(4) == 0 ? OtherToken : Usdt,
                        From = Pick(rng, addresses),
                        To = Pick(rng, addresses),
                        Amount = RandomAmount(rng, bigAmounts),
                    };
                    if (specials)
                    {
                        switch (rng.Next(30))
                        {
                            case 0: e.Kind = TokenEventKind.Issue; e.From = default; e.To = default; break;
                            case 1: e.Kind = TokenEventKind.Redeem; e.From = default; e.To = default; break;
                            case 2: e.Kind = TokenEventKind.Approval; break;
                            case 3: e.Kind = TokenEventKind.AddedBlackList; e.To = default; e.Amount = default; break;
                            case 4: e.Kind = TokenEventKind.RemovedBlackList; e.To = default; e.Amount = default; break;
                            case 5: e.Kind = TokenEventKind.DestroyedBlackFunds; e.To = default; break;
                            case 6: e.From = Address.Zero; break;
                            case 7: e.To = e.From; break;
                        }
                    }
                    h.Events.Add(e);
                }
            }
        }
        return h;
    }

    private static int Poisson(Random rng, double mean)
    {
        double l = Math.Exp(-mean), p = 1;
        int k = 0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }

    private static Address Pick(Random rng, int addresses)
    {
        double u = rng.NextDouble();
        return AddressOf((int)(addresses * u * u * u));
    }

    private static UInt256 RandomAmount(Random rng, bool big)
    {
        if (big && rng.Next(20) == 0) return new UInt256((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.Next(), 0);
        if (rng.Next(50) == 0) return UInt256.Zero;
        return new UInt256((ulong)rng.NextInt64(1, 1_000_000_000_000));
    }
}

/// <summary>Feeds histories to writers.</summary>
internal static class Feed
{
    public static WriterSettings Small { get; } = new() { CommitRecords = 40, CommitBlocks = 7, CacheCapacity = 16, BulkFileBytes = 4096 };

    public static void Configure(ChainTraceStore store, bool allTokens = false) =>
        store.ConfigureTokens([], allTokens);

    /// <summary>Writes items through an <see cref="IndexCore"/> on this thread; completes the run.</summary>
    public static IndexCounters Write(ChainTraceStore store, IEnumerable<HistoryItem> items, bool bulk = false, WriterSettings? settings = null, bool allTokens = false, string file = "test")
    {
        Configure(store, allTokens);
        settings ??= Small;
        using var core = new IndexCore(store, meta => bulk ? new BulkTarget(store, meta, settings) : new BatchTarget(store, meta, settings), settings);
        core.BeginFile(file);
        Push(core, items);
        core.Complete();
        return core.Counters;
    }

    public static void Push(IChainEventSink sink, IEnumerable<HistoryItem> items)
    {
        foreach (var item in items)
        {
            switch (item)
            {
                case HistoryItem.Header h: sink.OnBlock(h.Value); break;
                case HistoryItem.Tx t: sink.OnTransaction(t.Value); break;
                case HistoryItem.Token e: sink.OnTokenEvent(e.Value); break;
            }
        }
    }

    /// <summary>An indexer source that pushes items (and optionally throws after <paramref name="failAfter"/> items).</summary>
    public static IndexSource Source(string name, IEnumerable<HistoryItem> items, int? failAfter = null) =>
        new(name, 1000, (sink, _, _) =>
        {
            int n = 0;
            foreach (var item in items)
            {
                if (failAfter is { } f && n++ == f) throw new ChainDataException(name, n, null, "data", "bad record injected by the test");
                Push(sink, [item]);
            }
            return Task.CompletedTask;
        });
}
