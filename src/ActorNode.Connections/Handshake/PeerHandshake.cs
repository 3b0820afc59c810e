using ActorNode.Wire;
using ActorNode.Wire.Messages;

namespace ActorNode.Connections.Handshake;

/// <summary>What the handshake asks its owner to do next.</summary>
public abstract record HandshakeAction
{
    /// <summary>Write this message to the peer.</summary>
    public sealed record Send(IWireMessage Message) : HandshakeAction;

    /// <summary>The peer's version arrived and passed the peer-level checks; the node must now rule on it (self
    /// connection, bans, the server's version policy) and answer with <see cref="PeerHandshake.Accept"/> or
    /// <see cref="PeerHandshake.Refuse"/>.</summary>
    public sealed record RuleOnVersion(VersionMessage Remote) : HandshakeAction;

    /// <summary>Both versions and both veracks have crossed: the peer is ready.</summary>
    public sealed record Completed(HandshakeResult Result) : HandshakeAction;

    /// <summary>The handshake failed; send <paramref name="Reject"/> first when it is not null, then disconnect.</summary>
    public sealed record Failed(string Reason, RejectMessage? Reject) : HandshakeAction;
}

/// <summary>What the handshake settled.</summary>
/// <param name="Remote">The peer's version message.</param>
/// <param name="NegotiatedVersion">min(ours, theirs).</param>
/// <param name="WantsAddrV2">The peer sent sendaddrv2 (BIP155) before verack at a negotiated version ≥ 70016.</param>
/// <param name="WantsWtxidRelay">The peer sent wtxidrelay (BIP339) before verack at a negotiated version ≥ 70016.</param>
/// <param name="Witness">The peer advertises NODE_WITNESS: its transactions and blocks are read with witness data.</param>
public sealed record HandshakeResult(
    VersionMessage Remote, uint NegotiatedVersion, bool WantsAddrV2, bool WantsWtxidRelay, bool Witness);

/// <summary>The version/verack exchange of one connection, as a state machine with no I/O and no clock (btcd
/// peer.negotiateInboundProtocol / negotiateOutboundProtocol / waitToFinishNegotiation, btcd peer/peer.go).
/// <para>Outbound: send our version, read theirs, then sendaddrv2, wtxidrelay and verack, then wait for their verack.
/// Inbound: read their version, send ours, sendaddrv2, wtxidrelay, verack, then wait. Between their version and our
/// answer the node rules on their version (<see cref="HandshakeAction.RuleOnVersion"/>). While waiting for verack,
/// sendaddrv2 and wtxidrelay set flags, unknown commands are skipped (Core's pre-verack extensions pass that way), and
/// any other message fails the handshake. The 30-second deadline belongs to the owner.</para></summary>
public sealed class PeerHandshake
{
    public const string VersionFirstReason = "a version message must precede all others";

    /// <summary>Messages that may arrive while the node rules on the peer's version (the peer's own sendaddrv2,
    /// wtxidrelay and verack follow its version at once); more than this is a flood.</summary>
    public const int MaxHeldWhileRuling = 16;

    private readonly VersionMessage _ours;
    private readonly Queue<IWireMessage> _heldWhileRuling = new();
    private VersionMessage? _remote;
    private bool _wantsAddrV2, _wantsWtxidRelay, _veracked;

    public PeerHandshake(bool inbound, VersionMessage ours)
    {
        Inbound = inbound;
        _ours = ours;
    }

    public bool Inbound { get; }
    public HandshakeState State { get; private set; } = HandshakeState.NotStarted;

    /// <summary>The version our messages are encoded at: ours until theirs is known, then min(ours, theirs).</summary>
    public uint NegotiatedVersion => _remote is null
        ? (uint)_ours.ProtocolVersion
        : Math.Min((uint)_ours.ProtocolVersion, (uint)Math.Max(0, _remote.ProtocolVersion));

    public IReadOnlyList<HandshakeAction> Start()
    {
        Expect(HandshakeState.NotStarted);
        State = HandshakeState.AwaitingVersion;
        return Inbound ? [] : [new HandshakeAction.Send(_ours)];
    }

