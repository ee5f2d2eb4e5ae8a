namespace ChainTrace.Ingest.Etl;

/// <summary>An ethereum-etl export table.</summary>
public enum EtlTable
{
    /// <summary>token_transfers.</summary>
    TokenTransfers,
    /// <summary>logs.</summary>
    Logs,
    /// <summary>blocks.</summary>
    Blocks,
    /// <summary>transactions.</summary>
    Transactions,
}

/// <summary>State shared by the ethereum-etl readers during one run.</summary>
public sealed class EtlContext
{
    /// <summary>Creates an empty context.</summary>
    public EtlContext()
    {
    }
}

/// <summary>Stub of the ethereum-etl readers (replaced by wt/etl).</summary>
public static class EtlReader
{
    /// <summary>Detects a CSV table by its header line.</summary>
    public static EtlTable? DetectCsvTable(ReadOnlySpan<byte> headerLine) => null;

    /// <summary>Detects a JSON-lines table by the property names of its first object.</summary>
    public static EtlTable? DetectJsonTable(ReadOnlySpan<byte> firstJsonObject) => null;

    /// <summary>Reads one export file.</summary>
    public static Task ReadAsync(Stream decompressed, string sourceName, EtlTable table, bool jsonLines, EtlContext context, IChainEventSink sink, DecodeOptions options, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("ethereum-etl readers are not built in this branch.");
}
