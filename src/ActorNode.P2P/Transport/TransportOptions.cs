using ActorNode.P2P.Transport.Shaping;

namespace ActorNode.P2P.Transport;

/// <summary>Limits of one connection's outbound path (see <see cref="TcpTransport"/>).
/// <para>btcd keeps an unbounded outbound queue per peer (peer.go <c>queueHandler</c>) and relies on write deadlines;
/// we bound the queue instead and disconnect a peer that stops draining it (docs/adr/0001-transport-akka-io.md).</para>
/// </summary>
public sealed record TransportOptions
{
    /// <summary>Default options: 8 MiB / 10,000 frames queued, 2 writes in flight of up to 64 KiB, 60 s deadline.</summary>
    public static TransportOptions Default { get; } = new();

    /// <summary>Bytes that may wait in the queue (not yet handed to the socket). A frame that would exceed it is
    /// refused and the owner is told the peer is slow. 8 MiB holds two full blocks.</summary>
    public int MaxQueuedBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Frames that may wait in the queue, whatever their size.</summary>
    public int MaxQueuedFrames { get; init; } = 10_000;

    /// <summary>Writes handed to the connection actor and not yet acknowledged. Acks only mean the bytes reached the
    /// socket's send buffer, so a small window (1 or a few) keeps the queue here, where it is bounded.</summary>
    public int MaxUnackedWrites { get; init; } = 2;

    /// <summary>Queued frames are coalesced into one write up to this many bytes (a larger frame goes alone).</summary>
    public int MaxWriteBytes { get; init; } = 64 * 1024;

    /// <summary>While anything is queued or unacknowledged, an ack must arrive within this time, or the owner is told
    /// the peer is slow (and a polite close turns into an abort).</summary>
    public TimeSpan SlowPeerDeadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The connection was opened in Akka.IO pull mode (<c>pullMode: true</c> on <c>Tcp.Connect</c> or
    /// <c>Tcp.Bind</c>): the adapter asks for each chunk (<c>Tcp.ResumeReading</c>) only after the owner has handled
    /// the last one, so a peer that sends faster than its actor reads is held back by TCP, not buffered in the
    /// mailbox. Off for a connection opened in push mode.</summary>
    public bool PullMode { get; init; }

    /// <summary>Key of the adapter's single timer in the owner's <c>ITimerScheduler</c>; must not clash with the
    /// owner's own timer keys.</summary>
    public string TimerKey { get; init; } = "ActorNode.P2P.Transport.SlowPeerDeadline";

    /// <summary>The lab's shaping of this connection (docs/lab.md "Shaping"): each write is handed to the socket only
    /// at <see cref="LinkShaper.SendAt"/>, each chunk read is handed to the owner only at
    /// <see cref="LinkShaper.ReceiveAt"/>. Null, or a shaper that <see cref="LinkShaper.IsIdentity">changes
    /// nothing</see>: the connection is not shaped and the adapter works exactly as without it.</summary>
    public LinkShaper? Shaper { get; init; }

    /// <summary>The line that times a shaped connection's writes and chunks; <see cref="Shaping.DelayLine.Shared"/>
    /// when null. Not used (and the shared line not started) by an unshaped connection.</summary>
    public DelayLine? DelayLine { get; init; }

    /// <summary>A shaped connection's simulated wire, per direction: bytes written and not yet acknowledged (held
    /// for the uplink or the latency, or in the socket) and bytes read and not yet handed on. Past it, no further
    /// write is started and (pull mode) no further chunk is read, as a kernel's socket buffers would hold a real
    /// link's bandwidth-delay product (4 MiB, as hocon/lab.conf's socket buffers).</summary>
    public int ShapedWindowBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a limit is not positive.</summary>
    public TransportOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedBytes, 1, nameof(MaxQueuedBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedFrames, 1, nameof(MaxQueuedFrames));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUnackedWrites, 1, nameof(MaxUnackedWrites));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWriteBytes, 1, nameof(MaxWriteBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SlowPeerDeadline, TimeSpan.Zero, nameof(SlowPeerDeadline));
        ArgumentOutOfRangeException.ThrowIfLessThan(ShapedWindowBytes, 1, nameof(ShapedWindowBytes));
        ArgumentException.ThrowIfNullOrEmpty(TimerKey, nameof(TimerKey));
        return this;
    }
}
