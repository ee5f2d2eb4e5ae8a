using System.ComponentModel;
using System.Text;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Clustering;
using ChainTrace.Primitives;
using ChainTrace.Reporting;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using ChainTrace.Tracing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary>Options shared by <c>trace</c> and <c>totals</c>: everything a <see cref="TraceOptions"/> holds.</summary>
internal class TraceSettingsBase : ChainSettings
{
    [CommandOption("--hops <N>")]
    [Description("Hop limit, 1..64: an address forwards traced value only while its hop is below it.")]
    [DefaultValue(TraceOptions.DefaultHops)]
    public int Hops { get; set; } = TraceOptions.DefaultHops;

    [CommandOption("--since <X>")]
    [Description("Window start: a block number or an ISO-8601 time (2024-05-01, 2024-05-01T12:00:00Z).")]
    public string? Since { get; set; }

    [CommandOption("--until <X>")]
    [Description("Window end (inclusive): a block number or an ISO-8601 time.")]
    public string? Until { get; set; }

    [CommandOption("--min-amount <X>")]
    [Description("Dust threshold in token units (e.g. 10 = 10 USDT): smaller traced amounts are reported as dropped.")]
    public string? MinAmount { get; set; }

    [CommandOption("--stop-at <CATEGORIES>")]
    [Description("Label categories that stop the trace (comma-separated, or 'none'). Default: exchange,otc,bridge,mixer,deposit.")]
    public string? StopAt { get; set; }

    [CommandOption("--max-degree <N>")]
    [Description("Hub guard: unlabelled addresses with more transfers are not expanded (0 = off).")]
    [DefaultValue(TraceOptions.DefaultMaxDegree)]
    public int MaxDegree { get; set; } = TraceOptions.DefaultMaxDegree;

    [CommandOption("--token <TOKEN>")]
    [Description("Token, by symbol or contract. Default: USDT.")]
    public string? Token { get; set; }

    [CommandOption("--out <FILE>")]
    [Description("Write the output to FILE instead of the terminal.")]
    public string? Out { get; set; }

    [CommandOption("--top <N>")]
    [Description("Rows shown in tables.")]
    [DefaultValue(25)]
    public int Top { get; set; } = 25;

    /// <summary>An error naming the bad model in a --model list, or null when every model is known.</summary>
    protected static ValidationResult? ValidateModels(string models)
    {
        try
        {
            TraceModels.Parse(models);
            return null;
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error(e.Message);
        }
    }

    public override ValidationResult Validate()
    {
        if (Hops is < 1 or > TraceOptions.MaxHops) return ValidationResult.Error($"--hops must be between 1 and {TraceOptions.MaxHops}, got {Hops}");
        if (MaxDegree < 0) return ValidationResult.Error("--max-degree must be 0 (off) or more");
        if (Top < 1) return ValidationResult.Error("--top must be 1 or more");
        return base.Validate();
    }

    /// <summary>Reads seeds from a comma-separated list, or from a file with one address per line (# comments).</summary>
    public static IReadOnlyList<Address> ReadSeeds(string text, ChainProfile profile)
    {
        if (File.Exists(text))
        {
            var lines = File.ReadAllLines(text)
                .Select(l => l.Split('#', 2)[0].Split(',', 2)[0].Trim())
                .Where(l => l.Length > 0 && !l.Equals("address", StringComparison.OrdinalIgnoreCase));
            return TraceOptions.ParseAddresses(string.Join(',', lines), profile);
        }
        return TraceOptions.ParseAddresses(text, profile);
    }

