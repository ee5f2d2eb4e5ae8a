using System.Numerics;
using ChainTrace.Primitives;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Support;

/// <summary>The reference tracer on small histories worked out by hand, and its conservation on random ones.</summary>
public sealed class ReferenceTracerTests
{
    private static Address A(int n)
    {
        var b = new byte[20];
        b[18] = (byte)(n >> 8);
        b[19] = (byte)n;
        b[0] = 0xAA;
        return new Address(b);
    }

    private static readonly Address Mint = Address.Zero, Seed = A(1), P = A(2), M = A(3), Dep = A(4), S2 = A(5), Clean = A(6), Victim = A(7), Other = A(8);

    private static RefTransfer T(ulong block, Address from, Address to, long amount) => new(Seq.ForLog(block, 0, 0), from, to, amount);

    /// <summary>
    /// The mixing shape of docs/SYNTH.md with X = 10: M holds 50 clean, pays 10, receives 40 tainted via P,
    /// 20 clean, pays 50 to a terminal then 30 to S2, keeps 20.
    /// </summary>
    private static List<RefTransfer> Mixing() =>
    [
        T(1, Mint, Clean, 1_000), T(1, Mint, Victim, 40),
        T(2, Clean, M, 50),
        T(3, Victim, Seed, 40),
        T(4, M, Other, 10),
        T(10, Seed, P, 40),
        T(11, P, M, 40),
        T(12, Clean, M, 20),
        T(14, M, Dep, 50),
        T(15, M, S2, 30),
    ];

    private static ReferenceTraceResult Run(TaintModel model, int hops = 5, ulong fromBlock = 3, ulong toBlock = 20, List<RefTransfer>? history = null) =>
        ReferenceTracer.Trace(history ?? Mixing(), [Seed], a => a == Dep, hops, Seq.BlockStart(fromBlock), Seq.BlockStart(toBlock), model);

    [Theory]
    //                    deposit  S2 held  M held   (by hand: see docs/SYNTH.md's table with X = 10)
    [InlineData(TaintModel.Poison, 50, 30, 20)]
    [InlineData(TaintModel.Fifo, 10, 30, 0)]
    [InlineData(TaintModel.Lifo, 30, 10, 0)]
    public void Mixing_WholeUnitModels_MatchHandComputation(TaintModel model, long deposit, long s2, long m)
    {
        var r = Run(model);
        Assert.Equal((Fraction)new BigInteger(deposit), r.Terminals[Dep]);
        Assert.Equal((Fraction)new BigInteger(s2), r.Held[S2]);
        if (m == 0) Assert.False(r.Held.ContainsKey(M));
        else Assert.Equal((Fraction)new BigInteger(m), r.Held[M]);
        Assert.False(r.Held.ContainsKey(Other)); // paid before the taint arrived
        Assert.Equal(2, r.Hops[M]);
        Assert.Equal(3, r.Hops[Dep]);
    }

    [Fact]
    public void Mixing_Haircut_MatchesHandComputation()
    {
        var r = Run(TaintModel.Haircut);
        Assert.Equal(new Fraction(20, 1), r.Terminals[Dep]);  // 50 · 40/100
        Assert.Equal(new Fraction(12, 1), r.Held[S2]);        // 30 · 20/50
        Assert.Equal(new Fraction(8, 1), r.Held[M]);          // 20 tainted of 50, minus 12
    }

    [Fact]
    public void Haircut_KeepsExactFractions()
    {
        List<RefTransfer> h =
        [
            T(0, Mint, Other, 5), T(1, Mint, Victim, 1), T(1, Mint, Clean, 2),
            T(2, Victim, Seed, 1), T(2, Clean, Seed, 2), // every seed inflow in the window is traced: 3
            T(3, Seed, M, 3),
            T(5, Other, M, 1),                           // M: 3 tainted of 4
            T(6, M, Dep, 1),                             // carries 1 · 3/4
        ];
        var r = ReferenceTracer.Trace(h, [Seed], a => a == Dep, 5, Seq.BlockStart(2), Seq.MaxValue, TaintModel.Haircut);
        Assert.Equal(new Fraction(3, 4), r.Terminals[Dep]);
        Assert.Equal(new Fraction(9, 4), r.Held[M]);
    }

