using System.Collections.Immutable;
using System.Net;
using ActorNode.P2P.AddrBook;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Hostile;

/// <summary>A raw client that completes the handshake and then floods the node (docs/peers.md "Ban scores",
/// btcd server.go):
/// <list type="bullet">
/// <item>valid inv and small getdata messages are tolerated (btcd and Core do not score them);</item>
/// <item>a count above the protocol limit is a codec error (TooMany: 20 persistent, disconnect; the sixth bans); a
/// frame above the size limit is one too (Oversized: 25 transient, disconnect);</item>
/// <item>getdata scores ⌊n·99/50,000⌋ transient, notfound 20 persistent per block and 10 transient per transaction,
/// as btcd's server (a full getdata does not ban, two do);</item>
/// <item>addr is rate-limited (Core: one token, then 0.1 a second) and only what passes is relayed, so a flood of
/// small addr messages does not turn into a flood to the other peers;</item>
/// <item>mempool without NODE_BLOOM disconnects without a score (btcd).</item>
/// </list>
/// An honest peer from 127.0.0.1 stays connected throughout.</summary>
[Collection(HostileCollection.Name)]
public sealed class HostileFloodTests(Xunit.Abstractions.ITestOutputHelper output) : HostileTestKit(output)
{
    private async Task<RawPeer> HostilePeerAsync(Node node, int inbound = 2)
    {
        var hostile = await ConnectAndHandshakeAsync(node, Hostile);
        await AwaitConnectionsAsync(node, inbound);
        return hostile;
    }

    [Fact]
    public async Task InvFlood_OfValidMessages_IsTolerated()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var hostile = await HostilePeerAsync(node);

        // 100 inv messages of 1,000 transactions each (3.6 MB): nothing to score, nothing to disconnect.
        var flood = Enumerable.Range(0, 100)
            .SelectMany(i => hostile.Frame(new InvMessage(RawFrames.Inventory(1000, InvType.Tx, seed: i)))).ToArray();
        Assert.True(await hostile.SendAsync(flood));

        await hostile.PingAsync(); // answered after every inv before it was read
        await AssertNoBansAsync(node);
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    [Fact]
    public async Task InvOverTheCountLimit_IsDisconnected_AndTheSixthConnectionBans()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        // A count of 50,001 (btcd MaxInvPerMsg + 1) in a small payload: TooMany, 20 persistent points that never decay.
        var frame = RawFrames.Frame("inv", RawFrames.CompactSize(50_001));

        for (int i = 1; i <= 6; i++)
        {
            await using var hostile = await RawPeer.ConnectAsync(node.Endpoint, Hostile);
            await hostile.HandshakeAsync();
            Assert.True(await hostile.SendAsync(frame));
            Assert.Empty(await hostile.ReadUntilClosedAsync());
            if (i < 6) await AssertNoBansAsync(node); // 5 × 20 = 100 does not exceed the threshold
        }

        await AssertBannedAsync(node, Hostile, "count 50001 exceeds the limit of 50000");
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task InvOfFiftyThousandAndOneEntries_IsOversized_AndDisconnected()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var hostile = await HostilePeerAsync(node);
        // 50,001 real entries: 1,800,041 bytes, over inv's 1,800,009-byte maximum, refused from the header alone.
        var frame = RawFrames.Frame("inv", RawFrames.InventoryPayload(50_001, InvType.Tx));

        await hostile.SendAsync(frame); // may be cut off: the node resets the connection once it has read the header
        Assert.Empty(await hostile.ReadUntilClosedAsync());

        await AssertNoBansAsync(node); // 25 transient points
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task GetData_SmallOnesAreFree_AFullOneScores99_AndTheSecondFullOneBans()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var hostile = await HostilePeerAsync(node);

        // 500 getdata of one entry each: ⌊1·99/50,000⌋ = 0 points (btcd spares a peer in initial block download).
        var small = Enumerable.Range(0, 500)
            .SelectMany(i => hostile.Frame(new GetDataMessage(RawFrames.Inventory(1, InvType.WitnessBlock, seed: i)))).ToArray();
        Assert.True(await hostile.SendAsync(small));
        await hostile.PingAsync();
        await AssertNoBansAsync(node);

        // One getdata of 50,000 entries: 99 transient points, a warning but no ban and no disconnect.
        var full = hostile.Frame(new GetDataMessage(RawFrames.Inventory(50_000, InvType.WitnessBlock)));
        Assert.True(await hostile.SendAsync(full));
        await hostile.PingAsync();
        await AssertNoBansAsync(node);

        // A second one within seconds: 99 decayed by a second or so, plus 99, exceeds 100.
        await hostile.SendAsync(full);
        await hostile.ReadUntilClosedAsync();
        await AssertBannedAsync(node, Hostile, "getdata");
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task NotFound_TwentyPersistentPointsPerBlock_TheSixthBlockBans()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var hostile = await HostilePeerAsync(node);

