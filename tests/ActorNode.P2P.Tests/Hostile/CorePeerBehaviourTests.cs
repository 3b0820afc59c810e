using System.Diagnostics;
using System.Net;
using ActorNode.AddrBook;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Hostile;

/// <summary>Bitcoin Core's peer behaviours at the connection level (issue 16; docs/peers.md "Core's peer
/// behaviours"), each checked with a hand-made peer over a real 127.0.0.1 socket. Deadlines are configured short.
/// Where ActorNode answers as btcd does rather than as Core, the test pins ActorNode's answer and the table in
/// docs/peers.md says so.</summary>
[Collection(HostileCollection.Name)]
public sealed class CorePeerBehaviourTests(Xunit.Abstractions.ITestOutputHelper output) : ScoredTestKit(output)
{
    private static readonly TimeSpan ShortHandshake = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task Inbound_NothingIsSentBeforeTheirVersion_ThenOurVersionComesFirst()
    {
        var node = await StartNodeAsync();
        await using var client = await ConnectAsync(node, Hostile);

        // Core and btcd: an inbound connection waits for the peer's version before it sends its own.
        await Assert.ThrowsAsync<TimeoutException>(() => client.ReceiveAsync(TimeSpan.FromMilliseconds(700)));
        Assert.Equal(0, client.BytesReceived);

        Assert.True(await client.SendAsync(RawPeer.Version()));
        Assert.IsType<VersionMessage>(await client.ReceiveAsync());
    }

