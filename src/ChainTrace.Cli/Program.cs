using ChainTrace.Cli.Commands;
using ChainTrace.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli;

/// <summary>The <c>chaintrace</c> command: registers the commands; each lives in its own class under Commands/.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cts.IsCancellationRequested) return;     // a second Ctrl+C kills the process
            e.Cancel = true;
            cts.Cancel();
        };
        return await RunAsync(args, console: null, error: null, cts.Token).ConfigureAwait(false);
    }

    /// <summary>Runs the command line; <paramref name="console"/> and <paramref name="error"/> default to the process's.</summary>
    internal static Task<int> RunAsync(string[] args, IAnsiConsole? console = null, TextWriter? error = null,
        CancellationToken cancellationToken = default) =>
        CreateApp(console, error).RunAsync(GlobalOptions.MoveBeforeCommand(args), cancellationToken);

    /// <summary>Builds the command app (tests use it in-process with a test console).</summary>
    internal static CommandApp CreateApp(IAnsiConsole? console = null, TextWriter? error = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("chaintrace");
            config.SetApplicationVersion(ErrorReporter.Version);
            config.ConfigureConsole(console ?? ConsoleFactory.Create());
            config.SetExceptionHandler((e, _) => ErrorReporter.Report(e, error ?? Console.Error));
            config.CancellationExitCode(ErrorReporter.CancelledExitCode);

            config.AddCommand<IndexCommand>("index")
                .WithDescription("Index token transfers from JSON-RPC dumps (JSONL, .gz) or ethereum-etl CSV exports into the store.")
                .WithExample("index", "--chain", "ethereum", "dumps/")
                .WithExample("index", "--skip-bad", "logs-0001.jsonl.gz", "logs-0002.jsonl.gz")
                .WithExample("index", "--token", "USDT", "--mode", "bulk", "token_transfers.csv");
            config.AddCommand<SyncCommand>("sync")
                .WithDescription("Index token transfers from a node over JSON-RPC up to head − confirmations, reorg-aware; --follow keeps polling.")
                .WithExample("sync", "--rpc", "http://localhost:8545", "--from-block", "18000000")
                .WithExample("sync", "--rpc", "http://localhost:8545", "--follow");
            config.AddCommand<StatsCommand>("stats")
                .WithDescription("Show what the store holds: chain, tokens, addresses, transfers, blocks, indexed head.")
                .WithExample("stats", "--db", "./chaintrace-data");
            config.AddCommand<AddressCommand>("address")
                .WithDescription("Summarise one address: balance, totals in and out, first/last seen, top counterparties, labels, blacklist.")
                .WithExample("address", "0x28C6c06298d514Db089934071355E5743bf21d60")
                .WithExample("address", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "--format", "json");
            config.AddBranch("labels", labels =>
            {
                labels.SetDescription("Manage address labels.");
                labels.AddCommand<LabelsImportCommand>("import")
                    .WithDescription("Import labels from CSV (address,category,name[[,source]]), GraphSense TagPack YAML, or plain address lists (.txt, OFAC).")
                    .WithExample("labels", "import", "my-labels.csv")
                    .WithExample("labels", "import", "tagpacks/packs/exchange-wallets-binance.yaml", "sanctioned_addresses_ETH.txt");
            });
            config.AddBranch("export", export =>
            {
                export.SetDescription("Export indexed data.");
                export.AddCommand<ExportTransfersCommand>("transfers")
                    .WithDescription("Export token transfers (ethereum-etl token_transfers columns + block_timestamp) as CSV, JSONL or Parquet.")
                    .WithExample("export", "transfers", "--format", "parquet", "--out", "transfers.parquet")
                    .WithExample("export", "transfers", "--format", "csv", "--from-block", "18000000", "--to-block", "18000100");
            });
            config.AddBranch<ChainSettings>("cluster", cluster =>
            {
                cluster.SetDescription("Cluster addresses into entities (deposit-address reuse, gas funding, approvals), with evidence for every merge.");
                cluster.SetDefaultCommand<ClusterCommand>();
                cluster.AddCommand<ClusterCommand>("run")
                    .WithDescription("Run the heuristics and print a summary (the default: chaintrace cluster [OPTIONS]; see cluster run --help).")
                    .WithExample("cluster", "--heuristics", "deposit,gas", "--incremental");
                cluster.AddCommand<ClusterShowCommand>("show")
                    .WithDescription("Show an address's cluster: members, labels, links with their transactions.")
                    .WithExample("cluster", "show", "0x28C6c06298d514Db089934071355E5743bf21d60");
                cluster.AddCommand<ClusterWhyCommand>("why")
                    .WithDescription("Explain why two addresses share a cluster: the chain of links, each with its transactions and heuristic.")
                    .WithExample("cluster", "why", "0xA…", "0xB…");
                cluster.AddCommand<ClusterExportCommand>("export")
                    .WithDescription("Export clusters (or --links with evidence) as CSV or JSONL.")
                    .WithExample("cluster", "export", "--format", "jsonl", "--out", "clusters.jsonl");
            });
            config.AddCommand<SynthCommand>("synth")
                .WithDescription("Generate a synthetic chain (JSON-RPC dumps and/or ethereum-etl CSV, labels, ground truth) for tests and benchmarks.")
                .WithExample("synth", "--transfers", "1000000", "--seed", "7", "--out", "synth/")
                .WithExample("synth", "--format", "etl", "--gzip", "--chain", "tron", "--out", "synth-tron/");
            config.AddCommand<TraceCommand>("trace")
                .WithDescription("Trace where the seeds' money went (or, --direction backward, where it came from), per taint model.")
                .WithExample("trace", "--from", "0x28C6c06298d514Db089934071355E5743bf21d60", "--hops", "5", "--model", "all")
                .WithExample("trace", "--from", "seeds.txt", "--since", "2024-05-01", "--format", "json", "--out", "trace.json");
            config.AddCommand<TotalsCommand>("totals")
                .WithDescription("Laundering totals of a group of scam addresses: victims, off-ramps per model, frozen and freezable amounts.")
                .WithExample("totals", "--seeds", "scam-addresses.txt");
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Generate a small chain, index it, import its labels and show what an analyst looks at first.")
                .WithExample("demo");
        });
        return app;
    }
}
