using Spectre.Console;

namespace ChainTrace.Cli.Infrastructure;

/// <summary>The process's console: when output is redirected (a file, a pipe, CI), tables get 160 columns instead of 80.</summary>
internal static class ConsoleFactory
{
    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings());
        if (Console.IsOutputRedirected && console.Profile.Width < 160) console.Profile.Width = 160;
        return console;
    }
}
