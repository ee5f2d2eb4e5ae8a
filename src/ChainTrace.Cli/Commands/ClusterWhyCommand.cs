using System.ComponentModel;
using System.Globalization;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Clustering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace cluster why A B</c>: the chain of links that puts two addresses in one cluster.</summary>
internal sealed class ClusterWhyCommand(IAnsiConsole console) : Command<ClusterWhyCommand.Settings>
{
    /// <summary>Options of <c>cluster why</c>.</summary>
    internal sealed class Settings : ChainSettings
    {
        [CommandArgument(0, "<A>")]
        [Description("First address.")]
        public string A { get; set; } = "";

        [CommandArgument(1, "<B>")]
        [Description("Second address.")]
        public string B { get; set; } = "";

        [CommandOption("--format <FORMAT>")]
        [Description("Output: table or json.")]
        [DefaultValue("table")]
        public string Format { get; set; } = "table";

        public override ValidationResult Validate() =>
            Format is "table" or "json" ? base.Validate() : ValidationResult.Error($"unknown format '{Format}' (expected table or json)");
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = ClusterCli.OpenExisting(settings.Db, settings.Profile, write: false);
        var a = ClusterCli.ParseKnown(store, settings.A);
        var b = ClusterCli.ParseKnown(store, settings.B);
        var clusterer = new Clusterer(store);
        ClusterCli.RequireClustered(clusterer, settings.Db);
        var profile = store.Profile;
        var path = clusterer.Why(a, b);
        if (path is null)
        {
            var ca = clusterer.GetCluster(a)!;
            var cb = clusterer.GetCluster(b)!;
            throw new UsageException($"{profile.Format(a)} (cluster {ca.ClusterId}) and {profile.Format(b)} (cluster {cb.ClusterId}) are not in one cluster");
        }
        if (settings.Format == "json")
        {
            ClusterCli.WriteJson(console.Profile.Out.Writer, w =>
            {
                w.WriteStartObject();
                w.WriteString("from", profile.Format(a));
                w.WriteString("to", profile.Format(b));
                w.WriteNumber("cluster", path.ClusterId);
                w.WriteStartArray("steps");
                foreach (var step in path.Steps)
                {
                    w.WriteStartObject();
                    w.WriteString("from", profile.Format(step.From));
                    w.WriteString("to", profile.Format(step.To));
                    w.WriteStartArray("links");
                    foreach (var l in step.Links) ClusterCli.WriteLinkJson(w, profile, l);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return 0;
        }
        console.MarkupLineInterpolated($"{profile.Format(a)} and {profile.Format(b)} are both in cluster {path.ClusterId} ({path.Steps.Count} step{(path.Steps.Count == 1 ? "" : "s")}):");
        int i = 0;
        foreach (var step in path.Steps)
        {
            i++;
            console.MarkupLineInterpolated($"[bold]{i}.[/] {profile.Format(step.From)} → {profile.Format(step.To)}");
            foreach (var l in step.Links)
            {
                console.MarkupLineInterpolated($"   [blue]{l.Link.Heuristic.ToName()}[/]: {l.Explanation}");
            }
        }
        return 0;
    }
}
