using System.Numerics;
using ChainTrace.Primitives;
using ChainTrace.Tracing;
using Xunit;

namespace ChainTrace.Tests.Tracing;

public class TracerTests
{
    private static readonly Address Seed = ChainBuilder.Addr(1);
    private static readonly Address Mid = ChainBuilder.Addr(2);
    private static readonly Address ExA = ChainBuilder.Addr(3);
    private static readonly Address ExB = ChainBuilder.Addr(4);
    private static readonly Address Clean = ChainBuilder.Addr(5);
    private static readonly Address ExC = ChainBuilder.Addr(6);

    /// <summary>USDT in base units.</summary>
    private static BigInteger U(long usdt) => usdt * 1_000_000L;

    private static UInt256 V(long usdt) => UInt256.FromBigInteger(U(usdt));

    /// <summary>The case: the intermediary holds 1,000 clean, gets 3,000 traced, sends 2,000 to A then 2,000 to B.</summary>
    private static ChainBuilder PaperCase()
    {
        var b = new ChainBuilder();
        b.Label(ExA, LabelCategories.Exchange, "Exchange A").Label(ExB, LabelCategories.Exchange, "Exchange B");
        b.Transfer(Address.Zero, Seed, U(10_000));
        b.Transfer(Address.Zero, Clean, U(5_000));
        b.NextBlock();
        b.Transfer(Clean, Mid, U(1_000));
        b.NextBlock();
        b.Transfer(Seed, Mid, U(3_000));
        b.NextBlock();
        b.Transfer(Mid, ExA, U(2_000));
        b.NextBlock();
        b.Transfer(Mid, ExB, U(2_000));
        return b;
    }

    [Theory]
    [InlineData(TraceModel.Haircut, 1_500, 1_500)]
    [InlineData(TraceModel.Fifo, 1_000, 2_000)]
    [InlineData(TraceModel.Lifo, 2_000, 1_000)]
    [InlineData(TraceModel.Poison, 2_000, 2_000)]
    public void Trace_PaperCase_EachModelSplitsAsOnPaper(TraceModel model, long toA, long toB)
    {
        var result = PaperCase().Trace(new TraceOptions { Seeds = [Seed], Models = model });
        var r = result.Get(model)!;
        Assert.Equal(V(toA), r.TerminalAmount(ExA));
        Assert.Equal(V(toB), r.TerminalAmount(ExB));
        Assert.Equal(V(3_000), r.Summary.Traced);
        Assert.All(r.Terminals, t => Assert.Equal(2, t.Hops));
    }

