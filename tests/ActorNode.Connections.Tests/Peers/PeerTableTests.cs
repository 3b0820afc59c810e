using System.Net;
using ActorNode.Connections.Peers;

namespace ActorNode.Connections.Tests.Peers;

/// <summary>The connection manager's peer table: the tallies the limits are checked against follow every add, ready,
/// eviction and removal, in any order; nonces and outbound groups come and go with their peers.</summary>
public sealed class PeerTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TablePeer<string> Add(PeerTable<string> table, string handle, bool inbound, ulong nonce = 0)
    {
        long id = table.NextId();
        return table.Add(id, handle, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 8333 + (int)id), inbound,
            inbound ? null : id * 10, nonce == 0 ? (ulong)id : nonce, T0, noBan: false);
    }

    [Fact]
    public void Tallies_FollowAddReadyEvictAndRemove()
    {
        var table = new PeerTable<string>();
        var a = Add(table, "a", inbound: true);
        var b = Add(table, "b", inbound: true);
        var c = Add(table, "c", inbound: false);
        Assert.Equal((2, 0, 0, 0), (table.InboundSlotsTaken, table.ReadyNotEvicted, table.ReadyInbound, table.ReadyOutbound));

        table.MarkReady(a, null);
        table.MarkReady(c, "group-1");
        table.MarkReady(c, "group-1"); // twice counts once
        Assert.Equal((2, 2, 1, 1), (table.InboundSlotsTaken, table.ReadyNotEvicted, table.ReadyInbound, table.ReadyOutbound));
        Assert.Equal(["a", "c"], table.Ready.Select(p => p.Handle).Order());

        // An evicted peer frees its inbound slot and its max-peers place at once, before it has gone.
        table.MarkEvicted(a);
        table.MarkEvicted(a);
        Assert.Equal((1, 1, 1, 1), (table.InboundSlotsTaken, table.ReadyNotEvicted, table.ReadyInbound, table.ReadyOutbound));

        Assert.Same(a, table.Remove("a"));
        Assert.Null(table.Remove("a"));
        Assert.Equal((1, 1, 0, 1), (table.InboundSlotsTaken, table.ReadyNotEvicted, table.ReadyInbound, table.ReadyOutbound));
        table.Remove("b"); // never ready
        table.Remove("c");
        Assert.Equal((0, 0, 0, 0), (table.InboundSlotsTaken, table.ReadyNotEvicted, table.ReadyInbound, table.ReadyOutbound));
        Assert.Equal(0, table.Count);
        Assert.Equal(3, table.Started);
    }

    [Fact]
    public void Tallies_StayExact_OverRandomLives()
    {
        var random = new Random(13);
        var table = new PeerTable<string>();
        var live = new List<TablePeer<string>>();
        for (int step = 0; step < 5000; step++)
        {
            switch (random.Next(4))
            {
                case 0:
                    live.Add(Add(table, $"p{step}", inbound: random.Next(2) == 0));
                    break;
                case 1 when live.Count > 0:
                    table.MarkReady(live[random.Next(live.Count)], $"g{random.Next(3)}");
                    break;
                case 2 when live.Count > 0:
                    table.MarkEvicted(live[random.Next(live.Count)]);
                    break;
                case 3 when live.Count > 0:
                    var gone = live[random.Next(live.Count)];
                    live.Remove(gone);
                    Assert.Same(gone, table.Remove(gone.Handle));
                    break;
            }
            // What a scan of every peer would say.
            Assert.Equal(live.Count(p => p.Inbound && !p.Evicted), table.InboundSlotsTaken);
            Assert.Equal(live.Count(p => p.IsReady && !p.Evicted), table.ReadyNotEvicted);
            Assert.Equal(live.Count(p => p.IsReady && p.Inbound), table.ReadyInbound);
            Assert.Equal(live.Count(p => p.IsReady && !p.Inbound), table.ReadyOutbound);
            Assert.Equal(live.Where(p => p.Group is not null).Select(p => p.Group!).Distinct().Order(), table.OutboundGroups.Order());
        }
    }

    [Fact]
    public void NoncesAndGroups_GoWithTheirPeer()
    {
        var table = new PeerTable<string>();
        var first = Add(table, "x", inbound: false, nonce: 77);
        var second = Add(table, "y", inbound: false, nonce: 78);
        table.MarkReady(first, "10.1");
        table.MarkReady(second, "10.1");
        Assert.True(table.IsOurNonce(77));
        Assert.Equal(["10.1"], table.OutboundGroups);

        table.Remove("x");
        Assert.False(table.IsOurNonce(77));
        Assert.Equal(["10.1"], table.OutboundGroups); // y is still in the group
        table.Remove("y");
        Assert.Empty(table.OutboundGroups);
        Assert.False(table.IsOurNonce(78));
    }

    [Fact]
    public void InboundPeers_HaveNoGroup_AndAreFoundByIdOrRequest()
    {
        var table = new PeerTable<string>();
        var inbound = Add(table, "in", inbound: true);
        var outbound = Add(table, "out", inbound: false);
        table.MarkReady(inbound, "ignored");
        Assert.Null(inbound.Group);
        Assert.Empty(table.OutboundGroups);
        Assert.True(table.TryGet(outbound.Id, out var found));
        Assert.Same(outbound, found);
        Assert.Same(outbound, table.ByRequest(outbound.RequestId!.Value));
        Assert.False(table.TryGet(99, out _));
    }

    [Fact]
    public void ContinueAfter_NeverReusesAnId()
    {
        var table = new PeerTable<string>();
        table.ContinueAfter(41);
        Assert.Equal(42, table.NextId());
        table.ContinueAfter(10); // never backwards
        Assert.Equal(43, table.NextId());
        Assert.Equal(43, table.Started);
    }
}
