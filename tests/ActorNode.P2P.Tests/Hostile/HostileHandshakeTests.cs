using System.Diagnostics;
using System.Net;
using ActorNode.Chain;
using ActorNode.P2P.Connections;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Hostile;

/// <summary>A raw client that breaks the framing or the version handshake (reference §2.3, §2.4; docs/peers.md "Ban
/// scores"). Each attack ends in a disconnect; codec errors and handshake violations score the client's IP, so
/// repeating them ends in a 24 h ban that refuses the next connection before any byte. Timeouts score nothing. An
/// honest peer from 127.0.0.1 (same /24 as the attacker at 127.0.0.2) stays connected throughout.</summary>
[Collection(HostileCollection.Name)]
public sealed class HostileHandshakeTests(Xunit.Abstractions.ITestOutputHelper output) : HostileTestKit(output)
{
    private static readonly TimeSpan ShortHandshake = TimeSpan.FromSeconds(1.5);

    /// <summary>Connects from the hostile address, sends <paramref name="bytes"/>, and returns what the node sent
    /// before it closed the connection.</summary>
    private async Task<IReadOnlyList<IWireMessage>> AttackAsync(Node node, byte[] bytes, uint? magic = null)
    {
        await using var client = await RawPeer.ConnectAsync(node.Endpoint, Hostile, magic);
        await client.SendAsync(bytes);
        return await client.ReadUntilClosedAsync();
    }

    /// <summary>Repeats <paramref name="attack"/> until the ban: none of the first <paramref name="connections"/> − 1
    /// bans, the last does.</summary>
    private async Task RepeatUntilBannedAsync(Node node, int connections, Func<Task> attack)
    {
        for (int i = 1; i <= connections; i++)
        {
            await attack();
            if (i < connections) await AssertNoBansAsync(node);
        }
    }

    [Fact]
    public async Task Garbage_IsDisconnected_AndTheFifthConnectionBansOnlyThatAddress()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        // A frame of this network whose command holds a carriage return (InvalidCommand, 25 transient points per
        // connection; five within seconds exceed 100). Bytes without this network's magic (an HTTP request, a BIP324
        // key) are BadMagic instead: V2InitiatorTests.
        var garbage = RawFrames.Frame("pi\rng", new byte[8]);

        await RepeatUntilBannedAsync(node, 5, async () => Assert.Empty(await AttackAsync(node, garbage)));

        await AssertBannedAsync(node, Hostile, "command contains the byte 0x0d");
        await AssertUndisturbedAsync(node, honest);
        // The ban is of one IP, not of its /24: a neighbour still connects.
        var neighbour = await ConnectAndHandshakeAsync(node, Neighbour);
        await neighbour.PingAsync();
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    [Fact]
    public async Task WrongMagic_MainnetVersionToRegtestNode_IsDisconnected_AndTheEleventhConnectionBans()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var mainnetVersion = new MessageEncoder(ChainParams.Mainnet.Magic).Encode(RawPeer.Version(), WireContext.Latest);

        // BadMagic is lenient (10 transient): ten in a row reach 100, which does not exceed the threshold.
        await RepeatUntilBannedAsync(node, 11, async () => Assert.Empty(await AttackAsync(node, mainnetVersion)));

        await AssertBannedAsync(node, Hostile, "is not this network's");
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task BadChecksum_IsDisconnected_AndTheFifthConnectionBans()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var frame = new MessageEncoder(ChainParams.Regtest.Magic).Encode(RawPeer.Version(), WireContext.Latest);
        frame[20] ^= 0xff; // the first checksum byte

        await RepeatUntilBannedAsync(node, 5, async () => Assert.Empty(await AttackAsync(node, frame)));

