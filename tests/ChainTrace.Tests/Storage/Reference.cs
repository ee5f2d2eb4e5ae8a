using System.Numerics;
using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using Xunit;

namespace ChainTrace.Tests.Storage;

/// <summary>An edge as seen from its owner, by address rather than id.</summary>
internal readonly record struct PlainEdge(ulong Seq, Address Counterparty, BigInteger Amount, BigInteger BalanceAfter, long Count);

/// <summary>
/// The obviously-correct reference: replays token events with dictionaries and BigIntegers, in seq order, skipping
/// duplicates, and lists every edge per (direction, owner address).
/// </summary>
internal static class Reference
{
    public static Dictionary<(EdgeDirection, Address), List<PlainEdge>> Replay(IEnumerable<TokenEvent> events, Address token, Address? issuer)
    {
        var balance = new Dictionary<Address, BigInteger>();
        var outCount = new Dictionary<Address, long>();
        var inCount = new Dictionary<Address, long>();
        var edges = new Dictionary<(EdgeDirection, Address), List<PlainEdge>>();
        var seen = new HashSet<ulong>();
        foreach (var e in events.Where(e => e.Token == token && !e.Removed).OrderBy(e => e.Seq.Value))
        {
            if (!seen.Add(e.Seq.Value)) continue;
            (Address From, Address To)? move = e.Kind switch
            {
                TokenEventKind.Transfer => (e.From, e.To),
                TokenEventKind.Issue when issuer is { } i => (Address.Zero, i),
                TokenEventKind.Redeem when issuer is { } i => (i, Address.Zero),
                TokenEventKind.DestroyedBlackFunds => (e.From, Address.Zero),
                _ => null,
            };
            if (move is not { } m) continue;
            var amount = e.Amount.ToBigInteger();
            balance[m.From] = balance.GetValueOrDefault(m.From) - amount;
            balance[m.To] = balance.GetValueOrDefault(m.To) + amount;
            outCount[m.From] = outCount.GetValueOrDefault(m.From) + 1;
            inCount[m.To] = inCount.GetValueOrDefault(m.To) + 1;
            Add(edges, EdgeDirection.Out, m.From, new PlainEdge(e.Seq.Value, m.To, amount, balance[m.From], outCount[m.From]));
            Add(edges, EdgeDirection.In, m.To, new PlainEdge(e.Seq.Value, m.From, amount, balance[m.To], inCount[m.To]));
        }
        return edges;
    }

    private static void Add(Dictionary<(EdgeDirection, Address), List<PlainEdge>> edges, EdgeDirection d, Address owner, PlainEdge e)
    {
        if (!edges.TryGetValue((d, owner), out var list)) edges[(d, owner)] = list = [];
        list.Add(e);
    }

    /// <summary>Every edge of a token in a reader, by owner address.</summary>
    public static Dictionary<(EdgeDirection, Address), List<PlainEdge>> Edges(IChainReader reader, uint tokenId)
    {
        var result = new Dictionary<(EdgeDirection, Address), List<PlainEdge>>();
        for (uint id = 1; id <= reader.AddressCount; id++)
        {
            var owner = reader.GetAddress(id);
            foreach (var d in new[] { EdgeDirection.Out, EdgeDirection.In })
            {
                using var cursor = reader.OpenEdges(d, id, tokenId, Seq.MinValue);
                var list = new List<PlainEdge>();
                while (cursor.MoveNext())
                {
                    var e = cursor.Current;
                    list.Add(new PlainEdge(e.Seq.Value, reader.GetAddress(e.Counterparty), e.Amount.ToBigInteger(), e.BalanceAfter.ToSignedBigInteger(), e.Count));
                }
                if (list.Count > 0) result[(d, owner)] = list;
            }
        }
        return result;
    }

    public static void AssertSameEdges(Dictionary<(EdgeDirection, Address), List<PlainEdge>> expected, Dictionary<(EdgeDirection, Address), List<PlainEdge>> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, list) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var got), $"no {key.Item1} edges for {key.Item2}");
            Assert.Equal(list, got);
        }
    }

    /// <summary>Compares two readers id by id (they must have assigned ids in the same order).</summary>
    public static void AssertSameView(IChainReader expected, IChainReader actual, History history, uint tokenId = 1)
    {
        Assert.Equal(expected.AddressCount, actual.AddressCount);
        for (uint id = 1; id <= expected.AddressCount; id++)
        {
            Assert.Equal(expected.GetAddress(id), actual.GetAddress(id));
            Assert.True(actual.TryGetAddressId(expected.GetAddress(id), out uint back) && back == id);
            foreach (var d in new[] { EdgeDirection.Out, EdgeDirection.In })
            {
                Assert.Equal(ReadAll(expected, d, id, tokenId), ReadAll(actual, d, id, tokenId));
                bool a = expected.TryGetLastEdge(d, id, tokenId, out var ea), b = actual.TryGetLastEdge(d, id, tokenId, out var eb);
                Assert.Equal(a, b);
                Assert.Equal(ea, eb);
            }
            Assert.Equal(expected.IsBlacklisted(id, tokenId), actual.IsBlacklisted(id, tokenId));
        }
        Assert.Equal(expected.ScanTransfers(Seq.MinValue, Seq.MaxValue).ToList(), actual.ScanTransfers(Seq.MinValue, Seq.MaxValue).ToList());
        Assert.Equal(expected.ScanNativeTransfers(Seq.MinValue, Seq.MaxValue).ToList(), actual.ScanNativeTransfers(Seq.MinValue, Seq.MaxValue).ToList());
        Assert.Equal(expected.ScanApprovals(Seq.MinValue, Seq.MaxValue).ToList(), actual.ScanApprovals(Seq.MinValue, Seq.MaxValue).ToList());
        Assert.Equal(expected.ScanBlacklist().ToList(), actual.ScanBlacklist().ToList());
        foreach (var h in history.Headers)
        {
            Assert.Equal(expected.TryGetBlockTimestamp(h.Number, out long t1), actual.TryGetBlockTimestamp(h.Number, out long t2));
            Assert.Equal(t1, t2);
        }
        foreach (var t in history.Transactions)
        {
            Assert.Equal(expected.TryGetTxHash(t.Block, t.TxIndex, out var h1), actual.TryGetTxHash(t.Block, t.TxIndex, out var h2));
            Assert.Equal(h1, h2);
            Assert.True(actual.TryGetTransaction(t.Block, t.TxIndex, out var tx));
            Assert.Equal(t.Hash, tx.Hash);
            Assert.Equal(actual.GetAddress(tx.FromId), t.From);
        }
    }

    private static List<Edge> ReadAll(IChainReader r, EdgeDirection d, uint id, uint token)
    {
        using var c = r.OpenEdges(d, id, token, Seq.MinValue);
        var list = new List<Edge>();
        while (c.MoveNext()) list.Add(c.Current);
        return list;
    }
}
