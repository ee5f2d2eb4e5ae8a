using ChainTrace.Clustering;
using ChainTrace.Primitives;
using Xunit;
using static ChainTrace.Tests.Clustering.ChainScript;

namespace ChainTrace.Tests.Clustering;

public sealed class ApprovalTests
{
    [Fact]
    public void Approval_SpenderMovingOwnersTokens_IsClusteredWithTheOwner()
    {
        var s = new ChainScript();
        Address owner = A(10), spender = A(20), sink = A(30);
        s.Transfer(A(50), owner, 100 * Usdt);
        var approve = s.Approve(owner, spender, 1_000 * Usdt);
        var move = s.Wait(2).TransferFrom(spender, owner, sink, 100 * Usdt);

        var c = s.Clusterer(out var store);
        c.Run();

        Assert.True(c.Together(owner, spender));
        Assert.False(c.Together(owner, sink));
        var link = Assert.Single(store.GetStar(LinkHeuristic.Approval, s.Id(spender)));
        Assert.Equal((s.Id(owner), approve, move), (link.Member, link.Evidence, link.Evidence2));
    }

    [Fact]
    public void Approval_WithoutTransferFrom_IsNotALink()
    {
        var s = new ChainScript();
        s.Approve(A(10), A(20), 1_000 * Usdt);
        s.Transfer(A(10), A(30), 5 * Usdt); // the owner moves its own tokens
        var c = s.Cluster();
        Assert.False(c.Together(A(10), A(20)));
    }

    [Fact]
    public void Approval_TransferFromBeforeTheApproval_IsNotALink()
    {
        var s = new ChainScript();
        s.TransferFrom(A(20), A(10), A(30), 5 * Usdt);
        s.Wait(1).Approve(A(10), A(20), 1_000 * Usdt);
        var c = s.Cluster();
        Assert.False(c.Together(A(10), A(20)));
    }

    [Fact]
    public void Approval_TransferSentBySomeoneElseThanTheSpender_IsNotALink()
    {
        // A(10) approved a router contract A(20); A(21) calls the router: the tx sender is not the approved spender.
        var s = new ChainScript();
        s.Approve(A(10), A(20), 1_000 * Usdt);
        s.Wait(1).TransferFrom(A(21), A(10), A(30), 5 * Usdt);
        var c = s.Cluster();
        Assert.False(c.Together(A(10), A(21)));
        Assert.False(c.Together(A(10), A(20)));
    }

    [Fact]
    public void Approval_RevokedWithZeroAmount_DoesNotCountAsApproval()
    {
        var s = new ChainScript();
        s.Approve(A(10), A(20), 0);
        s.Wait(1).TransferFrom(A(20), A(10), A(30), 5 * Usdt);
        var c = s.Cluster();
        Assert.False(c.Together(A(10), A(20)));
    }

    [Theory]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public void Approval_SpenderApprovedByTooManyOwners_IsNotLinked(int owners, bool linked)
    {
        var s = new ChainScript();
        for (int i = 0; i < owners; i++) s.Approve(A(10 + i), A(20), 1_000 * Usdt);
        s.Wait(1);
        for (int i = 0; i < owners; i++) s.TransferFrom(A(20), A(10 + i), A(30), 1 * Usdt);
        var c = s.Cluster();
        for (int i = 0; i < owners; i++) Assert.Equal(linked, c.Together(A(20), A(10 + i)));
    }

    [Fact]
    public void Approval_LabelledServiceSpender_IsNotLinked()
    {
        var s = new ChainScript().Label(A(20), LabelCategories.Exchange, "Binance");
        s.Approve(A(10), A(20), 1_000 * Usdt);
        s.Wait(1).TransferFrom(A(20), A(10), A(30), 5 * Usdt);
        var c = s.Cluster();
        Assert.False(c.Together(A(10), A(20)));
    }
}
