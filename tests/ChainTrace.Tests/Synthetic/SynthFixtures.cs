using ChainTrace.Synthetic;
using Xunit;

namespace ChainTrace.Tests.Synthetic;

/// <summary>One 10k-transfer data set in every format, generated and parsed once for a test class.</summary>
public sealed class Synth10kFixture : IDisposable
{
    private readonly SynthTempDir _dir = new();

    /// <summary>Generates seed 7, all formats.</summary>
    public Synth10kFixture()
    {
        Options = new SynthOptions { Seed = 7, Transfers = 10_000, Formats = SynthFormats.All };
        Output = SynthOutput.Generate(Options, _dir.Path);
    }

    /// <summary>The options used.</summary>
    public SynthOptions Options { get; }

    /// <summary>The parsed data set.</summary>
    public SynthOutput Output { get; }

    /// <summary>Deletes the files.</summary>
    public void Dispose() => _dir.Dispose();
}

/// <summary>One 100k-transfer JSON-RPC data set (8 planted cases), generated once; logs parsed, blocks not.</summary>
public sealed class Synth100kFixture : IDisposable
{
    private readonly SynthTempDir _dir = new();

    /// <summary>Generates seed 3.</summary>
    public Synth100kFixture()
    {
        Options = new SynthOptions { Seed = 3, Transfers = 100_000 };
        Output = SynthOutput.Generate(Options, _dir.Path, blocks: false);
    }

    /// <summary>The options used.</summary>
    public SynthOptions Options { get; }

    /// <summary>The parsed data set.</summary>
    public SynthOutput Output { get; }

    /// <summary>Deletes the files.</summary>
    public void Dispose() => _dir.Dispose();
}
