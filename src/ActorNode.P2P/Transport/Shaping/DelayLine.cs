namespace ActorNode.P2P.Transport.Shaping;

/// <summary>Runs callbacks at given times with millisecond precision, on one thread of its own: the clock behind
/// the lab's link latencies. Akka's scheduler ticks every 10 ms by default, too coarse for an 11 ms link; this line
/// sleeps until the earliest due item (never waking early), runs every item that is due in time order, and sleeps
/// again. Callbacks must be quick and must not throw (they normally just <c>Tell</c> an actor); one that throws is
/// counted in <see cref="Faults"/> and the line goes on.
/// <para>Items due at the same tick run in the order they were scheduled, so a link that schedules its chunks in
/// order delivers them in order.</para></summary>
public sealed class DelayLine : IDisposable
{
    private readonly PriorityQueue<Action, (long Due, long Sequence)> _queue = new();
    private readonly object _gate = new();
    private readonly Thread _thread;
    private long _sequence;
    private bool _stopped;
    private long _faults;

    public DelayLine(string name = "delay-line")
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>The process's shared line (started on first use), for nodes that need no line of their own.</summary>
    public static DelayLine Shared => SharedLine.Value;

    private static readonly Lazy<DelayLine> SharedLine = new(() => new DelayLine("shared-delay-line"));

    /// <summary>Items waiting.</summary>
    public int Pending
    {
        get { lock (_gate) return _queue.Count; }
    }

    /// <summary>Callbacks that threw.</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Runs <paramref name="callback"/> at <paramref name="due"/> (<see cref="ShapingClock"/> ticks), or at
    /// once when that has passed. Ignored after <see cref="Dispose"/>.</summary>
    public void Schedule(long due, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            if (_stopped) return;
            bool earliest = due < EarliestDue;
            _queue.Enqueue(callback, (due, _sequence++));
            if (earliest) Monitor.Pulse(_gate);
        }
    }

    private long EarliestDue => _queue.TryPeek(out _, out var key) ? key.Due : long.MaxValue;

    private void Run()
    {
        var due = new List<Action>();
        while (true)
        {
            lock (_gate)
            {
                while (true)
                {
                    if (_stopped) return;
                    long now = ShapingClock.Now;
                    while (_queue.TryPeek(out var action, out var key) && key.Due <= now)
                    {
                        _queue.Dequeue();
                        due.Add(action);
                    }
                    if (due.Count > 0) break;
                    if (_queue.Count == 0) Monitor.Wait(_gate);
                    else
                    {
                        // Round the wait up so we never wake before the item is due.
                        long waitTicks = EarliestDue - now;
                        int ms = (int)Math.Min(int.MaxValue, (waitTicks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
                        Monitor.Wait(_gate, Math.Max(1, ms));
                    }
                }
            }
            foreach (var action in due)
            {
                try { action(); }
                catch (Exception) { Interlocked.Increment(ref _faults); }
            }
            due.Clear();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _queue.Clear();
            Monitor.Pulse(_gate);
        }
        if (Thread.CurrentThread != _thread) _thread.Join(TimeSpan.FromSeconds(2));
    }
}