        Assert.True(await hostile.SendAsync(new NotFoundMessage(RawFrames.Inventory(5, InvType.Block))));
        await hostile.PingAsync();
        await AssertNoBansAsync(node); // 5 × 20 = 100

        Assert.True(await hostile.SendAsync(new NotFoundMessage(RawFrames.Inventory(1, InvType.WitnessBlock, seed: 1))));
        await hostile.ReadUntilClosedAsync();
        await AssertBannedAsync(node, Hostile, "1 block not found");
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task NotFound_TenTransientPointsPerTransaction_ElevenBan()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var hostile = await HostilePeerAsync(node);

        Assert.True(await hostile.SendAsync(new NotFoundMessage(RawFrames.Inventory(10, InvType.Tx))));
        await hostile.PingAsync();
        await AssertNoBansAsync(node); // 10 × 10 = 100

        // Decayed a little below 100, plus 10 × 2 (a witness tx and a BIP339 wtx entry) exceeds it.
        Assert.True(await hostile.SendAsync(new NotFoundMessage([
            .. RawFrames.Inventory(1, InvType.WitnessTx, seed: 1), .. RawFrames.Inventory(1, InvType.Wtx, seed: 2)])));
        await hostile.ReadUntilClosedAsync();
        await AssertBannedAsync(node, Hostile, "2 transactions not found");
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task NotFound_WithAnInvalidInventoryType_Disconnects_WithoutScore()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var hostile = await HostilePeerAsync(node);

        // btcd OnNotFound: a type other than (witness) block or tx disconnects, before any score.
        Assert.True(await hostile.SendAsync(new NotFoundMessage([
            .. RawFrames.Inventory(3, InvType.Block), .. RawFrames.Inventory(1, InvType.FilteredBlock)])));
        Assert.Empty(await hostile.ReadUntilClosedAsync());

        await AssertNoBansAsync(node);
        await AssertUndisturbedAsync(node, honest);
        // Nothing was scored: five blocks not found (100 points) from the same IP still do not ban.
        var again = await HostilePeerAsync(node);
        Assert.True(await again.SendAsync(new NotFoundMessage(RawFrames.Inventory(5, InvType.Block))));
        await again.PingAsync();
        await AssertNoBansAsync(node);
    }

    [Fact]
    public async Task AddrFlood_IsRateLimited_AndNotRelayedToOtherPeers_ThenAnOversizedCountDisconnects()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var hostile = await HostilePeerAsync(node);

        // 300 addr messages of one fresh, routable address each: Core's gossip would forward each to two peers,
        // but only what passes the sender's rate limit (one token to start, 0.1 a second) may be relayed.
        uint now = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var flood = Enumerable.Range(0, 300).SelectMany(i => hostile.Frame(new AddrMessage([
            new NetAddress(ServiceFlags.Network | ServiceFlags.Witness, IPAddress.Parse($"{20 + i / 250}.{i % 250 + 1}.7.9"), 8333, now)]))).ToArray();
        Assert.True(await hostile.SendAsync(flood));
        await hostile.PingAsync(); // every addr was read and handed to the connection manager before this pong
        await AwaitConnectionsAsync(node, inbound: 2); // and the manager has dealt with them all

        await honest.PingAsync(); // anything relayed to the honest peer came before this pong
        // The first address took the one token and went on (gossip still works); the other 299 found none.
        var relayed = honest.Received.OfType<AddrMessage>().SelectMany(m => m.Addresses).ToList();
        Assert.Empty(honest.Received.OfType<AddrV2Message>()); // the honest peer did not send sendaddrv2
        Assert.Equal(IPAddress.Parse("20.1.7.9"), Assert.Single(relayed).Address);
        var stats = await node.AddrBook.Ask<AddrBookStats>(GetAddrBookStats.Instance, Patience);
        Assert.True(stats.RateLimited >= 290, $"the address book dropped {stats.RateLimited} addresses over the rate limit");
        await AssertNoBansAsync(node); // Core and btcd do not score addr floods

        // A count of 1,001 addresses: TooMany, 20 persistent points and a disconnect.
        Assert.True(await hostile.SendAsync(RawFrames.Frame("addr", RawFrames.CompactSize(1001))));
        Assert.Empty(await hostile.ReadUntilClosedAsync());
        await AssertNoBansAsync(node);
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task Mempool_WithoutBloom_Disconnects_WithoutScore()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var hostile = await HostilePeerAsync(node);

        Assert.True(await hostile.SendAsync(MemPoolMessage.Instance));
        Assert.Empty(await hostile.ReadUntilClosedAsync());

        await AssertNoBansAsync(node);
        await AssertUndisturbedAsync(node, honest);
    }
}
