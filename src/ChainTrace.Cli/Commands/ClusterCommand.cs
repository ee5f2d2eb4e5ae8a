using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Clustering;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace cluster</c>: runs the clustering heuristics over the store and prints a summary.</summary>
internal sealed class ClusterCommand(IAnsiConsole console) : AsyncCommand<ClusterCommand.Settings>
{
    /// <summary>Options of <c>cluster</c>.</summary>
    internal sealed class Settings : ChainSettings
    {
        [CommandOption("--heuristics <LIST>")]
        [Description("Comma-separated heuristics: deposit, gas, approval (or all). Default: all.")]
        [DefaultValue("all")]
        public string Heuristics { get; set; } = "all";

        [CommandOption("--incremental")]
        [Description("Process only blocks indexed since the last run (falls back to a full rebuild when the options or labels changed).")]
        public bool Incremental { get; set; }

        [CommandOption("--deposit-in-cluster")]
        [Description("Also put each deposit address in its customer's cluster (default: the address stays the exchange's).")]
        public bool DepositInCluster { get; set; }

        [CommandOption("--sweep-delay <BLOCKS>")]
        [Description("A deposit address must sweep within this many blocks of receiving. Default: 7200.")]
        public uint? SweepDelay { get; set; }

        [CommandOption("--min-forward <SHARE>")]
        [Description("Share of its inflow a deposit address must sweep to one hot wallet (0..1). Default: 0.95.")]
        public double? MinForward { get; set; }

        [CommandOption("--hot-wallet-deposits <N>")]
        [Description("An unlabelled address swept into by at least N deposit addresses is a hot wallet (0: labelled hot wallets only). Default: 5.")]
        public int? HotWalletDeposits { get; set; }

        [CommandOption("--max-senders <N>")]
        [Description("A deposit candidate paid by more distinct addresses is a collector, not one customer's. Default: 16.")]
        public int? MaxSenders { get; set; }

        [CommandOption("--max-funded <N>")]
        [Description("A gas funder of more fresh addresses is a service and links nothing. Default: 100.")]
        public int? MaxFunded { get; set; }

        [CommandOption("--max-owners <N>")]
        [Description("A spender approved by more owners is a service or drainer and links nothing. Default: 4.")]
        public int? MaxOwners { get; set; }

        [CommandOption("--giant <N>")]
        [Description("Report clusters of at least N members as giant. Default: 10000.")]
        public int? Giant { get; set; }

        [CommandOption("--format <FORMAT>")]
        [Description("Summary output: table or json.")]
        [DefaultValue("table")]
        public string Format { get; set; } = "table";

        public override ValidationResult Validate()
        {
            if (!LinkHeuristicNames.TryParse(Heuristics, out _, out var error)) return ValidationResult.Error(error!);
            if (Format is not ("table" or "json")) return ValidationResult.Error($"unknown format '{Format}' (expected table or json)");
            if (MinForward is { } f && (f <= 0 || f > 1)) return ValidationResult.Error("--min-forward must be in (0, 1]");
            if (MaxSenders < 1 || MaxFunded < 1 || MaxOwners < 1 || HotWalletDeposits < 0 || Giant < 2)
                return ValidationResult.Error("bounds must be positive (--giant at least 2, --hot-wallet-deposits 0 or more)");
            return base.Validate();
        }

        /// <summary>The clustering options these settings describe.</summary>
        public ClusterOptions ToOptions()
        {
            LinkHeuristicNames.TryParse(Heuristics, out var heuristics, out _);
            var d = new DepositReuseOptions();
            var g = new GasFundingOptions();
            var a = new ApprovalOptions();
            var o = new ClusterOptions();
            return o with
            {
                Heuristics = heuristics,
                Deposit = d with
                {
                    LinkDepositAddressToCustomer = DepositInCluster,
                    MaxSweepDelayBlocks = SweepDelay ?? d.MaxSweepDelayBlocks,
                    MinForwardShare = MinForward ?? d.MinForwardShare,
                    MinDepositsForDetectedHotWallet = HotWalletDeposits ?? d.MinDepositsForDetectedHotWallet,
                    MaxSendersPerDeposit = MaxSenders ?? d.MaxSendersPerDeposit,
                },
                Gas = g with { MaxFundedPerFunder = MaxFunded ?? g.MaxFundedPerFunder },
                Approval = a with { MaxOwnersPerSpender = MaxOwners ?? a.MaxOwnersPerSpender },
                GiantClusterSize = Giant ?? o.GiantClusterSize,
            };
        }
    }

