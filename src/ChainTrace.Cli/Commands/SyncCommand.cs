using System.ComponentModel;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Indexing;
using ChainTrace.Ingest.Node;
using ChainTrace.Primitives;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace sync</c>: indexes token logs (and blocks) from a node over JSON-RPC, reorg-aware; <c>--follow</c> keeps polling.</summary>
internal sealed class SyncCommand(IAnsiConsole console) : AsyncCommand<SyncCommand.Settings>
{
    /// <summary>Options of <c>sync</c>.</summary>
    internal sealed class Settings : ChainSettings
    {
        [CommandOption("--rpc <URL>")]
        [Description("JSON-RPC endpoint of the node (http or https).")]
        public string Rpc { get; set; } = "";

        [CommandOption("--from-block <N>")]
        [Description("First block. Default: after the store's indexed head (checked against the node for a reorg), or 0 for an empty store.")]
        public ulong? FromBlock { get; set; }

        [CommandOption("--to-block <N>")]
        [Description("Last block. Default: the node's head minus the confirmations.")]
        public ulong? ToBlock { get; set; }

        [CommandOption("--confirmations <N>")]
        [Description("Blocks behind the head left out, as they may still reorg. Default: the chain's (12 for Ethereum).")]
        public int? Confirmations { get; set; }

        [CommandOption("--follow")]
        [Description("Keep polling for new blocks until Ctrl+C.")]
        public bool Follow { get; set; }

        [CommandOption("--poll <SECONDS>")]
        [Description("Seconds between polls with --follow.")]
        [DefaultValue(12)]
        public int PollSeconds { get; set; } = 12;

        [CommandOption("--token <TOKEN>")]
        [Description("Token to index, by symbol (USDT) or contract address; repeatable. Default: USDT.")]
        public string[] Tokens { get; set; } = [];

        [CommandOption("--blocks <WHICH>")]
        [Description("Blocks fetched with eth_getBlockByNumber (headers, transactions, native transfers): with-logs, all or none.")]
        [DefaultValue("with-logs")]
        public string Blocks { get; set; } = "with-logs";

        [CommandOption("--range <BLOCKS>")]
        [Description("Blocks per eth_getLogs request to start with (halves when the node refuses, grows back slowly).")]
        [DefaultValue(1000)]
        public int Range { get; set; } = 1000;

        [CommandOption("--parallel <N>")]
        [Description("Ranges fetched at once (written in block order).")]
        [DefaultValue(3)]
        public int Parallel { get; set; } = 3;

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(Rpc)) return ValidationResult.Error("give the node's JSON-RPC URL with --rpc");
            if (!Uri.TryCreate(Rpc, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                return ValidationResult.Error($"--rpc '{Rpc}': not an http(s) URL");
            if (ParseBlocks(Blocks) is null) return ValidationResult.Error($"unknown --blocks '{Blocks}' (expected with-logs, all or none)");
            if (FromBlock is { } f && ToBlock is { } t && f > t) return ValidationResult.Error("--from-block is above --to-block");
            if (Confirmations is < 0) return ValidationResult.Error("--confirmations must not be negative");
            if (Range < 1 || Parallel < 1 || PollSeconds < 1) return ValidationResult.Error("--range, --parallel and --poll must be at least 1");
            if (Follow && ToBlock is not null) return ValidationResult.Error("--follow and --to-block exclude each other");
            return base.Validate();
        }

        internal static NodeBlockMode? ParseBlocks(string text) => text.ToLowerInvariant() switch
        {
            "with-logs" => NodeBlockMode.WithLogs,
            "all" => NodeBlockMode.All,
            "none" => NodeBlockMode.None,
            _ => null,
        };
    }

    /// <inheritdoc/>
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = StoreOpener.OpenForWrite(settings.Db, settings.Profile);
        var profile = store.Profile;
        var tokens = new List<TokenInfo>();
        foreach (var t in settings.Tokens)
            tokens.Add(profile.FindToken(t) ?? ResolveContract(t, profile));
        if (tokens.Count == 0) tokens.Add(profile.DefaultToken);
        var options = new IndexOptions { Tokens = tokens, Mode = IndexMode.Incremental };
        var nodeOptions = new NodeOptions
        {
            Blocks = Settings.ParseBlocks(settings.Blocks)!.Value,
            InitialRange = settings.Range,
            MaxRange = Math.Max(settings.Range, 10_000),
            MaxInFlight = settings.Parallel,
        };
        using var source = new NodeSource(new Uri(settings.Rpc), profile, tokens.Select(t => t.Contract).ToList(), nodeOptions);
        var range = new NodeSyncRange(settings.FromBlock, settings.ToBlock, settings.Confirmations);
        ulong? syncedThrough = null;
        while (true)
        {
            var r = range;
            var result = await ProgressRunner.RunAsync<IndexProgress, NodeSyncResult>(console, "Syncing",
                progress => NodeSync.SyncAsync(store, source, r, options, progress, nodeOptions, cancellationToken),
                p => new ProgressView(null,
                    $"block {Format.Count(p.LastBlock)} · {Format.Count(p.Transfers)} transfers · {Format.Bytes(p.BytesRead)} read · {Format.Rate(p.Elapsed.TotalSeconds > 0 ? p.Transfers / p.Elapsed.TotalSeconds : 0)}/s"))
                .ConfigureAwait(false);
            if (result.RolledBackTo is { } back)
                console.MarkupLineInterpolated($"[yellow]the node's chain changed: rolled the store back to block {back}[/]");
            bool any = result.ToBlock >= result.FromBlock;
            if (!settings.Follow || any || syncedThrough is null)
            {
                console.MarkupLineInterpolated($"[grey]{Markup.Escape(settings.Rpc)}: blocks {(any ? $"{result.FromBlock}–{result.ToBlock}" : "none new")} (head {result.Head}); range {source.RangeSize} blocks, {source.RangeSplits} splits, {source.Retries} retries[/]");
                console.Write(IndexCommand.SummaryTable(result.Summary, profile));
            }
            ClusterCommand.UpdateAfterIndex(console, store, cancellationToken); // a clustered store stays clustered
            if (!settings.Follow) break;
            if (any) syncedThrough = result.ToBlock;
            range = new NodeSyncRange(null, null, settings.Confirmations, syncedThrough);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(settings.PollSeconds), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return 0; // Ctrl+C between polls: everything read is committed
            }
        }
        return 0;
    }

    private static TokenInfo ResolveContract(string text, ChainProfile profile)
    {
        if (!Address.TryParse(text, out var contract, out var error))
            throw new UsageException($"--token '{text}': not a known token symbol of {profile.Name} nor an address ({error})");
        return new TokenInfo(text, contract, 0);
    }
}
