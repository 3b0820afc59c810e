using ActorNode.Wire;
using ActorNode.Wire.Messages;

namespace ActorNode.Connections.Reconciliation;

/// <summary>Which side of a reconciling connection asks for sketches. Core: the side that opened the connection
/// (m_we_initiate = !inbound) initiates; the accepting side responds.</summary>
public enum ReconciliationRole
{
    Initiator,
    Responder,
}

/// <summary>What the connection is, as far as the sendtxrcncl rules care.</summary>
/// <param name="Enabled">Our node reconciles (-txreconciliation; off by default, as Core).</param>
/// <param name="Inbound">The peer connected to us.</param>
/// <param name="BlockRelayOnly">A block-relay-only (or feeler / addr-fetch) connection: no transaction relay.</param>
/// <param name="WeRelayTransactions">Our version message said relay = true (we are not -blocksonly).</param>
public readonly record struct ReconciliationConnection(bool Enabled, bool Inbound, bool BlockRelayOnly, bool WeRelayTransactions);

/// <summary>How the sendtxrcncl exchange ended.</summary>
public abstract record ReconciliationRegistration
{
    /// <summary>Both sides reconcile: the role and the connection's short-id keys.</summary>
    public sealed record Registered(ReconciliationRole Role, uint Version, ReconciliationKeys Keys) : ReconciliationRegistration;

    /// <summary>No reconciliation on this connection; the peer is flooded as before. Not a fault.</summary>
    public sealed record NotUsed(string Reason) : ReconciliationRegistration;

    /// <summary>The peer broke the protocol (Core disconnects).</summary>
    public sealed record Violation(string Reason) : ReconciliationRegistration;
}

/// <summary>BIP330's negotiation rules as Core applies them (net_processing.cpp, the VERSION, SENDTXRCNCL and VERACK
/// handlers): when to send sendtxrcncl, and what a received one means once verack has arrived.</summary>
public static class ReconciliationHandshake
{
    /// <summary>The sendtxrcncl to send before our verack, or null. Core sends it when reconciliation is on, the
    /// common version is at least wtxid relay's (70016), the peer's version asks for transaction relay, we relay
    /// transactions, and the connection is not block-relay-only (nor feeler / addr-fetch).</summary>
    public static SendTxReconciliationMessage? Offer(ReconciliationConnection connection, VersionMessage remote,
        uint negotiatedVersion, ulong localSalt)
    {
        if (!connection.Enabled || connection.BlockRelayOnly || !connection.WeRelayTransactions) return null;
        if (negotiatedVersion < ProtocolVersion.WtxidRelay || !remote.Relay) return null;
        return new SendTxReconciliationMessage(ReconciliationConstants.Version, localSalt);
    }

    /// <summary>Rules after verack on what the handshake saw: the sendtxrcncl we sent (null when we did not offer),
    /// the first the peer sent (null for none), whether it sent more than one, and whether it sent wtxidrelay.</summary>
    public static ReconciliationRegistration Register(ReconciliationConnection connection, VersionMessage remote,
        SendTxReconciliationMessage? sent, SendTxReconciliationMessage? received, bool receivedTwice, bool peerWtxidRelay)
    {
        if (received is null) return new ReconciliationRegistration.NotUsed("the peer did not offer reconciliation");
        // Core: "sendtxrcncl from peer=%d ignored, as our node does not have txreconciliation enabled".
        if (!connection.Enabled) return new ReconciliationRegistration.NotUsed("reconciliation is off here");
        // Core: "sendtxrcncl received from peer=%d to which we indicated no tx relay; disconnecting".
        if (connection.BlockRelayOnly || !connection.WeRelayTransactions)
            return new ReconciliationRegistration.Violation("sendtxrcncl on a connection where we asked for no transaction relay");
        // Core: "sendtxrcncl received from peer=%d which indicated no tx relay to us; disconnecting".
        if (!remote.Relay)
            return new ReconciliationRegistration.Violation("sendtxrcncl from a peer whose version asked for no transaction relay");
        // Core RegisterPeer NOT_FOUND: we never pre-registered (did not offer): "Ignore unexpected txreconciliation signal".
        if (sent is null) return new ReconciliationRegistration.NotUsed("we did not offer reconciliation");
        // Core ALREADY_REGISTERED: a second sendtxrcncl.
        if (receivedTwice) return new ReconciliationRegistration.Violation("sendtxrcncl sent twice");
        // Core: the common version is the lower one; below 1 is a violation.
        uint version = Math.Min(received.Version, ReconciliationConstants.Version);
        if (version < 1) return new ReconciliationRegistration.Violation($"sendtxrcncl version {received.Version}");
        // Core VERACK: forget the peer's state unless it also sent wtxidrelay (it cannot later).
        if (!peerWtxidRelay) return new ReconciliationRegistration.NotUsed("the peer did not send wtxidrelay");
        var role = connection.Inbound ? ReconciliationRole.Responder : ReconciliationRole.Initiator;
        return new ReconciliationRegistration.Registered(role, version, ReconciliationKeys.FromSalts(sent.Salt, received.Salt));
    }
}
