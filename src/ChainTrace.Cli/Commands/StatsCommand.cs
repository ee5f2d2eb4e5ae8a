using ChainTrace.Cli.Infrastructure;
using ChainTrace.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace stats</c>: what the store holds.</summary>
internal sealed class StatsCommand(IAnsiConsole console) : Command<StatsCommand.Settings>
{
    /// <summary>Options of <c>stats</c>.</summary>
    internal sealed class Settings : ChainSettings;

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = StoreOpener.OpenForRead(settings.Db, settings.Profile);
        console.Write(StatsTable(store, settings.Db));
        return 0;
    }

    internal static Table StatsTable(ChainTraceStore store, string db)
    {
        var s = store.GetStats();
        var table = new Table().Border(TableBorder.Rounded).Title("Store")
            .AddColumn("What").AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("path", Markup.Escape(Path.GetFullPath(db)));
        table.AddRow("chain", store.Profile.Name);
        table.AddRow("tokens", Markup.Escape(string.Join(", ", store.Tokens.Select(t => t.Symbol))));
        table.AddRow("addresses", Format.Count(s.Addresses));
        table.AddRow("transfers", Format.Count(s.Transfers));
        table.AddRow("blocks", Format.Count(s.Blocks));
        table.AddRow("transactions", Format.Count(s.Transactions));
        table.AddRow("labelled addresses", Format.Count(s.LabelledAddresses));
        table.AddRow("indexed head", store.IndexedHead is { } h ? Format.Count(h) : "-");
        table.AddRow("size on disk", Format.Bytes(s.SizeOnDisk));
        return table;
    }
}
