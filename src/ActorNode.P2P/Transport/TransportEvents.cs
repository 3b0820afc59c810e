namespace ActorNode.P2P.Transport;

/// <summary>What the owner of a <see cref="TcpTransport"/> (the PeerActor) hears from it. Called synchronously from
/// the owner's own message handling, so implementations may call back into the transport (e.g. <c>Abort()</c>).
/// No Akka type appears here: the rest of the node sees bytes and reasons only.</summary>
public interface ITransportEvents
{
    /// <summary>Bytes read from the socket, in order. The span is valid only during the call: copy what you keep
    /// (a <c>FrameDecoder</c> does). Never called after a close was requested or reported.</summary>
    void OnReceived(ReadOnlySpan<byte> data);

    /// <summary>The peer does not drain its queue: called at most once per connection. The owner is expected to
    /// disconnect it (btcd would log "slow peer" and drop it). The transport keeps working until told otherwise.</summary>
    void OnSlowPeer(SlowPeerReason reason);

    /// <summary>The connection is over. Called exactly once per connection; nothing is called after it.</summary>
    void OnClosed(TransportClosed closed);
}

/// <summary>Why the peer is slow.</summary>
public enum SlowPeerReason
{
    /// <summary>A frame did not fit in the bounded queue (bytes or count); that frame was dropped.</summary>
    QueueFull,

    /// <summary>No write was acknowledged for <see cref="TransportOptions.SlowPeerDeadline"/> while writes waited.</summary>
    DrainTimeout,
}

/// <summary>How a connection ended, as Akka.IO reported it.</summary>
public enum TransportCloseReason
{
    /// <summary>Our polite close completed (<c>Tcp.Closed</c> or <c>Tcp.ConfirmedClosed</c>).</summary>
    Closed,

    /// <summary>Our abort completed (<c>Tcp.Aborted</c>: the socket was reset).</summary>
    Aborted,

    /// <summary>The remote side closed its end (<c>Tcp.PeerClosed</c>, EOF).</summary>
    PeerClosed,

    /// <summary>An I/O error closed the connection (<c>Tcp.ErrorClosed</c>, e.g. connection reset by peer).</summary>
    Error,

    /// <summary>The connection actor refused a command (<c>Tcp.CommandFailed</c>, e.g. a dropped write); the transport
    /// aborted the connection, since a byte stream with a hole in it is useless.</summary>
    CommandFailed,

    /// <summary>The connection actor stopped without sending a close event (DeathWatch <c>Terminated</c>).</summary>
    ConnectionLost,
}

/// <summary>The one close event of a connection.</summary>
/// <param name="Reason">How it ended.</param>
/// <param name="Cause">Akka.IO's cause text for <see cref="TransportCloseReason.Error"/> and
/// <see cref="TransportCloseReason.CommandFailed"/>; otherwise null.</param>
/// <param name="RequestedLocally">Whether our side had asked to close or abort before the event arrived.</param>
public sealed record TransportClosed(TransportCloseReason Reason, string? Cause, bool RequestedLocally);

/// <summary>Order of outbound frames: <see cref="High"/> frames (pong, verack, reject) overtake queued
/// <see cref="Normal"/> ones, never frames already handed to the socket.</summary>
public enum SendPriority
{
    /// <summary>Queued in arrival order.</summary>
    Normal,

    /// <summary>Queued ahead of every normal frame.</summary>
    High,
}

/// <summary>Result of <see cref="TcpTransport.Send"/>.</summary>
public enum SendResult
{
    /// <summary>Queued or written.</summary>
    Accepted,

    /// <summary>Dropped: the queue bound was hit (the owner was told through <see cref="ITransportEvents.OnSlowPeer"/>).</summary>
    QueueFull,

    /// <summary>Dropped: the connection is closing or closed.</summary>
    Closed,
}
