using System.Numerics;
using ChainTrace.Labels;
using ChainTrace.Primitives;
using ChainTrace.Storage.Memory;
using Xunit;

namespace ChainTrace.Tests.Labels;

public sealed class LabelledFlowsTests
{
    [Fact]
    public void TopByInflow_SumsEachEntitysLabelledAddresses_LargestFirst()
    {
        var rng = new Random(5);
        var store = new MemoryChainStore(ChainProfile.Ethereum);
        var token = ChainProfile.Ethereum.DefaultToken.Contract;
        var addresses = Enumerable.Range(1, 40).Select(i => { var b = new byte[20]; rng.NextBytes(b); return new Address(b); }).ToArray();
        // Entities: A owns 0..2, B owns 3..4, C owns 5; 6 is a mixer (other category); the rest are users.
        string?[] owner = new string?[addresses.Length];
        for (int i = 0; i < 3; i++) owner[i] = "A";
        owner[3] = owner[4] = "B";
        owner[5] = "C";
        for (int i = 0; i <= 5; i++) store.AddLabel(addresses[i], new AddressLabel("exchange", owner[i]!, "test"));
        store.AddLabel(addresses[6], new AddressLabel("mixer", "M", "test"));

        var received = new Dictionary<string, BigInteger>();
        var count = new Dictionary<string, long>();
        var sent = new Dictionary<string, BigInteger>();
        ulong block = 100;
        for (int k = 0; k < 2000; k++)
        {
            if (rng.Next(3) == 0) block++;
            int f = rng.Next(addresses.Length), t = rng.Next(addresses.Length);
            ulong amount = (ulong)rng.Next(1, 1_000_000);
            store.AddTransfer(Seq.ForLog(block, (uint)k, 0), token, addresses[f], addresses[t], amount);
            if (owner[t] is { } o)
            {
                received[o] = received.GetValueOrDefault(o) + amount;
                count[o] = count.GetValueOrDefault(o) + 1;
            }
            if (owner[f] is { } s) sent[s] = sent.GetValueOrDefault(s) + amount;
        }
        Assert.True(store.TryGetTokenId(token, out var tokenId));

        var top = LabelledFlows.TopByInflow(store, "exchange", tokenId, 2);

        var expected = received.OrderByDescending(kv => kv.Value).Take(2).ToList();
        Assert.Equal(expected.Select(kv => kv.Key), top.Select(e => e.Name));
        foreach (var e in top)
        {
            Assert.Equal(received[e.Name], e.Received);
            Assert.Equal(count[e.Name], e.ReceivedCount);
            Assert.Equal(sent[e.Name], e.Sent);
            Assert.Equal(owner.Count(o => o == e.Name), e.Addresses);
        }
        Assert.Equal(3, LabelledFlows.TopByInflow(store, "EXCHANGE", tokenId, 10).Count);
        Assert.Equal("M", Assert.Single(LabelledFlows.TopByInflow(store, "mixer", tokenId, 10)).Name);
    }
}
