using ChainTrace.Clustering;
using ChainTrace.Primitives;
using Xunit;
using static ChainTrace.Tests.Clustering.ChainScript;

namespace ChainTrace.Tests.Clustering;

public sealed class DepositReuseTests
{
    private static readonly Address Exchange = A(1);

    private static ChainScript WithExchange() => new ChainScript().Label(Exchange, LabelCategories.Exchange, "Binance");

    [Fact]
    public void Deposit_TwoWalletsOfOneCustomer_AreClustered_ApartFromTheDepositAddressAndTheExchange()
    {
        var s = WithExchange();
        Address w1 = A(10), w2 = A(11), d = A(20), other = A(12), d2 = A(21);
        s.Transfer(w1, d, 100 * Usdt);
        s.Wait(5).Transfer(w2, d, 50 * Usdt);
        s.Wait(20).Transfer(d, Exchange, 150 * Usdt);
        s.Wait(1).Transfer(other, d2, 70 * Usdt);
        s.Wait(30).Transfer(d2, Exchange, 70 * Usdt);

        var c = s.Cluster();

        Assert.True(c.Together(w1, w2));
        Assert.False(c.Together(w1, d)); // the deposit address is the exchange's
        Assert.False(c.Together(w1, Exchange));
        Assert.False(c.Together(d, Exchange));
        Assert.False(c.Together(w1, other));
        Assert.True(c.TryGetDeposit(d, out var hot));
        Assert.Equal(Exchange, hot);
        Assert.True(c.TryGetDeposit(d2, out _));
        Assert.False(c.TryGetDeposit(w1, out _));
        var summary = c.GetCluster(w1)!;
        Assert.Equal(2u, summary.Size);
        Assert.Null(summary.Entity); // the customer is not the exchange
        Assert.Equal("Binance", c.GetCluster(d)!.DepositOfEntity);

        var path = c.Why(w1, w2)!;
        var step = Assert.Single(path.Steps);
        Assert.Equal(2, step.Links.Count);
        Assert.All(step.Links, l => Assert.Equal(d, l.Anchor));
        Assert.Null(c.Why(w1, Exchange));
    }

    [Fact]
    public void Deposit_WhenOptionTreatsDepositAddressAsTheCustomers_ItJoinsTheirCluster()
    {
        var s = WithExchange();
        Address w1 = A(10), w2 = A(11), d = A(20);
        s.Transfer(w1, d, 100 * Usdt);
        s.Transfer(w2, d, 50 * Usdt);
        s.Wait(10).Transfer(d, Exchange, 150 * Usdt);

        var c = s.Cluster(new ClusterOptions { Deposit = new DepositReuseOptions { LinkDepositAddressToCustomer = true } });

        Assert.True(c.Together(w1, w2));
        Assert.True(c.Together(w1, d));
        Assert.False(c.Together(d, Exchange));
        Assert.Equal(3u, c.GetCluster(w1)!.Size);
        var path = c.Why(w1, w2)!;
        Assert.Equal(2, path.Steps.Count); // w1 → d → w2, one link each
        Assert.All(path.Steps, st => Assert.Single(st.Links));
    }

    [Fact]
    public void Deposit_SweepLeavingDustBehind_StillMatchesAndTheNextSweepTakesTheDust()
    {
        var s = WithExchange();
        Address w1 = A(10), w2 = A(11), d = A(20);
        s.Transfer(w1, d, 1_000_000 * Usdt);
        s.Wait(2).Transfer(d, Exchange, 999_000 * Usdt); // 0.1% dust stays
        s.Wait(2).Transfer(w2, d, 100 * Usdt);
        s.Wait(2).Transfer(d, Exchange, 1_100 * Usdt); // the new deposit plus the dust: 11x what arrived since the last sweep

        var c = s.Cluster();
        Assert.True(c.TryGetDeposit(d, out _));
        Assert.True(c.Together(w1, w2));
    }

    [Fact]
    public void Deposit_AddressThatSweepsOnlyHalf_IsNotADepositAddress()
    {
        var s = WithExchange();
        Address w1 = A(10), w2 = A(11), d = A(20);
        s.Transfer(w1, d, 100 * Usdt);
        s.Wait(3).Transfer(d, Exchange, 50 * Usdt);
        s.Wait(3).Transfer(w2, d, 80 * Usdt);
        s.Wait(3).Transfer(d, Exchange, 40 * Usdt);

        var c = s.Cluster();

        Assert.False(c.TryGetDeposit(d, out _));
        Assert.False(c.Together(w1, w2));
        Assert.False(c.Together(w1, d));
    }