    /// <inheritdoc/>
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Spectre skips Validate for a branch's default command: run it here.
        if (settings.Validate() is { Successful: false } invalid) throw new UsageException(invalid.Message ?? "invalid options");
        using var store = ClusterCli.OpenExisting(settings.Db, settings.Profile, write: true);
        var options = settings.ToOptions();
        var clusterer = new Clusterer(store, options);
        var result = await ProgressRunner.RunAsync<ClusterProgress, ClusterResult>(console, "Clustering",
            progress => Task.Run(() => settings.Incremental
                ? clusterer.Update(options, progress, cancellationToken)
                : clusterer.Run(options, progress, cancellationToken), cancellationToken),
            p => new ProgressView(p.Total > 0 ? (double)p.Done / p.Total : null,
                $"{p.Phase} {Infrastructure.Format.Count(p.Done)}" + (p.Total > 0 ? $"/{Infrastructure.Format.Count(p.Total)}" : "")))
            .ConfigureAwait(false);
        if (settings.Format == "json") ClusterCli.WriteResultJson(console.Profile.Out.Writer, store.Profile, clusterer, result);
        else ClusterCli.RenderResult(console, store.Profile, clusterer, result);
        return 0;
    }

    /// <summary>
    /// After an index run: when the store was clustered before, updates the clusters incrementally with the
    /// options of that run and prints one line. Called by <c>chaintrace index</c>.
    /// </summary>
    internal static void UpdateAfterIndex(IAnsiConsole console, ChainTraceStore store, CancellationToken cancellationToken)
    {
        var clusterer = new Clusterer(store);
        if (clusterer.LastRun is not { } last) return;
        var result = clusterer.Update(clusterer.Options with
        {
            Heuristics = last.Heuristics,
            Deposit = clusterer.Options.Deposit with { LinkDepositAddressToCustomer = last.DepositAddressInCluster },
        }, null, cancellationToken);
        console.MarkupLineInterpolated(
            $"clusters updated{(result.Incremental ? "" : " (full rebuild: options or labels changed)")}: {Infrastructure.Format.Count(result.Clusters)} clusters, +{Infrastructure.Format.Count(result.LinksWritten)} −{Infrastructure.Format.Count(result.LinksRemoved)} links in {Infrastructure.Format.Duration(result.Elapsed)}");
    }
}

/// <summary>Shared opening, parsing and rendering of the cluster commands.</summary>
internal static class ClusterCli
{
    /// <summary>
    /// <c>cluster --opt …</c> → <c>cluster run --opt …</c>: options right after a branch name are parsed as the
    /// branch's, so the clustering run's own options need its explicit (hidden) command name.
    /// </summary>
    public static string[] WithRunCommand(string[] args)
    {
        if (args.Length < 2 || args[0] != "cluster" || !args[1].StartsWith('-') || args[1] is "-h" or "--help" or "-?") return args;
        return ["cluster", "run", .. args[1..]];
    }

    /// <summary>Opens an existing store (never creates one).</summary>
    public static ChainTraceStore OpenExisting(string db, ChainProfile? profile, bool write)
    {
        if (!File.Exists(Path.Combine(db, "CURRENT")))
            throw new UsageException($"no store at '{db}' (index some data first: chaintrace index --db {db} FILE…)");
        return write ? StoreOpener.OpenForWrite(db, profile) : StoreOpener.OpenForRead(db, profile);
    }

    /// <summary>Parses an address that must be in the store.</summary>
    public static Address ParseKnown(IChainReader store, string text)
    {
        if (!Address.TryParse(text, out var address, out var error))
            throw new UsageException($"'{text}' is not an address: {error}");
        if (!store.TryGetAddressId(address, out _))
            throw new UsageException($"{store.Profile.Format(address)} does not appear in this store");
        return address;
    }

    /// <summary>Fails with a hint when the store was never clustered.</summary>
    public static void RequireClustered(Clusterer clusterer, string db)
    {
        if (clusterer.LastRun is null)
            throw new UsageException($"the store has no clusters yet: run chaintrace cluster --db {db} first");
    }

