using System.Net;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using ActorNode.P2P.Tests.Hostile;
using ActorNode.V2Transport;
using Akka.Actor;

namespace ActorNode.P2P.Tests.V2;

/// <summary>Inbound BIP324 through a real node (v2 on) over 127.0.0.1 sockets: a v2 initiator is served and a v1
/// peer detected from its first 16 bytes; each hostile stream (garbage without terminator, wrong terminator, bad
/// tag, lying length, a length beyond the limit, a flood of decoys, a v1 peer that stalls mid-detection) ends in a
/// disconnect (or, for decoys, nothing at all) with the node's answer, while an honest peer stays connected. The
/// session-level versions, with their memory bounds, are in tests/ActorNode.V2Transport.Tests.</summary>
[Collection(HostileCollection.Name)]
public sealed class V2InboundTests(Xunit.Abstractions.ITestOutputHelper output) : ScoredTestKit(output)
{
    private readonly List<V2RawPeer> _v2Clients = [];

    private Task<Node> StartV2NodeAsync(TimeSpan? handshakeTimeout = null) =>
        StartNodeAsync(handshakeTimeout, s => s with { V2Transport = true });

    private async Task<V2RawPeer> V2ClientAsync(Node node, IPAddress from)
    {
        var client = await V2RawPeer.ConnectAsync(node.Endpoint, from);
        _v2Clients.Add(client);
        return client;
    }

