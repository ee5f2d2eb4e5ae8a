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
        table.AddRow("chain", Markup.Escape(s.Chain));
        table.AddRow("schema version", s.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("tokens", Markup.Escape(s.AllTokens ? $"all ({s.Tokens.Count} seen)" : string.Join(", ", s.Tokens.Select(t => t.Token.Symbol))));
        table.AddRow("addresses", Format.Count(s.AddressCount));
        table.AddRow("transfers", Format.Count(s.TransferCount));
        table.AddRow("blocks", Format.Count(s.BlockCount));
        table.AddRow("transactions", Format.Count(s.TransactionCount));
        table.AddRow("labels", Format.Count(s.LabelCount));
        table.AddRow("indexed head", s.IndexedHead is { } h ? Format.Count(h) : "-");
        table.AddRow("size", Format.Bytes(s.TotalBytes));
        return table;
    }
}
