using System.ComponentModel;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Primitives;
using ChainTrace.Reporting;
using ChainTrace.Tracing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary>
/// <c>chaintrace totals --seeds FILE|ADDR,…</c>: laundering totals of a group of scam addresses — what it received
/// from victims, what reached each off-ramp per model, what sits at blacklisted addresses, what is still freezable.
/// </summary>
internal sealed class TotalsCommand(IAnsiConsole console) : Command<TotalsCommand.Settings>
{
    /// <summary>Options of <c>totals</c>.</summary>
    internal sealed class Settings : TraceSettingsBase
    {
        [CommandOption("--seeds <ADDRS>")]
        [Description("The group's addresses, comma-separated, or a file with one address per line.")]
        public string Seeds { get; set; } = "";

        [CommandOption("--model <MODEL>")]
        [Description("poison, haircut, fifo, lifo, all, or a comma-separated list.")]
        [DefaultValue("all")]
        public string Model { get; set; } = "all";

        [CommandOption("--format <FORMAT>")]
        [Description("table or json.")]
        [DefaultValue("table")]
        public string Format { get; set; } = "table";

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Seeds)) return ValidationResult.Error("--seeds is required: the group's addresses or a file of them");
            if (Format is not ("table" or "json")) return ValidationResult.Error($"unknown format '{Format}' (expected table or json)");
            return ValidateModels(Model) ?? base.Validate();
        }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = StoreOpener.OpenForRead(settings.Db, settings.Profile);
        var seeds = TraceSettingsBase.ReadSeeds(settings.Seeds, store.Profile);
        var options = ClusterTraceCli.WithDepositStops(store, settings.ToOptions(store, seeds, TraceDirection.Forward, TraceModels.Parse(settings.Model)));
        var totals = LaunderingTotals.Compute(store, options, cancellationToken);
        if (settings.Format == "json") settings.Emit(console, w => w.WriteLine(TraceTotalsJsonWriter.ToJson(totals)));
        else settings.Render(console, c => Render(c, totals, settings.Top));
        return 0;
    }

    /// <summary>The table view.</summary>
    internal static void Render(IAnsiConsole console, LaunderingTotals totals, int top)
    {
        var r = totals.Trace;
        var token = r.Token;
        string Amount(UInt256 v) => Markup.Escape(Infrastructure.Format.Amount(v.ToBigInteger(), token));
        console.MarkupLineInterpolated($"[bold]Laundering totals[/] of {r.Seeds.Count} address(es), {r.Hops} hops");
        console.MarkupLineInterpolated($"Received from outside the group: [bold]{Infrastructure.Format.Amount(totals.ReceivedFromOutside.ToBigInteger(), token)}[/] in {Infrastructure.Format.Count(totals.InflowCount)} transfers from {Infrastructure.Format.Count(totals.DistinctSenders)} distinct senders (victims)");

        var offRamps = new Table().Border(TableBorder.Rounded).Title("Off-ramps reached")
            .AddColumn("entity").AddColumn("category");
        foreach (var m in r.Results) offRamps.AddColumn(new TableColumn(TraceModels.Name(m.Model) + (m.Summary.UpperBound ? " (max)" : "")).RightAligned());
        foreach (var o in totals.OffRamps.Take(top))
        {
            var cells = new List<string> { Markup.Escape(o.Entity), Markup.Escape(o.Category) };
            foreach (var m in r.Results) cells.Add(Amount(o.PerModel.TryGetValue(m.Model, out var v) ? v : UInt256.Zero));
            offRamps.AddRow(cells.ToArray());
        }
        if (totals.OffRamps.Count > 0) console.Write(offRamps);
        else console.MarkupLine("[yellow]No off-ramp reached.[/]");

        var held = new Table().Border(TableBorder.Rounded).Title("Still sitting somewhere")
            .AddColumn("");
        foreach (var m in r.Results) held.AddColumn(new TableColumn(TraceModels.Name(m.Model)).RightAligned());
        held.AddRow(["at blacklisted addresses (frozen)", .. r.Results.Select(m => Amount(totals.AtBlacklisted[m.Model]))]);
        held.AddRow(["freezable (not blacklisted)", .. r.Results.Select(m => Amount(totals.Freezable[m.Model]))]);
        console.Write(held);

        if (totals.Holdings.Count > 0)
        {
            var list = new Table().Border(TableBorder.Rounded).Title("Holdings, biggest first")
                .AddColumn("address").AddColumn("role").AddColumn(new TableColumn("hops").RightAligned())
                .AddColumn(new TableColumn("max held").RightAligned()).AddColumn("blacklisted").AddColumn("last activity");
            foreach (var h in totals.Holdings.Take(top))
                list.AddRow(Markup.Escape(r.Format(h.Address)), TraceJsonWriter.RoleName(h.Role), h.Hops.ToString(System.Globalization.CultureInfo.InvariantCulture), Amount(h.Max),
                    h.Blacklisted ? "[red]yes[/]" : "no",
                    h.LastActivity is { } la ? $"block {Infrastructure.Format.Count(la.Block)}" + (h.LastActivityTime is { } t ? ", " + Infrastructure.Format.Time(t) : "") : "-");
            if (totals.Holdings.Count > top) list.Caption($"… and {totals.Holdings.Count - top} more (use --top or --format json)");
            console.Write(list);
        }
    }
}
