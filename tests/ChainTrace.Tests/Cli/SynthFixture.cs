using ChainTrace.Primitives;
using ChainTrace.Synthetic;

namespace ChainTrace.Tests.Cli;

/// <summary>One small synthetic chain (JSON-RPC dumps) shared by a test class, deleted afterwards.</summary>
public sealed class SynthFixture : IDisposable
{
    private readonly TempDir _dir = new("ct-synth");

    public SynthFixture()
    {
        Result = SynthGenerator.Generate(new SynthOptions
        {
            Seed = 11,
            Transfers = SynthOptions.MinTransfers,
            Profile = ChainProfile.Ethereum,
            Formats = SynthFormats.JsonRpc,
        }, _dir.Path, null, CancellationToken.None);
    }

    public SynthResult Result { get; }

    /// <summary>The logs dump (first JSON-RPC file).</summary>
    public string LogsFile => Result.JsonRpcFiles[0];

    public void Dispose() => _dir.Dispose();
}
