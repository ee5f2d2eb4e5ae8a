using System.Diagnostics;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;
using ChainTrace.Storage;
using ChainTrace.Storage.Writing;

namespace ChainTrace.Indexing;

/// <summary>An input the indexer reads: a name (for errors), its size, and how to decode it into a sink.</summary>
/// <param name="Name">File name or description.</param>
/// <param name="Length">Size in bytes (for progress).</param>
/// <param name="Read">Decodes the input into the sink.</param>
internal sealed record IndexSource(string Name, long Length, Func<IChainEventSink, DecodeOptions, CancellationToken, Task> Read);

/// <summary>
/// Indexes chain data files into a <see cref="ChainTraceStore"/>: plans the files (formats, order), decodes them on
/// the calling task and writes on a second thread, incrementally (atomic batches of whole blocks) or in bulk
/// (sorted SST files ingested at the end, for an empty store). Re-indexing the same input changes nothing.
/// </summary>
public sealed class Indexer
{
    private const int MaxBadMessages = 20;
    private readonly ChainTraceStore _store;

    /// <summary>Creates an indexer writing into <paramref name="store"/>.</summary>
    public Indexer(ChainTraceStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Writer tuning (tests and benchmarks).</summary>
    internal WriterSettings Settings { get; init; } = WriterSettings.Default;

    /// <summary>
    /// Indexes files and directories (see <see cref="ChainFileReader.Plan(IReadOnlyList{string}, ICollection{string})"/>; files in directories that are not chain data are left out and listed in <see cref="IndexSummary.IgnoredFiles"/>). Bad input stops the run with a
    /// <see cref="ChainDataException"/> (unless <see cref="IndexOptions.SkipBad"/>); the store then keeps exactly
    /// what was committed before. A different token set than the store's first run is a <see cref="StoreException"/>.
    /// </summary>
    public async Task<IndexSummary> IndexAsync(IReadOnlyList<string> paths, IndexOptions options, IProgress<IndexProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        var ignored = new List<string>();
        var files = ChainFileReader.Plan(paths, ignored);
        var etl = new EtlContext();
        var profile = _store.Profile;
        var sources = files
            .Select(f => new IndexSource(f.Path, f.Length, (sink, decode, ct) => ChainFileReader.ReadAsync(f, sink, decode, etl, profile, ct)))
            .ToList();
        var summary = await IndexSourcesAsync(sources, options, progress, cancellationToken).ConfigureAwait(false);
        return summary with { IgnoredFiles = ignored };
    }

    /// <summary>Indexes arbitrary sources (tests, benchmarks, embedders with their own decoders).</summary>
    internal async Task<IndexSummary> IndexSourcesAsync(IReadOnlyList<IndexSource> sources, IndexOptions options, IProgress<IndexProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        _store.ConfigureTokens(options.Tokens, options.AllTokens);
        long total = sources.Sum(s => s.Length);
        var mode = ChooseMode(options, total);
        var settings = Settings;
        Func<StoreMeta, IWriteTarget> target = mode == IndexMode.Bulk
            ? meta => new BulkTarget(_store, meta, settings)
            : meta => new BatchTarget(_store, meta, settings);
        var core = new IndexCore(_store, target, settings);
        using var pipeline = new IndexPipeline(core, settings.PipelineChunk);
        long bytes = 0, badRecords = 0;
        var badMessages = new List<string>();
        long lastReport = -1000; // not long.MinValue: now - lastReport would overflow and never report
        void Report(bool force)
        {
            if (progress is null) return;
            long now = clock.ElapsedMilliseconds;
            if (!force && now - lastReport < 100) return;
            lastReport = now;
            var c = pipeline.Counters;
            progress.Report(new IndexProgress(bytes, total, Volatile.Read(ref c.LastBlock), Volatile.Read(ref c.Transfers), clock.Elapsed));
        }
        var decode = new DecodeOptions
        {
            SkipBad = options.SkipBad,
            OnBadRecord = e =>
            {
                badRecords++;
                if (badMessages.Count < MaxBadMessages) badMessages.Add(e.Message);
            },
            OnBytesRead = n =>
            {
                bytes += n;
                Report(force: false);
            },
        };
        try
        {
            foreach (var source in sources)
            {
                cancellationToken.ThrowIfCancellationRequested();
                pipeline.BeginFile(source.Name);
                await source.Read(pipeline, decode, cancellationToken).ConfigureAwait(false);
            }
            await Task.Run(pipeline.Complete, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            pipeline.Abort();
            throw;
        }
        Report(force: true);
        var counters = pipeline.Counters;
        var skipped = new Dictionary<SkipReason, long>();
        foreach (var reason in Enum.GetValues<SkipReason>()) skipped[reason] = counters.Skipped[(int)reason];
        return new IndexSummary(mode, counters.Transfers, counters.AlreadyIndexed, counters.Duplicates, skipped,
            counters.Blocks, counters.Transactions, counters.Approvals, counters.BlacklistEvents, counters.Reorgs,
            badRecords, badMessages, clock.Elapsed, _store.IndexedHead, sources.Count, bytes);
    }

    private IndexMode ChooseMode(IndexOptions options, long totalBytes)
    {
        var meta = _store.Meta;
        bool empty = meta.Cursor is null && meta.TransferCount == 0 && meta.BlockCount == 0 && meta.TxCount == 0;
        return options.Mode switch
        {
            IndexMode.Bulk => empty ? IndexMode.Bulk : IndexMode.Incremental,
            IndexMode.Incremental => IndexMode.Incremental,
            _ => empty && totalBytes > options.BulkThresholdBytes ? IndexMode.Bulk : IndexMode.Incremental,
        };
    }
}