    public IReadOnlyList<HandshakeAction> Receive(IWireMessage message)
    {
        switch (State)
        {
            case HandshakeState.AwaitingVersion:
                return ReceiveVersion(message);
            case HandshakeState.AwaitingVerack:
                return ReceiveWhileWaiting(message);
            case HandshakeState.AwaitingRuling:
                // The node has not ruled yet: hold what follows the version and read it after the ruling.
                if (message is UnknownMessage) return [];
                if (_heldWhileRuling.Count == MaxHeldWhileRuling)
                    return Fail($"more than {MaxHeldWhileRuling} messages before the handshake finished");
                _heldWhileRuling.Enqueue(message);
                return [];
            default:
                throw new InvalidOperationException($"the handshake is {State}");
        }
    }

    private IReadOnlyList<HandshakeAction> ReceiveVersion(IWireMessage message)
    {
        if (message is not VersionMessage version)
            return Fail(VersionFirstReason, new RejectMessage(message.Command, RejectCode.Malformed, VersionFirstReason));
        _remote = version;
        if (version.ProtocolVersion < (int)ProtocolVersion.MultipleAddress)
        {
            string reason = $"protocol version must be {ProtocolVersion.MultipleAddress} or greater";
            return Fail(reason, new RejectMessage("version", RejectCode.Obsolete, reason));
        }
        State = HandshakeState.AwaitingRuling;
        return [new HandshakeAction.RuleOnVersion(version)];
    }

    /// <summary>The node accepts the peer's version: our answer goes out.</summary>
    public IReadOnlyList<HandshakeAction> Accept()
    {
        Expect(HandshakeState.AwaitingRuling);
        State = HandshakeState.AwaitingVerack;
        var actions = new List<HandshakeAction>(4);
        if (Inbound) actions.Add(new HandshakeAction.Send(_ours));
        if (NegotiatedVersion >= ProtocolVersion.AddrV2)
        {
            actions.Add(new HandshakeAction.Send(SendAddrV2Message.Instance));
            actions.Add(new HandshakeAction.Send(WtxidRelayMessage.Instance));
        }
        actions.Add(new HandshakeAction.Send(VerAckMessage.Instance));
        while (State == HandshakeState.AwaitingVerack && _heldWhileRuling.TryDequeue(out var held))
            actions.AddRange(ReceiveWhileWaiting(held));
        return actions;
    }

    /// <summary>The node refuses the peer's version (self connection, ban, service policy).</summary>
    public IReadOnlyList<HandshakeAction> Refuse(string reason, RejectMessage? reject = null)
    {
        Expect(HandshakeState.AwaitingRuling);
        return Fail(reason, reject);
    }

    private IReadOnlyList<HandshakeAction> ReceiveWhileWaiting(IWireMessage message)
    {
        switch (message)
        {
            case VerAckMessage:
                _veracked = true;
                State = HandshakeState.Completed;
                return [new HandshakeAction.Completed(new HandshakeResult(_remote!, NegotiatedVersion,
                    _wantsAddrV2, _wantsWtxidRelay, _remote!.Services.HasFlag(ServiceFlags.Witness)))];
            case SendAddrV2Message:
                _wantsAddrV2 = NegotiatedVersion >= ProtocolVersion.AddrV2;
                return [];
            case WtxidRelayMessage:
                _wantsWtxidRelay = NegotiatedVersion >= ProtocolVersion.WtxidRelay;
                return [];
            case UnknownMessage:
                return [];
            case VersionMessage:
                return Fail("duplicate version message",
                    new RejectMessage("version", RejectCode.Duplicate, "duplicate version message"));
            default:
                return Fail($"received {message.Command} before verack");
        }
    }

    /// <summary>True once their verack has arrived.</summary>
    public bool IsComplete => _veracked;

    private IReadOnlyList<HandshakeAction> Fail(string reason, RejectMessage? reject = null)
    {
        State = HandshakeState.Failed;
        // A reject goes only to peers that understand it (btcd PushRejectMsg: unknown version, or ≥ 70002).
        if (reject is not null && _remote is not null && NegotiatedVersion < ProtocolVersion.Reject) reject = null;
        return [new HandshakeAction.Failed(reason, reject)];
    }

    private void Expect(HandshakeState state)
    {
        if (State != state) throw new InvalidOperationException($"the handshake is {State}, not {state}");
    }
}

public enum HandshakeState
{
    NotStarted,
    AwaitingVersion,
    AwaitingRuling,
    AwaitingVerack,
    Completed,
    Failed,
}
