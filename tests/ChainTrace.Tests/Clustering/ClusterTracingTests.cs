using ChainTrace.Clustering;
using ChainTrace.Primitives;
using ChainTrace.Tracing;
using Xunit;
using static ChainTrace.Tests.Clustering.ChainScript;

namespace ChainTrace.Tests.Clustering;

public sealed class ClusterTracingTests
{
    private static readonly Address Exchange = A(1), Scam = A(5), Operator = A(6), Burner1 = A(10), Burner2 = A(11), Deposit1 = A(20), Deposit2 = A(21), Customer = A(30);

    /// <summary>
    /// A scam collector pays two burners of one operator (gas-funded by it), which cash out into two deposit
    /// addresses of one exchange; an unrelated customer pays into a third deposit address of the same exchange.
    /// </summary>
    private static (ChainScript Script, Clusterer Clusterer) World()
    {
        var s = new ChainScript().Label(Exchange, LabelCategories.Exchange, "Binance");
        s.Transfer(A(99), Scam, 100 * Usdt);
        s.Native(Operator, Burner1);
        s.Native(Operator, Burner2);
        s.Wait(1).Transfer(Scam, Burner1, 60 * Usdt);
        s.Transfer(Scam, Burner2, 40 * Usdt);
        s.Wait(1).Transfer(Burner1, Deposit1, 60 * Usdt);
        s.Transfer(Burner2, Deposit2, 40 * Usdt);
        s.Transfer(Customer, A(22), 7 * Usdt);
        s.Wait(3).Transfer(Deposit1, Exchange, 60 * Usdt);
        s.Transfer(Deposit2, Exchange, 40 * Usdt);
        s.Transfer(A(22), Exchange, 7 * Usdt);
        s.Wait(1);
        var c = s.Cluster();
        Assert.True(c.Together(Burner1, Burner2));
        Assert.True(c.TryGetDeposit(Deposit1, out _));
        return (s, c);
    }

    [Fact]
    public void Trace_WithDepositStops_EndsAtTheDepositAddresses_AndReportsThemPerExchange()
    {
        var (s, c) = World();
        var tracer = new Tracer(s.Store);
        var plain = tracer.Trace(new TraceOptions { Seeds = [Scam], Hops = 5, Models = TraceModel.Haircut | TraceModel.Fifo });
        Assert.Equal(100 * Usdt, plain.Get(TraceModel.Haircut)!.TerminalAmount(Exchange).Low); // without clusters: the hot wallet

        var result = tracer.Trace(new TraceOptions { Seeds = [Scam], Hops = 5, Models = TraceModel.Haircut | TraceModel.Fifo, ExtraLabel = ClusterTracing.DepositLabels(c) });
        var haircut = result.Get(TraceModel.Haircut)!;
        Assert.Equal(60 * Usdt, haircut.TerminalAmount(Deposit1).Low);
        Assert.Equal(40 * Usdt, haircut.TerminalAmount(Deposit2).Low);
        Assert.True(haircut.TerminalAmount(Exchange).IsZero);
        Assert.Equal(LabelCategories.DepositAddress, haircut.Terminals.Single(t => t.Address == Deposit1).Category);

        var report = Assert.Single(ClusterTracing.Deposits(c, result));
        Assert.Equal("Binance", report.Exchange);
        Assert.Equal(100 * Usdt, report.Max.Low);
        Assert.Equal([Deposit1, Deposit2], report.Deposits.Select(d => d.Deposit));
        Assert.All(report.Deposits, d => Assert.Equal(Exchange, d.HotWallet));
        var text = ClusterTracing.Describe(result, report, report.Deposits[0]);
        Assert.Equal($"deposit address {s.Store.Profile.Format(Deposit1)} of exchange Binance received 60 USDT", text);
    }

    [Fact]
    public void ExpandSeeds_AddsEveryMemberOfTheSeedsClusters_Once()
    {
        var (_, c) = World();
        var seeds = ClusterTracing.ExpandSeeds(c, [Burner1, Burner2, Scam]);
        Assert.Equal([Burner1, Operator, Burner2, Scam], seeds);
        Assert.True(ClusterTracing.TryParseClusterSeed("cluster:" + c.GetCluster(Burner1)!.ClusterId, out uint id));
        Assert.Equal([Operator, Burner1, Burner2], ClusterTracing.Members(c, id));
        Assert.False(ClusterTracing.TryParseClusterSeed("cluster:x", out _));
        Assert.False(ClusterTracing.TryParseClusterSeed("0xabc", out _));
    }

    [Fact]
    public void ByCluster_CollapsesMembers_DropsInnerFlows_AndKeepsInflowTotals()
    {
        var (s, c) = World();
        var result = new Tracer(s.Store).Trace(new TraceOptions { Seeds = [Scam], Hops = 5, Models = TraceModel.Haircut, ExtraLabel = ClusterTracing.DepositLabels(c) });
        var model = Assert.Single(ClusterTracing.ByCluster(c, result));
        uint burners = c.GetCluster(Burner1)!.ClusterId;
        var node = model.Nodes.Single(n => n.ClusterId == burners);
        Assert.Equal([Burner1, Burner2], node.Members);
        Assert.Equal(3u, node.ClusterSize);
        Assert.Equal(100 * Usdt, node.Received.Low);
        var edge = model.Edges.Single(e => e.To == burners);
        Assert.Equal(c.GetCluster(Scam)!.ClusterId, edge.From);
        Assert.Equal(100 * Usdt, edge.Amount.Low);
        Assert.Equal(2, edge.Count);
        Assert.DoesNotContain(model.Edges, e => e.From == e.To);
        Assert.True(model.Nodes.Single(n => n.Members.Contains(Scam)).IsSeed);
        // Money into the deposit addresses leaves the burner cluster once per deposit address.
        Assert.Equal(100 * Usdt, model.Edges.Where(e => e.From == burners).Aggregate(UInt256.Zero, (a, e) => a + e.Amount).Low);
    }
}
