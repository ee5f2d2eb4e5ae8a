namespace ChainTrace.Ingest;

/// <summary>How a decoder treats bad input and reports progress.</summary>
public sealed class DecodeOptions
{
    /// <summary>Default options: stop at the first bad record.</summary>
    public static DecodeOptions Default { get; } = new();

    /// <summary>When true, a bad record is counted (sink.OnSkipped(BadRecord)) and reported to <see cref="OnBadRecord"/> instead of stopping the run.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Called with each bad record's error when <see cref="SkipBad"/> is on.</summary>
    public Action<ChainDataException>? OnBadRecord { get; init; }

    /// <summary>Called now and then with the number of input bytes consumed since the last call (for progress bars). Never per record.</summary>
    public Action<long>? OnBytesRead { get; init; }

    /// <summary>Largest single JSON value or CSV row accepted, in bytes (a guard against hostile input).</summary>
    public int MaxRecordBytes { get; init; } = 64 * 1024 * 1024;
}
