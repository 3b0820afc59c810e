using System.Security.Cryptography;
using ActorNode.Connections.Bloom;
using ActorNode.Connections.Handshake;
using ActorNode.Connections.Inventory;
using ActorNode.Connections.Stall;
using ActorNode.P2P.Transport;
using ActorNode.V2Transport;
using ActorNode.V2Transport.Framing;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.Event;

namespace ActorNode.P2P.Peers;

/// <summary>One TCP connection to one peer (btcd peer.Peer, btcd peer/peer.go): the version/verack handshake under a
/// 30-second deadline, then dispatch of every message to the actor that owns it, ping every 2 minutes with RTT,
/// the 5-minute idle timeout, response deadlines (stall detection), known inventory and trickled announcements.
/// <para>btcd's goroutines become timers and messages: inHandler is <see cref="OnReceived"/> with a
/// <see cref="IMessageFramer"/> (v1 frames, a BIP324 v2 session, or inbound detection of either; docs/v2transport.md);
/// outHandler and queueHandler are the <see cref="TcpTransport"/>'s bounded queue;
/// pingHandler, stallHandler and the trickle ticker are timers. All Akka.IO traffic goes through the transport,
/// so tests pass a probe as the connection.</para>
/// <para>A faulty peer stops only this actor. Codec errors and protocol violations are reported to the connection
/// manager (<see cref="PeerMisbehaved"/>), which scores and bans; the actor then disconnects. Its last word is
/// <see cref="PeerGone"/>.</para></summary>
public sealed partial class PeerActor : ReceiveActor, IWithTimers, ITransportEvents
{
    private const string HandshakeTimer = "handshake";
    private const string PingTimer = "ping";
    private const string PingTimeoutTimer = "ping-timeout";
    private const string CheckTimer = "check";
    private const string TrickleTimer = "trickle";
    private const string StopTimer = "stop";
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);
    private const int MessageHeaderLength = 24;

    private readonly PeerSettings _settings;
    private readonly IActorRef _connection;
    private readonly IActorRef _manager;
    private readonly IActorRef _sync;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>v1 frames or a BIP324 session (outbound v2: initiator; inbound with v2 on: detects v1 from the
    /// first 16 bytes, else responder). Everything above it sees whole messages either way.</summary>
    private readonly IMessageFramer _framer;
    private readonly PeerHandshake _handshake;
    private readonly KnownInventory _known = new();
    private readonly InventoryTrickle _trickle;
    private readonly ResponseDeadlines _deadlines = new();
    private TcpTransport _transport = null!;

    private WireContext _sendContext;
    private HandshakeResult? _ready;
    private string? _closeReason;
    private bool _prefersHeaders;
    private long _feeFilter;
    /// <summary>The peer's BIP37 filter when we offer NODE_BLOOM (null otherwise: filter messages then go to the
    /// manager, which disconnects). This actor owns it because it decides what the peer is told (btcd keeps it in
    /// its serverPeer, Core in the peer's TxRelay).</summary>
    private readonly PeerBloomFilter? _bloom;
    /// <summary>Transactions may be announced: the version's relay flag, turned on by filterload/filterclear.</summary>
    private bool _relayTxs;

    private readonly DateTimeOffset _connectedAt;
    /// <summary>When the last whole message arrived (the connection time before the first): the idle timer's
    /// reference. Bytes that do not complete a message do not count (btcd resets its idle timer per message).</summary>
    private DateTimeOffset _lastReceive;
    private bool _receivedMessage;
    private DateTimeOffset? _lastSend;
    private long _bytesSent, _bytesReceived;
    /// <summary>The first 4 bytes received: a v1 magic there, on a v2 attempt, is a v1 peer's answer (V2Fallback).</summary>
    private readonly byte[] _firstBytes = new byte[4];
    private int _firstBytesFilled;
    // Bytes per command (Core's getpeerinfo bytessent_per_msg / bytesrecv_per_msg); unknown commands count as "*other*".
    private Dictionary<string, long>? _sentPerCommand, _receivedPerCommand;
    private ulong? _pingNonce;
    private DateTimeOffset? _pingSentAt;
    private TimeSpan? _pingTime;
    private int _lastBlockHeight;
    private int _unhandledForwards;
    private Hash256? _lastAnnouncedBlock;
    /// <summary>With a zero trickle interval: a flush of the trickle queue is on its way to us.</summary>
    private bool _flushQueued;

    public PeerActor(PeerSettings settings, IActorRef connection, IActorRef manager, IActorRef sync)
    {
        _settings = settings;
        _connection = connection;
        _manager = manager;
        _sync = sync;
        var context = new WireContext(settings.ProtocolVersion);
        _framer = !settings.V2Transport ? new V1Framer(settings.Magic, context)
            : settings.Inbound ? new InboundFramer(settings.Magic, context, RandomNumberGenerator.Create())
            : new V2Framer(V2Role.Initiator, settings.Magic, context, RandomNumberGenerator.Create());
        _sendContext = new WireContext(settings.ProtocolVersion);
        _trickle = new InventoryTrickle(_known);
        _handshake = new PeerHandshake(settings.Inbound, OurVersion());
        if (settings.Services.HasFlag(ServiceFlags.Bloom)) _bloom = new PeerBloomFilter();
        _connectedAt = Now;
        _lastReceive = _connectedAt;
        Handshaking();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PeerSettings settings, IActorRef connection, IActorRef manager, IActorRef sync) =>
        Akka.Actor.Props.Create(() => new PeerActor(settings, connection, manager, sync));

    private DateTimeOffset Now => Context.System.Scheduler.Now;
    private long Id => _settings.PeerId;

    private VersionMessage OurVersion() => new(
        (int)_settings.ProtocolVersion,
        _settings.Services,
        Now.ToUnixTimeSeconds(),
        new NetAddress(ServiceFlags.None, _settings.Remote.Address, (ushort)_settings.Remote.Port),
        // btcd sends an all-zero address with only our services as addr_from.
        new NetAddress(_settings.Services, System.Net.IPAddress.IPv6Any, 0),
        _settings.Nonce,
        _settings.UserAgent,
        _settings.StartHeight,
        _settings.RelayTransactions);

    protected override void PreStart()
    {
        _transport = new TcpTransport(Context, _connection, Timers, this, _settings.Transport);
        // The deadline covers the v2 key exchange and an inbound peer's v1/v2 detection too.
        Timers.StartSingleTimer(HandshakeTimer, HandshakeDeadline.Instance, _settings.HandshakeTimeout);
        SendFramerOutput(); // a v2 initiator's key and garbage go first
        Apply(_handshake.Start());
    }

    protected override void PostStop()
    {
        _transport.Abort();
        _framer.Dispose();
        // Core V2Transport::ShouldReconnectV1: we dialled v2, sent at least a v1 header's worth, received nothing.
        bool reconnectV1 = ActorNode.Connections.Peers.V2Fallback.ShouldReconnectV1(_settings.Inbound,
            _framer.Protocol == TransportProtocol.V2, _ready is not null, _bytesReceived, _bytesSent,
            _firstBytes.AsSpan(0, _firstBytesFilled), _settings.Magic);
        _manager.Tell(new PeerGone(Id, _settings.Remote, _settings.Inbound, _closeReason ?? "stopped", _ready is not null,
            _bytesSent, _bytesReceived, reconnectV1));
    }

    // ---- Behaviours ----------------------------------------------------------------------------------------------

    private void Handshaking()
    {
        Receive<VersionAccepted>(_ => Apply(_handshake.State == HandshakeState.AwaitingRuling ? _handshake.Accept() : []));
        // A refusal is the node's own ruling (self connection, ban, service policy), not the peer's fault: no score.
        Receive<VersionRefused>(refused =>
            Apply(_handshake.State == HandshakeState.AwaitingRuling ? _handshake.Refuse(refused.Reason, refused.Reject) : [],
                refusedByNode: true));
        Receive<HandshakeDeadline>(_ => Misbehaved(PeerFault.HandshakeTimeout, null,
            $"no handshake within {_settings.HandshakeTimeout.TotalSeconds:0} s"));
        Common();
    }

    private void Ready()
    {
        Receive<SendToPeer>(send => Send(send.Message, answerOwed: send.AnswerOwed));
        Receive<AnnounceInventory>(announce => Announce(announce.Item));
        Receive<AnnounceBlock>(announce => AnnounceNewBlock(announce.Header));
        Receive<AnnounceTransaction>(AnnounceTx);
        Receive<SendFilteredBlock>(m => SendMerkleBlock(m.Block));
        Receive<AnnouncePoolTransactions>(m => AnnouncePool(m.Transactions));
        Receive<SendAddresses>(m => SendAddressList(m.Addresses));
        Receive<AddrBook.AddressesForPeer>(m => SendAddressList(m.Addresses)); // the answer to its getaddr
        Receive<PingTick>(_ =>
        {
            if (_pingNonce is null) SendPing(); // Core: no new ping while one is unanswered
        });
        Receive<PingTimedOut>(_ =>
        {
            if (_pingNonce is not null)
                Misbehaved(PeerFault.PingTimeout, null, $"ping timeout: no pong in {_settings.PingTimeout.TotalSeconds:0.#} s");
        });
        Receive<PingNow>(_ => SendPing());
        Receive<CheckTick>(_ => CheckDeadlines());
        Receive<TrickleTick>(_ =>
        {
            _flushQueued = false;
            if (_settings.Relay == RelayPolicy.CorePoisson)
            {
                foreach (var inv in _trickle.Drain(CoreRelayTiming.RoundCap(_trickle.Count))) Send(inv);
                ScheduleCoreRound();
            }
            else foreach (var inv in _trickle.Drain()) Send(inv);
        });
        Receive<BlockHeightKnown>(m =>
        {
            if (_lastAnnouncedBlock == m.Block) _lastBlockHeight = Math.Max(_lastBlockHeight, m.Height);
        });
        Common();
    }

    private void Common()
    {
        Receive<DisconnectPeer>(d => Disconnect(d.Reason, abort: false));
        Receive<GetPeerStats>(_ => Sender.Tell(Stats()));
        Receive<PeerMessageHandled>(_ => OnForwardHandled());
        Receive<ForceStop>(_ => Context.Stop(Self));
        Receive<Node.InjectFault>(Node.InjectFault.Throw);
        ReceiveAny(message =>
        {
            if (!_transport.Handle(message)) Unhandled(message);
        });
    }

    // ---- Transport events ----------------------------------------------------------------------------------------

    void ITransportEvents.OnReceived(ReadOnlySpan<byte> data) => OnReceived(data);

    private void OnReceived(ReadOnlySpan<byte> data)
    {
        if (_firstBytesFilled < _firstBytes.Length)
        {
            int take = Math.Min(_firstBytes.Length - _firstBytesFilled, data.Length);
            data[..take].CopyTo(_firstBytes.AsSpan(_firstBytesFilled));
            _firstBytesFilled += take;
        }
        _bytesReceived += data.Length;
        try
        {
            while (_closeReason is null && _framer.TryRead(ref data, out var message))
            {
                _lastReceive = Now;
                _receivedMessage = true;
                Count(ref _receivedPerCommand, message, _framer.LastFrameLength);
                if (_ready is null) Apply(_handshake.Receive(message));
                else Dispatch(message);
            }
            if (_closeReason is null) SendFramerOutput();
        }
        catch (WireException e)
        {
            Misbehaved(PeerFault.Codec, e.Reason, e.Message);
        }
        catch (V2TransportException e)
        {
            // A broken BIP324 stream has no boundary to resync on: disconnect, scored as the v1 fault it resembles.
            Misbehaved(PeerFault.Codec, V2Penalty(e.Reason), $"BIP324 {e.Reason}: {e.Message}");
        }
    }

    /// <summary>The v1 codec error a v2 failure is scored as (docs/v2transport.md): no terminator in 4,111 bytes
    /// is a peer of another network or no v2 peer at all, like a frame of another network's magic (10 transient
    /// points); a packet that does not authenticate is corruption or tampering, like a bad checksum; a length beyond
    /// the limit is an oversized message (25 each).</summary>
    internal static WireError V2Penalty(V2Error error) => error switch
    {
        V2Error.MissingGarbageTerminator => WireError.BadMagic,
        V2Error.PacketTooLarge => WireError.Oversized,
        _ => WireError.BadChecksum,
    };

    /// <summary>Writes what the framer needs written by itself: a v2 handshake's key, garbage, terminator and
    /// version packet, and messages queued until the handshake allowed encrypting them.</summary>
    private void SendFramerOutput()
    {
        if (_framer.TakeOutput() is not { Length: > 0 } bytes) return;
        if (_transport.Send(bytes, SendPriority.High) == SendResult.Accepted)
        {
            _bytesSent += bytes.Length;
            _lastSend = Now;
        }
    }

    void ITransportEvents.OnSlowPeer(SlowPeerReason reason) =>
        Misbehaved(PeerFault.Slow, null, reason == SlowPeerReason.QueueFull ? "send queue full" : "send queue not drained");

    void ITransportEvents.OnClosed(TransportClosed closed)
    {
        _closeReason ??= closed.Reason switch
        {
            TransportCloseReason.PeerClosed => "the peer closed the connection",
            TransportCloseReason.Error => $"connection error: {closed.Cause}",
            _ => closed.Reason.ToString(),
        };
        _log.Debug("Peer {PeerId} {Remote} disconnected: {Reason}", Id, _settings.Remote, _closeReason);
        Context.Stop(Self);
    }

    // ---- Handshake -----------------------------------------------------------------------------------------------

    private void Apply(IReadOnlyList<HandshakeAction> actions, bool refusedByNode = false)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case HandshakeAction.Send send:
                    _sendContext = new WireContext(_handshake.NegotiatedVersion);
                    Send(send.Message, SendPriority.High);
                    break;
                case HandshakeAction.RuleOnVersion rule:
                    _manager.Tell(new RuleOnVersion(Id, _settings.Remote, _settings.Inbound, rule.Remote));
                    break;
                case HandshakeAction.Failed failed:
                    if (failed.Reject is not null) Send(failed.Reject, SendPriority.High);
                    if (!refusedByNode)
                        _manager.Tell(new PeerMisbehaved(Id, _settings.Remote, PeerFault.Handshake, null, failed.Reason));
                    Disconnect(failed.Reason, abort: failed.Reject is null);
                    break;
                case HandshakeAction.Completed completed:
                    BecomeReady(completed.Result);
                    break;
            }
        }
    }

    private void BecomeReady(HandshakeResult result)
    {
        _ready = result;
        _relayTxs = result.Remote.Relay;
        _lastBlockHeight = result.Remote.StartHeight;
        var encoding = result.Witness ? WireEncoding.Witness : WireEncoding.Base;
        _sendContext = new WireContext(result.NegotiatedVersion, encoding);
        _framer.Context = _sendContext;
        Timers.Cancel(HandshakeTimer);
        Timers.StartPeriodicTimer(PingTimer, PingTick.Instance, _settings.PingInterval);
        Timers.StartPeriodicTimer(CheckTimer, CheckTick.Instance, _settings.StallTickInterval);
        // A zero trickle interval (the lab's benchmark) announces at once: no timer (Akka refuses a zero period).
        if (_settings.Relay == RelayPolicy.CorePoisson) ScheduleCoreRound();
        else if (!TrickleImmediately) Timers.StartPeriodicTimer(TrickleTimer, TrickleTick.Instance, _settings.TrickleInterval);
        Become(Ready);
        _log.Debug("Peer {PeerId} {Remote} ready: version {Version}, {UserAgent}, height {Height}",
            Id, _settings.Remote, result.Remote.ProtocolVersion, result.Remote.UserAgent, result.Remote.StartHeight);
        var ready = new PeerReady(Id, _settings.Remote, _settings.Inbound, result);
        _manager.Tell(ready);
        // The sync actor hears it from us, so it knows the peer before any message we forward (one sender, in order).
        if (!_sync.IsNobody()) _sync.Tell(ready);
    }

    // ---- After the handshake -------------------------------------------------------------------------------------

    private void Dispatch(IWireMessage message)
    {
        _deadlines.Received(message.Command);
        switch (message)
        {
            case PingMessage ping:
                if (_sendContext.ProtocolVersion > ProtocolVersion.Bip0031) Send(new PongMessage(ping.Nonce), SendPriority.High);
                break;
            case PongMessage pong:
                if (pong.Nonce == _pingNonce && _pingSentAt is { } sent)
                {
                    _pingTime = Now - sent;
                    _pingNonce = null;
                    Timers.Cancel(PingTimeoutTimer);
                    _manager.Tell(new PingMeasured(Id, _pingTime.Value));
                }
                break;
            case VersionMessage:
                Violation(PeerFault.DuplicateVersion, "duplicate version message",
                    new RejectMessage("version", RejectCode.Duplicate, "duplicate version message"));
                break;
            case VerAckMessage:
                Violation(PeerFault.DuplicateVerack, "duplicate verack message",
                    new RejectMessage("verack", RejectCode.Duplicate, "duplicate verack message"));
                break;
            case SendAddrV2Message or WtxidRelayMessage:
                Violation(PeerFault.LateHandshakeMessage, $"{message.Command} after the handshake", null);
                break;
            case SendHeadersMessage:
                _prefersHeaders = true;
                break;
            case FeeFilterMessage feeFilter:
                _feeFilter = feeFilter.MinFee;
                break;
            case RejectMessage reject:
                _log.Debug("Peer {PeerId} rejected {Command}: {Code} {Reason}", Id, reject.RejectedCommand, reject.Code, reject.Reason);
                break;
            case UnknownMessage unknown:
                _log.Debug("Peer {PeerId} sent unknown command {Command} ({Length} bytes)", Id, unknown.Command, unknown.Payload.Length);
                break;
            case FilterLoadMessage or FilterAddMessage or FilterClearMessage when _bloom is not null:
                OnFilterMessage(_bloom, message);
                break;
            // getdata and notfound go to the manager first: it scores them (btcd server OnGetData, OnNotFound) and
            // passes them on to the sync actor unless the score bans the peer.
            case AddrMessage or AddrV2Message or GetAddrMessage or FilterLoadMessage or FilterAddMessage
                or FilterClearMessage or AlertMessage or MemPoolMessage or GetDataMessage or NotFoundMessage:
                Forward(_manager, message);
                break;
            default:
                Learn(message);
                Forward(_sync, message);
                break;
        }
    }

    /// <summary>Hands a message to the actor that owns its kind, counting it until that actor answers with
    /// <see cref="PeerMessageHandled"/>; with a full window, reading stops after the current chunk.</summary>
    private void Forward(IActorRef consumer, IWireMessage message)
    {
        if (consumer.IsNobody()) return;
        consumer.Tell(new ReceivedFromPeer(Id, message));
        if (++_unhandledForwards >= _settings.ForwardWindow) _transport.ReadingHeld = true;
    }

    private void OnForwardHandled()
    {
        if (_unhandledForwards > 0) _unhandledForwards--;
        if (_unhandledForwards < _settings.ForwardWindow) _transport.ReadingHeld = false;
    }

    /// <summary>What the peer sends or announces, it has: never announce it back (btcd netsync/server add to the
    /// peer's known inventory).</summary>
    private void Learn(IWireMessage message)
    {
        switch (message)
        {
            case InvMessage inv:
                foreach (var item in inv.Inventory)
                {
                    _known.Add(item);
                    if (item.Type is InvType.Block or InvType.WitnessBlock) _lastAnnouncedBlock = item.Hash;
                }
                break;
            case HeadersMessage { Headers.Length: > 0 } headers:
                _lastAnnouncedBlock = headers.Headers[^1].GetHash();
                break;
            case TxMessage tx:
                // Announced as MSG_TX by txid, or as MSG_WTX by wtxid to wtxidrelay peers (BIP339).
                _known.Add(new InvVector(InvType.Tx, tx.Transaction.Txid));
                _known.Add(new InvVector(InvType.Wtx, tx.Transaction.Wtxid));
                break;
            case BlockMessage block:
                var hash = block.Block.GetHash();
                _known.Add(new InvVector(InvType.Block, hash));
                _known.Add(new InvVector(InvType.WitnessBlock, hash));
                break;
        }
    }

    private void SendAddressList(IReadOnlyList<NetAddressV2> addresses)
    {
        if (addresses.Count == 0) return;
        if (addresses.Count > WireLimits.MaxAddrPerMessage)
            addresses = ActorNode.AddrBook.AddressSampling.TakeRandom(addresses, WireLimits.MaxAddrPerMessage, Random.Shared);
        if (_ready!.WantsAddrV2)
        {
            Send(new AddrV2Message([.. addresses]));
            return;
        }
        var legacy = addresses.Select(a => a.ToLegacy()).OfType<NetAddress>().ToArray();
        if (legacy.Length > 0) Send(new AddrMessage([.. legacy]));
    }

    private void SendPing()
    {
        ulong nonce = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        _pingNonce = nonce;
        _pingSentAt = Now;
        Send(new PingMessage(nonce));
        Timers.StartSingleTimer(PingTimeoutTimer, PingTimedOut.Instance, _settings.PingTimeout);
    }

    private void CheckDeadlines()
    {
        var now = Now;
        if (now - _lastReceive > _settings.IdleTimeout)
            Misbehaved(PeerFault.Idle, null, $"no message for {_settings.IdleTimeout.TotalMinutes:0} minutes");
        else if (_deadlines.Overdue(now) is { } overdue)
            Misbehaved(PeerFault.Stalled, null, $"no {overdue} in time");
    }

    // ---- Output and endings --------------------------------------------------------------------------------------

    private void Send(IWireMessage message, SendPriority priority = SendPriority.Normal, bool answerOwed = true)
    {
        if (_closeReason is not null && priority != SendPriority.High) return;
        byte[] frame;
        try
        {
            frame = _framer.Encode(message, _sendContext);
        }
        catch (WireException e)
        {
            // Ours to fix, not the peer's: a message this peer cannot take at its version, or over a limit.
            _log.Warning("Not sending {Command} to peer {PeerId}: {Error}", message.Command, Id, e.Message);
            return;
        }
        if (frame.Length == 0)
        {
            // A v2 initiator's version before the responder's key: queued in the framer, written with the handshake.
            // Counted at the size its packet will have (length, header, type, payload, tag), as Core counts it.
            int payload = new MessageEncoder(_settings.Magic).Encode(message, _sendContext).Length - MessageHeaderLength;
            Count(ref _sentPerCommand, message, ActorNode.V2Transport.Crypto.V2PacketCipher.Overhead
                + V2MessageTypes.EncodedLength(message.Command) + payload);
            _deadlines.Sent(message.Command, Now, answerOwed);
            return;
        }
        if (_transport.Send(frame, priority) == SendResult.Accepted)
        {
            _bytesSent += frame.Length;
            Count(ref _sentPerCommand, message, frame.Length);
            _lastSend = Now;
            _deadlines.Sent(message.Command, Now, answerOwed);
        }
    }

    private void Violation(PeerFault fault, string reason, RejectMessage? reject)
    {
        if (reject is not null && _sendContext.ProtocolVersion >= ProtocolVersion.Reject) Send(reject, SendPriority.High);
        _manager.Tell(new PeerMisbehaved(Id, _settings.Remote, fault, null, reason));
        Disconnect(reason, abort: reject is null);
    }

    private void Misbehaved(PeerFault fault, WireError? codecError, string detail)
    {
        if (_closeReason is not null) return;
        _manager.Tell(new PeerMisbehaved(Id, _settings.Remote, fault, codecError, detail));
        Disconnect(codecError is null ? detail : $"{codecError}: {detail}", abort: true);
    }

    private void Disconnect(string reason, bool abort)
    {
        if (_closeReason is not null) return;
        _closeReason = reason;
        _log.Debug("Disconnecting peer {PeerId} {Remote}: {Reason}", Id, _settings.Remote, reason);
        Timers.Cancel(PingTimer);
        Timers.Cancel(PingTimeoutTimer);
        Timers.Cancel(CheckTimer);
        Timers.Cancel(TrickleTimer);
        Timers.Cancel(HandshakeTimer);
        if (abort) _transport.Abort();
        else _transport.Close();
        // The close event stops us; if it never comes, stop anyway.
        Timers.StartSingleTimer(StopTimer, ForceStop.Instance, CloseGrace);
    }
}
