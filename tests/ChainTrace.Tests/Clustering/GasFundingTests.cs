using ChainTrace.Clustering;
using ChainTrace.Primitives;
using Xunit;
using static ChainTrace.Tests.Clustering.ChainScript;

namespace ChainTrace.Tests.Clustering;

public sealed class GasFundingTests
{
    [Fact]
    public void Gas_FunderOfFreshAddressesThatMoveTokens_IsClusteredWithThem()
    {
        var s = new ChainScript();
        Address op = A(1), b1 = A(10), b2 = A(11), stranger = A(50);
        s.Transfer(stranger, b1, 100 * Usdt); // receiving tokens first does not make b1 less fresh
        var fund1 = s.Native(op, b1);
        s.Native(op, b2);
        s.Wait(3);
        var move1 = s.Transfer(b1, A(60), 100 * Usdt);
        s.Transfer(stranger, b2, 10 * Usdt);
        s.Transfer(b2, A(61), 10 * Usdt);

        var c = s.Clusterer(out var store);
        var result = c.Run();

        Assert.True(c.Together(op, b1));
        Assert.True(c.Together(op, b2));
        Assert.False(c.Together(op, stranger));
        Assert.Equal(2, result.LinksPerHeuristic[LinkHeuristic.GasFunding]);
        var link = store.GetStar(LinkHeuristic.GasFunding, s.Id(op)).Single(l => l.Member == s.Id(b1));
        Assert.Equal((fund1, move1), (link.Evidence, link.Evidence2));
    }

    [Fact]
    public void Gas_FundedAddressThatNeverMovesTokens_IsNotLinked()
    {
        var s = new ChainScript();
        s.Native(A(1), A(10));
        s.Transfer(A(50), A(10), 5 * Usdt);
        var c = s.Cluster();
        Assert.False(c.Together(A(1), A(10)));
    }

    [Fact]
    public void Gas_AddressThatWasActiveBeforeItsFirstFunding_IsNotFresh()
    {
        var s = new ChainScript();
        s.Transfer(A(50), A(10), 5 * Usdt);
        s.Transfer(A(10), A(51), 1 * Usdt); // A(10) sent before it ever received native coin
        s.Wait(1).Native(A(1), A(10));
        s.Transfer(A(10), A(52), 1 * Usdt);
        var c = s.Cluster();
        Assert.False(c.Together(A(1), A(10)));
    }

    [Fact]
    public void Gas_OnlyTheFirstFundingCounts()
    {
        var s = new ChainScript();
        s.Native(A(1), A(10));
        s.Native(A(2), A(10));
        s.Transfer(A(10), A(60), 0);
        var c = s.Cluster();
        Assert.True(c.Together(A(1), A(10)));
        Assert.False(c.Together(A(2), A(10)));
    }

    [Fact]
    public void Gas_LabelledServiceFunder_IsNotLinked()
    {
        var s = new ChainScript().Label(A(1), LabelCategories.Exchange, "Binance");
        s.Native(A(1), A(10));
        s.Native(A(1), A(11));
        s.Transfer(A(10), A(60), 1 * Usdt);
        s.Transfer(A(11), A(60), 1 * Usdt);
        var c = s.Cluster();
        Assert.False(c.Together(A(1), A(10)));
        Assert.False(c.Together(A(10), A(11)));
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void Gas_FunderOfMoreAddressesThanTheBound_IsNotLinked(int funded, bool linked)
    {
        var s = new ChainScript();
        for (int i = 0; i < funded; i++) s.Native(A(1), A(10 + i));
        s.Wait(1);
        for (int i = 0; i < funded; i++) s.Transfer(A(10 + i), A(60), 1 * Usdt);
        var c = s.Cluster(new ClusterOptions { Gas = new GasFundingOptions { MaxFundedPerFunder = 5 } });
        for (int i = 0; i < funded; i++) Assert.Equal(linked, c.Together(A(1), A(10 + i)));
    }

    [Fact]
    public void Gas_MoveAfterTheBound_IsNotLinked()
    {
        var s = new ChainScript();
        s.Native(A(1), A(10));
        s.Native(A(1), A(11));
        s.Wait(10).Transfer(A(10), A(60), 1 * Usdt);
        s.Wait(1).Transfer(A(11), A(60), 1 * Usdt);
        var c = s.Cluster(new ClusterOptions { Gas = new GasFundingOptions { MaxFundToMoveBlocks = 10 } });
        Assert.True(c.Together(A(1), A(10)));
        Assert.False(c.Together(A(1), A(11)));
    }

    [Fact]
    public void Gas_FundingTwoAddressesLabelledAsDifferentServices_IsRefusedAndReported()
    {
        var s = new ChainScript()
            .Label(A(10), LabelCategories.Exchange, "Binance")
            .Label(A(11), LabelCategories.Exchange, "Kraken");
        s.Native(A(1), A(10));
        s.Native(A(1), A(11));
        s.Transfer(A(10), A(60), 1 * Usdt);
        s.Transfer(A(11), A(60), 1 * Usdt);

        var c = s.Clusterer(out _);
        var result = c.Run();

        Assert.Equal(1, result.RefusedLinkCount);
        var refused = Assert.Single(result.RefusedLinks);
        Assert.Equal(LinkHeuristic.GasFunding, refused.Link.Heuristic);
        Assert.Equal(["Binance", "Kraken"], new[] { refused.EntityA, refused.EntityB }.Order());
        Assert.False(c.Together(A(10), A(11)));
        Assert.True(c.Together(A(1), A(10))); // the first link in key order wins: the funder joins Binance
        Assert.Equal("Binance", c.GetCluster(A(1))!.Entity);
    }
}