        await AssertBannedAsync(node, Hostile, "checksum mismatch");
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task HeaderAnnouncingFourMegabytes_ThenStalling_AllocatesNothing_AndIsDroppedAtTheHandshakeDeadline()
    {
        var node = await StartNodeAsync(ShortHandshake);
        var honest = await HonestPeerAsync(node);
        await using var client = await ConnectAsync(node, Hostile);
        // A block header of 4,000,000 bytes (the largest a frame may declare) and ten bytes of it, then silence.
        var frame = RawFrames.Frame("block", new byte[10], declaredLength: 4_000_000);

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        Assert.True(await client.SendAsync(frame));
        var before = await client.ReadUntilClosedAsync();
        var elapsed = clock.Elapsed;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Empty(before);
        // Dropped by the handshake deadline, not at once; and the whole process allocated far less than the 4 MB
        // announced while the client stalled (the decoder's buffer grows with the bytes that arrive).
        Assert.InRange(elapsed, ShortHandshake - TimeSpan.FromMilliseconds(300), ShortHandshake + TimeSpan.FromSeconds(5));
        Output?.WriteLine($"allocated {allocated:N0} bytes in {elapsed.TotalMilliseconds:0} ms");
        Assert.True(allocated < 1_000_000, $"the process allocated {allocated:N0} bytes while the client stalled");
        await AssertNoBansAsync(node); // a timeout scores nothing (btcd)
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task MessageBeforeVersion_GetsRejectThenClose_AndTheFifthConnectionBans()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        var ping = RawFrames.Frame("ping", new byte[8]);

        await RepeatUntilBannedAsync(node, 5, async () =>
        {
            var reject = Assert.IsType<RejectMessage>(Assert.Single(await AttackAsync(node, ping)));
            Assert.Equal(("ping", RejectCode.Malformed), (reject.RejectedCommand, reject.Code));
            Assert.Equal("a version message must precede all others", reject.Reason);
        });

        await AssertBannedAsync(node, Hostile, "a version message must precede all others");
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task TwoVersions_InTheHandshake_GetTheHandshakeThenDuplicateRejectThenClose()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        await using var client = await ConnectAsync(node, Hostile);

        byte[] twoVersions = [.. client.Frame(RawPeer.Version()), .. client.Frame(RawPeer.Version())];
        Assert.True(await client.SendAsync(twoVersions));
        var before = await client.ReadUntilClosedAsync();

        // The node answers the first version (version, sendaddrv2, wtxidrelay, verack), then reads the second.
        Assert.Collection(before,
            m => Assert.IsType<VersionMessage>(m),
            m => Assert.IsType<SendAddrV2Message>(m),
            m => Assert.IsType<WtxidRelayMessage>(m),
            m => Assert.IsType<VerAckMessage>(m),
            m =>
            {
                var reject = Assert.IsType<RejectMessage>(m);
                Assert.Equal(("version", RejectCode.Duplicate, "duplicate version message"), (reject.RejectedCommand, reject.Code, reject.Reason));
            });
        await AssertNoBansAsync(node); // 25 points: one violation does not ban
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task DuplicateVersion_AfterTheHandshake_GetsRejectThenClose_AndTheFifthConnectionBans()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);

        await RepeatUntilBannedAsync(node, 5, async () =>
        {
            await using var client = await RawPeer.ConnectAsync(node.Endpoint, Hostile);
            await client.HandshakeAsync();
            Assert.True(await client.SendAsync(RawPeer.Version()));
            var reject = Assert.IsType<RejectMessage>(Assert.Single(await client.ReadUntilClosedAsync()));
            Assert.Equal(("version", RejectCode.Duplicate), (reject.RejectedCommand, reject.Code));
        });

        await AssertBannedAsync(node, Hostile, "duplicate version message");
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task VersionWithoutVerack_IsDroppedAtTheHandshakeDeadline_WithoutScore()
    {
        var node = await StartNodeAsync(ShortHandshake);
        var honest = await HonestPeerAsync(node);
        await using var client = await ConnectAsync(node, Hostile);

        var clock = Stopwatch.StartNew();
        Assert.True(await client.SendAsync(RawPeer.Version()));
        var before = await client.ReadUntilClosedAsync();
        var elapsed = clock.Elapsed;

        Assert.IsType<VersionMessage>(before[0]);
        Assert.IsType<VerAckMessage>(before[^1]);
        Assert.InRange(elapsed, ShortHandshake - TimeSpan.FromMilliseconds(300), ShortHandshake + TimeSpan.FromSeconds(5));
        await AssertNoBansAsync(node);
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task SilentConnections_FromOneNetwork_AreCappedAtEightPendingHandshakes_OtherNetworksUnaffected()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node); // its handshake is done: it holds no pending slot
        var silent = new List<RawPeer>();
        for (int i = 0; i < 8; i++) silent.Add(await ConnectAsync(node, Hostile));
        await AwaitAssertAsync(async () =>
            Assert.Equal(9, (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers.Count),
            Patience, TimeSpan.FromMilliseconds(20));

        // btcd internal/inbound: at most 8 unfinished handshakes per /24, so a ninth from 127.0.0.0/24 is refused
        // at once, while another /24 is not.
        await AssertRefusedAsync(node, Neighbour);
        var other = await ConnectAndHandshakeAsync(node, IPAddress.Parse("127.0.1.1"));
        await other.PingAsync();
        await AssertUndisturbedAsync(node, honest, inbound: 2);
        await AssertNoBansAsync(node);

        // The slots come back as the silent connections go.
        foreach (var client in silent) await client.DisposeAsync();
        await AwaitAssertAsync(async () =>
            Assert.Equal(2, (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers.Count),
            Patience, TimeSpan.FromMilliseconds(20));
        var neighbour = await ConnectAndHandshakeAsync(node, Neighbour);
        await neighbour.PingAsync();
        await AssertUndisturbedAsync(node, honest, inbound: 3);
    }

    [Fact]
    public async Task SilentConnections_FromAWhitelistedNetwork_AreNotCapped()
    {
        // --whitelist is trust (Core's noban): many peers behind one trusted address, such as a lab worker's nodes,
        // are not refused for the per-network limit of pending handshakes.
        var node = await StartNodeAsync(configure: s => s with { Whitelist = [IPNetwork.Parse("127.0.0.0/8")] });
        var silent = new List<RawPeer>();
        for (int i = 0; i < 12; i++) silent.Add(await ConnectAsync(node, Hostile));
        await AwaitAssertAsync(async () =>
            Assert.Equal(12, (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers.Count),
            Patience, TimeSpan.FromMilliseconds(20));
        var another = await ConnectAndHandshakeAsync(node, Neighbour);
        await another.PingAsync();
        foreach (var client in silent) await client.DisposeAsync();
    }
}
