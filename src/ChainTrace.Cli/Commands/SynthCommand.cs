using System.ComponentModel;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Primitives;
using ChainTrace.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace synth</c>: writes a synthetic chain with labels and ground truth.</summary>
internal sealed class SynthCommand(IAnsiConsole console) : AsyncCommand<SynthCommand.Settings>
{
    /// <summary>Options of <c>synth</c>.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Output directory (created if missing).")]
        public string? Out { get; set; }

        [CommandOption("--transfers <N>")]
        [Description("Number of token transfers to generate.")]
        [DefaultValue(100_000L)]
        public long Transfers { get; set; } = 100_000;

        [CommandOption("--seed <SEED>")]
        [Description("Random seed: the same seed gives byte-identical output.")]
        [DefaultValue(1)]
        public int Seed { get; set; } = 1;

        [CommandOption("--format <FORMAT>")]
        [Description("jsonrpc (eth_getLogs/eth_getBlockByNumber dumps), etl (ethereum-etl CSV), or all.")]
        [DefaultValue("jsonrpc")]
        public string Format { get; set; } = "jsonrpc";

        [CommandOption("--gzip")]
        [Description("Compress the output files with gzip.")]
        public bool Gzip { get; set; }

        [CommandOption("--chain <CHAIN>")]
        [Description("Chain: ethereum or tron.")]
        [DefaultValue("ethereum")]
        public string Chain { get; set; } = "ethereum";

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out DIR is required");
            if (Transfers <= 0) return ValidationResult.Error("--transfers must be positive");
            if (ParseFormats(Format) is null) return ValidationResult.Error($"unknown format '{Format}' (expected jsonrpc, etl or all)");
            if (!ChainProfile.All.Any(p => string.Equals(p.Name, Chain, StringComparison.OrdinalIgnoreCase)))
                return ValidationResult.Error($"unknown chain '{Chain}' (expected ethereum or tron)");
            return ValidationResult.Success();
        }
    }

    internal static SynthFormats? ParseFormats(string text) => text.ToLowerInvariant() switch
    {
        "jsonrpc" or "json-rpc" or "json" => SynthFormats.JsonRpc,
        "etl" or "csv" => SynthFormats.Etl,
        "all" => SynthFormats.JsonRpc | SynthFormats.Etl,
        _ => null,
    };

    /// <inheritdoc/>
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new SynthOptions
        {
            Seed = settings.Seed,
            Transfers = settings.Transfers,
            Profile = ChainProfile.Get(settings.Chain),
            Formats = ParseFormats(settings.Format)!.Value,
            Gzip = settings.Gzip,
        };
        var result = await ProgressRunner.RunAsync<long, SynthResult>(console, "Generating",
            progress => Task.Run(() => SynthGenerator.Generate(options, settings.Out!, progress, cancellationToken), cancellationToken),
            written => new ProgressView((double)written / settings.Transfers, $"{Format.Count(written)} transfers")).ConfigureAwait(false);
        console.Write(ResultTable(result));
        return 0;
    }

    internal static Table ResultTable(SynthResult r)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Synthetic chain")
            .AddColumn("What").AddColumn("Value");
        table.AddRow("directory", Markup.Escape(r.OutputDirectory));
        table.AddRow("transfers", Format.Count(r.Transfers));
        table.AddRow("blocks", Format.Count(r.Blocks));
        if (r.JsonRpcFiles.Count > 0) table.AddRow("JSON-RPC files", Format.Count(r.JsonRpcFiles.Count));
        if (r.EtlDirectory is not null) table.AddRow("ethereum-etl", Markup.Escape(r.EtlDirectory));
        table.AddRow("labels", Markup.Escape(r.LabelsCsv));
        table.AddRow("ground truth", Markup.Escape(r.GroundTruthJson));
        return table;
    }
}
