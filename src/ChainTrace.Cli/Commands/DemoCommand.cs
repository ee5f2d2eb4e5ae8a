using System.ComponentModel;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Indexing;
using ChainTrace.Labels;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary>
/// <c>chaintrace demo</c>: generates a small synthetic chain, indexes it, imports its labels and prints the
/// first things an analyst looks at. Everything lives in a temporary folder unless <c>--db</c> is given.
/// </summary>
internal sealed class DemoCommand(IAnsiConsole console) : AsyncCommand<DemoCommand.Settings>
{
    /// <summary>Options of <c>demo</c>.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--db <DIR>")]
        [Description("Keep the demo store here (default: a temporary folder, deleted at the end).")]
        public string? Db { get; set; }

        [CommandOption("--transfers <N>")]
        [Description("Size of the generated chain.")]
        [DefaultValue(20_000L)]
        public long Transfers { get; set; } = 20_000;

        [CommandOption("--seed <SEED>")]
        [Description("Random seed of the generated chain.")]
        [DefaultValue(42)]
        public int Seed { get; set; } = 42;

        public override ValidationResult Validate() =>
            Transfers < SynthOptions.MinTransfers || Transfers > 5_000_000
                ? ValidationResult.Error($"--transfers must be between {SynthOptions.MinTransfers} and 5000000 for the demo")
                : ValidationResult.Success();
    }

    /// <inheritdoc/>
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), $"chaintrace-demo-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(work);
        try
        {
            var profile = ChainProfile.Ethereum;
            console.MarkupLine("[bold]1. Generate[/] a synthetic Ethereum USDT history with exchanges, users and a planted scam");
            var synth = await ProgressRunner.RunAsync<long, SynthResult>(console, "Generating",
                p => Task.Run(() => SynthGenerator.Generate(new SynthOptions
                {
                    Seed = settings.Seed,
                    Transfers = settings.Transfers,
                    Profile = profile,
                    Formats = SynthFormats.JsonRpc,
                }, Path.Combine(work, "chain"), p, cancellationToken), cancellationToken),
                n => new ProgressView((double)n / settings.Transfers, $"{Format.Count(n)} transfers")).ConfigureAwait(false);

            var db = settings.Db ?? Path.Combine(work, "db");
            console.MarkupLineInterpolated($"[bold]2. Index[/] {synth.JsonRpcFiles.Count} JSON-RPC dump files into {db}");
            using var store = ChainTraceStore.Open(db, new StoreOptions { Profile = profile });
            var indexer = new Indexer(store);
            var summary = await ProgressRunner.RunAsync<IndexProgress, IndexSummary>(console, "Indexing",
                p => indexer.IndexAsync(synth.JsonRpcFiles, new IndexOptions(), p, cancellationToken),
                p => new ProgressView(p.TotalBytes > 0 ? (double)p.BytesRead / p.TotalBytes : null, $"{Format.Count(p.Transfers)} transfers"))
                .ConfigureAwait(false);
            console.MarkupLineInterpolated($"   {Format.Count(summary.TransfersStored)} transfers in {Format.Duration(summary.Elapsed)} ({Format.Rate(summary.TransfersPerSecond)}/s)");

            console.MarkupLine("[bold]3. Import labels[/] (exchanges, the scam) from the generator's labels.csv");
            var labels = LabelFileReader.Read(synth.LabelsCsv, profile);
            int imported = store.ImportLabels(labels.Labels);
            console.MarkupLineInterpolated($"   {Format.Count(imported)} labels");
            console.WriteLine();

            console.Write(StatsCommand.StatsTable(store, db));
            var token = AddressCommand.ResolveToken(store, null, out uint tokenId);

            var top = LabelledFlows.TopByInflow(store, LabelCategories.Exchange, tokenId, 5);
            var exchanges = new Table().Border(TableBorder.Rounded).Title("Top exchanges by inflow")
                .AddColumn("exchange").AddColumn(new TableColumn("addresses").RightAligned())
                .AddColumn(new TableColumn("received").RightAligned()).AddColumn(new TableColumn("transfers in").RightAligned())
                .AddColumn(new TableColumn("sent").RightAligned());
            foreach (var e in top)
                exchanges.AddRow(Markup.Escape(e.Name), Format.Count(e.Addresses), Markup.Escape(Format.Amount(e.Received, token)),
                    Format.Count(e.ReceivedCount), Markup.Escape(Format.Amount(e.Sent, token)));
            console.Write(exchanges);

            // The generator plants laundering cases; its ground truth names each case's collector (the trace seed).
            var truth = GroundTruth.Load(synth.GroundTruthJson);
            var planted = truth.Cases.Count > 0 ? truth.Cases[0] : null;
            if (planted is not null && Address.TryParse(planted.Seeds[0], out var collector, out _)
                && store.GetAddressSummary(collector, tokenId, 5) is { } s)
            {
                console.MarkupLineInterpolated($"[bold]The planted scam collector[/] ({planted.Id}, a {planted.Kind} case): {planted.Victims.Count} victims paid {Format.Amount(System.Numerics.BigInteger.Parse(planted.Seeded, System.Globalization.CultureInfo.InvariantCulture), token)} into it");
                AddressCommand.Render(console, profile, token, s);
                console.MarkupLineInterpolated($"Look closer: [blue]chaintrace address {profile.Format(collector)} --db <DIR>[/] (run the demo with --db DIR to keep the store).");
            }
            else
            {
                console.MarkupLine("[yellow]The generated chain has no planted case.[/]");
            }
            TraceCommand.RunDemo(console, store, synth.GroundTruthJson, cancellationToken);
            if (settings.Db is not null) console.MarkupLineInterpolated($"The store stays in {settings.Db}.");
            return 0;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
