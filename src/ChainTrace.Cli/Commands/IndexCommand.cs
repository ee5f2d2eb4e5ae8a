using System.ComponentModel;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Indexing;
using ChainTrace.Primitives;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace index</c>: streams files into the store with a progress bar and prints a summary.</summary>
internal sealed class IndexCommand(IAnsiConsole console) : AsyncCommand<IndexCommand.Settings>
{
    /// <summary>Options of <c>index</c>.</summary>
    internal sealed class Settings : ChainSettings
    {
        [CommandArgument(0, "<PATHS>")]
        [Description("Files or directories (searched recursively for .json, .jsonl, .ndjson, .csv, optionally .gz): JSON-RPC dumps (eth_getLogs, blocks, receipts), ethereum-etl exports, TRON transaction info. The format is detected from each file's first bytes.")]
        public string[] Paths { get; set; } = [];

        [CommandOption("--token <TOKEN>")]
        [Description("Token to index, by symbol (USDT) or contract address; repeatable. Default: USDT.")]
        public string[] Tokens { get; set; } = [];

        [CommandOption("--all-tokens")]
        [Description("Index every ERC-20/TRC-20 token found, not only the chosen ones.")]
        public bool AllTokens { get; set; }

        [CommandOption("--skip-bad")]
        [Description("Count and report malformed records instead of stopping at the first one.")]
        public bool SkipBad { get; set; }

        [CommandOption("--mode <MODE>")]
        [Description("Write path: incremental (atomic batches of whole blocks), bulk (fast initial load into an empty store; incremental otherwise), or auto (bulk when the store is empty and the input exceeds 50 MB).")]
        [DefaultValue("auto")]
        public string Mode { get; set; } = "auto";

        public override ValidationResult Validate()
        {
            if (Paths.Length == 0) return ValidationResult.Error("give at least one FILE or DIR to index");
            if (!Enum.TryParse<IndexMode>(Mode, ignoreCase: true, out _))
                return ValidationResult.Error($"unknown mode '{Mode}' (expected auto, incremental or bulk)");
            return base.Validate();
        }
    }

    /// <inheritdoc/>
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        foreach (var p in settings.Paths)
            if (!File.Exists(p) && !Directory.Exists(p)) throw new UsageException($"{p}: no such file or directory");

        using var store = StoreOpener.OpenForWrite(settings.Db, settings.Profile);
        var profile = store.Profile;
        var tokens = new List<TokenInfo>();
        foreach (var t in settings.Tokens)
            tokens.Add(profile.FindToken(t) ?? ResolveContract(t, profile));
        var options = new IndexOptions
        {
            Tokens = tokens.Count == 0 ? [profile.DefaultToken] : tokens,
            AllTokens = settings.AllTokens,
            SkipBad = settings.SkipBad,
            Mode = Enum.Parse<IndexMode>(settings.Mode, ignoreCase: true),
        };

        var indexer = new Indexer(store);
        var summary = await ProgressRunner.RunAsync<IndexProgress, IndexSummary>(console, "Indexing",
            progress => indexer.IndexAsync(settings.Paths, options, progress, cancellationToken),
            p => new ProgressView(
                p.TotalBytes > 0 ? (double)p.BytesRead / p.TotalBytes : null,
                $"{Format.Bytes(p.BytesRead)}/{Format.Bytes(p.TotalBytes)} · block {Format.Count(p.LastBlock)} · {Format.Count(p.Transfers)} transfers · {Format.Rate(p.Elapsed.TotalSeconds > 0 ? p.Transfers / p.Elapsed.TotalSeconds : 0)}/s"))
            .ConfigureAwait(false);

        console.Write(SummaryTable(summary, profile));
        foreach (var f in summary.IgnoredFiles)
            console.MarkupLineInterpolated($"[grey]left out (not chain data): {f}[/]");
        ClusterCommand.UpdateAfterIndex(console, store, cancellationToken); // a clustered store stays clustered
        if (summary.BadRecords > 0)
        {
            foreach (var m in summary.BadRecordMessages.Take(10))
                console.MarkupLineInterpolated($"[yellow]skipped bad record:[/] {m}");
            if (summary.BadRecords > 10) console.MarkupLineInterpolated($"[yellow]… and {summary.BadRecords - 10} more bad records[/]");
        }
        return 0;
    }

    private static TokenInfo ResolveContract(string text, ChainProfile profile)
    {
        if (!Address.TryParse(text, out var contract, out var error))
            throw new UsageException($"--token '{text}': not a known token symbol of {profile.Name} nor an address ({error})");
        return new TokenInfo(text, contract, 0);
    }

    internal static Table SummaryTable(IndexSummary s, ChainProfile profile)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"Indexed ({profile.Name})")
            .AddColumn("What").AddColumn(new TableColumn("Count").RightAligned());
        table.AddRow("transfers stored", Format.Count(s.TransfersStored));
        table.AddRow("already indexed", Format.Count(s.AlreadyIndexed));
        foreach (var (reason, n) in s.Skipped.OrderBy(kv => kv.Key))
            if (n > 0 && reason != Ingest.SkipReason.BadRecord) table.AddRow($"skipped: {Markup.Escape(SkipName(reason))}", Format.Count(n));
        table.AddRow("bad records", Format.Count(s.BadRecords));
        table.AddRow("blocks", Format.Count(s.Blocks));
        table.AddRow("transactions", Format.Count(s.Transactions));
        if (s.Reorgs > 0) table.AddRow("reorgs rolled back", Format.Count(s.Reorgs));
        table.AddRow("indexed head", s.IndexedHead is { } h ? Format.Count(h) : "-");
        table.AddRow("elapsed", Format.Duration(s.Elapsed));
        table.AddRow("rate", $"{Format.Rate(s.TransfersPerSecond)} transfers/s");
        return table;
    }

    private static string SkipName(Ingest.SkipReason r) => r switch
    {
        Ingest.SkipReason.Erc721 => "ERC-721 transfers",
        Ingest.SkipReason.MalformedTransferShape => "odd Transfer shapes",
        Ingest.SkipReason.UntrackedToken => "untracked tokens",
        Ingest.SkipReason.RemovedLog => "removed (reorged) logs",
        Ingest.SkipReason.OtherEvent => "other events",
        Ingest.SkipReason.BadRecord => "bad records",
        _ => r.ToString(),
    };
}
