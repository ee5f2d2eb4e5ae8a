using System.Text;
using System.Text.Json;

namespace ChainTrace.Clustering;

/// <summary>Export formats of clusters and links.</summary>
public enum ClusterExportFormat
{
    /// <summary>Comma-separated values with a header row.</summary>
    Csv,
    /// <summary>One JSON object per line.</summary>
    Jsonl,
}

/// <summary>
/// Writes clusters (one row per clustered address, or one JSON line per cluster) and links with their evidence.
/// Only multi-member clusters are written: every other address is its own cluster, with its own id.
/// </summary>
public static class ClusterExporter
{
    /// <summary>
    /// Clusters. CSV columns: <c>cluster,size,entity,address,deposit_of</c>, one row per member. JSONL: one line per
    /// cluster, <c>{"cluster","size","entity","entity_category","conflicting_entities","members":[…],"deposit_addresses":[…]}</c>.
    /// Returns the number of clusters written.
    /// </summary>
    public static long WriteClusters(Clusterer clusterer, TextWriter output, ClusterExportFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clusterer);
        ArgumentNullException.ThrowIfNull(output);
        var store = clusterer.Store;
        var profile = clusterer.Reader.Profile;
        long clusters = 0;
        if (format == ClusterExportFormat.Csv) output.WriteLine("cluster,size,entity,address,deposit_of");
        var buffer = new MemoryStream();
        foreach (var (id, header) in store.ScanClusters())
        {
            cancellationToken.ThrowIfCancellationRequested();
            clusters++;
            var entity = ClusterEntities.Resolve(header.Labels, clusterer.Options.ServiceCategories);
            var members = store.GetMembers(id);
            if (format == ClusterExportFormat.Csv)
            {
                string prefix = id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "," + header.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) + "," + Csv(entity.Name) + ",";
                foreach (uint m in members)
                {
                    string depositOf = store.TryGetDeposit(m, out var d) ? profile.Format(clusterer.Reader.GetAddress(d.HotWallet)) : "";
                    output.Write(prefix);
                    output.Write(profile.Format(clusterer.Reader.GetAddress(m)));
                    output.Write(',');
                    output.WriteLine(depositOf);
                }
                continue;
            }
            buffer.SetLength(0);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteNumber("cluster", id);
                w.WriteNumber("size", header.Size);
                if (entity.Name is null) w.WriteNull("entity");
                else w.WriteString("entity", entity.Name);
                if (entity.Category is null) w.WriteNull("entity_category");
                else w.WriteString("entity_category", entity.Category);
                w.WriteStartArray("conflicting_entities");
                foreach (var c in entity.ConflictingNames) w.WriteStringValue(c);
                w.WriteEndArray();
                w.WriteStartArray("members");
                var deposits = new List<uint>();
                foreach (uint m in members)
                {
                    w.WriteStringValue(profile.Format(clusterer.Reader.GetAddress(m)));
                    if (store.TryGetDeposit(m, out _)) deposits.Add(m);
                }
                w.WriteEndArray();
                w.WriteStartArray("deposit_addresses");
                foreach (uint m in deposits) w.WriteStringValue(profile.Format(clusterer.Reader.GetAddress(m)));
                w.WriteEndArray();
                w.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        output.Flush();
        return clusters;
    }

    /// <summary>
    /// Links with evidence. CSV columns: <c>heuristic,anchor,member,cluster,evidence_tx,evidence_seq,evidence2_tx,evidence2_seq</c>;
    /// JSONL: the same fields plus <c>explanation</c>. Returns the number of links written.
    /// </summary>
    public static long WriteLinks(Clusterer clusterer, TextWriter output, ClusterExportFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clusterer);
        ArgumentNullException.ThrowIfNull(output);
        var profile = clusterer.Reader.Profile;
        long n = 0;
        if (format == ClusterExportFormat.Csv) output.WriteLine("heuristic,anchor,member,cluster,evidence_tx,evidence_seq,evidence2_tx,evidence2_seq");
        var buffer = new MemoryStream();
        foreach (var link in clusterer.Store.ScanLinks())
        {
            if ((++n & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            var e = clusterer.Explain(link);
            uint cluster = clusterer.Store.GetClusterId(link.Member);
            if (format == ClusterExportFormat.Csv)
            {
                output.WriteLine(string.Join(',', link.Heuristic.ToName(), profile.Format(e.Anchor), profile.Format(e.Member),
                    cluster.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    e.EvidenceTx?.ToString() ?? "", link.Evidence.ToString(), e.Evidence2Tx?.ToString() ?? "", link.Evidence2.ToString()));
                continue;
            }
            buffer.SetLength(0);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("heuristic", link.Heuristic.ToName());
                w.WriteString("anchor", profile.Format(e.Anchor));
                w.WriteString("member", profile.Format(e.Member));
                w.WriteNumber("cluster", cluster);
                WriteEvidence(w, "evidence", e.EvidenceTx, link.Evidence);
                WriteEvidence(w, "evidence2", e.Evidence2Tx, link.Evidence2);
                if (e.HotWallet is { } hot) w.WriteString("hot_wallet", profile.Format(hot));
                w.WriteString("explanation", e.Explanation);
                w.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        output.Flush();
        return n;
    }

    /// <summary>Writes <c>"name": {"tx": …, "block": …, "tx_index": …, "log_index": …}</c> (log_index null for a native transfer).</summary>
    public static void WriteEvidence(Utf8JsonWriter w, string name, Primitives.Hash32? tx, Primitives.Seq seq)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject(name);
        if (tx is { } h) w.WriteString("tx", h.ToString());
        else w.WriteNull("tx");
        w.WriteNumber("block", seq.Block);
        w.WriteNumber("tx_index", seq.TxIndex);
        if (seq.Sub == 0) w.WriteNull("log_index");
        else w.WriteNumber("log_index", seq.Sub - 1);
        w.WriteEndObject();
    }

    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0) return value;
        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
