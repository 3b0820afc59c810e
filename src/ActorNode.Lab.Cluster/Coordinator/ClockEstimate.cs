namespace ActorNode.Lab.Cluster.Coordinator;

/// <summary>Each worker's clock offset from the coordinator's, NTP's way (docs/lab.md "Clocks"): of the probes a worker
/// answered, the one with the shortest round trip counts; its offset is the worker's time minus the midpoint of the
/// probe's send and receive times, good to half that round trip. Plain state: the coordinator feeds it the replies.</summary>
public sealed class ClockEstimate
{
    private readonly Dictionary<int, (TimeSpan Rtt, TimeSpan Offset)> _best = [];

    /// <summary>A probe sent at <paramref name="sent"/> and answered at <paramref name="received"/> (both the
    /// coordinator's clock) found the worker's clock at <paramref name="workerTime"/>.</summary>
    public void Record(int worker, DateTimeOffset sent, DateTimeOffset workerTime, DateTimeOffset received)
    {
        var rtt = received - sent;
        var offset = workerTime - (sent + rtt / 2);
        if (!_best.TryGetValue(worker, out var best) || rtt < best.Rtt) _best[worker] = (rtt, offset);
    }

    /// <summary>Each answering worker's error bound: half its best probe round trip.</summary>
    public Dictionary<int, TimeSpan> ErrorBounds() => _best.ToDictionary(b => b.Key, b => b.Value.Rtt / 2);

    /// <summary>Whether <paramref name="worker"/> answered at least one probe.</summary>
    public bool HasAnswered(int worker) => _best.ContainsKey(worker);

    /// <summary>The offset to subtract from each answering worker's times. An offset within its error bound (half the
    /// best round trip) is not told apart from zero and taken as 0: a loaded machine answers probes late, one way more
    /// than the other. Adds a note for each estimate worth reporting.</summary>
    public Dictionary<int, TimeSpan> Offsets(int rounds, ICollection<string> notes)
    {
        var offsets = new Dictionary<int, TimeSpan>();
        foreach (var (worker, probe) in _best)
        {
            var bound = probe.Rtt / 2;
            if (probe.Offset.Duration() <= bound)
            {
                offsets[worker] = TimeSpan.Zero;
                if (bound > TimeSpan.FromMilliseconds(5))
                    notes.Add($"worker {worker}: clock offset {probe.Offset.TotalMilliseconds:0.#} ms is within its error bound (±{bound.TotalMilliseconds:0.#} ms, half the best of {rounds} probe round trips): taken as 0");
            }
            else
            {
                offsets[worker] = probe.Offset;
                if (probe.Offset.Duration() > TimeSpan.FromMilliseconds(1))
                    notes.Add($"worker {worker}: clock offset {probe.Offset.TotalMilliseconds:0.#} ms ± {bound.TotalMilliseconds:0.#} ms, subtracted from its times");
            }
        }
        return offsets;
    }
}
