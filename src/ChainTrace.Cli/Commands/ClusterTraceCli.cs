using System.Text.Json;
using System.Text.Json.Nodes;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Clustering;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Tracing;
using Spectre.Console;

namespace ChainTrace.Cli.Commands;

/// <summary>
/// The cluster-aware parts of <c>chaintrace trace</c>: <c>--from cluster:ID</c>, <c>--expand-cluster</c>,
/// <c>--by-cluster</c>, and stopping at detected deposit addresses with a per-exchange report.
/// </summary>
internal static class ClusterTraceCli
{
    /// <summary>The store's clusterer when it was clustered; null otherwise.</summary>
    public static Clusterer? ClustererOf(ChainTraceStore store)
    {
        var c = new Clusterer(store);
        return c.LastRun is null ? null : c;
    }

    /// <summary>Seeds from <c>--from</c>: addresses and/or <c>cluster:ID</c> items; with <paramref name="expand"/> each seed's whole cluster.</summary>
    public static IReadOnlyList<Address> ResolveSeeds(ChainTraceStore store, string from, bool expand, Func<string, IReadOnlyList<Address>> parseAddresses)
    {
        var items = from.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool anyCluster = items.Any(i => i.StartsWith(ClusterTracing.SeedPrefix, StringComparison.OrdinalIgnoreCase));
        if (!anyCluster && !expand) return parseAddresses(from);
        var clusterer = ClustererOf(store) ?? throw new UsageException($"the store has no clusters yet: run chaintrace cluster --db {store.Path} first");
        var seeds = new List<Address>();
        var plain = new List<string>();
        foreach (var item in items)
        {
            if (!item.StartsWith(ClusterTracing.SeedPrefix, StringComparison.OrdinalIgnoreCase)) { plain.Add(item); continue; }
            if (!ClusterTracing.TryParseClusterSeed(item, out uint id) || id > store.AddressCount)
                throw new UsageException($"'{item}' is not a cluster of this store (expected cluster:ID with ID from chaintrace cluster show)");
            seeds.AddRange(ClusterTracing.Members(clusterer, id));
        }
        if (plain.Count > 0) seeds.AddRange(parseAddresses(string.Join(',', plain)));
        return expand ? ClusterTracing.ExpandSeeds(clusterer, seeds) : seeds.Distinct().ToList();
    }

    /// <summary>Adds the deposit-address stop hook when the store is clustered.</summary>
    public static TraceOptions WithDepositStops(ChainTraceStore store, TraceOptions options) =>
        ClustererOf(store) is { } c && options.ExtraLabel is null ? options with { ExtraLabel = ClusterTracing.DepositLabels(c) } : options;

    /// <summary>Prints the deposit addresses reached per exchange and, with <paramref name="byCluster"/>, the clusters.</summary>
    public static void Render(IAnsiConsole console, ChainTraceStore store, TraceResult result, bool byCluster, int top)
    {
        if (ClustererOf(store) is not { } c) return;
        var deposits = ClusterTracing.Deposits(c, result);
        if (deposits.Count > 0)
        {
            console.MarkupLine("[bold]Exchange deposit addresses reached[/] (the accounts to ask each exchange about):");
            foreach (var ex in deposits)
            {
                string total = ex.Min == ex.Max ? result.Format(ex.Max) : result.Format(ex.Min) + "–" + result.Format(ex.Max);
                console.MarkupLineInterpolated($"  [bold]{ex.Exchange}[/]: {ex.Deposits.Count} deposit address(es), {total} {result.Token.Symbol}");
                foreach (var hit in ex.Deposits.Take(top)) console.MarkupLineInterpolated($"    {ClusterTracing.Describe(result, ex, hit)}");
            }
        }
        if (!byCluster) return;
        foreach (var m in ClusterTracing.ByCluster(c, result))
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"{TraceModels.Name(m.Model)}: {m.Nodes.Count} cluster(s)")
                .AddColumn(new TableColumn("cluster").RightAligned()).AddColumn("entity").AddColumn(new TableColumn("members reached").RightAligned())
                .AddColumn(new TableColumn("hops").RightAligned()).AddColumn(new TableColumn("received").RightAligned())
                .AddColumn(new TableColumn("held").RightAligned()).AddColumn(new TableColumn("terminal").RightAligned());
            foreach (var n in m.Nodes.Take(top))
                table.AddRow(n.ClusterId.ToString(System.Globalization.CultureInfo.InvariantCulture) + (n.IsSeed ? " (seed)" : ""),
                    Markup.Escape(n.Entity ?? "-"), $"{n.Members.Count}/{n.ClusterSize}", n.Hops.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(result.Format(n.Received)), Markup.Escape(result.Format(n.Held)), Markup.Escape(result.Format(n.Terminal)));
            if (m.Nodes.Count > top) table.Caption($"… and {m.Nodes.Count - top} more");
            console.Write(table);
        }
    }

    /// <summary>The trace JSON plus <c>deposits</c> (per exchange) and, with <paramref name="byCluster"/>, <c>by_cluster</c>.</summary>
    public static string AddToJson(ChainTraceStore store, TraceResult result, string json, bool byCluster)
    {
        if (ClustererOf(store) is not { } c) return json;
        var root = JsonNode.Parse(json)!.AsObject();
        var deposits = new JsonArray();
        foreach (var ex in ClusterTracing.Deposits(c, result))
        {
            var list = new JsonArray();
            foreach (var d in ex.Deposits)
            {
                var amounts = new JsonObject();
                foreach (var (model, amount) in d.Amounts) amounts[TraceModels.Name(model)] = result.Format(amount);
                list.Add(new JsonObject
                {
                    ["deposit"] = result.Format(d.Deposit),
                    ["hot_wallet"] = result.Format(d.HotWallet),
                    ["min"] = result.Format(d.Min),
                    ["max"] = result.Format(d.Max),
                    ["amounts"] = amounts,
                    ["first_block"] = d.FirstArrival.Block,
                    ["text"] = ClusterTracing.Describe(result, ex, d),
                });
            }
            deposits.Add(new JsonObject { ["exchange"] = ex.Exchange, ["min"] = result.Format(ex.Min), ["max"] = result.Format(ex.Max), ["deposits"] = list });
        }
        root["deposits"] = deposits;
        if (byCluster)
        {
            var models = new JsonObject();
            foreach (var m in ClusterTracing.ByCluster(c, result))
            {
                var nodes = new JsonArray();
                foreach (var n in m.Nodes)
                {
                    var members = new JsonArray();
                    foreach (var a in n.Members) members.Add(result.Format(a));
                    nodes.Add(new JsonObject
                    {
                        ["cluster"] = n.ClusterId, ["entity"] = n.Entity, ["cluster_size"] = n.ClusterSize, ["hops"] = n.Hops, ["seed"] = n.IsSeed,
                        ["received"] = result.Format(n.Received), ["held"] = result.Format(n.Held), ["terminal"] = result.Format(n.Terminal), ["members"] = members,
                    });
                }
                var edges = new JsonArray();
                foreach (var e in m.Edges) edges.Add(new JsonObject { ["from"] = e.From, ["to"] = e.To, ["amount"] = result.Format(e.Amount), ["count"] = e.Count });
                models[TraceModels.Name(m.Model)] = new JsonObject { ["nodes"] = nodes, ["edges"] = edges };
            }
            root["by_cluster"] = models;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
