using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ActorNode.Connections.Handshake;
using ActorNode.Connections.Reconciliation;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Connections.Tests.Reconciliation.ReconciliationTestKit;

namespace ActorNode.Connections.Tests.Reconciliation;

public class ShortIdTests
{
    [Fact]
    public void Keys_are_the_tagged_hash_of_the_sorted_salts()
    {
        // TaggedHash(tag, m) = SHA256(SHA256(tag) || SHA256(tag) || m), m = min(salt) LE || max(salt) LE.
        byte[] tag = SHA256.HashData(Encoding.ASCII.GetBytes("Tx Relay Salting"));
        var m = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(m, 5);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(8), 0xFFFF_0000_0000_0001);
        byte[] h = SHA256.HashData([.. tag, .. tag, .. m]);
        var expected = new ReconciliationKeys(BinaryPrimitives.ReadUInt64LittleEndian(h), BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(8)));
        Assert.Equal(expected, ReconciliationKeys.FromSalts(5, 0xFFFF_0000_0000_0001));
        Assert.Equal(expected, ReconciliationKeys.FromSalts(0xFFFF_0000_0000_0001, 5));
        Assert.NotEqual(expected, ReconciliationKeys.FromSalts(5, 6));
    }

    [Fact]
    public void Short_id_is_one_plus_siphash_mod_2_32_minus_1()
    {
        var keys = ReconciliationKeys.FromSalts(1, 2);
        for (int i = 0; i < 2000; i++)
        {
            var wtxid = RandomWtxid();
            ulong s = SipHash.Hash24(keys.K0, keys.K1, wtxid);
            uint id = keys.ShortId(wtxid);
            Assert.Equal((uint)(1 + s % 0xFFFFFFFF), id);
            Assert.NotEqual(0u, id);
        }
    }

    [Fact]
    public void Short_ids_differ_between_connections()
    {
        var wtxid = RandomWtxid();
        var ids = Enumerable.Range(0, 50).Select(i => ReconciliationKeys.FromSalts((ulong)i, 1000).ShortId(wtxid)).ToHashSet();
        Assert.True(ids.Count >= 49);
    }
}

public class ReconciliationHandshakeTests
{
    private static readonly ReconciliationConnection OutboundOn = new(Enabled: true, Inbound: false, BlockRelayOnly: false, WeRelayTransactions: true);

    [Fact]
    public void Offer_only_when_on_full_relay_and_the_peer_relays_at_wtxid_relay_version()
    {
        Assert.Equal(new SendTxReconciliationMessage(1, 77), ReconciliationHandshake.Offer(OutboundOn, Version(), 70016, 77));
        Assert.Null(ReconciliationHandshake.Offer(OutboundOn with { Enabled = false }, Version(), 70016, 77));
        Assert.Null(ReconciliationHandshake.Offer(OutboundOn with { BlockRelayOnly = true }, Version(), 70016, 77));
        Assert.Null(ReconciliationHandshake.Offer(OutboundOn with { WeRelayTransactions = false }, Version(), 70016, 77));
        Assert.Null(ReconciliationHandshake.Offer(OutboundOn, Version(relay: false), 70016, 77));
        Assert.Null(ReconciliationHandshake.Offer(OutboundOn, Version(70015), 70015, 77));
    }

    [Fact]
    public void Outbound_side_initiates_inbound_side_responds_with_the_same_keys()
    {
        var ours = new SendTxReconciliationMessage(1, 10);
        var theirs = new SendTxReconciliationMessage(1, 20);
        var outbound = Assert.IsType<ReconciliationRegistration.Registered>(
            ReconciliationHandshake.Register(OutboundOn, Version(), ours, theirs, false, peerWtxidRelay: true));
        var inbound = Assert.IsType<ReconciliationRegistration.Registered>(
            ReconciliationHandshake.Register(OutboundOn with { Inbound = true }, Version(), theirs, ours, false, true));
        Assert.Equal(ReconciliationRole.Initiator, outbound.Role);
        Assert.Equal(ReconciliationRole.Responder, inbound.Role);
        Assert.Equal(outbound.Keys, inbound.Keys);
    }

