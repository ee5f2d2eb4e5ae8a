namespace ChainTrace.Tests;

/// <summary>A fact that runs only when the environment variable CHAINTRACE_HEAVY is 1 (slow or large tests).</summary>
public sealed class HeavyFactAttribute : FactAttribute
{
    /// <summary>Skips unless CHAINTRACE_HEAVY=1.</summary>
    public HeavyFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CHAINTRACE_HEAVY") != "1")
            Skip = "Heavy test: set CHAINTRACE_HEAVY=1 to run it.";
    }
}
