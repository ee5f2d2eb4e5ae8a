namespace ChainTrace.Synthetic;

/// <summary>
/// Generates a realistic, seeded USDT history with planted laundering cases and its ground truth: JSON-RPC dumps
/// and/or an ethereum-etl export, <c>labels.csv</c> and <c>ground-truth.json</c>. See docs/SYNTH.md.
/// </summary>
public static class SynthGenerator
{
    /// <summary>
    /// Writes the history into <paramref name="outputDirectory"/> (created if missing; existing files of the same
    /// names are replaced). Same options → byte-identical files. Memory grows with the number of addresses, not
    /// with the number of transfers.
    /// </summary>
    /// <param name="options">What to generate.</param>
    /// <param name="outputDirectory">Where to write.</param>
    /// <param name="transfersWritten">Receives the running count of transfers written, now and then.</param>
    /// <param name="cancellationToken">Stops the run between blocks (files are left incomplete).</param>
    public static SynthResult Generate(SynthOptions options, string outputDirectory, IProgress<long>? transfersWritten = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        Validate(options);
        string dir = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(dir);
        bool gzip = options.Gzip;

        var sim = new SynthSimulation(options, transfersWritten);
        var writers = new List<IBlockWriter>();
        string? etlDirectory = null;
        var jsonRpcFiles = new List<string>();
        BlockPipeline? pipeline = null;
        try
        {
            if ((options.Formats & SynthFormats.JsonRpc) != 0)
            {
                writers.Add(new JsonRpcWriter(sim.Codec, options.StartBlock, dir, gzip, logs: true));
                writers.Add(new JsonRpcWriter(sim.Codec, options.StartBlock, dir, gzip, logs: false));
                jsonRpcFiles.AddRange(writers[0].Files);
                jsonRpcFiles.AddRange(writers[1].Files);
            }
            if ((options.Formats & SynthFormats.Etl) != 0)
            {
                etlDirectory = Path.Combine(dir, "etl");
                writers.Add(new EtlWriter(sim.Codec, etlDirectory, gzip, blocksPart: true));
                writers.Add(new EtlWriter(sim.Codec, etlDirectory, gzip, blocksPart: false));
            }
            pipeline = new BlockPipeline(writers);
            sim.Attach(pipeline);
            sim.Run(cancellationToken);
        }
        finally
        {
            pipeline?.Dispose();
            foreach (var w in writers) w.Dispose();
        }

        string labels = Path.Combine(dir, "labels.csv");
        string truth = Path.Combine(dir, "ground-truth.json");
        sim.WriteLabels(labels);
        sim.WriteGroundTruth(truth);
        return new SynthResult(dir, jsonRpcFiles, etlDirectory, labels, truth,
            sim.Transfers, sim.Blocks, sim.Transactions, sim.NativeTransfers, sim.Approvals);
    }

    private static void Validate(SynthOptions o)
    {
        ArgumentNullException.ThrowIfNull(o.Profile);
        if (o.Transfers is < SynthOptions.MinTransfers or > SynthOptions.MaxTransfers)
            throw new ArgumentOutOfRangeException(nameof(o), o.Transfers, $"Transfers must be between {SynthOptions.MinTransfers:N0} and {SynthOptions.MaxTransfers:N0}.");
        if ((o.Formats & SynthFormats.All) == 0)
            throw new ArgumentException("Choose at least one output format (JsonRpc, Etl).", nameof(o));
        if (o.Exchanges is < 0 or > 200)
            throw new ArgumentOutOfRangeException(nameof(o), o.Exchanges, "Exchanges must be between 0 (automatic) and 200.");
        if (o.LaunderingCases is < 0 or > 100_000)
            throw new ArgumentOutOfRangeException(nameof(o), o.LaunderingCases, "LaunderingCases must be between 0 (automatic) and 100,000.");
        if (o.StartBlock < 1 || o.StartBlock + (ulong)(o.Transfers / 5) + 1_000 > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(o), o.StartBlock, "StartBlock must be at least 1 and leave room below 2^32 for the run.");
        if (o.StartTimestamp < 0)
            throw new ArgumentOutOfRangeException(nameof(o), o.StartTimestamp, "StartTimestamp must not be negative.");
    }
}