    /// <summary>Builds the library options from the command line.</summary>
    public TraceOptions ToOptions(ChainTraceStore store, IReadOnlyList<Address> seeds, TraceDirection direction, TraceModel models)
    {
        var token = AddressCommand.ResolveToken(store, Token, out _);
        var min = UInt256.Zero;
        if (MinAmount is not null && !UInt256.TryParseUnits(MinAmount.Trim(), token.Decimals, out min))
            throw new UsageException($"--min-amount {MinAmount}: expected an amount in {token.Symbol} units with at most {token.Decimals} decimals");
        IReadOnlyList<string> stops = StopAt is null ? LabelCategories.DefaultStops
            : StopAt.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) ? []
            : StopAt.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new TraceOptions
        {
            Seeds = seeds,
            Direction = direction,
            Hops = Hops,
            Models = models,
            SinceBlock = Since is null ? null : BlockTimes.ResolveSince(store, Since),
            UntilBlock = Until is null ? null : BlockTimes.ResolveUntil(store, Until),
            MinAmount = min,
            StopCategories = stops,
            MaxDegree = MaxDegree == 0 ? null : MaxDegree,
            Token = token.Contract,
        };
    }

    /// <summary>Writes text output to <see cref="Out"/> or the console.</summary>
    public void Emit(IAnsiConsole console, Action<TextWriter> write)
    {
        if (Out is null)
        {
            write(console.Profile.Out.Writer);
            console.Profile.Out.Writer.Flush();
            return;
        }
        using var file = new StreamWriter(Out, append: false, new UTF8Encoding(false));
        write(file);
    }

    /// <summary>Renders to <see cref="Out"/> (plain text) or the console.</summary>
    public void Render(IAnsiConsole console, Action<IAnsiConsole> render)
    {
        if (Out is null)
        {
            render(console);
            return;
        }
        using var file = new StreamWriter(Out, append: false, new UTF8Encoding(false));
        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(file),
        });
        plain.Profile.Width = 200;
        render(plain);
    }
}

/// <summary>
/// <c>chaintrace trace --from ADDR[,ADDR…]</c>: where the seeds' money went (or, backward, where it came from),
/// per taint model, as a table, JSON, CSV, GraphViz DOT or a self-contained HTML report.
/// </summary>
internal sealed class TraceCommand(IAnsiConsole console) : Command<TraceCommand.Settings>
{
    /// <summary>Options of <c>trace</c>.</summary>
    internal sealed class Settings : TraceSettingsBase
    {
        [CommandOption("--from <ADDRS>")]
        [Description("Seed addresses, comma-separated, or a file with one address per line; cluster:ID seeds a whole cluster.")]
        public string From { get; set; } = "";

        [CommandOption("--expand-cluster")]
        [Description("Seed every member of the seeds' clusters (needs chaintrace cluster).")]
        public bool ExpandCluster { get; set; }

        [CommandOption("--by-cluster")]
        [Description("Also show the result collapsed to clusters (table and json).")]
        public bool ByCluster { get; set; }

        [CommandOption("--direction <DIR>")]
        [Description("forward (where the money went) or backward (where it came from).")]
        [DefaultValue("forward")]
        public string Direction { get; set; } = "forward";

        [CommandOption("--model <MODEL>")]
        [Description("poison, haircut, fifo, lifo, all, or a comma-separated list. Backward: poison and haircut.")]
        [DefaultValue("haircut")]
        public string Model { get; set; } = "haircut";

