using ActorNode.P2P.Peers;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Peers;

/// <summary>A zero trickle interval (the lab's benchmark) announces transactions at once, with no timer: the virtual
/// clock of these tests never moves, so nothing but the announcement itself can have sent the inv.</summary>
public sealed partial class PeerActorTests
{
    [Fact]
    public void TrickleZero_AnnouncesTransactionsAtOnce_WithoutAnyTimer()
    {
        var peer = ReadyOutbound(adjust: s => s with { TrickleInterval = TimeSpan.Zero });
        peer.Tell(new AnnounceInventory(Tx(1)));
        peer.Tell(new AnnounceInventory(Tx(2)));
        peer.Tell(new AnnounceInventory(Tx(1)));
        // One inv, or two if the flush overtook the second announcement; never an entry twice.
        var sent = new List<InvVector>(Written<InvMessage>(peer).Inventory);
        if (sent.Count < 2) sent.AddRange(Written<InvMessage>(peer).Inventory);
        Assert.Equal([Tx(1), Tx(2)], sent);

        peer.Tell(new AnnounceInventory(Tx(3)));
        Assert.Equal([Tx(3)], Written<InvMessage>(peer).Inventory);
        peer.Tell(new AnnounceInventory(Tx(3)));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void TrickleZero_TheHandshakeCompletes_AndBlocksStillGoAtOnce()
    {
        var peer = ReadyOutbound(adjust: s => s with { TrickleInterval = TimeSpan.Zero });
        var block = new InvVector(InvType.Block, Hash256.Parse("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"));
        peer.Tell(new AnnounceInventory(block));
        Assert.Equal([block], Written<InvMessage>(peer).Inventory);
    }
}
