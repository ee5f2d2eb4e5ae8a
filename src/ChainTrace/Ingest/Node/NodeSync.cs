using ChainTrace.Indexing;
using ChainTrace.Storage;

namespace ChainTrace.Ingest.Node;

/// <summary>Which blocks a sync covers.</summary>
/// <param name="FromBlock">First block; null resumes after the store's cursor (checking it for a reorg first).</param>
/// <param name="ToBlock">Last block; null means head − confirmations.</param>
/// <param name="Confirmations">Blocks behind the head left out; null uses the profile's.</param>
/// <param name="SyncedThrough">Blocks already read by an earlier sync of this session (follow mode): the next sync starts after it unless a reorg moved the store back.</param>
public sealed record NodeSyncRange(ulong? FromBlock = null, ulong? ToBlock = null, int? Confirmations = null, ulong? SyncedThrough = null);

/// <summary>What one sync did.</summary>
/// <param name="Summary">The indexer's summary.</param>
/// <param name="FromBlock">First block read.</param>
/// <param name="ToBlock">Last block read (below <paramref name="FromBlock"/> when there was nothing to read).</param>
/// <param name="Head">The node's head at the start.</param>
/// <param name="RolledBackTo">The block the store was rolled back to because the node's chain changed, if it was.</param>
public sealed record NodeSyncResult(IndexSummary Summary, ulong FromBlock, ulong ToBlock, ulong Head, ulong? RolledBackTo);

/// <summary>Syncs a store from a node: checks the chain, finds where to start (and whether the node reorged past the store's head), reads up to head − confirmations.</summary>
public static class NodeSync
{
    /// <summary>
    /// Reads the node into the store (always incrementally). A chain id that differs from the store's profile is a
    /// <see cref="ChainDataException"/>. When resuming, stored block hashes are compared with the node's from the
    /// cursor down; if they differ the store is rolled back to the last common block first.
    /// </summary>
    public static async Task<NodeSyncResult> SyncAsync(ChainTraceStore store, NodeSource source, NodeSyncRange range, IndexOptions options,
        IProgress<IndexProgress>? progress = null, NodeOptions? nodeOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(options);
        await source.VerifyChainAsync(cancellationToken).ConfigureAwait(false);
        ulong head = await source.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        ulong confirmations = (ulong)Math.Max(0, range.Confirmations ?? store.Profile.Confirmations);
        ulong safe = head >= confirmations ? head - confirmations : 0;
        bool nothing = head < confirmations;
        ulong to = range.ToBlock is { } t ? Math.Min(t, head) : safe;
        ulong? rolledBack = null;
        ulong from;
        if (range.FromBlock is { } f)
        {
            from = f;
        }
        else
        {
            (from, rolledBack) = await ResumePointAsync(store, source, (nodeOptions ?? new NodeOptions()).MaxReorgDepth, cancellationToken).ConfigureAwait(false);
            if (rolledBack is null && range.SyncedThrough is { } done && done + 1 > from) from = done + 1;
        }
        if (nothing && range.ToBlock is null) to = from == 0 ? 0 : from - 1;
        var indexOptions = new IndexOptions { Tokens = options.Tokens, AllTokens = options.AllTokens, SkipBad = options.SkipBad, Mode = IndexMode.Incremental };
        var sources = new List<IndexSource>();
        if (from <= to && !(nothing && range.ToBlock is null))
            sources.Add(new IndexSource($"{source.Url} blocks {from}-{to}", 0, (sink, decode, ct) => source.ReadAsync(from, to, sink, decode, ct)));
        var summary = await new Indexer(store).IndexSourcesAsync(sources, indexOptions, progress, cancellationToken).ConfigureAwait(false);
        return new NodeSyncResult(summary, from, from <= to ? to : (from == 0 ? 0 : from - 1), head, rolledBack);
    }

    /// <summary>Where to resume: after the cursor, or after the last block whose stored hash the node still has (rolling back to it).</summary>
    private static async Task<(ulong From, ulong? RolledBack)> ResumePointAsync(ChainTraceStore store, NodeSource source, int maxDepth, CancellationToken ct)
    {
        if (store.IndexedHead is not { } cursor) return (0, null);
        bool compared = false;
        ulong low = cursor > (ulong)maxDepth ? cursor - (ulong)maxDepth : 0;
        for (ulong n = cursor; ; n--)
        {
            if (store.TryGetBlockHash(n, out var stored) && !stored.IsZero)
            {
                compared = true;
                var onNode = await source.GetBlockHashAsync(n, ct).ConfigureAwait(false);
                if (onNode == stored)
                {
                    if (n == cursor) return (cursor + 1, null);
                    store.RollbackTo(n);
                    return (n + 1, n);
                }
            }
            if (n == low) break;
        }
        if (!compared) return (cursor + 1, null);
        if (low == 0)
        {
            store.RollbackTo(0); // keeps nothing newer than genesis; the caller re-reads everything
            return (0, 0);
        }
        throw new ChainDataException(source.Url.ToString(), null, null, "blockHash",
            $"the node's chain differs from the store's for every stored block between {low} and {cursor}: a reorg deeper than {maxDepth} blocks, or a different chain; re-index into a new store");
    }
}