    [Fact]
    public async Task PeerThatNeverSendsVersion_IsDroppedAtTheHandshakeTimeout_WithoutScore()
    {
        var node = await StartNodeAsync(ShortHandshake);
        var honest = await HonestPeerAsync(node);
        await using var client = await ConnectAsync(node, Hostile);

        var clock = Stopwatch.StartNew();
        var before = await client.ReadUntilClosedAsync();
        var elapsed = clock.Elapsed;

        Assert.Empty(before);
        Assert.Equal(0, client.BytesReceived);
        Assert.InRange(elapsed, ShortHandshake - TimeSpan.FromMilliseconds(300), ShortHandshake + TimeSpan.FromSeconds(5));
        Assert.Equal(0u, await ScoreOfAsync(node, Hostile)); // Core: "version handshake timeout", no Misbehaving
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    [Fact]
    public async Task PeerThatNeverAnswersPing_IsDroppedAtThePingTimeout_WithoutScore_APeerThatAnswersStays()
    {
        var pingTimeout = TimeSpan.FromSeconds(1.5);
        var node = await StartNodeAsync(configure: s => s with { PingInterval = TimeSpan.FromMilliseconds(300), PingTimeout = pingTimeout });
        var answering = await ConnectAndHandshakeAsync(node, Neighbour);
        using var stop = new CancellationTokenSource();
        var answerer = AnswerPingsAsync(answering, stop.Token);
        var silent = await ConnectAndHandshakeAsync(node, Hostile);

        // The silent peer keeps sending (so it is not idle) but never answers a ping.
        var clock = Stopwatch.StartNew();
        int pings = 0;
        while (true)
        {
            Assert.True(clock.Elapsed < pingTimeout + TimeSpan.FromSeconds(6), "the silent peer was not dropped");
            IWireMessage? message;
            try
            {
                message = await silent.ReceiveAsync(TimeSpan.FromMilliseconds(200));
            }
            catch (TimeoutException)
            {
                await silent.SendAsync(RawFrames.Frame("keepalive", [])); // false: the node closed meanwhile
                continue;
            }
            if (message is null) break;
            if (message is PingMessage) pings++;
        }
        var elapsed = clock.Elapsed;

        Assert.True(pings >= 1, "the node never pinged");
        Assert.InRange(elapsed, pingTimeout - TimeSpan.FromMilliseconds(300), pingTimeout + TimeSpan.FromSeconds(5));
        Assert.Equal(0u, await ScoreOfAsync(node, Hostile)); // Core: "ping timeout", no Misbehaving
        var peers = (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
        Assert.Contains(peers, p => p.Remote.Equals(answering.Local) && p.Ready);
        stop.Cancel();
        Assert.True(await answerer >= 3, "the answering peer saw too few pings");
    }

    /// <summary>Answers every ping of the node until cancelled; returns how many it answered.</summary>
    private static async Task<int> AnswerPingsAsync(RawPeer peer, CancellationToken stop)
    {
        int answered = 0;
        while (!stop.IsCancellationRequested)
        {
            IWireMessage? message;
            try
            {
                message = await peer.ReceiveAsync(TimeSpan.FromMilliseconds(100));
            }
            catch (TimeoutException)
            {
                continue;
            }
            if (message is null) break;
            if (message is PingMessage ping && await peer.SendAsync(new PongMessage(ping.Nonce))) answered++;
        }
        return answered;
    }

    [Fact]
    public async Task GetAddr_IsAnsweredOncePerConnection()
    {
        var node = await StartNodeAsync();
        var known = Enumerable.Range(1, 20).Select(i => NetAddressV2.FromLegacy(new NetAddress(
            ServiceFlags.Network | ServiceFlags.Witness, IPAddress.Parse($"23.{i}.7.9"), 8333,
            (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds()))).ToList();
        node.AddrBook.Tell(new AddAddresses(known, known[0], AddressOrigin.DnsSeed));
        var client = await ConnectAndHandshakeAsync(node, Hostile);

        Assert.True(await client.SendAsync(GetAddrMessage.Instance));
        var answer = await client.ReceiveAsync<AddrMessage>();
        Assert.NotNull(answer);
        Assert.NotEmpty(answer.Addresses);

        // Core (m_getaddr_recvd) and btcd: a second getaddr on the same connection is ignored.
        Assert.True(await client.SendAsync(GetAddrMessage.Instance));
        await client.PingAsync();
        await Task.Delay(500);
        await client.PingAsync();
        Assert.Single(client.Received.OfType<AddrMessage>());

        // A new connection is answered again.
        var second = await ConnectAndHandshakeAsync(node, Neighbour);
        Assert.True(await second.SendAsync(GetAddrMessage.Instance));
        Assert.NotNull(await second.ReceiveAsync<AddrMessage>());
        Assert.Equal(0u, await ScoreOfAsync(node, Hostile));
    }

    [Fact]
    public async Task UnknownMessages_AreIgnored_WithoutScoreOrDisconnect()
    {
        var node = await StartNodeAsync();
        var client = await ConnectAndHandshakeAsync(node, Hostile);

        Assert.True(await client.SendAsync(RawFrames.Frame("futurecmd", [1, 2, 3, 4, 5])));
        Assert.True(await client.SendAsync(RawFrames.Frame("x", [])));
        Assert.True(await client.SendAsync(RawFrames.Frame("sendtxrcncl", new byte[12]))); // BIP330: unknown to us

        await client.PingAsync();
        Assert.Equal(0u, await ScoreOfAsync(node, Hostile));
    }

    /// <summary>Sends <paramref name="bytes"/> after the handshake from the hostile address; the node closes the
    /// connection; returns the IP's score after it.</summary>
    private async Task<uint> AfterHandshakeExpectCloseAsync(Node node, byte[] bytes)
    {
        await using (var client = await RawPeer.ConnectAsync(node.Endpoint, Hostile))
        {
            await client.HandshakeAsync();
            Assert.True(await client.SendAsync(bytes));
            await client.ReadUntilClosedAsync();
        }
        return await ScoreOfAsync(node, Hostile);
    }

    [Fact]
    public async Task OversizedMessage_DeclaredAboveFourMegabytes_Disconnects_AndScoresGarbage()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        // Core: "Header error: Size too large" and disconnect, at the header, before the body.
        var score = await AfterHandshakeExpectCloseAsync(node, RawFrames.Frame("block", new byte[16], declaredLength: 4_000_001));
        Assert.InRange(score, 24u, 25u); // ours: WireError.Oversized, 25 transient
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    [Fact]
    public async Task BadChecksum_AfterTheHandshake_Disconnects_AndScoresGarbage_AsBtcdDoes()
    {
        var node = await StartNodeAsync();
        var frame = RawFrames.Frame("ping", new byte[8]);
        frame[20] ^= 0x01;
        // Core drops the message and keeps the peer; btcd and ActorNode disconnect (docs/peers.md).
        Assert.InRange(await AfterHandshakeExpectCloseAsync(node, frame), 24u, 25u);
    }

    [Fact]
    public async Task CommandWithBytesAfterItsNulPadding_Disconnects_AndScoresGarbage()
    {
        var node = await StartNodeAsync();
        // "ping\0x": Core (IsCommandValid) drops the message and keeps the peer; btcd reads "ping"; ActorNode
        // rejects the frame as InvalidCommand and disconnects (docs/peers.md).
        Assert.InRange(await AfterHandshakeExpectCloseAsync(node, RawFrames.Frame("ping\0x", new byte[8])), 24u, 25u);
    }

    public static TheoryData<string, int> TooMany() => new()
    {
        { "inv", 50_001 },     // Core MAX_INV_SZ
        { "addr", 1_001 },     // Core MAX_ADDR_TO_SEND
        { "headers", 2_001 },  // Core MAX_HEADERS_RESULTS
    };

    [Theory]
    [MemberData(nameof(TooMany))]
    public async Task CountAboveTheProtocolLimit_Disconnects_AndScoresTwentyPersistent(string command, int count)
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        // A count over the limit followed by a few bytes: the count alone is the offence (Core's Misbehaving(20)
        // "… message size = n", before Core 28 made every misbehaviour a discouragement).
        byte[] payload = [.. RawFrames.CompactSize((ulong)count), .. new byte[8]];
        Assert.Equal(20u, await AfterHandshakeExpectCloseAsync(node, RawFrames.Frame(command, payload)));
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }
}

/// <summary>The hostile test kit with a reading of the score the node keeps for an IP.</summary>
public abstract class ScoredTestKit(Xunit.Abstractions.ITestOutputHelper output) : HostileTestKit(output)
{
    /// <summary>The score the node keeps for <paramref name="from"/> (scores are per IP), read through a peer
    /// that connects from it for the purpose.</summary>
    protected async Task<uint> ScoreOfAsync(Node node, IPAddress from)
    {
        var probe = await ConnectAndHandshakeAsync(node, from);
        uint score = 0;
        await AwaitAssertAsync(async () =>
        {
            var peers = (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            score = Assert.Single(peers, p => p.Remote.Equals(probe.Local) && p.Ready).BanScore;
        }, Patience, TimeSpan.FromMilliseconds(20));
        return score;
    }
}
