using Akka.Actor;
using Akka.Event;
using Akka.IO;

namespace ActorNode.P2P.Transport;

/// <summary>The one place that speaks Akka.IO <c>Tcp.*</c> for a connection (STYLE §3). A plain object owned by
/// one actor (the PeerActor) and used only from that actor's message handling: not thread-safe, no actor of its own.
/// <para>On construction it registers the owner as the connection's handler and watches the connection actor.
/// The owner passes every message to <see cref="Handle"/> (Akka.IO events, the adapter's acks and timer, the
/// connection's <c>Terminated</c>); the adapter answers through <see cref="ITransportEvents"/>.</para>
/// <para>Outbound (btcd peer.go <c>queueHandler</c>/<c>outHandler</c>, bounded): frames wait in a queue bounded by
/// bytes and by count; at most <see cref="TransportOptions.MaxUnackedWrites"/> acknowledged writes are in flight,
/// each coalescing queued frames up to <see cref="TransportOptions.MaxWriteBytes"/>. While anything waits, an ack
/// must come within <see cref="TransportOptions.SlowPeerDeadline"/>, or the owner is told the peer is slow. An ack
/// only means the bytes reached the kernel's send buffer (Akka <c>Tcp.Write</c> docs), which is why the real queue
/// lives here, where it is bounded.</para>
/// <para>Close: exactly one <see cref="ITransportEvents.OnClosed"/> per connection, from whichever comes first of
/// the connection's close event (Closed, ConfirmedClosed, Aborted, PeerClosed, ErrorClosed) or its
/// <c>Terminated</c>. Akka.IO sends the close event from the connection's <c>PostStop</c>, before the DeathWatch
/// notification, so the event (with its reason) normally wins.</para>
/// <para>The owner should call <see cref="Abort"/> from its <c>PostStop</c>: a no-op once closed, and it makes sure
/// a connection still flushing a polite close is not left behind (Akka.IO stops watching the handler then).</para>
/// </summary>
public sealed class TcpTransport
{
    private enum State
    {
        Open,
        Closing,
        Aborting,
        Closed,
    }

    private readonly IActorRef _connection;
    private readonly IActorRef _owner;
    private readonly ITimerScheduler _timers;
    private readonly ITransportEvents _events;
    private readonly TransportOptions _options;
    private readonly Queue<byte[]> _high = new();
    private readonly Queue<byte[]> _normal = new();
    private readonly Queue<(long Sequence, int Bytes)> _unacked = new();
    private readonly SlowPeerDeadline _deadlineMessage;

    private State _state;
    private long _queuedBytes;
    private long _unackedBytes;
    private long _lastSent;
    private long _lastAcked;
    private bool _deadlineArmed;
    private bool _slowReported;
    private bool _closeRequested;
    private string? _commandFailure;
    private bool _readingHeld;
    private bool _resumeOwed;

    /// <summary>Registers <paramref name="context"/>'s actor as the handler of <paramref name="connection"/> and
    /// watches the connection. Call it from the owner's constructor or <c>PreStart</c>.</summary>
    /// <param name="context">The owning actor's context (its <c>Self</c> becomes the handler; DeathWatch).</param>
    /// <param name="connection">The Akka.IO connection actor (<c>Sender</c> of <c>Tcp.Connected</c>), or a probe.</param>
    /// <param name="timers">The owner's timers (<c>IWithTimers.Timers</c>); the adapter uses one key of them.</param>
    /// <param name="events">Where events go, normally the owner itself.</param>
    /// <param name="options">Limits; <see cref="TransportOptions.Default"/> when null.</param>
    public TcpTransport(IActorContext context, IActorRef connection, ITimerScheduler timers, ITransportEvents events,
        TransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _timers = timers ?? throw new ArgumentNullException(nameof(timers));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _options = (options ?? TransportOptions.Default).Validate();
        _owner = context.Self;
        _deadlineMessage = new SlowPeerDeadline(this);

        context.Watch(_connection);
        _connection.Tell(new Tcp.Register(_owner, keepOpenOnPeerClosed: false, useResumeWriting: false), _owner);
        if (_options.PullMode) _connection.Tell(Tcp.ResumeReading.Instance, _owner);
    }

    /// <summary>The connection actor this adapter speaks to.</summary>
    public IActorRef Connection => _connection;

    /// <summary>Frames waiting in the queue (not yet handed to the connection).</summary>
    public int QueuedFrames => _high.Count + _normal.Count;

    /// <summary>Bytes waiting in the queue.</summary>
    public long QueuedBytes => _queuedBytes;

    /// <summary>Writes handed to the connection and not yet acknowledged.</summary>
    public int UnackedWrites => _unacked.Count;

    /// <summary>Bytes handed to the connection and not yet acknowledged.</summary>
    public long UnackedBytes => _unackedBytes;