    public static void RenderResult(IAnsiConsole console, ChainProfile profile, Clusterer clusterer, ClusterResult r)
    {
        var t = new Table().Border(TableBorder.Rounded).Title(r.Incremental ? "Clusters (incremental update)" : "Clusters (full rebuild)")
            .AddColumn("").AddColumn(new TableColumn("").RightAligned()).HideHeaders();
        t.AddRow("blocks", Markup.Escape(r.ToSeq.Value == 0 ? "-" : $"{Format.Count(r.FromSeq.Block)} – {Format.Count(r.ToSeq.Block)}"));
        t.AddRow("events read", Format.Count(r.EventsProcessed));
        t.AddRow("addresses", Format.Count(r.Addresses));
        t.AddRow("clusters (2+ members)", Format.Count(r.Clusters));
        t.AddRow("addresses in them", Format.Count(r.ClusteredAddresses));
        foreach (var (h, n) in r.LinksPerHeuristic) t.AddRow($"links: {h.ToName()}", Format.Count(n));
        t.AddRow("links written / removed", $"{Format.Count(r.LinksWritten)} / {Format.Count(r.LinksRemoved)}");
        t.AddRow("deposit addresses", Format.Count(r.DepositAddresses));
        t.AddRow("hot wallets", Format.Count(r.HotWallets));
        t.AddRow("rejected deposit candidates", Format.Count(r.RejectedDepositCandidates));
        t.AddRow("refused links (service guard)", r.RefusedLinkCount == 0 ? "0" : $"[yellow]{Format.Count(r.RefusedLinkCount)}[/]");
        t.AddRow("label conflicts", r.ConflictCount == 0 ? "0" : $"[yellow]{Format.Count(r.ConflictCount)}[/]");
        t.AddRow("giant clusters", r.GiantClusters.Count == 0 ? "0" : $"[yellow]{Format.Count(r.GiantClusters.Count)}[/]");
        t.AddRow("time", Format.Duration(r.Elapsed));
        console.Write(t);

        var sizes = new Table().Border(TableBorder.Rounded).Title("Cluster sizes").AddColumn("members").AddColumn(new TableColumn("clusters").RightAligned());
        foreach (var b in r.SizeHistogram)
            sizes.AddRow(b.Max == uint.MaxValue ? $"{Format.Count(b.Min)}+" : b.Min == b.Max ? Format.Count(b.Min) : $"{Format.Count(b.Min)}–{Format.Count(b.Max)}", Format.Count(b.Clusters));
        console.Write(sizes);

        if (r.Largest.Count > 0)
        {
            var largest = new Table().Border(TableBorder.Rounded).Title("Largest clusters")
                .AddColumn(new TableColumn("cluster").RightAligned()).AddColumn(new TableColumn("members").RightAligned()).AddColumn("entity").AddColumn("first member");
            foreach (var c in r.Largest)
                largest.AddRow(c.ClusterId.ToString(CultureInfo.InvariantCulture), Format.Count(c.Size), Markup.Escape(c.Entity ?? "-"),
                    Markup.Escape(profile.Format(clusterer.Reader.GetAddress(c.ClusterId))));
            console.Write(largest);
        }
        foreach (var g in r.GiantClusters)
            console.MarkupLineInterpolated($"[yellow]giant cluster[/] {g.ClusterId} with {Format.Count(g.Size)} members{(g.Entity is null ? "" : " (" + g.Entity + ")")}: check its links with chaintrace cluster show");
        foreach (var x in r.RefusedLinks.Take(10))
            console.MarkupLineInterpolated($"[yellow]refused[/] {x.Link.Heuristic.ToName()} link {profile.Format(clusterer.Reader.GetAddress(x.Link.Anchor))} – {profile.Format(clusterer.Reader.GetAddress(x.Link.Member))}: it would merge {x.EntityA} with {x.EntityB}");
        if (r.RefusedLinkCount > 10) console.MarkupLineInterpolated($"[yellow]… and {r.RefusedLinkCount - 10} more refused links[/]");
        foreach (var c in r.Conflicts.Take(10))
            console.MarkupLineInterpolated($"[yellow]label conflict[/] in cluster {c.ClusterId} ({Format.Count(c.Size)} members): {string.Join(" vs ", c.Entities)}");
        if (r.ConflictCount > 10) console.MarkupLineInterpolated($"[yellow]… and {r.ConflictCount - 10} more clusters with conflicting labels[/]");
    }

