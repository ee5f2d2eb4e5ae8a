namespace ChainTrace.Synthetic;

/// <summary>What <see cref="SynthGenerator.Generate"/> wrote.</summary>
/// <param name="OutputDirectory">The output directory (full path).</param>
/// <param name="JsonRpcFiles">The JSON-RPC dumps (logs file first, then blocks file); empty when not requested.</param>
/// <param name="EtlDirectory">The ethereum-etl directory, or null when not requested.</param>
/// <param name="LabelsCsv">Path of <c>labels.csv</c>.</param>
/// <param name="GroundTruthJson">Path of <c>ground-truth.json</c>.</param>
/// <param name="Transfers">Token Transfer logs written.</param>
/// <param name="Blocks">Blocks written.</param>
/// <param name="Transactions">Transactions written.</param>
/// <param name="NativeTransfers">Transactions that carry native value (gas funding).</param>
/// <param name="Approvals">Approval logs written.</param>
public sealed record SynthResult(
    string OutputDirectory,
    IReadOnlyList<string> JsonRpcFiles,
    string? EtlDirectory,
    string LabelsCsv,
    string GroundTruthJson,
    long Transfers,
    long Blocks,
    long Transactions,
    long NativeTransfers,
    long Approvals);
