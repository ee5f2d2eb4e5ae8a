using System.Diagnostics;
using Spectre.Console.Testing;

namespace ChainTrace.Tests.Cli;

/// <summary>What one run of the CLI printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>Runs the <c>chaintrace</c> command in-process (test console) or as a child process.</summary>
internal static class CliRunner
{
    /// <summary>The CLI assembly copied next to the tests (the test project references the CLI project).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "ChainTrace.Cli.dll");

    /// <summary>In-process, with a wide non-interactive test console and a captured stderr.</summary>
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var console = new TestConsole().Width(200);
        var err = new StringWriter();
        int code = await ChainTrace.Cli.Program.RunAsync(args, console, err);
        return new CliResult(code, console.Output, err.ToString());
    }

    /// <summary>Starts <c>dotnet ChainTrace.Cli.dll args…</c> with redirected output.</summary>
    public static Process Start(params string[] args) => Start(args, null);

    /// <summary>Starts the CLI with extra environment variables.</summary>
    public static Process Start(string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>Runs the CLI as a child process to completion.</summary>
    public static Task<CliResult> RunProcessAsync(TimeSpan timeout, params string[] args) => RunProcessAsync(timeout, args, null);

    /// <summary>Runs the CLI as a child process to completion, with extra environment variables.</summary>
    public static async Task<CliResult> RunProcessAsync(TimeSpan timeout, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        using var p = Start(args, environment);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"chaintrace {string.Join(' ', args)} did not finish in {timeout}");
        }
        return new CliResult(p.ExitCode, await stdout, await stderr);
    }
}
