using System.Reflection;
using ChainTrace.Ingest;
using ChainTrace.Storage;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Infrastructure;

/// <summary>Turns exceptions into one line on stderr and an exit code; never a stack trace (unless CHAINTRACE_DEBUG=1).</summary>
internal static class ErrorReporter
{
    /// <summary>Bad input, bad arguments, store errors.</summary>
    public const int UserErrorExitCode = 2;
    /// <summary>A bug or an environment failure we did not foresee.</summary>
    public const int UnexpectedExitCode = 1;
    /// <summary>Ctrl+C (128 + SIGINT).</summary>
    public const int CancelledExitCode = 130;

    /// <summary>The tool's version (informational version without the commit suffix).</summary>
    public static string Version { get; } = ReadVersion();

    public static int Report(Exception e, TextWriter error)
    {
        var root = Unwrap(e);
        int code;
        string message;
        switch (root)
        {
            case OperationCanceledException:
                code = CancelledExitCode;
                message = "cancelled";
                break;
            case ChainDataException or StoreException or CommandAppException or UsageException or FileNotFoundException or DirectoryNotFoundException
                or UnauthorizedAccessException or ArgumentException or FormatException:
                code = UserErrorExitCode;
                message = root.Message;
                break;
            default:
                // I/O problems (disk full, a closed pipe, a store locked by another process) are the user's to fix.
                if (root is IOException)
                {
                    code = UserErrorExitCode;
                    message = root.Message;
                }
                else
                {
                    code = UnexpectedExitCode;
                    message = $"{root.GetType().Name}: {root.Message}";
                }
                break;
        }
        error.WriteLine($"chaintrace: error: {OneLine(message)}");
        if (Environment.GetEnvironmentVariable("CHAINTRACE_DEBUG") == "1") error.WriteLine(e.ToString());
        error.Flush();
        return code;
    }

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } a: e = a.InnerExceptions[0]; continue;
                case TargetInvocationException { InnerException: { } i }: e = i; continue;
                case CommandRuntimeException { InnerException: { } i2 } when i2 is not null: e = i2; continue;
                default: return e;
            }
        }
    }

    private static string OneLine(string message)
    {
        var m = message.ReplaceLineEndings(" ").Trim();
        while (m.Contains("  ", StringComparison.Ordinal)) m = m.Replace("  ", " ", StringComparison.Ordinal);
        return m;
    }

    private static string ReadVersion()
    {
        var v = typeof(ErrorReporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = v.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? v : v[..plus];
    }
}

/// <summary>A bad argument found by a command after parsing (unknown token, unreadable path, …).</summary>
internal sealed class UsageException(string message) : Exception(message);
