using System.Net;
using ActorNode.Connections.Bans;
using ActorNode.Connections.Inbound;
using ActorNode.Connections.Peers;

namespace ActorNode.Connections.Tests.Inbound;

/// <summary>The accept-time decision, in btcd's and Core's order: banned, then pending handshakes per prefix (not for
/// the whitelist), then the inbound budget with Core's eviction.</summary>
public sealed class InboundPolicyTests
{
    private static readonly PeerBudget Budget = PeerBudget.Compute(maxPeers: 10, permanentPeers: 0, automaticOutbound: true); // 2 inbound

    private static InboundPolicy Policy(params string[] whitelist) =>
        new(Budget, new IpWhitelist(whitelist.Select(IPNetwork.Parse)), new InboundAdmission(maxPendingPerSource: 2));

    private static readonly Func<bool> NoEviction = () => false;

    [Fact]
    public void ABannedAddress_IsRefusedFirst_WithoutTakingAPendingSlot()
    {
        var policy = Policy();
        var decision = policy.Decide(IPAddress.Parse("192.0.2.1"), banned: true, 0, NoEviction);
        Assert.Equal(InboundRefusal.Banned, decision.Refusal);
        Assert.Equal(0, policy.Admission.PendingTotal);
    }

    [Fact]
    public void TooManyPendingHandshakesFromOnePrefix_AreRefused_BeforeAnyoneIsEvicted()
    {
        var policy = Policy();
        Assert.True(policy.Decide(IPAddress.Parse("192.0.2.1"), false, 0, NoEviction).Accepted);
        Assert.True(policy.Decide(IPAddress.Parse("192.0.2.2"), false, 1, NoEviction).Accepted);
        bool evicted = false;
        var third = policy.Decide(IPAddress.Parse("192.0.2.3"), false, 2, () => evicted = true);
        Assert.Equal(InboundRefusal.TooManyPending, third.Refusal);
        Assert.False(evicted);
        Assert.True(policy.Decide(IPAddress.Parse("198.51.100.1"), false, 2, () => true).Accepted); // another prefix
    }

    [Fact]
    public void AFullHouse_EvictsWhenItCan_AndOtherwiseRefusesAndGivesTheTicketBack()
    {
        var policy = Policy();
        var remote = IPAddress.Parse("203.0.113.8");
        var refused = policy.Decide(remote, false, inboundSlotsTaken: 2, NoEviction);
        Assert.Equal(InboundRefusal.Full, refused.Refusal);
        Assert.Equal(0, policy.Admission.PendingFor(remote));

        var accepted = policy.Decide(remote, false, inboundSlotsTaken: 2, () => true);
        Assert.True(accepted.Accepted);
        Assert.NotNull(accepted.Ticket);
        Assert.Equal(1, policy.Admission.PendingFor(remote));
    }

    [Fact]
    public void AWhitelistedAddress_IsNotHeldToThePendingLimit_AndHoldsNoTicket()
    {
        var policy = Policy("127.0.0.0/8");
        for (int i = 0; i < 5; i++)
        {
            var decision = policy.Decide(IPAddress.Loopback, false, 0, NoEviction);
            Assert.True(decision.Accepted);
            Assert.Null(decision.Ticket);
        }
        Assert.Equal(InboundRefusal.Full, policy.Decide(IPAddress.Loopback, false, 2, NoEviction).Refusal); // but the budget holds
    }
}