    [Fact]
    public void A_future_version_is_downgraded_to_one_and_zero_is_a_violation()
    {
        var ours = new SendTxReconciliationMessage(1, 10);
        var reg = Assert.IsType<ReconciliationRegistration.Registered>(
            ReconciliationHandshake.Register(OutboundOn, Version(), ours, new SendTxReconciliationMessage(7, 3), false, true));
        Assert.Equal(1u, reg.Version);
        Assert.IsType<ReconciliationRegistration.Violation>(
            ReconciliationHandshake.Register(OutboundOn, Version(), ours, new SendTxReconciliationMessage(0, 3), false, true));
    }

    [Fact]
    public void Rules_after_verack_follow_core()
    {
        var ours = new SendTxReconciliationMessage(1, 10);
        var theirs = new SendTxReconciliationMessage(1, 20);
        // Not offered by the peer, or off here, or not offered by us: flood as before.
        Assert.IsType<ReconciliationRegistration.NotUsed>(ReconciliationHandshake.Register(OutboundOn, Version(), ours, null, false, true));
        Assert.IsType<ReconciliationRegistration.NotUsed>(ReconciliationHandshake.Register(OutboundOn with { Enabled = false }, Version(), null, theirs, false, true));
        Assert.IsType<ReconciliationRegistration.NotUsed>(ReconciliationHandshake.Register(OutboundOn, Version(), null, theirs, false, true));
        // No wtxidrelay: forgotten at verack.
        Assert.IsType<ReconciliationRegistration.NotUsed>(ReconciliationHandshake.Register(OutboundOn, Version(), ours, theirs, false, false));
        // Block-relay-only connection, or a peer that asked for no tx relay, offering reconciliation: disconnect.
        Assert.IsType<ReconciliationRegistration.Violation>(ReconciliationHandshake.Register(OutboundOn with { BlockRelayOnly = true }, Version(), null, theirs, false, true));
        Assert.IsType<ReconciliationRegistration.Violation>(ReconciliationHandshake.Register(OutboundOn, Version(relay: false), ours, theirs, false, true));
        // Twice: disconnect.
        Assert.IsType<ReconciliationRegistration.Violation>(ReconciliationHandshake.Register(OutboundOn, Version(), ours, theirs, true, true));
    }

    [Fact]
    public void PeerHandshake_sends_the_offer_before_verack_and_records_the_peers_without_failing()
    {
        var handshake = new PeerHandshake(inbound: true, Version())
        {
            OfferTxReconciliation = (remote, negotiated) =>
                ReconciliationHandshake.Offer(OutboundOn with { Inbound = true }, remote, negotiated, 99),
        };
        handshake.Start();
        Assert.IsType<HandshakeAction.RuleOnVersion>(Assert.Single(handshake.Receive(Version())));
        // The peer's own extensions arrive while the node rules: held, then read.
        Assert.Empty(handshake.Receive(WtxidRelayMessage.Instance));
        Assert.Empty(handshake.Receive(new SendTxReconciliationMessage(1, 5)));
        var sent = handshake.Accept().OfType<HandshakeAction.Send>().Select(s => s.Message).ToList();
        Assert.Equal(new SendTxReconciliationMessage(1, 99), sent[^2]);
        Assert.IsType<VerAckMessage>(sent[^1]);
        Assert.Empty(handshake.Receive(new SendTxReconciliationMessage(1, 6)));
        Assert.IsType<HandshakeAction.Completed>(Assert.Single(handshake.Receive(VerAckMessage.Instance)));
        Assert.Equal(new SendTxReconciliationMessage(1, 5), handshake.RemoteTxReconciliation);
        Assert.True(handshake.RemoteTxReconciliationRepeated);
        Assert.Equal(new SendTxReconciliationMessage(1, 99), handshake.SentTxReconciliation);
    }

    [Fact]
    public void PeerHandshake_without_a_hook_never_offers()
    {
        var handshake = new PeerHandshake(inbound: false, Version());
        handshake.Start();
        handshake.Receive(Version());
        Assert.DoesNotContain(handshake.Accept().OfType<HandshakeAction.Send>(), s => s.Message is SendTxReconciliationMessage);
        Assert.Null(handshake.SentTxReconciliation);
    }
}
