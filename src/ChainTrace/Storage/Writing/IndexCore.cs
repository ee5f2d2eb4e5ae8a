using System.Diagnostics.CodeAnalysis;
using ChainTrace.Ingest;
using ChainTrace.Primitives;

namespace ChainTrace.Storage.Writing;

/// <summary>Tuning of the writer (tests shrink these to exercise commits, evictions and bulk hand-over).</summary>
internal sealed class WriterSettings
{
    /// <summary>Commit the incremental batch after this many records.</summary>
    public int CommitRecords { get; init; } = 200_000;

    /// <summary>Commit the incremental batch after this many completed blocks.</summary>
    public int CommitBlocks { get; init; } = 20_000;

    /// <summary>Address and balance cache entries kept in incremental mode.</summary>
    public int CacheCapacity { get; init; } = 4_000_000;

    /// <summary>Bytes a bulk load may hold in memory before it writes its files and continues incrementally.</summary>
    public long BulkMemoryBudget { get; init; } = 4L << 30;

    /// <summary>Largest SST file the bulk load writes (raw bytes of keys and values).</summary>
    public long BulkFileBytes { get; init; } = 64L << 20;

    /// <summary>Records per chunk handed from the decoding thread to the writing thread.</summary>
    public int PipelineChunk { get; init; } = 4096;

    /// <summary>The defaults.</summary>
    public static WriterSettings Default { get; } = new();
}

/// <summary>What an indexing run did, counted by the writer.</summary>
internal sealed class IndexCounters
{
    /// <summary>Transfers stored (issuance, redemption and destroyed funds included).</summary>
    public long Transfers;
    /// <summary>Stateful events at or below the cursor, skipped.</summary>
    public long AlreadyIndexed;
    /// <summary>Events whose seq was already seen in the same block (the same log from two files).</summary>
    public long Duplicates;
    /// <summary>Block headers processed.</summary>
    public long Blocks;
    /// <summary>Transactions processed.</summary>
    public long Transactions;
    /// <summary>Approvals processed.</summary>
    public long Approvals;
    /// <summary>Blacklist events processed.</summary>
    public long BlacklistEvents;
    /// <summary>Supply events processed.</summary>
    public long SupplyEvents;
    /// <summary>Reorgs handled (rollbacks).</summary>
    public long Reorgs;
    /// <summary>Highest block of a token event seen.</summary>
    public ulong LastBlock;
    /// <summary>Skipped records by reason.</summary>
    public readonly long[] Skipped = new long[Enum.GetValues<SkipReason>().Length];
}

/// <summary>
/// The writer's state machine, fed through <see cref="IChainEventSink"/> in source order. It assembles the token
/// events of one block, and when the next block starts (or the run completes) applies them in seq order: assigns
/// ids, updates running balances and counts, and hands records to its <see cref="IWriteTarget"/>. Commits happen
/// only at block boundaries and carry the cursor, so a crash leaves the store at a block boundary. Token events at
/// or below the cursor are skipped (re-indexing changes nothing); stateless records are upserted regardless.
/// Not thread-safe: one caller thread at a time.
/// </summary>
internal sealed class IndexCore : IChainEventSink, IDisposable
{
    private static readonly Comparison<TokenEvent> BySeq = static (a, b) => a.Seq.CompareTo(b.Seq);

    private readonly ChainTraceStore _store;
    private readonly WriterSettings _settings;
    private readonly IDisposable _slot;
    private readonly AddressBook _addresses;
    private readonly AccountBook _accounts;
    private readonly TokenBook _tokens;
    private IWriteTarget _target;
    private readonly StoreMeta _meta;
    private ulong _runStart;
    private ulong _done;
    private TokenEvent[] _pending = new TokenEvent[256];
    private int _pendingCount;
    private ulong _pendingBlock;
    private bool _hasPending;
    private string _file = "input";
    private bool _fileHasEvents;
    private ulong _fileMaxBlock;
    private ulong _lastTxKey = ulong.MaxValue;
    private ulong _lastBlockInfo = ulong.MaxValue;
    private bool _finished;

