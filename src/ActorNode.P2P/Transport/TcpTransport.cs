using Akka.Actor;
using Akka.Event;
using Akka.IO;
using ActorNode.P2P.Transport.Shaping;

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
/// <para>Shaping (<see cref="TransportOptions.Shaper"/>, the lab's link model, docs/lab.md "Shaping"): a write
/// passes two stages before it is handed to the connection: the node's uplink (it occupies the window until
/// <see cref="LinkShaper.SendAt"/> minus the latency) and the wire (the latency, outside the window, bounded by
/// <see cref="TransportOptions.ShapedWindowBytes"/>); at its release time a <see cref="DelayLine"/> tells the owner,
/// and <see cref="Handle"/> hands the write to the connection as the ack window allows. A chunk read is handed to
/// the owner at <see cref="LinkShaper.ReceiveAt"/>; a close event waits behind the chunks held before it (the FIN
/// travels after the data). A polite close waits for every scheduled write; an abort drops them.</para>
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

    // Shaping (null / false / zero when the connection is not shaped).
    private readonly LinkShaper? _shaper;
    private readonly DelayLine? _delayLine;
    private readonly bool _shapeSend;
    private readonly bool _shapeReceive;
    private readonly Queue<ShapedWrite>? _due; // writes whose release time came, waiting for the ack window
    private long _lastThrough; // last write through the uplink (out of the window)
    private long _lastHanded; // last write handed to the connection
    private bool _closeOwed; // Tcp.Close waits for the last scheduled write
    private int _heldChunks;
    private long _heldBytes;
    private object? _deferredClose; // a close event that arrived behind held chunks

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
        if (_options.Shaper is { IsIdentity: false } shaper)
        {
            _shaper = shaper;
            _delayLine = _options.DelayLine ?? DelayLine.Shared;
            _shapeSend = shaper.SendLatency > TimeSpan.Zero || shaper.Upload is not null;
            _shapeReceive = shaper.ReceiveLatency > TimeSpan.Zero || shaper.Download is not null;
            if (_shapeSend) _due = new Queue<ShapedWrite>();
        }

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

    /// <summary>Writes handed to the connection (or, shaped, scheduled for it) and not yet acknowledged.</summary>
    public int UnackedWrites => _unacked.Count;

    /// <summary>Bytes handed to the connection (or, shaped, scheduled for it) and not yet acknowledged.</summary>
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
            if (value || !_resumeOwed || _heldBytes >= _options.ShapedWindowBytes) return;
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
            case Tcp.Received received when _shapeReceive:
                OnShapedReceived(received.Data);
                return true;
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
            case ShapedWrite write when ReferenceEquals(write.Transport, this):
                OnWriteDue(write);
                return true;
            case ShapedThrough through when ReferenceEquals(through.Transport, this):
                OnThrough(through.Sequence);
                return true;
            case ShapedChunk chunk when ReferenceEquals(chunk.Transport, this):
                OnChunkDue(chunk.Data);
                return true;
            case Tcp.ConnectionClosed closed:
                if (!DeferClose(closed))
                    OnConnectionClosed(closed);
                return true;
            case Tcp.CommandFailed failed when failed.Cmd is not (Tcp.Connect or Tcp.Bind or Tcp.Unbind):
                OnCommandFailed(failed);
                return true;
            case Terminated terminated when terminated.ActorRef.Equals(_connection):
                if (!DeferClose(terminated))
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
        while (WindowOpen && QueuedFrames > 0)
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
        if (_shapeSend && _lastHanded != _lastSent)
            _closeOwed = true; // sent once the last scheduled write has been handed on
        else
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
        _due?.Clear();
        _closeOwed = false;
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
        if (_shapeSend)
            ScheduleWrite(sequence, bytes, Tcp.Write.Create(data, new WriteAck(this, sequence)));
        else
            _connection.Tell(Tcp.Write.Create(data, new WriteAck(this, sequence)), _owner);
    }

    /// <summary>Whether another write may start: unshaped, the ack window; shaped, the uplink's share of it and
    /// the simulated wire's bytes.</summary>
    private bool WindowOpen => _shapeSend
        ? _lastSent - _lastThrough < _options.MaxUnackedWrites && _unackedBytes < _options.ShapedWindowBytes
        : _unacked.Count < _options.MaxUnackedWrites;

    private byte[] Dequeue()
    {
        var frame = _high.Count > 0 ? _high.Dequeue() : _normal.Dequeue();
        _queuedBytes -= frame.Length;
        return frame;
    }

    private int PeekLength() => _high.Count > 0 ? _high.Peek().Length : _normal.Peek().Length;

    private void OnAck(long sequence)
    {
        if (sequence <= _lastAcked || sequence > (_shapeSend ? _lastHanded : _lastSent)
            || _state is State.Closed or State.Aborting)
            return;
        // Acks are cumulative: Akka.IO completes writes in order, so an ack covers every earlier write too.
        while (_unacked.Count > 0 && _unacked.Peek().Sequence <= sequence)
            _unackedBytes -= _unacked.Dequeue().Bytes;
        _lastAcked = sequence;

        if (_shapeSend)
            HandDueWrites();
        while (_state == State.Open && WindowOpen && QueuedFrames > 0)
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
        _due?.Clear();
        _closeOwed = false;
        _deferredClose = null;
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

    // ---- Shaping -------------------------------------------------------------------------------------------------

    private void ScheduleWrite(long sequence, int bytes, Tcp.Write write)
    {
        long now = ShapingClock.Now;
        long sendAt = _shaper!.SendAt(bytes, now);
        long throughAt = sendAt - _shaper.SendLatency.Ticks; // release times never go back, so neither does this
        if (throughAt <= now)
            _lastThrough = sequence; // the uplink took it at once (burst, or no upload limit)
        var shaped = new ShapedWrite(this, _owner, sequence, write);
        if (sendAt <= now && _lastHanded == sequence - 1)
        {
            // Nothing scheduled before it and nothing to wait for: straight on, as unshaped.
            _due!.Enqueue(shaped);
            HandDueWrites();
            return;
        }
        if (throughAt > now && throughAt < sendAt)
            _delayLine!.Schedule(throughAt, new ShapedThrough(this, _owner, sequence).Deliver);
        _delayLine!.Schedule(sendAt, shaped.Deliver);
    }

    private void OnThrough(long sequence)
    {
        if (_state is State.Aborting or State.Closed || sequence <= _lastThrough)
            return;
        _lastThrough = sequence;
        while (_state == State.Open && WindowOpen && QueuedFrames > 0)
            WriteBatch();
    }

    private void OnWriteDue(ShapedWrite write)
    {
        if (_state is State.Aborting or State.Closed)
            return; // an abort drops what it had scheduled
        if (write.Sequence > _lastThrough)
            _lastThrough = write.Sequence;
        _due!.Enqueue(write);
        HandDueWrites();
        while (_state == State.Open && WindowOpen && QueuedFrames > 0)
            WriteBatch();
    }

    /// <summary>Hands the writes whose time came to the connection, in order, as the ack window allows (a polite
    /// close hands them all, as an unshaped one does), then the owed <c>Tcp.Close</c>.</summary>
    private void HandDueWrites()
    {
        bool handed = false;
        while (_due!.Count > 0 && (_state == State.Closing || _lastHanded - _lastAcked < _options.MaxUnackedWrites))
        {
            var write = _due.Dequeue();
            _connection.Tell(write.Write, _owner);
            _lastHanded = write.Sequence;
            handed = true;
        }
        if (_closeOwed && _lastHanded == _lastSent)
        {
            _closeOwed = false;
            _connection.Tell(Tcp.Close.Instance, _owner);
        }
        if (handed && _deadlineArmed && _state is State.Open or State.Closing)
            StartDeadline(); // our own pipeline moved: the socket gets a whole deadline for it
    }

    private void OnShapedReceived(ByteString data)
    {
        if (_state != State.Open)
            return;
        long now = ShapingClock.Now;
        long due = _shaper!.ReceiveAt(data.Count, now);
        if (due <= now && _heldChunks == 0)
        {
            _events.OnReceived(data.ToReadOnlySpan());
            if (_options.PullMode && _state == State.Open)
            {
                if (_readingHeld) _resumeOwed = true;
                else _connection.Tell(Tcp.ResumeReading.Instance, _owner);
            }
            return;
        }
        _heldChunks++;
        _heldBytes += data.Count;
        _delayLine!.Schedule(due, new ShapedChunk(this, _owner, data).Deliver);
        // Pull mode: the held chunk is on the simulated wire, so the next may be read while the wire has room
        // and the owner is not holding reading back; otherwise TCP holds the sender back, as unshaped.
        if (_options.PullMode)
        {
            if (_readingHeld || _heldBytes >= _options.ShapedWindowBytes) _resumeOwed = true;
            else _connection.Tell(Tcp.ResumeReading.Instance, _owner);
        }
    }

    private void OnChunkDue(ByteString data)
    {
        if (_state == State.Closed)
            return;
        _heldChunks--;
        _heldBytes -= data.Count;
        if (_state == State.Open)
            _events.OnReceived(data.ToReadOnlySpan()); // after a close was asked for, held chunks are dropped
        if (_options.PullMode && _state == State.Open && _resumeOwed && !_readingHeld
            && _heldBytes < _options.ShapedWindowBytes)
        {
            _resumeOwed = false;
            _connection.Tell(Tcp.ResumeReading.Instance, _owner);
        }
        if (_heldChunks == 0 && _deferredClose is { } deferred && _state != State.Closed)
        {
            _deferredClose = null;
            Handle(deferred);
        }
    }

    /// <summary>True when a close event (or the connection's <c>Terminated</c>) must wait behind chunks still held:
    /// it is kept (the first one only) and handled once they have been handed on.</summary>
    private bool DeferClose(object message)
    {
        if (_heldChunks == 0 || _state != State.Open)
            return false;
        _deferredClose ??= message;
        return true;
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

    /// <summary>A shaped write whose release time came: sent to the owner by the delay line.</summary>
    internal sealed class ShapedWrite(TcpTransport transport, IActorRef owner, long sequence, Tcp.Write write)
        : IDeadLetterSuppression
    {
        public TcpTransport Transport { get; } = transport;
        public long Sequence { get; } = sequence;
        public Tcp.Write Write { get; } = write;
        public void Deliver() => owner.Tell(this, ActorRefs.NoSender);
        public override string ToString() => $"ShapedWrite({Sequence})";
    }

    /// <summary>A shaped write has passed the node's uplink: it leaves the window (the latency is the wire's).</summary>
    internal sealed class ShapedThrough(TcpTransport transport, IActorRef owner, long sequence) : IDeadLetterSuppression
    {
        public TcpTransport Transport { get; } = transport;
        public long Sequence { get; } = sequence;
        public void Deliver() => owner.Tell(this, ActorRefs.NoSender);
        public override string ToString() => $"ShapedThrough({Sequence})";
    }

    /// <summary>A chunk read from a shaped connection whose time to be handed on came.</summary>
    internal sealed class ShapedChunk(TcpTransport transport, IActorRef owner, ByteString data) : IDeadLetterSuppression
    {
        public TcpTransport Transport { get; } = transport;
        public ByteString Data { get; } = data;
        public void Deliver() => owner.Tell(this, ActorRefs.NoSender);
        public override string ToString() => $"ShapedChunk({Data.Count} bytes)";
    }

    /// <summary>The slow-peer timer's message, delivered to the owner and handed back through <see cref="Handle"/>.</summary>
    internal sealed class SlowPeerDeadline(TcpTransport transport)
    {
        public TcpTransport Transport { get; } = transport;
        public override string ToString() => "SlowPeerDeadline";
    }
}