        [CommandOption("--format <FORMAT>")]
        [Description("table, json, csv, dot or html (a self-contained report for a case file; use with --out).")]
        [DefaultValue("table")]
        public string Format { get; set; } = "table";

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(From)) return ValidationResult.Error("--from is required: the seed address(es)");
            if (Direction is not ("forward" or "backward")) return ValidationResult.Error($"unknown direction '{Direction}' (expected forward or backward)");
            if (Format is not ("table" or "json" or "csv" or "dot" or "html")) return ValidationResult.Error($"unknown format '{Format}' (expected table, json, csv, dot or html)");
            return ValidateModels(Model) ?? base.Validate();
        }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = StoreOpener.OpenForRead(settings.Db, settings.Profile);
        var seeds = ClusterTraceCli.ResolveSeeds(store, settings.From, settings.ExpandCluster, text => TraceSettingsBase.ReadSeeds(text, store.Profile));
        var direction = settings.Direction == "backward" ? TraceDirection.Backward : TraceDirection.Forward;
        var options = ClusterTraceCli.WithDepositStops(store, settings.ToOptions(store, seeds, direction, TraceModels.Parse(settings.Model)));
        var result = new Tracer(store).Trace(options, cancellationToken);
        switch (settings.Format)
        {
            case "json":
                settings.Emit(console, w => w.WriteLine(ClusterTraceCli.AddToJson(store, result, TraceJsonWriter.ToJson(result), settings.ByCluster)));
                break;
            case "csv":
                settings.Emit(console, w => TraceCsvWriter.Write(w, result));
                break;
            case "dot":
                settings.Emit(console, w => TraceDotWriter.Write(w, result));
                break;
            case "html":
                var html = new TraceHtmlOptions
                {
                    GeneratedAt = DateTimeOffset.UtcNow,
                    CommandLine = CommandLine(context.Arguments),
                    Store = Path.GetFullPath(settings.Db),
                };
                settings.Emit(console, w => TraceHtmlWriter.Write(w, result, html));
                break;
            default:
                settings.Render(console, c =>
                {
                    Render(c, result, settings.Top);
                    ClusterTraceCli.Render(c, store, result, settings.ByCluster, settings.Top);
                });
                break;
        }
        return 0;
    }

    /// <summary>The arguments as a shell command line (<c>chaintrace …</c>, single-quoted where needed).</summary>
    internal static string CommandLine(IReadOnlyList<string> arguments)
    {
        var sb = new StringBuilder("chaintrace");
        foreach (var a in arguments)
        {
            sb.Append(' ');
            bool plain = a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ',' or ':' or '=' or '+' or '@');
            if (plain) sb.Append(a);
            else sb.Append('\'').Append(a.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'');
        }
        return sb.ToString();
    }

    /// <summary>The table view: terminals first (biggest first, one amount column per model), then bands and the summary.</summary>
    internal static void Render(IAnsiConsole console, TraceResult r, int top)
    {
        var token = r.Token;
        string Amount(UInt256 v) => Markup.Escape(Infrastructure.Format.Amount(v.ToBigInteger(), token));
        string models = string.Join(", ", r.Results.Select(m => TraceModels.Name(m.Model)));
        string window = r.SinceBlock is null && r.UntilBlock is null ? "whole store"
            : $"blocks {(r.SinceBlock is { } s ? Infrastructure.Format.Count(s) : "start")}..{(r.UntilBlock is { } u ? Infrastructure.Format.Count(u) : "head")}";
        console.MarkupLineInterpolated($"[bold]{(r.Direction == TraceDirection.Forward ? "Forward" : "Backward")} trace[/] from {r.Seeds.Count} seed(s), {r.Hops} hops, {models}; {window}");

        // Terminals across models, keyed by address, biggest (max over models) first.
        var rows = new Dictionary<Address, (TraceTerminal Terminal, Dictionary<TraceModel, UInt256> Amounts)>();
        foreach (var m in r.Results)
            foreach (var t in m.Terminals)
            {
                if (!rows.TryGetValue(t.Address, out var row)) rows[t.Address] = row = (t, []);
                row.Amounts[m.Model] = t.Amount;
                if (t.Hops < row.Terminal.Hops) rows[t.Address] = (t, row.Amounts);
            }
        var ordered = rows.Values.OrderByDescending(x => x.Amounts.Values.Max()).ThenBy(x => x.Terminal.Address).ToList();
        string where = r.Direction == TraceDirection.Forward ? "Where the money went" : "Where the money came from";
        var table = new Table().Border(TableBorder.Rounded).Title($"{where}: {ordered.Count} terminal(s)")
            .AddColumn("terminal").AddColumn("entity").AddColumn("category").AddColumn(new TableColumn("hops").RightAligned());
        foreach (var m in r.Results) table.AddColumn(new TableColumn(TraceModels.Name(m.Model) + (m.Summary.UpperBound ? " (max)" : "")).RightAligned());
        foreach (var (t, amounts) in ordered.Take(top))
        {
            var cells = new List<string> { Markup.Escape(r.Format(t.Address)), Markup.Escape(t.Entity), Markup.Escape(t.Category), t.Hops.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            foreach (var m in r.Results) cells.Add(amounts.TryGetValue(m.Model, out var a) ? Amount(a) : "-");
            table.AddRow(cells.ToArray());
        }
        if (ordered.Count > top) table.Caption($"… and {ordered.Count - top} more (use --top or --format json)");
        if (ordered.Count > 0) console.Write(table);
        else console.MarkupLine("[yellow]No terminal reached.[/]");

        if (r.Results.Count > 1 && r.Bands.Count > 0)
        {
            var bands = new Table().Border(TableBorder.Rounded).Title("Per entity: range over the models")
                .AddColumn("entity").AddColumn("category").AddColumn(new TableColumn("min").RightAligned()).AddColumn(new TableColumn("max").RightAligned());
            foreach (var b in r.Bands.Take(top)) bands.AddRow(Markup.Escape(b.Entity), Markup.Escape(b.Category), Amount(b.Min), Amount(b.Max));
            console.Write(bands);
        }

        var summary = new Table().Border(TableBorder.Rounded).Title("Summary")
            .AddColumn("model").AddColumn(new TableColumn("traced").RightAligned()).AddColumn(new TableColumn("reached terminals").RightAligned())
            .AddColumn(new TableColumn("held").RightAligned()).AddColumn(new TableColumn("dropped").RightAligned())
            .AddColumn(new TableColumn("terminals").RightAligned()).AddColumn(new TableColumn("addresses").RightAligned());
        foreach (var m in r.Results)
        {
            var sm = m.Summary;
            summary.AddRow(TraceModels.Name(m.Model) + (sm.UpperBound ? " (upper bound)" : ""), Amount(sm.Traced), Amount(sm.ReachedTerminals), Amount(sm.Held), Amount(sm.Dropped),
                Infrastructure.Format.Count(sm.TerminalCount), Infrastructure.Format.Count(sm.NodeCount));
        }
        console.Write(summary);
        console.MarkupLineInterpolated($"[grey]{Infrastructure.Format.Count(r.Stats.EdgesVisited)} edges read, {Infrastructure.Format.Count(r.Stats.Addresses)} addresses, {r.Stats.Elapsed.TotalMilliseconds:0.0} ms[/]");
    }

    /// <summary>
    /// The end of <c>chaintrace demo</c>: finds exchange deposit addresses with the clusterer (in memory), traces the
    /// generator's first planted case forward under all four models, and prints the scam group's laundering totals.
    /// </summary>
    internal static void RunDemo(IAnsiConsole console, ChainTraceStore store, string groundTruthPath, CancellationToken cancellationToken)
    {
        var truth = GroundTruth.Load(groundTruthPath);
        if (truth.Cases.Count == 0) return;
        var plan = truth.Cases[0];
        var clusterer = new Clusterer(store, new MemoryClusterStore());
        clusterer.Run(cancellationToken: cancellationToken);
        var options = new TraceOptions
        {
            Seeds = [.. plan.Seeds.Select(Address.Parse)],
            Models = TraceModel.All,
            Hops = plan.MaxHops,
            SinceBlock = plan.FromBlock,
            ExtraLabel = ClusterTracing.DepositLabels(clusterer),
        };
        console.WriteLine();
        console.MarkupLineInterpolated($"[bold]4. Trace[/] the planted {plan.Kind} case from its collector: where the victims' money went, under each taint model");
        var result = new Tracer(store).Trace(options, cancellationToken);
        Render(console, result, 10);
        console.MarkupLine("[bold]5. Laundering totals[/] of the scam's collector: victims, off-ramps, frozen and freezable amounts");
        TotalsCommand.Render(console, LaunderingTotals.Compute(store, options, cancellationToken), 10);
        console.MarkupLineInterpolated($"Next: [blue]chaintrace trace --from {store.Profile.Format(options.Seeds[0])} --model all --format json --db <DIR>[/]");
    }
}