    [Fact]
    public void HopLimit_TaintPassedOnFromTheLastHopLeavesTheTrace()
    {
        // hops = 1: P is reached (hop 1) but may not pass taint on; what it forwards leaves the trace.
        var one = Run(TaintModel.Fifo, hops: 1);
        Assert.Equal(1, one.Hops[P]);
        Assert.False(one.Hops.ContainsKey(M));
        Assert.Empty(one.Terminals);
        Assert.Empty(one.Held);
        // hops = 2: M is reached; its FIFO outflows (10 then 30 tainted) leave; its last 20 are clean.
        var two = Run(TaintModel.Fifo, hops: 2);
        Assert.Equal(2, two.Hops[M]);
        Assert.Empty(two.Terminals);
        Assert.Empty(two.Held);
        // hops = 3: the deposit and S2 are reached.
        var three = Run(TaintModel.Fifo, hops: 3);
        Assert.Equal((Fraction)new BigInteger(10), three.Terminals[Dep]);
        Assert.Equal((Fraction)new BigInteger(30), three.Held[S2]);
    }

    [Fact]
    public void Window_IgnoresLaterTransfers_AndEarlierSeedInflows()
    {
        var early = Run(TaintModel.Poison, toBlock: 12); // ends at the start of block 12: the 20 clean have not arrived
        Assert.Empty(early.Terminals);
        Assert.Equal((Fraction)new BigInteger(80), early.Held[M]); // poison holds M's whole balance: 50 − 10 + 40
        var late = Run(TaintModel.Poison, fromBlock: 4);
        Assert.Empty(late.Terminals); // the victim paid before the window: nothing tainted
        Assert.Empty(late.Held);
    }

    [Fact]
    public void Terminal_AbsorbsAndPassesNothingOn()
    {
        var h = Mixing();
        h.Add(T(16, Dep, Other, 50));
        var r = Run(TaintModel.Poison, history: h, toBlock: 30);
        Assert.False(r.Held.ContainsKey(Other) && r.Hops.ContainsKey(Other));
        Assert.False(r.Hops.ContainsKey(Other));
    }

    [Fact]
    public void UnsortedHistory_Throws()
    {
        var h = Mixing();
        (h[3], h[4]) = (h[4], h[3]);
        Assert.Throws<ArgumentException>(() => Run(TaintModel.Haircut, history: h));
    }

    private static Arbitrary<int> Seeds => Gen.Choose(0, int.MaxValue).ToArbitrary();

    /// <summary>
    /// Random histories among a few addresses (never overdrawn) with a generous hop limit: haircut, FIFO and LIFO
    /// conserve the seeded amount (terminals + held = seed inflows in the window); poison bounds them from above.
    /// </summary>
    [Property(MaxTest = 60)]
    public Property RandomHistories_Conserve() =>
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            int n = rng.Next(4, 9);
            var addresses = Enumerable.Range(10, n).Select(A).ToArray();
            var terminal = addresses[^1];
            var seedAddress = addresses[0];
            var balance = addresses.ToDictionary(a => a, _ => BigInteger.Zero);
            var h = new List<RefTransfer>();
            ulong block = 1;
            foreach (var a in addresses)
            {
                long amount = rng.Next(1, 1_000);
                h.Add(T(block, Mint, a, amount));
                balance[a] += amount;
            }
            ulong from = 2;
            BigInteger seeded = 0;
            var victim = addresses[1];
            var others = addresses.Skip(2).ToArray();
            for (int i = 0; i < 60; i++)
            {
                block++;
                Address src, dst;
                if (rng.Next(5) == 0) { src = victim; dst = seedAddress; } // only the victim pays the seed
                else
                {
                    src = rng.Next(3) == 0 ? seedAddress : others[rng.Next(others.Length)];
                    dst = others[rng.Next(others.Length)];
                }
                if (src == dst || balance[src].IsZero) continue;
                long amount = (long)(balance[src] * rng.Next(1, 101) / 100);
                if (amount == 0) continue;
                h.Add(T(block, src, dst, amount));
                balance[src] -= amount;
                balance[dst] += amount;
                if (dst == seedAddress) seeded += amount;
            }
            foreach (var model in new[] { TaintModel.Haircut, TaintModel.Fifo, TaintModel.Lifo, TaintModel.Poison })
            {
                var r = ReferenceTracer.Trace(h, [seedAddress], a => a == terminal, 100, Seq.BlockStart(from), Seq.MaxValue, model);
                var total = r.Terminals.Values.Concat(r.Held.Values).Aggregate(Fraction.Zero, (s, v) => s + v);
                if (model == TaintModel.Poison)
                {
                    Assert.True((total - seeded).Numerator.Sign >= 0, $"poison {total} below seeded {seeded}");
                }
                else
                {
                    Assert.Equal((Fraction)seeded, total);
                    foreach (var (a, v) in r.Held) Assert.True((balance[a] - v).Numerator.Sign >= 0, $"{model}: {a} holds {v} tainted of {balance[a]}");
                }
            }
        });
}
