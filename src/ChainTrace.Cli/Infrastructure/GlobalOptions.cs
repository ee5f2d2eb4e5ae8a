namespace ChainTrace.Cli.Infrastructure;

/// <summary>
/// Lets global options stand before the command (<c>chaintrace --db DIR stats</c>): the parser wants options
/// after the command, so leading <c>--db DIR</c>/<c>--chain NAME</c> pairs are moved behind the command path.
/// </summary>
internal static class GlobalOptions
{
    private static readonly HashSet<string> Branches = ["labels", "export", "cluster"];
    private static readonly HashSet<string> WithValue = ["--db", "--chain"];

    public static string[] MoveBeforeCommand(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var leading = new List<string>();
        int i = 0;
        while (i < args.Length)
        {
            var a = args[i];
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? a[..eq] : a;
            if (!WithValue.Contains(name)) break;
            leading.Add(a);
            if (eq < 0 && i + 1 < args.Length) leading.Add(args[++i]);
            i++;
        }
        if (leading.Count == 0 || i >= args.Length) return Commands.ClusterCli.WithRunCommand(args);
        var result = new List<string> { args[i] };
        int rest = i + 1;
        if (Branches.Contains(args[i]) && rest < args.Length && !args[rest].StartsWith('-')) result.Add(args[rest++]);
        result.AddRange(leading);
        result.AddRange(args[rest..]);
        return Commands.ClusterCli.WithRunCommand([.. result]);
    }
}
