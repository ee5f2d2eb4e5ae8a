using ChainTrace.Ingest;

namespace ChainTrace.Indexing;

/// <summary>What an indexing run did.</summary>
/// <param name="Mode">The write path used (bulk or incremental).</param>
/// <param name="TransfersStored">Transfers stored by this run (issuance, redemption and destroyed funds included).</param>
/// <param name="AlreadyIndexed">Transfers at or below the store's cursor, skipped (re-indexing changes nothing).</param>
/// <param name="Duplicates">Events seen twice in the same block (the same log in two files), stored once.</param>
/// <param name="Skipped">Records not stored, by reason.</param>
/// <param name="Blocks">Block headers read.</param>
/// <param name="Transactions">Transactions read.</param>
/// <param name="Approvals">Approvals stored.</param>
/// <param name="BlacklistEvents">Blacklist events stored.</param>
/// <param name="Reorgs">Reorganisations handled (rollbacks to a fork point).</param>
/// <param name="BadRecords">Malformed records skipped (with <see cref="IndexOptions.SkipBad"/>).</param>
/// <param name="BadRecordMessages">The first 20 bad records' messages (file, line or offset, field).</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="IndexedHead">The store's cursor after the run.</param>
/// <param name="Files">Input files read.</param>
/// <param name="BytesRead">Input bytes read.</param>
public sealed record IndexSummary(
    IndexMode Mode,
    long TransfersStored,
    long AlreadyIndexed,
    long Duplicates,
    IReadOnlyDictionary<SkipReason, long> Skipped,
    long Blocks,
    long Transactions,
    long Approvals,
    long BlacklistEvents,
    long Reorgs,
    long BadRecords,
    IReadOnlyList<string> BadRecordMessages,
    TimeSpan Elapsed,
    ulong? IndexedHead,
    int Files,
    long BytesRead)
{
    /// <summary>Files found in the given directories that are not chain data (labels, ground truth, notes) and were left out.</summary>
    public IReadOnlyList<string> IgnoredFiles { get; init; } = [];

    /// <summary>Transfers stored per second of wall time.</summary>
    public double TransfersPerSecond => Elapsed.TotalSeconds > 0 ? TransfersStored / Elapsed.TotalSeconds : 0;
}
