using System.Net;
using ActorNode.Connections.Handshake;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Tests.Handshake;

public class PeerHandshakeTests
{
    private static VersionMessage Version(int protocolVersion = 70016, ServiceFlags services = ServiceFlags.Network | ServiceFlags.Witness,
        ulong nonce = 1) =>
        new(protocolVersion, services, 1_700_000_000,
            new NetAddress(ServiceFlags.None, IPAddress.Loopback, 18444), new NetAddress(services, IPAddress.Any, 0),
            nonce, "/test:1.0/", 100);

    private static IWireMessage[] Sent(IEnumerable<HandshakeAction> actions) =>
        actions.OfType<HandshakeAction.Send>().Select(s => s.Message).ToArray();

    [Fact]
    public void Outbound_SendsVersionFirstThenAnswersTheirsAfterTheRuling()
    {
        var ours = Version(nonce: 11);
        var handshake = new PeerHandshake(inbound: false, ours);
        Assert.Equal([ours], Sent(handshake.Start()));

        var theirs = Version(nonce: 22);
        var ruling = Assert.Single(handshake.Receive(theirs));
        Assert.Equal(theirs, Assert.IsType<HandshakeAction.RuleOnVersion>(ruling).Remote);

        var answer = Sent(handshake.Accept());
        Assert.Equal(["sendaddrv2", "wtxidrelay", "verack"], answer.Select(m => m.Command));
        Assert.Equal(HandshakeState.AwaitingVerack, handshake.State);

        var done = Assert.IsType<HandshakeAction.Completed>(Assert.Single(handshake.Receive(VerAckMessage.Instance)));
        Assert.Equal(70016u, done.Result.NegotiatedVersion);
        Assert.True(done.Result.Witness);
        Assert.True(handshake.IsComplete);
    }

    [Fact]
    public void Inbound_WaitsForTheirVersionThenSendsOursSendAddrV2WtxidRelayAndVerack()
    {
        var ours = Version(nonce: 11);
        var handshake = new PeerHandshake(inbound: true, ours);
        Assert.Empty(handshake.Start());
        handshake.Receive(Version(nonce: 22));
        var answer = Sent(handshake.Accept());
        Assert.Equal(["version", "sendaddrv2", "wtxidrelay", "verack"], answer.Select(m => m.Command));
        Assert.Same(ours, answer[0]);
    }

    [Fact]
    public void OlderPeer_NegotiatesItsVersionAndGetsNoAddrV2()
    {
        var handshake = new PeerHandshake(inbound: true, Version());
        handshake.Start();
        handshake.Receive(Version(protocolVersion: 70015));
        Assert.Equal(70015u, handshake.NegotiatedVersion);
        Assert.Equal(["version", "verack"], Sent(handshake.Accept()).Select(m => m.Command));

        // A sendaddrv2 from a 70015 peer is ignored (btcd: only at a negotiated 70016).
        Assert.Empty(handshake.Receive(SendAddrV2Message.Instance));
        var done = Assert.IsType<HandshakeAction.Completed>(Assert.Single(handshake.Receive(VerAckMessage.Instance)));
        Assert.False(done.Result.WantsAddrV2);
    }

    [Fact]
    public void PreVerackExtensions_SetFlagsAndUnknownCommandsAreSkipped()
    {
        var handshake = new PeerHandshake(inbound: false, Version());
        handshake.Start();
        handshake.Receive(Version());
        handshake.Accept();
        Assert.Empty(handshake.Receive(SendAddrV2Message.Instance));
        Assert.Empty(handshake.Receive(WtxidRelayMessage.Instance));
        Assert.Empty(handshake.Receive(new UnknownMessage("sendtxrcncl", new byte[] { 1, 2 })));
        var done = Assert.IsType<HandshakeAction.Completed>(Assert.Single(handshake.Receive(VerAckMessage.Instance)));
        Assert.True(done.Result.WantsAddrV2);
        Assert.True(done.Result.WantsWtxidRelay);
    }

