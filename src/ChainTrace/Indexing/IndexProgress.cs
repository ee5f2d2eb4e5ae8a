namespace ChainTrace.Indexing;

/// <summary>Progress of an indexing run, reported a few times per second.</summary>
/// <param name="BytesRead">Input bytes consumed (on disk, compressed for gzip).</param>
/// <param name="TotalBytes">Total input bytes.</param>
/// <param name="LastBlock">Highest block of a token event seen so far.</param>
/// <param name="Transfers">Transfers stored so far.</param>
/// <param name="Elapsed">Time since the run started.</param>
public readonly record struct IndexProgress(long BytesRead, long TotalBytes, ulong LastBlock, long Transfers, TimeSpan Elapsed);
