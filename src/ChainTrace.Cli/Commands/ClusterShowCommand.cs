using System.ComponentModel;
using System.Globalization;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Clustering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace cluster show ADDR</c>: an address's cluster, its members, labels and links with evidence.</summary>
internal sealed class ClusterShowCommand(IAnsiConsole console) : Command<ClusterShowCommand.Settings>
{
    /// <summary>Options of <c>cluster show</c>.</summary>
    internal sealed class Settings : ChainSettings
    {
        [CommandArgument(0, "<ADDRESS>")]
        [Description("Any member of the cluster: 0x… or T….")]
        public string Address { get; set; } = "";

        [CommandOption("--members <N>")]
        [Description("Show at most N members.")]
        [DefaultValue(200)]
        public int Members { get; set; } = 200;

        [CommandOption("--links <N>")]
        [Description("Show at most N links.")]
        [DefaultValue(200)]
        public int Links { get; set; } = 200;

        [CommandOption("--format <FORMAT>")]
        [Description("Output: table or json.")]
        [DefaultValue("table")]
        public string Format { get; set; } = "table";

        public override ValidationResult Validate()
        {
            if (Format is not ("table" or "json")) return ValidationResult.Error($"unknown format '{Format}' (expected table or json)");
            if (Members < 0 || Links < 0) return ValidationResult.Error("--members and --links must be 0 or more");
            return base.Validate();
        }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = ClusterCli.OpenExisting(settings.Db, settings.Profile, write: false);
        var address = ClusterCli.ParseKnown(store, settings.Address);
        var clusterer = new Clusterer(store);
        ClusterCli.RequireClustered(clusterer, settings.Db);
        var view = clusterer.Show(address, settings.Members, settings.Links)!;
        var profile = store.Profile;
        var s = view.Summary;
        if (settings.Format == "json")
        {
            ClusterCli.WriteJson(console.Profile.Out.Writer, w =>
            {
                w.WriteStartObject();
                w.WriteString("address", profile.Format(address));
                w.WriteNumber("cluster", s.ClusterId);
                w.WriteNumber("size", s.Size);
                if (s.Entity is null) w.WriteNull("entity");
                else w.WriteString("entity", s.Entity);
                w.WriteStartArray("conflicting_entities");
                foreach (var c in s.ConflictingEntities) w.WriteStringValue(c);
                w.WriteEndArray();
                w.WriteStartArray("members");
                foreach (var m in view.Members)
                {
                    w.WriteStartObject();
                    w.WriteString("address", profile.Format(m.Address));
                    w.WriteStartArray("labels");
                    foreach (var l in m.Labels) w.WriteStringValue($"{l.Category}: {l.Name}");
                    w.WriteEndArray();
                    if (m.DepositOf is { } hot) w.WriteString("deposit_address_of", profile.Format(hot));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("members_truncated", view.MembersTruncated);
                w.WriteStartArray("links");
                foreach (var l in view.Links) ClusterCli.WriteLinkJson(w, profile, l);
                w.WriteEndArray();
                w.WriteBoolean("links_truncated", view.LinksTruncated);
                w.WriteEndObject();
            });
            return 0;
        }

        var head = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Cluster {s.ClusterId}"))
            .AddColumn("").AddColumn("").HideHeaders();
        head.AddRow("address", Markup.Escape(profile.Format(address)));
        head.AddRow("members", Infrastructure.Format.Count(s.Size));
        head.AddRow("entity", Markup.Escape(s.Entity is null ? "-" : $"{s.Entity} ({s.EntityCategory})"));
        if (s.ConflictingEntities.Count > 0) head.AddRow("[yellow]conflicting labels[/]", Markup.Escape(string.Join(", ", s.ConflictingEntities)));
        if (s.DepositOf is { } dep) head.AddRow("deposit address of", Markup.Escape(profile.Format(dep) + (s.DepositOfEntity is null ? "" : $" ({s.DepositOfEntity})")));
        console.Write(head);

        var members = new Table().Border(TableBorder.Rounded).Title("Members").AddColumn("address").AddColumn("labels").AddColumn("deposit address of");
        foreach (var m in view.Members)
            members.AddRow(Markup.Escape(profile.Format(m.Address)), Markup.Escape(m.Labels.Count == 0 ? "-" : string.Join("; ", m.Labels.Select(l => $"{l.Category}: {l.Name}"))),
                Markup.Escape(m.DepositOf is { } h ? profile.Format(h) : "-"));
        console.Write(members);
        if (view.MembersTruncated) console.MarkupLineInterpolated($"… {Infrastructure.Format.Count(s.Size - (uint)view.Members.Count)} more members (--members N)");

        if (view.Links.Count > 0)
        {
            var links = new Table().Border(TableBorder.Rounded).Title("Links").AddColumn("heuristic").AddColumn("anchor").AddColumn("member").AddColumn("evidence");
            foreach (var l in view.Links)
                links.AddRow(l.Link.Heuristic.ToName(), Markup.Escape(profile.Format(l.Anchor)), Markup.Escape(profile.Format(l.Member)),
                    Markup.Escape(ClusterCli.Evidence(l.EvidenceTx, l.Link.Evidence) + "\n" + ClusterCli.Evidence(l.Evidence2Tx, l.Link.Evidence2)));
            console.Write(links);
            if (view.LinksTruncated) console.MarkupLine("… more links (--links N)");
        }
        return 0;
    }
}