    /// <summary>
    /// Starts a writing session. <paramref name="createTarget"/> builds the first target over the working meta
    /// (the store must be configured for tokens already).
    /// </summary>
    public IndexCore(ChainTraceStore store, Func<StoreMeta, IWriteTarget> createTarget, WriterSettings? settings = null)
    {
        _store = store;
        _settings = settings ?? WriterSettings.Default;
        _slot = store.AcquireWriter();
        try
        {
            if (store.Meta.Tokens == TokenMode.Unset) throw new InvalidOperationException("Configure the store's tokens before writing.");
            _meta = store.Meta.Clone();
            _tokens = new TokenBook(store.TokenTable, _meta.Tokens == TokenMode.All);
            _addresses = new AddressBook(store, _meta.NextAddressId > 1);
            _accounts = new AccountBook(store, _meta.NextAddressId);
            _done = _runStart = _meta.Cursor is { } c ? c + 1 : 0;
            _target = createTarget(_meta);
            ApplyCacheMode();
        }
        catch
        {
            _slot.Dispose();
            throw;
        }
    }

    /// <summary>Counters of this session.</summary>
    public IndexCounters Counters { get; } = new();

    /// <summary>The current target (tests).</summary>
    internal IWriteTarget Target => _target;

    /// <summary>Address and balance store lookups (cache misses), for benchmarks.</summary>
    internal long StoreLookups => _addresses.StoreLookups + _accounts.StoreLookups;

    private void ApplyCacheMode()
    {
        int capacity = _target.NeedsUnboundedCaches ? 0 : _settings.CacheCapacity;
        _addresses.Capacity = capacity;
        _accounts.Capacity = capacity;
    }

    /// <summary>A new input file starts: the block order check restarts (files are ordered separately).</summary>
    public void BeginFile(string name)
    {
        _file = name;
        _fileHasEvents = false;
        _fileMaxBlock = 0;
    }

    /// <summary>The current file ended. The block being assembled stays open: the next file may continue it.</summary>
    public void EndFile()
    {
    }

    /// <inheritdoc/>
    public void OnTokenEvent(in TokenEvent e)
    {
        ThrowIfFinished();
        if (e.Removed) { Skip(SkipReason.RemovedLog); return; }
        if (!_tokens.IsTracked(e.Token)) { Skip(SkipReason.UntrackedToken); return; }
        CheckPosition(e.Block, e.TxIndex, e.LogIndex + 1, "logIndex");
        ulong block = e.Block;
        if (_fileHasEvents && block < _fileMaxBlock && block >= _runStart) ThrowOutOfOrder(block);
        if (!_fileHasEvents || block > _fileMaxBlock)
        {
            _fileMaxBlock = block;
            _fileHasEvents = true;
        }
        if (block > Counters.LastBlock) Counters.LastBlock = block;
        if (block < _done)
        {
            ApplyStatelessOnly(e);
            return;
        }
        if (_hasPending)
        {
            if (block == _pendingBlock)
            {
                Append(e);
                return;
            }
            ProcessPending();
            _done = block;
            MaybeCommit();
        }
        _done = block;
        _pendingBlock = block;
        _hasPending = true;
        Append(e);
    }

    /// <inheritdoc/>
    public void OnBlock(in BlockHeader header)
    {
        ThrowIfFinished();
        CheckPosition(header.Number, 0, 0, "number");
        CheckReorg(header);
        _target.UpsertBlock((uint)header.Number, header.Timestamp, header.Hash, header.ParentHash, BlockValue.FullLength);
        Counters.Blocks++;
        MaybeCommit();
    }

    /// <inheritdoc/>
    public void OnTransaction(in TransactionRecord tx)
    {
        ThrowIfFinished();
        CheckPosition(tx.Block, tx.TxIndex, 0, "transactionIndex");
        var seq = tx.Seq;
        uint from = _addresses.GetOrAdd(tx.From, seq, _meta, _target);
        uint to = tx.HasTo ? _addresses.GetOrAdd(tx.To, seq, _meta, _target) : 0;
        _target.UpsertTx((uint)tx.Block, (ushort)tx.TxIndex, tx.Hash, from, to, full: true);
        if (tx.Timestamp != 0) _target.UpsertBlock((uint)tx.Block, tx.Timestamp, default, default, BlockValue.TimestampLength);
        if (!tx.Value.IsZero && tx.HasTo) _target.PutNative(seq, from, to, tx.Value);
        Counters.Transactions++;
        MaybeCommit();
    }

    /// <inheritdoc/>
    public void OnSkipped(SkipReason reason, ulong block) => Skip(reason);

    private void Skip(SkipReason reason)
    {
        if ((uint)reason < (uint)Counters.Skipped.Length) Counters.Skipped[(int)reason]++;
    }

    /// <summary>Ends the run: applies the last block and commits everything with the final cursor.</summary>
    public void Complete()
    {
        ThrowIfFinished();
        if (_hasPending)
        {
            ProcessPending();
            _done = _pendingBlock + 1;
        }
        Commit();
        _finished = true;
        Release();
    }

