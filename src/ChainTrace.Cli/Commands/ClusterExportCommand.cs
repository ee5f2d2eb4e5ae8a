using System.ComponentModel;
using System.Text;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Clustering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace cluster export</c>: clusters (or links with evidence) as CSV or JSONL.</summary>
internal sealed class ClusterExportCommand(IAnsiConsole console) : Command<ClusterExportCommand.Settings>
{
    /// <summary>Options of <c>cluster export</c>.</summary>
    internal sealed class Settings : ChainSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("csv (one row per clustered address) or jsonl (one line per cluster).")]
        [DefaultValue("csv")]
        public string Format { get; set; } = "csv";

        [CommandOption("--links")]
        [Description("Export the links with their evidence instead of the clusters.")]
        public bool Links { get; set; }

        [CommandOption("--out <FILE>")]
        [Description("Output file. Default: standard output.")]
        public string? Out { get; set; }

        public override ValidationResult Validate() =>
            Format is "csv" or "jsonl" ? base.Validate() : ValidationResult.Error($"unknown format '{Format}' (expected csv or jsonl)");
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = ClusterCli.OpenExisting(settings.Db, settings.Profile, write: false);
        var clusterer = new Clusterer(store);
        ClusterCli.RequireClustered(clusterer, settings.Db);
        var format = settings.Format == "csv" ? ClusterExportFormat.Csv : ClusterExportFormat.Jsonl;
        long n;
        if (settings.Out is { } path)
        {
            using (var file = new StreamWriter(path, append: false, new UTF8Encoding(false)))
            {
                n = settings.Links ? ClusterExporter.WriteLinks(clusterer, file, format, cancellationToken) : ClusterExporter.WriteClusters(clusterer, file, format, cancellationToken);
            }
            console.MarkupLineInterpolated($"wrote {Infrastructure.Format.Count(n)} {(settings.Links ? "links" : "clusters")} to {path}");
        }
        else
        {
            var output = console.Profile.Out.Writer;
            n = settings.Links ? ClusterExporter.WriteLinks(clusterer, output, format, cancellationToken) : ClusterExporter.WriteClusters(clusterer, output, format, cancellationToken);
        }
        return 0;
    }
}
