using System.ComponentModel;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Labels;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace labels import FILE…</c>: reads label files and stores the labels of the store's chain.</summary>
internal sealed class LabelsImportCommand(IAnsiConsole console) : Command<LabelsImportCommand.Settings>
{
    /// <summary>Options of <c>labels import</c>.</summary>
    internal sealed class Settings : ChainSettings
    {
        [CommandArgument(0, "<FILES>")]
        [Description("Label files: .csv (address,category,name[[,source]]), .yaml/.yml GraphSense TagPacks, .txt address lists (sanctioned).")]
        public string[] Files { get; set; } = [];

        public override ValidationResult Validate() =>
            Files.Length == 0 ? ValidationResult.Error("give at least one label FILE") : base.Validate();
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Read every file first: a bad row anywhere stops the import before anything is written.
        using var store = StoreOpener.OpenForWrite(settings.Db, settings.Profile);
        var results = LabelFileReader.ReadAll(settings.Files, store.Profile);
        var table = new Table().Border(TableBorder.Rounded).Title($"Labels ({store.Profile.Name})")
            .AddColumn("file").AddColumn(new TableColumn("labels").RightAligned())
            .AddColumn(new TableColumn("other currency").RightAligned()).AddColumn(new TableColumn("other network").RightAligned())
            .AddColumn(new TableColumn("duplicates").RightAligned());
        int total = 0;
        foreach (var r in results)
        {
            total += store.ImportLabels(r.Labels);
            table.AddRow(Markup.Escape(Path.GetFileName(r.Path)), Format.Count(r.Labels.Count), Format.Count(r.SkippedOtherCurrency),
                Format.Count(r.SkippedOtherNetwork), Format.Count(r.Duplicates));
        }
        console.Write(table);
        console.MarkupLineInterpolated($"imported [green]{Format.Count(total)}[/] labels");
        int skipped = results.Sum(r => r.SkippedOtherCurrency + r.SkippedOtherNetwork);
        if (skipped > 0)
            console.MarkupLineInterpolated($"[yellow]warning:[/] skipped {Format.Count(skipped)} entries of other currencies or networks (not {store.Profile.Name})");
        if (total > 0) ClusterCommand.UpdateAfterIndex(console, store, cancellationToken); // labels name clusters: recluster a clustered store
        return 0;
    }
}