    /// <summary>Ends the run after a failure: drops everything not yet committed (the store keeps its last commit).</summary>
    public void Abort()
    {
        if (_finished) return;
        _finished = true;
        _hasPending = false;
        _pendingCount = 0;
        try
        {
            _target.Discard();
            _tokens.DropAdded();
        }
        finally
        {
            Release();
        }
    }

    private void Append(in TokenEvent e)
    {
        if (_pendingCount == _pending.Length) Array.Resize(ref _pending, _pending.Length * 2);
        _pending[_pendingCount++] = e;
    }

    private void ProcessPending()
    {
        var events = _pending.AsSpan(0, _pendingCount);
        for (int i = 1; i < events.Length; i++)
        {
            if (events[i].Seq < events[i - 1].Seq)
            {
                events.Sort(BySeq);
                break;
            }
        }
        ulong previous = ulong.MaxValue;
        for (int i = 0; i < events.Length; i++)
        {
            ref readonly var e = ref events[i];
            ulong seq = e.Seq.Value;
            if (seq == previous)
            {
                Counters.Duplicates++;
                continue;
            }
            previous = seq;
            Apply(e);
        }
        _pendingCount = 0;
        _hasPending = false;
        _target.BlockCompleted();
    }

    private void Apply(in TokenEvent e)
    {
        var seq = e.Seq;
        uint token = _tokens.Resolve(e.Token, _meta, _target);
        UpsertBlockInfo(e);
        UpsertTxHash(e);
        switch (e.Kind)
        {
            case TokenEventKind.Transfer:
                Move(seq, token, e.From, e.To, e.Amount);
                break;
            case TokenEventKind.Issue:
                _target.PutSupply(seq, token, ChainTraceStore.SupplyIssue, e.Amount);
                Counters.SupplyEvents++;
                if (_tokens.Issuer(token) is { } issuer) Move(seq, token, Address.Zero, issuer, e.Amount);
                break;
            case TokenEventKind.Redeem:
                _target.PutSupply(seq, token, ChainTraceStore.SupplyRedeem, e.Amount);
                Counters.SupplyEvents++;
                if (_tokens.Issuer(token) is { } redeemer) Move(seq, token, redeemer, Address.Zero, e.Amount);
                break;
            case TokenEventKind.DestroyedBlackFunds:
                Move(seq, token, e.From, Address.Zero, e.Amount);
                Blacklist(e, token);
                break;
            default:
                ApplyStateless(e, token);
                break;
        }
    }

    private void ApplyStatelessOnly(in TokenEvent e)
    {
        uint token = _tokens.Resolve(e.Token, _meta, _target);
        UpsertBlockInfo(e);
        UpsertTxHash(e);
        switch (e.Kind)
        {
            case TokenEventKind.Transfer:
            case TokenEventKind.Issue:
            case TokenEventKind.Redeem:
                Counters.AlreadyIndexed++;
                break;
            case TokenEventKind.DestroyedBlackFunds:
                Counters.AlreadyIndexed++;
                Blacklist(e, token);
                break;
            default:
                ApplyStateless(e, token);
                break;
        }
    }

    private void ApplyStateless(in TokenEvent e, uint token)
    {
        var seq = e.Seq;
        switch (e.Kind)
        {
            case TokenEventKind.Approval:
                uint owner = _addresses.GetOrAdd(e.From, seq, _meta, _target);
                uint spender = _addresses.GetOrAdd(e.To, seq, _meta, _target);
                _target.PutApproval(seq, token, owner, spender, e.Amount);
                Counters.Approvals++;
                break;
            case TokenEventKind.AddedBlackList:
            case TokenEventKind.RemovedBlackList:
                Blacklist(e, token);
                break;
        }
    }

    private void Blacklist(in TokenEvent e, uint token)
    {
        var seq = e.Seq;
        uint user = _addresses.GetOrAdd(e.From, seq, _meta, _target);
        byte kind = e.Kind switch
        {
            TokenEventKind.AddedBlackList => ChainTraceStore.BlacklistAdded,
            TokenEventKind.RemovedBlackList => ChainTraceStore.BlacklistRemoved,
            _ => ChainTraceStore.BlacklistDestroyed,
        };
        _target.PutBlacklist(user, token, seq, kind, e.Kind == TokenEventKind.DestroyedBlackFunds ? e.Amount : default);
        Counters.BlacklistEvents++;
    }