    private async Task<PeerStats> StatsOfAsync(Node node, IPEndPoint remote)
    {
        PeerStats? found = null;
        await AwaitAssertAsync(async () =>
        {
            var peers = (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            found = Assert.Single(peers, p => p.Remote.Equals(remote) && p.Ready);
        }, Patience, TimeSpan.FromMilliseconds(20));
        return found!;
    }

    [Fact]
    public async Task AV2Initiator_IsServed_WithTheSameSessionIdOnBothSides()
    {
        var node = await StartV2NodeAsync();
        var client = await V2ClientAsync(node, Honest);
        var version = await client.HandshakeAsync();
        await client.PingAsync();

        Assert.True(version.Services.HasFlag(Wire.ServiceFlags.P2PV2), "the node advertises NODE_P2P_V2");
        var stats = await StatsOfAsync(node, client.Local);
        Assert.Equal("v2", stats.TransportProtocolType);
        Assert.True(stats.V2Connection);
        Assert.Equal(Convert.ToHexStringLower(client.SessionId!), stats.SessionId);
        Assert.Equal(64, stats.SessionId.Length);
    }

    [Fact]
    public async Task AV1Peer_IsDetectedFromItsVersion_AndServedInV1()
    {
        var node = await StartV2NodeAsync();
        var honest = await HonestPeerAsync(node);
        await honest.PingAsync();
        var stats = await StatsOfAsync(node, honest.Local);
        Assert.Equal("v1", stats.TransportProtocolType);
        Assert.Equal("", stats.SessionId);
        Assert.False(stats.V2Connection);
    }

    [Fact]
    public async Task AV1PeerThatStallsMidDetection_IsDroppedAtTheHandshakeTimeout_WithoutScore()
    {
        var node = await StartV2NodeAsync(handshakeTimeout: TimeSpan.FromSeconds(2));
        var honest = await HonestPeerAsync(node);
        var client = await ConnectAsync(node, Hostile);
        var prefix = V1Detection.Prefix(node.Settings.Chain.Magic);
        Assert.True(await client.SendAsync(prefix.AsMemory(0, 10))); // 10 of the 16 bytes, then nothing
        var started = DateTime.UtcNow;
        Assert.Empty(await client.ReadUntilClosedAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 1.0, 8.0);
        Assert.Equal(0, client.BytesReceived);
        await AssertNoBansAsync(node);
        await AssertUndisturbedAsync(node, honest); // the honest peer is v1 and took the handshake afterwards
    }

    [Fact]
    public async Task GarbageWithoutTerminator_IsDroppedAfter4111Bytes_AsBadMagic()
    {
        var node = await StartV2NodeAsync();
        var honest = await HonestPeerAsync(node);
        var client = await V2ClientAsync(node, Hostile);
        client.IgnoreIncoming = true;
        var junk = new byte[64 + V2Session.MaxGarbageScan];
        new Random(1).NextBytes(junk);
        junk[0] = (byte)~V1Detection.Prefix(node.Settings.Chain.Magic)[0]; // surely not v1
        // One byte short of the bound: the node answers with its key and keeps scanning.
        Assert.True(await client.SendAsync(junk.AsMemory(0, junk.Length - 1)));
        await Task.Delay(300);
        await AssertUndisturbedAsync(node, honest, inbound: 1);
        Assert.True(await client.SendAsync(junk.AsMemory(junk.Length - 1)));
        await client.ReadUntilClosedAsync();
        Assert.InRange(await ScoreOfAsync(node, Hostile), 9u, 10u);
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    [Fact]
    public async Task AWrongTerminator_IsDropped_AsBadMagic()
    {
        var node = await StartV2NodeAsync();
        var honest = await HonestPeerAsync(node);
        // A real key from a session, 4,095 bytes of garbage and 16 bytes that are not the terminator.
        using var session = new V2Session(V2Role.Initiator, node.Settings.Chain.Magic,
            System.Security.Cryptography.RandomNumberGenerator.Create(), new V2SessionOptions { GarbageLength = 4095 });
        var first = session.TakeOutput()!;
        var client = await V2ClientAsync(node, Hostile);
        client.IgnoreIncoming = true;
        Assert.True(await client.SendAsync(first));
        Assert.True(await client.SendAsync(new byte[16]));
        await client.ReadUntilClosedAsync();
        Assert.InRange(await ScoreOfAsync(node, Hostile), 9u, 10u);
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    private async Task<V2RawPeer> ReadyV2ClientAsync(Node node, IPAddress from)
    {
        var client = await V2ClientAsync(node, from);
        await client.HandshakeAsync();
        return client;
    }

    [Fact]
    public async Task ABadTag_IsADisconnect_ScoredAsABadChecksum()
    {
        var node = await StartV2NodeAsync();
        var honest = await HonestPeerAsync(node);
        var client = await ReadyV2ClientAsync(node, Hostile);
        var packet = client.Session.EncodeMessage("ping", new byte[8]);
        packet[^1] ^= 0x01; // the tag
        Assert.True(await client.SendAsync(packet));
        await client.ReadUntilClosedAsync();
        Assert.InRange(await ScoreOfAsync(node, Hostile), 24u, 25u);
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    [Fact]
    public async Task ALyingLength_FailsItsTagWhenTheBytesArrive()
    {
        var node = await StartV2NodeAsync();
        var honest = await HonestPeerAsync(node);
        var client = await ReadyV2ClientAsync(node, Hostile);
        // A packet whose length says 100,000 bytes of contents, followed by bytes that are not that packet.
        var packet = client.Session.EncodePacket(new byte[100_000], ignore: true);
        var lying = new byte[packet.Length];
        packet.AsSpan(0, 3).CopyTo(lying);
        new Random(2).NextBytes(lying.AsSpan(3));
        Assert.True(await client.SendAsync(lying));
        await client.ReadUntilClosedAsync();
        Assert.InRange(await ScoreOfAsync(node, Hostile), 24u, 25u);
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    [Fact]
    public async Task ALengthBeyondTheLimit_IsADisconnect_AfterItsThreeBytes()
    {
        var node = await StartV2NodeAsync();
        var honest = await HonestPeerAsync(node);
        var client = await ReadyV2ClientAsync(node, Hostile);
        var packet = client.Session.EncodePacket(new byte[V2SessionOptions.DefaultMaxContentsLength + 1], ignore: true);
        Assert.True(await client.SendAsync(packet.AsMemory(0, 3))); // the length alone: nothing to allocate from
        await client.ReadUntilClosedAsync();
        Assert.InRange(await ScoreOfAsync(node, Hostile), 24u, 25u);
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    [Fact]
    public async Task AFloodOfDecoys_IsIgnored_AndThePeerStaysServed()
    {
        var node = await StartV2NodeAsync();
        var honest = await HonestPeerAsync(node);
        var client = await ReadyV2ClientAsync(node, Hostile);
        for (int batch = 0; batch < 20; batch++)
        {
            var decoys = new List<byte>(1000 * 30);
            for (int i = 0; i < 1000; i++) decoys.AddRange(client.Session.EncodeDecoy(i % 10));
            Assert.True(await client.SendAsync(decoys.ToArray()));
        }
        await client.PingAsync(); // 20,000 decoys later the session is in step and the peer served
        await AssertUndisturbedAsync(node, honest, inbound: 2);
        await AssertNoBansAsync(node);
        Assert.Equal(0u, (await StatsOfAsync(node, client.Local)).BanScore);
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var client in _v2Clients) _ = client.DisposeAsync();
        base.Dispose(disposing);
    }
}