    [Fact]
    public void FirstMessageNotVersion_FailsWithMalformedReject()
    {
        var handshake = new PeerHandshake(inbound: true, Version());
        handshake.Start();
        var failed = Assert.IsType<HandshakeAction.Failed>(Assert.Single(handshake.Receive(new PingMessage(5))));
        Assert.Equal(PeerHandshake.VersionFirstReason, failed.Reason);
        Assert.Equal(RejectCode.Malformed, failed.Reject!.Code);
        Assert.Equal(HandshakeState.Failed, handshake.State);
    }

    [Fact]
    public void ObsoleteVersion_FailsWithoutReject()
    {
        var handshake = new PeerHandshake(inbound: true, Version());
        handshake.Start();
        var failed = Assert.IsType<HandshakeAction.Failed>(Assert.Single(handshake.Receive(Version(protocolVersion: 208))));
        Assert.Contains("209", failed.Reason);
        Assert.Null(failed.Reject); // a 208 peer cannot read reject (70002)
    }

    [Fact]
    public void DuplicateVersionBeforeVerack_FailsWithDuplicateReject()
    {
        var handshake = new PeerHandshake(inbound: true, Version());
        handshake.Start();
        handshake.Receive(Version());
        handshake.Accept();
        var failed = Assert.IsType<HandshakeAction.Failed>(Assert.Single(handshake.Receive(Version())));
        Assert.Equal(RejectCode.Duplicate, failed.Reject!.Code);
    }

    [Fact]
    public void KnownMessageBeforeVerack_Fails()
    {
        var handshake = new PeerHandshake(inbound: false, Version());
        handshake.Start();
        handshake.Receive(Version());
        handshake.Accept();
        var failed = Assert.IsType<HandshakeAction.Failed>(Assert.Single(handshake.Receive(new PingMessage(1))));
        Assert.Contains("ping", failed.Reason);
    }

    [Fact]
    public void MessagesWhileAwaitingTheRuling_AreReadAfterIt()
    {
        var handshake = new PeerHandshake(inbound: false, Version());
        handshake.Start();
        handshake.Receive(Version());
        // The peer's sendaddrv2 and verack follow its version before the node has ruled.
        Assert.Empty(handshake.Receive(SendAddrV2Message.Instance));
        Assert.Empty(handshake.Receive(VerAckMessage.Instance));
        var actions = handshake.Accept();
        Assert.Equal(["sendaddrv2", "wtxidrelay", "verack"], Sent(actions).Select(m => m.Command));
        var done = Assert.IsType<HandshakeAction.Completed>(actions[^1]);
        Assert.True(done.Result.WantsAddrV2);
    }

    [Fact]
    public void FloodWhileAwaitingTheRuling_Fails()
    {
        var handshake = new PeerHandshake(inbound: true, Version());
        handshake.Start();
        handshake.Receive(Version());
        for (int i = 0; i < PeerHandshake.MaxHeldWhileRuling; i++) Assert.Empty(handshake.Receive(new PingMessage((ulong)i)));
        Assert.IsType<HandshakeAction.Failed>(Assert.Single(handshake.Receive(new PingMessage(99))));
    }

    [Fact]
    public void KnownMessageHeldDuringTheRuling_FailsAfterIt()
    {
        var handshake = new PeerHandshake(inbound: true, Version());
        handshake.Start();
        handshake.Receive(Version());
        handshake.Receive(new PingMessage(1));
        Assert.IsType<HandshakeAction.Failed>(handshake.Accept()[^1]);
    }

    [Fact]
    public void Refuse_FailsWithTheNodesReason()
    {
        var handshake = new PeerHandshake(inbound: true, Version());
        handshake.Start();
        handshake.Receive(Version());
        var failed = Assert.IsType<HandshakeAction.Failed>(Assert.Single(handshake.Refuse("connected to self")));
        Assert.Equal("connected to self", failed.Reason);
        Assert.Throws<InvalidOperationException>(() => handshake.Accept());
    }
}
