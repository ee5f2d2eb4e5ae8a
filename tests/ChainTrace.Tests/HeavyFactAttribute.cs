using Xunit;

namespace ChainTrace.Tests;

/// <summary>A fact that runs only when CHAINTRACE_HEAVY=1 (long-running tests kept out of the default run).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HeavyFactAttribute : FactAttribute
{
    /// <summary>Skips unless CHAINTRACE_HEAVY=1.</summary>
    public HeavyFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CHAINTRACE_HEAVY") != "1")
            Skip = "heavy test: set CHAINTRACE_HEAVY=1 to run";
    }
}
