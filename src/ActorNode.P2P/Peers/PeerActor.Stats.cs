using ActorNode.V2Transport.Framing;
using ActorNode.Wire;
using ActorNode.Wire.Messages;

namespace ActorNode.P2P.Peers;

/// <summary>The PeerActor's statistics snapshot (getpeerinfo) and its private timer messages.</summary>
public sealed partial class PeerActor
{
    private static void Count(ref Dictionary<string, long>? perCommand, IWireMessage message, int bytes)
    {
        perCommand ??= new Dictionary<string, long>(8, StringComparer.Ordinal);
        string key = message is UnknownMessage ? "*other*" : message.Command;
        perCommand[key] = perCommand.GetValueOrDefault(key) + bytes;
    }

    /// <summary>The peer's clock minus ours at connection (getpeerinfo's timeoffset). The peer's version timestamp is
    /// any int64 it chooses: the difference saturates at what a TimeSpan holds (±29,000 years) instead of throwing
    /// (which stopped the PeerActor on a GetPeerStats).</summary>
    internal static TimeSpan ClockOffset(long theirs, DateTimeOffset ours)
    {
        const long limit = 922_337_203_685; // whole seconds in TimeSpan.MaxValue
        return TimeSpan.FromSeconds((long)Int128.Clamp((Int128)theirs - ours.ToUnixTimeSeconds(), -limit, limit));
    }

    private PeerStats Stats()
    {
        var remote = _ready?.Remote;
        return new PeerStats(Id, _settings.Remote, _settings.Local, _settings.Inbound,
            remote?.Services ?? ServiceFlags.None, remote?.ProtocolVersion ?? 0, remote?.UserAgent ?? "",
            remote?.StartHeight ?? 0, _lastBlockHeight, _connectedAt, _lastSend,
            _receivedMessage ? _lastReceive : null, _bytesSent, _bytesReceived,
            remote is null ? TimeSpan.Zero : ClockOffset(remote.Timestamp, _connectedAt),
            _pingNonce, _pingSentAt, _pingTime, _ready is not null, _ready?.WantsAddrV2 ?? false, _prefersHeaders, _feeFilter,
            _ready is not null && _relayTxs, _pingNonce is not null && _pingSentAt is { } sent ? Now - sent : null,
            LastAnnouncedBlock: _lastAnnouncedBlock,
            BytesSentPerMessage: _sentPerCommand is null ? null : new Dictionary<string, long>(_sentPerCommand),
            BytesReceivedPerMessage: _receivedPerCommand is null ? null : new Dictionary<string, long>(_receivedPerCommand),
            SendQueueFrames: _transport.QueuedFrames, SendQueueBytes: _transport.QueuedBytes,
            V2Connection: _framer.Protocol == TransportProtocol.V2,
            TransportProtocolType: _framer.Protocol switch
            {
                TransportProtocol.V2 => "v2",
                TransportProtocol.Detecting => "detecting",
                _ => "v1",
            },
            SessionId: _framer.SessionId is { } id ? Convert.ToHexStringLower(id) : "");
    }

    private sealed record HandshakeDeadline
    {
        public static readonly HandshakeDeadline Instance = new();
    }

    private sealed record PingTick
    {
        public static readonly PingTick Instance = new();
    }

    private sealed record PingTimedOut
    {
        public static readonly PingTimedOut Instance = new();
    }

    private sealed record CheckTick
    {
        public static readonly CheckTick Instance = new();
    }

    private sealed record TrickleTick
    {
        public static readonly TrickleTick Instance = new();
    }

    private sealed record ForceStop
    {
        public static readonly ForceStop Instance = new();
    }
}