    [Fact]
    public void Trace_PaperCase_AllModelsInOnePassMatchSingleRuns()
    {
        var b = PaperCase();
        var all = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All });
        Assert.Equal(4, all.Results.Count);
        foreach (var m in TraceModels.Order)
        {
            var single = b.Trace(new TraceOptions { Seeds = [Seed], Models = m }).Get(m)!;
            var fromAll = all.Get(m)!;
            Assert.Equal(single.Summary, fromAll.Summary);
            Assert.Equal(single.Terminals, fromAll.Terminals);
            Assert.Equal(single.Edges, fromAll.Edges);
        }
        var bandA = all.Bands.Single(x => x.Entity == "Exchange A");
        Assert.Equal(V(1_000), bandA.Min);
        Assert.Equal(V(2_000), bandA.Max);
        var bandB = all.Bands.Single(x => x.Entity == "Exchange B");
        Assert.Equal(V(1_000), bandB.Min);
        Assert.Equal(V(2_000), bandB.Max);
    }

    [Fact]
    public void Trace_PaperCase_ConservesValue()
    {
        var all = PaperCase().Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All });
        foreach (var m in new[] { TraceModel.Haircut, TraceModel.Fifo, TraceModel.Lifo })
        {
            var s = all.Get(m)!.Summary;
            Assert.Equal(s.Traced, s.ReachedTerminals + s.Held + s.Dropped);
            Assert.False(s.UpperBound);
        }
        Assert.True(all.Get(TraceModel.Poison)!.Summary.UpperBound);
        // 3,000 traced, 3,000 reached the exchanges, nothing held: the intermediary is empty afterwards.
        Assert.Equal(V(3_000), all.Get(TraceModel.Fifo)!.Summary.ReachedTerminals);
    }

    [Fact]
    public void Trace_OutflowBeforeTaintArrived_CarriesNone()
    {
        var b = new ChainBuilder();
        b.Label(ExA, LabelCategories.Exchange, "Exchange A").Label(ExC, LabelCategories.Exchange, "Exchange C");
        b.Transfer(Address.Zero, Seed, U(10_000));
        b.Transfer(Address.Zero, Mid, U(1_500));
        b.NextBlock();
        b.Transfer(Mid, ExC, U(500)); // before the taint
        b.NextBlock();
        b.Transfer(Seed, Mid, U(3_000));
        b.NextBlock();
        b.Transfer(Mid, ExA, U(4_000));
        var all = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All });
        foreach (var r in all.Results)
        {
            Assert.Equal(UInt256.Zero, r.TerminalAmount(ExC));
            Assert.DoesNotContain(r.Nodes, n => n.Address == ExC);
            // Poison taints Mid's whole 4,000 outflow; the other models follow the 3,000 that arrived.
            Assert.Equal(r.Model == TraceModel.Poison ? V(4_000) : V(3_000), r.TerminalAmount(ExA));
        }
    }

    [Fact]
    public void Trace_SameBlockOrder_FollowsLogOrderWithinTheBlock()
    {
        // Within one transaction: Mid pays A first, then receives the traced funds, then pays B.
        var b = new ChainBuilder();
        b.Label(ExA, LabelCategories.Exchange, "A").Label(ExB, LabelCategories.Exchange, "B");
        b.Transfer(Address.Zero, Seed, U(100));
        b.Transfer(Address.Zero, Mid, U(50));
        b.NextBlock();
        b.Transfer(Mid, ExA, U(50));
        b.SameTx(Seed, Mid, U(100));
        b.SameTx(Mid, ExB, U(100));
        var r = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All });
        foreach (var m in r.Results)
        {
            Assert.Equal(UInt256.Zero, m.TerminalAmount(ExA));
            Assert.Equal(V(100), m.TerminalAmount(ExB));
        }
    }

    private static ChainBuilder Chain(int length, out Address[] path, out Address exchange)
    {
        var b = new ChainBuilder();
        path = [.. Enumerable.Range(10, length).Select(ChainBuilder.Addr)];
        exchange = ChainBuilder.Addr(99);
        b.Label(exchange, LabelCategories.Exchange, "Exchange");
        b.Transfer(Address.Zero, Seed, U(1_000));
        var prev = Seed;
        foreach (var p in path)
        {
            b.NextBlock();
            b.Transfer(prev, p, U(1_000));
            prev = p;
        }
        b.NextBlock();
        b.Transfer(prev, exchange, U(1_000));
        return b;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Trace_HopLimit_StopsAtTheLimitAndHoldsThere(int hops)
    {
        // Seed → p0 → p1 → p2 → exchange: the exchange is 4 hops away.
        var b = Chain(3, out var path, out var exchange);
        var r = b.Trace(new TraceOptions { Seeds = [Seed], Hops = hops, Models = TraceModel.All });
        foreach (var m in r.Results)
        {
            Assert.Empty(m.Terminals);
            var frontier = m.Nodes.Single(n => n.Address == path[hops - 1]);
            Assert.Equal(hops, frontier.Hops);
            Assert.Equal(V(1_000), frontier.Received);
            // The trail ends at the frontier; poison's held is what is still there (it moved on: nothing).
            Assert.Equal(m.Model == TraceModel.Poison ? UInt256.Zero : V(1_000), frontier.Held);
            Assert.False(frontier.Expanded);
            Assert.DoesNotContain(m.Nodes, n => n.Hops > hops);
        }
        var reached = b.Trace(new TraceOptions { Seeds = [Seed], Hops = 4, Models = TraceModel.All });
        foreach (var m in reached.Results)
        {
            var t = Assert.Single(m.Terminals);
            Assert.Equal(exchange, t.Address);
            Assert.Equal(4, t.Hops);
            Assert.Equal(V(1_000), t.Amount);
            var path1 = m.Paths.First(p => p.Terminal == exchange);
            Assert.Equal(4, path1.Steps.Count);
            Assert.Equal(Seed, path1.Steps[0].From);
            Assert.Equal(exchange, path1.Steps[^1].To);
            for (int i = 1; i < path1.Steps.Count; i++)
            {
                Assert.Equal(path1.Steps[i - 1].To, path1.Steps[i].From);
                Assert.True(path1.Steps[i - 1].Seq < path1.Steps[i].Seq);
            }
        }
    }

    [Fact]
    public void Trace_Window_BoundsEveryFollowedTransfer()
    {
        var b = new ChainBuilder();
        b.Label(ExA, LabelCategories.Exchange, "A").Label(ExB, LabelCategories.Exchange, "B");
        b.Transfer(Address.Zero, Seed, U(1_000));
        b.NextBlock(); // block 2: before the window
        b.Transfer(Seed, ExA, U(100));
        b.NextBlock(); // block 3
        b.Transfer(Seed, Mid, U(300));
        b.NextBlock(); // block 4
        b.Transfer(Mid, ExB, U(200));
        b.NextBlock(); // block 5: after the window
        b.Transfer(Mid, ExA, U(100));
        var r = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All, SinceBlock = 3, UntilBlock = 4 });
        foreach (var m in r.Results)
        {
            Assert.Equal(V(300), m.Summary.Traced);
            Assert.Equal(UInt256.Zero, m.TerminalAmount(ExA));
            Assert.Equal(V(200), m.TerminalAmount(ExB));
            if (m.Model != TraceModel.Poison)
                Assert.Equal(V(100), m.Nodes.Single(n => n.Address == Mid).Held);
        }
    }

    [Fact]
    public void Trace_MinAmount_DropsDustAndReportsIt()
    {
        var b = new ChainBuilder();
        b.Label(ExA, LabelCategories.Exchange, "A");
        b.Transfer(Address.Zero, Seed, U(1_000));
        b.NextBlock();
        b.Transfer(Seed, Mid, U(500));
        b.Transfer(Seed, ExB, 5); // 0.000005 USDT of dust straight from the seed
        b.NextBlock();
        b.Transfer(Mid, ExA, U(499));
        b.Transfer(Mid, Clean, U(1)); // dust one hop further
        var r = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All, MinAmount = V(2) });
        foreach (var m in new[] { TraceModel.Haircut, TraceModel.Fifo, TraceModel.Lifo })
        {
            var s = r.Get(m)!.Summary;
            Assert.Equal(UInt256.FromBigInteger(U(500) + 5), s.Traced);
            Assert.Equal(UInt256.FromBigInteger(U(1) + 5), s.Dropped);
            Assert.Equal(V(499), s.ReachedTerminals);
            Assert.Equal(s.Traced, s.ReachedTerminals + s.Held + s.Dropped);
            Assert.DoesNotContain(r.Get(m)!.Nodes, n => n.Address == Clean || n.Address == ExB);
        }
    }

    [Fact]
    public void Trace_HubGuard_UnlabelledBusyAddressIsAHubTerminal()
    {
        var b = new ChainBuilder();
        var hub = ChainBuilder.Addr(50);
        b.Transfer(Address.Zero, Seed, U(1_000));
        for (int i = 0; i < 6; i++) b.Transfer(Address.Zero, hub, U(1));
        b.NextBlock();
        b.Transfer(Seed, hub, U(100));
        b.NextBlock();
        b.Transfer(hub, ExA, U(100));
        var guarded = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All, MaxDegree = 5 });
        foreach (var m in guarded.Results)
        {
            var t = Assert.Single(m.Terminals);
            Assert.Equal(hub, t.Address);
            Assert.Equal(TraceRole.Hub, t.Role);
            Assert.Equal("hub", t.Category);
            Assert.Equal(V(100), t.Amount);
        }
        var unguarded = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.Poison, MaxDegree = null });
        Assert.DoesNotContain(unguarded.Results[0].Terminals, t => t.Role == TraceRole.Hub);
        // A labelled (non-stop) busy address is expanded whatever its degree.
        b.Label(hub, LabelCategories.Scam, "Known scam");
        var labelled = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.Poison, MaxDegree = 5 });
        Assert.DoesNotContain(labelled.Results[0].Terminals, t => t.Role == TraceRole.Hub);
    }

    [Fact]
    public void Trace_ValueComingBackToASeed_IsHeldAtTheSeedNotTracedTwice()
    {
        var b = new ChainBuilder();
        b.Label(ExA, LabelCategories.Exchange, "A");
        b.Transfer(Address.Zero, Seed, U(1_000));
        b.NextBlock();
        b.Transfer(Seed, Mid, U(600));
        b.NextBlock();
        b.Transfer(Mid, Seed, U(200));
        b.NextBlock();
        b.Transfer(Seed, ExA, U(400));
        var r = b.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.All });
        foreach (var m in new[] { TraceModel.Haircut, TraceModel.Fifo, TraceModel.Lifo })
        {
            var s = r.Get(m)!.Summary;
            Assert.Equal(V(1_000), s.Traced);
            Assert.Equal(V(400), s.ReachedTerminals);
            Assert.Equal(V(600), s.Held); // 400 still at Mid, 200 back at the seed
            Assert.Equal(V(200), r.Get(m)!.Nodes.Single(n => n.Address == Seed).Held);
        }
    }

    [Fact]
    public void Trace_TransfersBetweenSeeds_AreNotTraced()
    {
        var b = new ChainBuilder();
        var seed2 = ChainBuilder.Addr(7);
        b.Label(ExA, LabelCategories.Exchange, "A");
        b.Transfer(Address.Zero, Seed, U(1_000));
        b.NextBlock();
        b.Transfer(Seed, seed2, U(600));
        b.NextBlock();
        b.Transfer(seed2, ExA, U(600));
        var r = b.Trace(new TraceOptions { Seeds = [Seed, seed2], Models = TraceModel.All });
        foreach (var m in r.Results)
        {
            Assert.Equal(V(600), m.Summary.Traced);
            Assert.Equal(V(600), m.TerminalAmount(ExA));
            Assert.Equal(1, m.Terminals[0].Hops);
        }
    }

    [Fact]
    public void Trace_Backward_FindsWhereTheSeedsMoneyCameFrom()
    {
        // Exchange A pays 1,000 and a victim pays 3,000 to Mid, which pays 2,000 to the seed (an exchange deposit).
        var b = new ChainBuilder();
        var victim = ChainBuilder.Addr(8);
        b.Label(ExA, LabelCategories.Exchange, "Exchange A");
        b.Transfer(Address.Zero, ExA, U(10_000));
        b.Transfer(Address.Zero, victim, U(10_000));
        b.NextBlock();
        b.Transfer(ExA, Mid, U(1_000));
        b.NextBlock();
        b.Transfer(victim, Mid, U(3_000));
        b.NextBlock();
        b.Transfer(Mid, Seed, U(2_000));
        var r = b.Trace(new TraceOptions { Seeds = [Seed], Direction = TraceDirection.Backward, Models = TraceModel.Haircut | TraceModel.Poison });
        var h = r.Get(TraceModel.Haircut)!;
        Assert.Equal(V(2_000), h.Summary.Traced);
        Assert.Equal(V(500), h.TerminalAmount(ExA)); // 1,000 of Mid's 4,000 came from A
        Assert.Equal(V(1_500), h.Nodes.Single(n => n.Address == victim).Received);
        Assert.Equal(2, h.Terminals.Single(t => t.Address == ExA).Hops);
        // The victim's own funds were minted: the zero address is the source terminal at hop 3.
        var mint = h.Terminals.Single(t => t.Role == TraceRole.ZeroAddress);
        Assert.Equal((3, "mint", V(1_500)), (mint.Hops, mint.Category, mint.Amount));
        Assert.Equal(h.Summary.Traced, h.Summary.ReachedTerminals + h.Summary.Held + h.Summary.Dropped);
        Assert.Equal(V(1_000), r.Get(TraceModel.Poison)!.TerminalAmount(ExA));
        var path = h.Paths.Single(p => p.Terminal == ExA);
        Assert.Equal(ExA, path.Steps[0].From);
        Assert.Equal(Seed, path.Steps[^1].To);
    }

    [Fact]
    public void Trace_BadInput_FailsWithClearErrors()
    {
        var store = PaperCase().Build();
        var tracer = new Tracer(store);
        var unknown = Assert.Throws<ArgumentException>(() => tracer.Trace(new TraceOptions { Seeds = [ChainBuilder.Addr(12345)] }));
        Assert.Contains("Unknown address", unknown.Message, StringComparison.Ordinal);
        var hops0 = Assert.Throws<ArgumentOutOfRangeException>(() => tracer.Trace(new TraceOptions { Seeds = [Seed], Hops = 0 }));
        Assert.Contains("between 1 and 64", hops0.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => tracer.Trace(new TraceOptions { Seeds = [Seed], Hops = 65 }));
        var window = Assert.Throws<ArgumentException>(() => tracer.Trace(new TraceOptions { Seeds = [Seed], SinceBlock = 5, UntilBlock = 4 }));
        Assert.Contains("starts after it ends", window.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => tracer.Trace(new TraceOptions { Seeds = [] }));
        Assert.Throws<ArgumentException>(() => tracer.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.None }));
        var fifoBack = Assert.Throws<ArgumentException>(() => tracer.Trace(new TraceOptions { Seeds = [Seed], Models = TraceModel.Fifo, Direction = TraceDirection.Backward }));
        Assert.Contains("Backward", fifoBack.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => tracer.Trace(new TraceOptions { Seeds = [Seed], Token = ChainBuilder.Addr(77) }));

        // Addresses of another chain are refused when parsed for this store's chain.
        var tron = Assert.Throws<ArgumentException>(() => TraceOptions.ParseAddresses("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", ChainProfile.Ethereum));
        Assert.Contains("TRON", tron.Message, StringComparison.Ordinal);
        var evm = Assert.Throws<ArgumentException>(() => TraceOptions.ParseAddresses("0xdAC17F958D2ee523a2206206994597C13D831ec7", ChainProfile.Tron));
        Assert.Contains("EVM", evm.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TraceOptions.ParseAddresses("0x1234", ChainProfile.Ethereum));
        Assert.Equal(2, TraceOptions.ParseAddresses(" 0xdAC17F958D2ee523a2206206994597C13D831ec7, 0x0000000000000000000000000000000000000001 ", ChainProfile.Ethereum).Count);
    }

    [Fact]
    public void Trace_Cancelled_Throws()
    {
        var b = new ChainBuilder();
        b.Transfer(Address.Zero, Seed, U(1_000_000));
        for (int i = 0; i < 5_000; i++) b.Transfer(Seed, ChainBuilder.Addr(1000 + i % 50), U(1));
        var tracer = new Tracer(b.Build());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => tracer.Trace(new TraceOptions { Seeds = [Seed] }, cts.Token));
        // And the tracer still works afterwards.
        Assert.Equal(V(5_000), tracer.Trace(new TraceOptions { Seeds = [Seed] }).Results[0].Summary.Traced);
    }

    [Fact]
    public void Trace_AllocationDoesNotGrowWithEdgesVisited()
    {
        // Same addresses, ten times the transfers: the engine must not allocate per visited edge.
        static (Tracer Tracer, TraceOptions Options) Build(int rounds)
        {
            var b = new ChainBuilder();
            b.Label(ExA, LabelCategories.Exchange, "A");
            b.Transfer(Address.Zero, Seed, U(1_000_000_000));
            for (int r = 0; r < rounds; r++)
            {
                b.NextBlock();
                for (int i = 0; i < 20; i++) b.Transfer(Seed, ChainBuilder.Addr(1000 + i), U(3));
                for (int i = 0; i < 20; i++) b.Transfer(ChainBuilder.Addr(1000 + i), ChainBuilder.Addr(2000 + (i + r) % 20), U(2));
                for (int i = 0; i < 20; i++) b.Transfer(ChainBuilder.Addr(2000 + i), ExA, U(1));
            }
            return (new Tracer(b.Build()), new TraceOptions { Seeds = [Seed], Models = TraceModel.All });
        }
        static (long Bytes, long Edges) Measure((Tracer Tracer, TraceOptions Options) t)
        {
            t.Tracer.Trace(t.Options); // warm: buffers grow, code is jitted
            t.Tracer.Trace(t.Options);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var r = t.Tracer.Trace(t.Options);
            return (GC.GetAllocatedBytesForCurrentThread() - before, r.Stats.EdgesVisited);
        }
        var small = Measure(Build(100));
        var large = Measure(Build(1_000));
        Assert.True(large.Edges > 9 * small.Edges, $"edges {small.Edges} → {large.Edges}");
        double perEdge = (double)(large.Bytes - small.Bytes) / (large.Edges - small.Edges);
        Assert.True(perEdge < 1.0, $"{perEdge:F2} bytes allocated per extra visited edge ({small.Bytes} B for {small.Edges} edges, {large.Bytes} B for {large.Edges})");
    }

    [Fact]
    public void Trace_ExtraLabel_MakesAClusteredDepositAddressATerminal()
    {
        var b = new ChainBuilder();
        var deposit = ChainBuilder.Addr(40);
        var hot = ChainBuilder.Addr(41);
        b.Label(hot, LabelCategories.Exchange, "Exchange H");
        b.Transfer(Address.Zero, Seed, U(100));
        b.NextBlock();
        b.Transfer(Seed, deposit, U(100));
        b.NextBlock();
        b.Transfer(deposit, hot, U(100)); // the sweep
        var plain = b.Trace(new TraceOptions { Seeds = [Seed] }).Results[0];
        Assert.Equal(hot, Assert.Single(plain.Terminals).Address);
        var clustered = b.Trace(new TraceOptions
        {
            Seeds = [Seed],
            ExtraLabel = a => a == deposit ? new AddressLabel(LabelCategories.DepositAddress, "Exchange H", "clustering") : null,
        }).Results[0];
        var t = Assert.Single(clustered.Terminals);
        Assert.Equal((deposit, "Exchange H", "deposit", 1), (t.Address, t.Entity, t.Category, t.Hops));
        // Not a stop category: the hook's label does not stop the trace.
        var ignored = b.Trace(new TraceOptions { Seeds = [Seed], StopCategories = [LabelCategories.Exchange], ExtraLabel = _ => new AddressLabel("deposit", "x", "y") }).Results[0];
        Assert.Equal(hot, Assert.Single(ignored.Terminals).Address);
    }
}