    [Fact]
    public void Deposit_AddressForwardingOnlyHalfOfItsInflowToTheExchange_IsNotADepositAddress()
    {
        var s = WithExchange();
        Address w1 = A(10), w2 = A(11), d = A(20), elsewhere = A(40);
        s.Transfer(w1, d, 100 * Usdt);
        s.Wait(3).Transfer(d, Exchange, 100 * Usdt); // a perfect sweep of the first half
        s.Wait(3).Transfer(w2, d, 100 * Usdt);
        s.Wait(3).Transfer(d, elsewhere, 90 * Usdt); // most of the second half goes somewhere else

        var c = s.Cluster();
        Assert.False(c.TryGetDeposit(d, out _));
        Assert.False(c.Together(w1, w2));

        // Control: forwarding 97% passes the default 95% bar.
        var t = WithExchange();
        t.Transfer(w1, d, 96 * Usdt);
        t.Wait(3).Transfer(d, Exchange, 96 * Usdt);
        t.Wait(3).Transfer(w2, d, 4 * Usdt);
        t.Wait(3).Transfer(d, elsewhere, 3 * Usdt);
        var ct = t.Cluster();
        Assert.True(ct.TryGetDeposit(d, out _));
        Assert.True(ct.Together(w1, w2));
    }

    [Fact]
    public void Deposit_SweepAfterTheDelayBound_IsNotASweep()
    {
        var s = WithExchange();
        var options = new ClusterOptions { Deposit = new DepositReuseOptions { MaxSweepDelayBlocks = 100 } };
        Address w1 = A(10), w2 = A(11), d = A(20);
        s.Transfer(w1, d, 100 * Usdt);
        s.Transfer(w2, d, 100 * Usdt);
        s.Wait(101).Transfer(d, Exchange, 200 * Usdt);

        var c = s.Cluster(options);
        Assert.False(c.TryGetDeposit(d, out _));
        Assert.False(c.Together(w1, w2));

        // Control: the same history swept one block earlier is a deposit address.
        var t = WithExchange();
        t.Transfer(w1, d, 100 * Usdt);
        t.Transfer(w2, d, 100 * Usdt);
        t.Wait(100).Transfer(d, Exchange, 200 * Usdt);
        var ct = t.Cluster(options);
        Assert.True(ct.TryGetDeposit(d, out _));
        Assert.True(ct.Together(w1, w2));
    }

    [Fact]
    public void Deposit_SweepOutsideTheAmountTolerance_IsNotASweep()
    {
        var s = WithExchange();
        Address w1 = A(10), w2 = A(11), d = A(20);
        s.Transfer(w1, d, 100 * Usdt);
        s.Transfer(w2, d, 100 * Usdt);
        s.Wait(5).Transfer(d, Exchange, 190 * Usdt); // 5% short of what it received; tolerance is 1%
        s.Wait(5).Transfer(d, Exchange, 10 * Usdt);

        var c = s.Cluster();
        Assert.False(c.TryGetDeposit(d, out _));
        Assert.False(c.Together(w1, w2));
    }

    [Fact]
    public void Deposit_PaymentProcessorWithManyPayers_IsRejected_AndPayersStayApart()
    {
        var s = WithExchange();
        Address processor = A(30);
        for (int i = 0; i < 20; i++) s.Transfer(A(100 + i), processor, (ulong)(10 + i) * Usdt);
        ulong sum = 0;
        for (int i = 0; i < 20; i++) sum += (ulong)(10 + i) * Usdt;
        s.Wait(50).Transfer(processor, Exchange, sum);

        var c = s.Clusterer(out _);
        var result = c.Run();

        Assert.False(c.TryGetDeposit(processor, out _));
        Assert.Equal(1, result.RejectedDepositCandidates);
        for (int i = 1; i < 20; i++) Assert.False(c.Together(A(100), A(100 + i)));
        Assert.Equal(0, result.Clusters);
    }