    private void Move(Seq seq, uint token, in Address fromAddress, in Address toAddress, in UInt256 amount)
    {
        uint from = _addresses.GetOrAdd(fromAddress, seq, _meta, _target);
        uint to = _addresses.GetOrAdd(toAddress, seq, _meta, _target);
        ref var sender = ref _accounts.Get(from, token);
        sender.Balance -= amount;
        uint fromCount = ++sender.OutCount;
        var fromBalance = sender.Balance;
        ref var receiver = ref _accounts.Get(to, token);
        receiver.Balance += amount;
        uint toCount = ++receiver.InCount;
        var toBalance = receiver.Balance;
        if (from == to) fromBalance = toBalance;
        _target.PutTransfer(seq, token, from, to, amount, fromBalance, fromCount, toBalance, toCount);
        _meta.TransferCount++;
        Counters.Transfers++;
    }

    private void UpsertBlockInfo(in TokenEvent e)
    {
        if (e.Block == _lastBlockInfo || (e.Timestamp == 0 && e.BlockHash.IsZero)) return;
        _lastBlockInfo = e.Block;
        _target.UpsertBlock((uint)e.Block, e.Timestamp, e.BlockHash, default, e.BlockHash.IsZero ? BlockValue.TimestampLength : BlockValue.HashLength);
    }

    private void UpsertTxHash(in TokenEvent e)
    {
        if (e.TxHash.IsZero) return;
        ulong key = (e.Block << 16) | e.TxIndex;
        if (key == _lastTxKey) return;
        _lastTxKey = key;
        _target.UpsertTx((uint)e.Block, (ushort)e.TxIndex, e.TxHash, 0, 0, full: false);
    }

    private void CheckReorg(in BlockHeader header)
    {
        if (header.Hash.IsZero) return;
        uint number = (uint)header.Number;
        ulong? fork;
        if (_target.TryGetBlockHash(number, out var stored) && stored != header.Hash)
            fork = number == 0 ? null : number - 1UL;
        else if (number > 0 && !header.ParentHash.IsZero && _target.TryGetBlockHash(number - 1, out var parent) && parent != header.ParentHash)
            fork = number < 2 ? null : number - 2UL;
        else
            return;
        Reorg(fork);
    }

    private void Reorg(ulong? fork)
    {
        if (_hasPending)
        {
            ProcessPending();
            _done = _pendingBlock + 1;
        }
        Commit();
        _store.RollbackCore(fork);
        _meta.CopyFrom(_store.Meta);
        ulong keep = fork is { } f ? f + 1 : 0;
        _done = Math.Min(_done, keep);
        _runStart = Math.Min(_runStart, keep);
        _fileHasEvents = false;
        _lastBlockInfo = ulong.MaxValue;
        _lastTxKey = ulong.MaxValue;
        _accounts.Clear(_meta.NextAddressId);
        Counters.Reorgs++;
    }

    private void MaybeCommit()
    {
        if (_target.WantsCommit) Commit();
    }

    private void Commit()
    {
        _meta.Cursor = _done == 0 ? _meta.Cursor : _done - 1;
        var tokens = _tokens.TakeAdded();
        _target.Commit(_meta);
        _store.Publish(_meta.Clone(), tokens);
        var next = _target.Continue(_meta);
        if (!ReferenceEquals(next, _target))
        {
            _target.Dispose();
            _target = next;
            ApplyCacheMode();
        }
        _addresses.Trim();
        _accounts.Trim(_meta.NextAddressId);
    }

    private void CheckPosition(ulong block, uint txIndex, uint sub, string field)
    {
        if (block >= uint.MaxValue) ThrowPosition(field, $"block {block} is beyond the supported range (2^32 − 2)");
        if (txIndex > ushort.MaxValue) ThrowPosition(field, $"transaction index {txIndex} in block {block} is above 65535");
        if (sub > ushort.MaxValue) ThrowPosition(field, $"log index {sub - 1} in block {block} is above 65534");
    }

    [DoesNotReturn]
    private void ThrowPosition(string field, string problem) => throw new ChainDataException(_file, null, null, field, problem);

    [DoesNotReturn]
    private void ThrowOutOfOrder(ulong block) =>
        throw new ChainDataException(_file, null, null, "blockNumber",
            $"block {block} comes after block {_fileMaxBlock}: the input is not in block order (sort it by block, log index)");

    private void ThrowIfFinished()
    {
        if (_finished) throw new InvalidOperationException("This writing session has ended.");
    }

    private void Release()
    {
        _target.Dispose();
        _slot.Dispose();
    }

    /// <summary>Aborts if the session was neither completed nor aborted.</summary>
    public void Dispose() => Abort();
}