    /// <summary>True until <see cref="Close"/> or <see cref="Abort"/> is called or the connection ends.</summary>
    public bool IsOpen => _state == State.Open;

    /// <summary>While true (pull mode only), no further chunk is asked for after the current one: the owner is
    /// waiting for its consumers to catch up. Setting it back to false asks for the next chunk if one is owed.</summary>
    public bool ReadingHeld
    {
        get => _readingHeld;
        set
        {
            _readingHeld = value;
            if (value || !_resumeOwed) return;
            _resumeOwed = false;
            if (_state == State.Open) _connection.Tell(Tcp.ResumeReading.Instance, _owner);
        }
    }

    /// <summary>True once <see cref="ITransportEvents.OnClosed"/> has been called.</summary>
    public bool IsClosed => _state == State.Closed;

    /// <summary>Handles a message meant for the adapter and returns true, or returns false for anything else.
    /// Call it from the owner's receive for every message the owner does not handle itself.</summary>
    public bool Handle(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                if (_state == State.Open)
                    _events.OnReceived(received.Data.ToReadOnlySpan());
                // Pull mode: the next chunk only now that this one is handled (reading backpressure), and only
                // when the owner is not holding reading back for its consumers.
                if (_options.PullMode && _state == State.Open)
                {
                    if (_readingHeld) _resumeOwed = true;
                    else _connection.Tell(Tcp.ResumeReading.Instance, _owner);
                }
                return true;
            case WriteAck ack when ReferenceEquals(ack.Transport, this):
                OnAck(ack.Sequence);
                return true;
            case Tcp.ConnectionClosed closed:
                OnConnectionClosed(closed);
                return true;
            case Tcp.CommandFailed failed when failed.Cmd is not (Tcp.Connect or Tcp.Bind or Tcp.Unbind):
                OnCommandFailed(failed);
                return true;
            case Terminated terminated when terminated.ActorRef.Equals(_connection):
                Report(_commandFailure is null ? TransportCloseReason.ConnectionLost : TransportCloseReason.CommandFailed,
                    _commandFailure);
                return true;
            case SlowPeerDeadline deadline when ReferenceEquals(deadline.Transport, this):
                OnDeadline();
                return true;
            default:
                return false;
        }
    }

    /// <summary>Queues one whole frame (the array is not copied: do not change it afterwards) and writes as the
    /// window allows. A frame that does not fit the queue bound is dropped and the owner is told the peer is slow.</summary>
    public SendResult Send(byte[] frame, SendPriority priority = SendPriority.Normal)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Length == 0)
            throw new ArgumentException("A frame has at least a header.", nameof(frame));
        if (_state != State.Open)
            return SendResult.Closed;

        if (_queuedBytes + frame.Length > _options.MaxQueuedBytes || QueuedFrames + 1 > _options.MaxQueuedFrames)
        {
            ReportSlow(SlowPeerReason.QueueFull);
            return SendResult.QueueFull;
        }

        (priority == SendPriority.High ? _high : _normal).Enqueue(frame);
        _queuedBytes += frame.Length;
        while (_unacked.Count < _options.MaxUnackedWrites && QueuedFrames > 0)
            WriteBatch();
        if (!_deadlineArmed)
            StartDeadline();
        return SendResult.Accepted;
    }

    /// <summary>Polite close: every queued frame is handed to the connection, which flushes them and then closes
    /// (<c>Tcp.Close</c>). If the peer stops acknowledging for the slow-peer deadline meanwhile, the adapter aborts.
    /// Nothing is received or sent after this call; <see cref="ITransportEvents.OnClosed"/> follows.</summary>
    public void Close()
    {
        if (_state != State.Open)
            return;
        _state = State.Closing;
        _closeRequested = true;
        while (QueuedFrames > 0)
            WriteBatch();
        _connection.Tell(Tcp.Close.Instance, _owner);
        if (HasPendingWrites && !_deadlineArmed)
            StartDeadline();
    }

    /// <summary>Abort: queued frames are dropped and the socket is reset (<c>Tcp.Abort</c>). Use it for protocol
    /// violations and slow peers. Idempotent; a no-op once closed.</summary>
    public void Abort()
    {
        if (_state is State.Aborting or State.Closed)
            return;
        _closeRequested = true;
        AbortInternal();
    }

    private bool HasPendingWrites => _unacked.Count > 0 || QueuedFrames > 0;

    private void AbortInternal()
    {
        _state = State.Aborting;
        DropQueue();
        StopDeadline();
        _connection.Tell(Tcp.Abort.Instance, _owner);
    }

    private void WriteBatch()
    {
        var first = Dequeue();
        var bytes = first.Length;
        ByteString data;
        if (QueuedFrames == 0 || bytes + PeekLength() > _options.MaxWriteBytes)
        {
            data = ByteString.FromBytes(first);
        }
        else
        {
            var segments = new List<ArraySegment<byte>> { first };
            while (QueuedFrames > 0 && bytes + PeekLength() <= _options.MaxWriteBytes)
            {
                var next = Dequeue();
                segments.Add(next);
                bytes += next.Length;
            }
            data = ByteString.FromBytes(segments);
        }

        var sequence = ++_lastSent;
        _unacked.Enqueue((sequence, bytes));
        _unackedBytes += bytes;
        _connection.Tell(Tcp.Write.Create(data, new WriteAck(this, sequence)), _owner);
    }

    private byte[] Dequeue()
    {
        var frame = _high.Count > 0 ? _high.Dequeue() : _normal.Dequeue();
        _queuedBytes -= frame.Length;
        return frame;
    }

    private int PeekLength() => _high.Count > 0 ? _high.Peek().Length : _normal.Peek().Length;

    private void OnAck(long sequence)
    {
        if (sequence <= _lastAcked || sequence > _lastSent || _state is State.Closed or State.Aborting)
            return;
        // Acks are cumulative: Akka.IO completes writes in order, so an ack covers every earlier write too.
        while (_unacked.Count > 0 && _unacked.Peek().Sequence <= sequence)
            _unackedBytes -= _unacked.Dequeue().Bytes;
        _lastAcked = sequence;

        while (_state == State.Open && _unacked.Count < _options.MaxUnackedWrites && QueuedFrames > 0)
            WriteBatch();
        if (HasPendingWrites)
            StartDeadline(); // progress: the deadline starts again
        else
            StopDeadline();
    }

    private void OnDeadline()
    {
        _deadlineArmed = false;
        if (!HasPendingWrites)
            return;
        switch (_state)
        {
            case State.Open:
                ReportSlow(SlowPeerReason.DrainTimeout);
                break;
            case State.Closing:
                AbortInternal(); // the polite close cannot flush: give up on it
                break;
        }
    }

    private void OnConnectionClosed(Tcp.ConnectionClosed closed)
    {
        var (reason, cause) = closed switch
        {
            Tcp.PeerClosed => (TransportCloseReason.PeerClosed, null),
            Tcp.ErrorClosed error => (TransportCloseReason.Error, error.Cause),
            Tcp.Aborted when _commandFailure is not null => (TransportCloseReason.CommandFailed, _commandFailure),
            Tcp.Aborted => (TransportCloseReason.Aborted, null),
            Tcp.Closed or Tcp.ConfirmedClosed => (TransportCloseReason.Closed, null),
            _ when closed.IsErrorClosed => (TransportCloseReason.Error, closed.Cause),
            _ when closed.IsAborted => (TransportCloseReason.Aborted, null),
            _ when closed.IsPeerClosed => (TransportCloseReason.PeerClosed, null),
            _ => (TransportCloseReason.Closed, (string?)null),
        };
        Report(reason, cause);
    }

    private void OnCommandFailed(Tcp.CommandFailed failed)
    {
        // A write dropped while we close or abort is expected (Akka.IO fails queued writes when it stops).
        if (_state != State.Open)
            return;
        // A write dropped while open leaves a hole in the byte stream: the connection is useless.
        _commandFailure = failed.Cause.HasValue ? failed.Cause.Value.Message : failed.Cmd.ToString();
        AbortInternal();
    }

    private void Report(TransportCloseReason reason, string? cause)
    {
        if (_state == State.Closed)
            return;
        _state = State.Closed;
        DropQueue();
        _unacked.Clear();
        _unackedBytes = 0;
        StopDeadline();
        _events.OnClosed(new TransportClosed(reason, cause, _closeRequested));
    }

    private void ReportSlow(SlowPeerReason reason)
    {
        if (_slowReported)
            return;
        _slowReported = true;
        _events.OnSlowPeer(reason);
    }

    private void DropQueue()
    {
        _high.Clear();
        _normal.Clear();
        _queuedBytes = 0;
    }

    private void StartDeadline()
    {
        _timers.StartSingleTimer(_options.TimerKey, _deadlineMessage, _options.SlowPeerDeadline);
        _deadlineArmed = true;
    }

    private void StopDeadline()
    {
        if (!_deadlineArmed)
            return;
        _timers.Cancel(_options.TimerKey);
        _deadlineArmed = false;
    }

    /// <summary>The ack of one write; carries its adapter so that a stray ack is never taken for ours.</summary>
    internal sealed class WriteAck(TcpTransport transport, long sequence) : Tcp.Event, IDeadLetterSuppression
    {
        public TcpTransport Transport { get; } = transport;
        public long Sequence { get; } = sequence;
        public override string ToString() => $"WriteAck({Sequence})";
    }

    /// <summary>The slow-peer timer's message, delivered to the owner and handed back through <see cref="Handle"/>.</summary>
    internal sealed class SlowPeerDeadline(TcpTransport transport)
    {
        public TcpTransport Transport { get; } = transport;
        public override string ToString() => "SlowPeerDeadline";
    }
}