    [Fact]
    public void Deposit_ForwarderToAnUnlabelledMerchant_IsNotADepositAddress()
    {
        // A payment processor address P forwards what two payers paid to a merchant M: the same shape as a
        // deposit address, but M is neither labelled an exchange nor swept into by enough addresses.
        var s = new ChainScript();
        Address p = A(30), merchant = A(31), payer1 = A(40), payer2 = A(41);
        s.Transfer(payer1, p, 10 * Usdt);
        s.Transfer(payer2, p, 15 * Usdt);
        s.Wait(10).Transfer(p, merchant, 25 * Usdt);

        var c = s.Cluster();
        Assert.False(c.TryGetDeposit(p, out _));
        Assert.False(c.Together(payer1, payer2));
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(4, false)]
    public void Deposit_UnlabelledHotWallet_IsDetectedFromItsNumberOfDepositAddresses(int deposits, bool detected)
    {
        var s = new ChainScript();
        Address hot = A(2);
        for (int i = 0; i < deposits; i++)
        {
            Address d = A(200 + i), w1 = A(300 + 2 * i), w2 = A(301 + 2 * i);
            s.Transfer(w1, d, (ulong)(5 + i) * Usdt);
            s.Transfer(w2, d, 3 * Usdt);
            s.Wait(10).Transfer(d, hot, (ulong)(8 + i) * Usdt);
        }

        var c = s.Cluster();

        for (int i = 0; i < deposits; i++)
        {
            Address d = A(200 + i), w1 = A(300 + 2 * i), w2 = A(301 + 2 * i);
            Assert.Equal(detected, c.TryGetDeposit(d, out _));
            Assert.Equal(detected, c.Together(w1, w2));
            Assert.False(c.Together(w1, hot));
            if (i > 0) Assert.False(c.Together(w1, A(300)));
        }
    }

    [Fact]
    public void Deposit_AddressSweepingToTwoTargets_IsNotADepositAddress()
    {
        var s = WithExchange().Label(A(3), LabelCategories.Exchange, "Kraken");
        Address w1 = A(10), w2 = A(11), d = A(20);
        s.Transfer(w1, d, 100 * Usdt);
        s.Wait(5).Transfer(d, Exchange, 100 * Usdt);
        s.Wait(5).Transfer(w2, d, 60 * Usdt);
        s.Wait(5).Transfer(d, A(3), 60 * Usdt);

        var c = s.Cluster();
        Assert.False(c.TryGetDeposit(d, out _));
        Assert.False(c.Together(w1, w2));
    }

    [Fact]
    public void Deposit_SenderThatIsAnotherExchange_IsNotMergedWithTheCustomer()
    {
        var s = WithExchange().Label(A(3), LabelCategories.Exchange, "Kraken");
        Address customer = A(10), wallet2 = A(11), d = A(20);
        s.Transfer(customer, d, 100 * Usdt);
        s.Transfer(A(3), d, 500 * Usdt); // a withdrawal from Kraken straight into the Binance deposit address
        s.Transfer(wallet2, d, 10 * Usdt);
        s.Wait(5).Transfer(d, Exchange, 610 * Usdt);

        var c = s.Cluster();
        Assert.True(c.TryGetDeposit(d, out _));
        Assert.True(c.Together(customer, wallet2));
        Assert.False(c.Together(customer, A(3)));
        Assert.Null(c.GetCluster(customer)!.Entity);
    }

    [Fact]
    public void Deposit_Disabled_ProducesNoLinks()
    {
        var s = WithExchange();
        s.Transfer(A(10), A(20), 100 * Usdt);
        s.Transfer(A(11), A(20), 100 * Usdt);
        s.Wait(5).Transfer(A(20), Exchange, 200 * Usdt);

        var c = s.Clusterer(out var store);
        var result = c.Run(new ClusterOptions { Heuristics = LinkHeuristics.GasFunding | LinkHeuristics.Approval });
        Assert.Equal(0, result.Clusters);
        Assert.Empty(store.ScanLinks());
        Assert.False(c.TryGetDeposit(A(20), out _));
    }

    [Fact]
    public void Deposit_LinksCarryTheDepositAndTheSweepThatForwardedIt()
    {
        var s = WithExchange();
        Address w1 = A(10), w2 = A(11), d = A(20);
        var in1 = s.Transfer(w1, d, 100 * Usdt);
        var sweep1 = s.Wait(5).Transfer(d, Exchange, 100 * Usdt);
        var in2 = s.Wait(5).Transfer(w2, d, 40 * Usdt);
        var sweep2 = s.Wait(5).Transfer(d, Exchange, 40 * Usdt);

        var c = s.Clusterer(out var store);
        c.Run();
        var links = store.GetStar(LinkHeuristic.DepositReuse, s.Id(d)).ToList();
        Assert.Equal(2, links.Count);
        var l1 = links.Single(l => l.Member == s.Id(w1));
        var l2 = links.Single(l => l.Member == s.Id(w2));
        Assert.Equal((in1, sweep1), (l1.Evidence, l1.Evidence2));
        Assert.Equal((in2, sweep2), (l2.Evidence, l2.Evidence2));
        var explained = c.Explain(l1);
        Assert.NotNull(explained.EvidenceTx);
        Assert.Equal(Exchange, explained.HotWallet);
        Assert.Contains("Binance", explained.Explanation, StringComparison.Ordinal);
    }
}