    public static void WriteResultJson(TextWriter output, ChainProfile profile, Clusterer clusterer, ClusterResult r)
    {
        WriteJson(output, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("incremental", r.Incremental);
            w.WriteBoolean("relinked", r.Relinked);
            w.WriteNumber("from_block", r.FromSeq.Block);
            w.WriteNumber("to_block", r.ToSeq.Block);
            w.WriteNumber("events", r.EventsProcessed);
            w.WriteNumber("addresses", r.Addresses);
            w.WriteNumber("clusters", r.Clusters);
            w.WriteNumber("clustered_addresses", r.ClusteredAddresses);
            w.WriteStartObject("links");
            foreach (var (h, n) in r.LinksPerHeuristic) w.WriteNumber(h.ToName(), n);
            w.WriteEndObject();
            w.WriteNumber("links_written", r.LinksWritten);
            w.WriteNumber("links_removed", r.LinksRemoved);
            w.WriteNumber("deposit_addresses", r.DepositAddresses);
            w.WriteNumber("hot_wallets", r.HotWallets);
            w.WriteNumber("rejected_deposit_candidates", r.RejectedDepositCandidates);
            w.WriteStartArray("size_histogram");
            foreach (var b in r.SizeHistogram)
            {
                w.WriteStartObject();
                w.WriteNumber("min", b.Min);
                if (b.Max == uint.MaxValue) w.WriteNull("max");
                else w.WriteNumber("max", b.Max);
                w.WriteNumber("clusters", b.Clusters);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteSizes(w, "largest", r.Largest);
            WriteSizes(w, "giant", r.GiantClusters);
            w.WriteNumber("refused_links", r.RefusedLinkCount);
            w.WriteStartArray("refused");
            foreach (var x in r.RefusedLinks)
            {
                w.WriteStartObject();
                w.WriteString("heuristic", x.Link.Heuristic.ToName());
                w.WriteString("anchor", profile.Format(clusterer.Reader.GetAddress(x.Link.Anchor)));
                w.WriteString("member", profile.Format(clusterer.Reader.GetAddress(x.Link.Member)));
                w.WriteString("entity_a", x.EntityA);
                w.WriteString("entity_b", x.EntityB);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("label_conflicts", r.ConflictCount);
            w.WriteStartArray("conflicts");
            foreach (var c in r.Conflicts)
            {
                w.WriteStartObject();
                w.WriteNumber("cluster", c.ClusterId);
                w.WriteNumber("size", c.Size);
                w.WriteStartArray("entities");
                foreach (var e in c.Entities) w.WriteStringValue(e);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
            w.WriteEndObject();
        });
    }

    private static void WriteSizes(Utf8JsonWriter w, string name, IReadOnlyList<ClusterSize> sizes)
    {
        w.WriteStartArray(name);
        foreach (var c in sizes)
        {
            w.WriteStartObject();
            w.WriteNumber("cluster", c.ClusterId);
            w.WriteNumber("size", c.Size);
            if (c.Entity is null) w.WriteNull("entity");
            else w.WriteString("entity", c.Entity);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Writes the cluster fields of <c>address --format json</c>: cluster, clusterSize, entity (and deposit details).</summary>
    public static void WriteAddressClusterFields(Utf8JsonWriter w, ChainTraceStore store, Address address)
    {
        var clusterer = new Clusterer(store);
        if (clusterer.LastRun is null || clusterer.GetCluster(address) is not { } c)
        {
            w.WriteNull("cluster");
            w.WriteNull("clusterSize");
            w.WriteNull("entity");
            return;
        }
        w.WriteNumber("cluster", c.ClusterId);
        w.WriteNumber("clusterSize", c.Size);
        if (c.Entity is null) w.WriteNull("entity");
        else w.WriteString("entity", c.Entity);
        if (c.DepositOf is { } hot)
        {
            w.WriteStartObject("deposit_address_of");
            w.WriteString("hot_wallet", store.Profile.Format(hot));
            if (c.DepositOfEntity is null) w.WriteNull("entity");
            else w.WriteString("entity", c.DepositOfEntity);
            w.WriteEndObject();
        }
    }

    public static void WriteLinkJson(Utf8JsonWriter w, ChainProfile profile, ExplainedLink e)
    {
        w.WriteStartObject();
        w.WriteString("heuristic", e.Link.Heuristic.ToName());
        w.WriteString("anchor", profile.Format(e.Anchor));
        w.WriteString("member", profile.Format(e.Member));
        ClusterExporter.WriteEvidence(w, "evidence", e.EvidenceTx, e.Link.Evidence);
        ClusterExporter.WriteEvidence(w, "evidence2", e.Evidence2Tx, e.Link.Evidence2);
        if (e.HotWallet is { } hot) w.WriteString("hot_wallet", profile.Format(hot));
        w.WriteString("explanation", e.Explanation);
        w.WriteEndObject();
    }

    public static void WriteJson(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true })) write(w);
        output.WriteLine(Encoding.UTF8.GetString(ms.ToArray()));
        output.Flush();
    }

    /// <summary>"0xabc… (tx 0x…, block N)" for a table cell.</summary>
    public static string Evidence(Hash32? tx, Seq seq) =>
        (tx?.ToString() ?? "event") + $" @ block {Format.Count(seq.Block)}";
}
