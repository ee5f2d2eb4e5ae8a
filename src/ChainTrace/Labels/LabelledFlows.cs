using System.Numerics;
using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Labels;

/// <summary>One labelled entity's token flows, summed over its labelled addresses.</summary>
/// <param name="Name">Entity name from the labels (Binance, …).</param>
/// <param name="Category">The category asked for.</param>
/// <param name="Addresses">How many of its addresses appear in the store.</param>
/// <param name="Received">Total received, base units.</param>
/// <param name="ReceivedCount">Number of incoming transfers.</param>
/// <param name="Sent">Total sent, base units.</param>
public sealed record EntityFlow(string Name, string Category, int Addresses, BigInteger Received, long ReceivedCount, BigInteger Sent);

/// <summary>Questions about labelled entities that an analyst asks first (which exchanges received the most?).</summary>
public static class LabelledFlows
{
    /// <summary>
    /// Entities of <paramref name="category"/> ranked by what their labelled addresses received of the token,
    /// largest first (ties by name). Reads each labelled address's edges once; cost grows with their degree.
    /// </summary>
    public static IReadOnlyList<EntityFlow> TopByInflow(IChainReader reader, string category, uint tokenId, int count)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(category);
        var byName = new Dictionary<string, (int Addresses, BigInteger In, long InCount, BigInteger Out)>(StringComparer.Ordinal);
        foreach (var id in reader.LabelledAddressIds())
        {
            string? name = null;
            foreach (var l in reader.GetLabels(id))
                if (string.Equals(l.Category, category, StringComparison.OrdinalIgnoreCase)) { name = l.Name; break; }
            if (name is null) continue;
            var (received, n) = Sum(reader, EdgeDirection.In, id, tokenId);
            var (sent, _) = Sum(reader, EdgeDirection.Out, id, tokenId);
            byName.TryGetValue(name, out var acc);
            byName[name] = (acc.Addresses + 1, acc.In + received, acc.InCount + n, acc.Out + sent);
        }
        return byName
            .Select(kv => new EntityFlow(kv.Key, category, kv.Value.Addresses, kv.Value.In, kv.Value.InCount, kv.Value.Out))
            .OrderByDescending(e => e.Received).ThenBy(e => e.Name, StringComparer.Ordinal)
            .Take(Math.Max(0, count))
            .ToList();
    }

    private static (BigInteger Total, long Count) Sum(IChainReader reader, EdgeDirection direction, uint id, uint tokenId)
    {
        BigInteger total = BigInteger.Zero;
        long n = 0;
        using var cursor = reader.OpenEdges(direction, id, tokenId, Seq.MinValue);
        while (cursor.MoveNext())
        {
            total += cursor.Current.Amount.ToBigInteger();
            n++;
        }
        return (total, n);
    }
}
