using ActorNode.Connections.Peers;

namespace ActorNode.Connections.Tests.Peers;

/// <summary>btcd server_test.go TestInboundPeerReservation, ported row by row, and the options mapping.</summary>
public sealed class PeerBudgetTests
{
    [Theory]
    [InlineData("connect only", 8, 1, false, 0, 1, 7)]
    [InlineData("connect only capped", 8, 10, false, 0, 8, 0)]
    [InlineData("simnet without peers", 8, 0, false, 0, 0, 8)]
    [InlineData("simnet with peers", 8, 3, false, 0, 3, 5)]
    [InlineData("automatic without add peers", 125, 0, true, 8, 8, 117)]
    [InlineData("add peers below target", 125, 3, true, 8, 11, 114)]
    [InlineData("add peers above target", 10, 9, true, 1, 10, 0)]
    [InlineData("add peers at max peers", 10, 10, true, 0, 10, 0)]
    [InlineData("add peers above max peers", 10, 12, true, 0, 10, 0)]
    public void Compute_BtcdReservationTable_Matches(string name, int maxPeers, int permanent, bool automatic,
        int target, int reserved, int inbound)
    {
        PeerBudget budget = PeerBudget.Compute(maxPeers, permanent, automatic);

        Assert.True(target == budget.TargetOutbound, $"{name}: target {budget.TargetOutbound}");
        Assert.True(reserved == budget.ReservedOutbound, $"{name}: reserved {budget.ReservedOutbound}");
        Assert.True(inbound == budget.MaxInbound, $"{name}: inbound {budget.MaxInbound}");
        Assert.Equal(target, PeerBudget.TargetOutboundPeers(maxPeers, permanent, automatic));
        Assert.Equal(reserved, PeerBudget.ReservedOutboundPeers(maxPeers, target, permanent, automatic));
        Assert.Equal(inbound, PeerBudget.MaxInboundPeers(maxPeers, reserved));
    }

    [Fact]
    public void Default_125Peers_8OutboundAnd117Inbound()
    {
        Assert.Equal(new PeerBudget(125, 0, true, 8, 8, 117), PeerBudget.Default);
    }

    [Theory]
    [InlineData(125, 0, 0, false, 0, true, 8, 117)] // default
    [InlineData(125, 2, 5, false, 2, false, 0, 123)] // --connect wins over --addpeer, no automatic outbound
    [InlineData(125, 0, 5, false, 5, true, 8, 112)] // --addpeer: permanent plus automatic
    [InlineData(125, 0, 5, true, 5, false, 0, 120)] // simnet: no automatic outbound
    public void FromOptions_BtcdServerDerivation(int maxPeers, int connect, int add, bool simNet,
        int permanent, bool automatic, int target, int inbound)
    {
        PeerBudget budget = PeerBudget.FromOptions(maxPeers, connect, add, simNet);

        Assert.Equal(permanent, budget.PermanentPeers);
        Assert.Equal(automatic, budget.AutomaticOutbound);
        Assert.Equal(target, budget.TargetOutbound);
        Assert.Equal(inbound, budget.MaxInbound);
    }

    [Fact]
    public void CanAcceptInbound_AtCap_False()
    {
        PeerBudget budget = PeerBudget.Default;

        Assert.True(budget.CanAcceptInbound(116));
        Assert.False(budget.CanAcceptInbound(117));
    }

    [Fact]
    public void CanAddPeer_AtMaxPeers_False()
    {
        PeerBudget budget = PeerBudget.Default;

        Assert.True(budget.CanAddPeer(124));
        Assert.False(budget.CanAddPeer(125));
    }

    [Fact]
    public void CanAcceptInbound_NoInboundBudget_AlwaysFalse()
    {
        Assert.False(PeerBudget.Compute(10, 10, automaticOutbound: true).CanAcceptInbound(0));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(125, -1)]
    public void Compute_InvalidCounts_Throw(int maxPeers, int permanent)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PeerBudget.Compute(maxPeers, permanent, automaticOutbound: true));
    }
}
