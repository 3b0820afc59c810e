using Akka.Actor;

namespace ActorNode.Benchmarks.Soak;

/// <summary>A walk of the node's whole actor tree (from the root guardian, so Akka.IO's connection actors under
/// /system count too), sampled every few seconds inside the node: how many actors, how many PeerActors, the deepest
/// mailbox, and which actors have had a non-empty mailbox in every sample for a while (a mailbox that does not drain).
/// <para>It reads each cell's <see cref="ICell.NumberOfMessages"/> from outside the actor: a racy but harmless read of a
/// queue count, good enough for a sample.</para></summary>
internal sealed class ActorCensus
{
    /// <summary>Samples in a row with a non-empty mailbox after which an actor counts as not draining.</summary>
    public int StuckAfterSamples { get; }

    private readonly ActorRefWithCell _root;
    private Dictionary<ActorPath, int> _busyStreak = [];
        private readonly object _gate = new();

    // Figures since the last Take(); guarded by _gate.
    private int _maxMailbox;
    private string _maxMailboxPath = "";
    private int _samples;

    public ActorCensus(ActorSystem system, int stuckAfterSamples)
    {
        StuckAfterSamples = stuckAfterSamples;
        _root = (ActorRefWithCell)((ExtendedActorSystem)system).Guardian.Parent; // the root guardian "/"
    }

    public sealed record Snapshot(int Actors, int PeerActors, IReadOnlyList<long> PeerIds, int MaxMailbox, string MaxMailboxPath,
        int Samples, IReadOnlyList<string> NotDraining, int LongestBusyStreak);

    private Snapshot _last = new(0, 0, [], 0, "", 0, [], 0);

    /// <summary>One walk: counts, mailbox depths, busy streaks. Returns the ids of the PeerActors alive. A walk
    /// with <paramref name="periodic"/> false (an extra one, for the socket check) leaves the busy streaks alone.</summary>
    public IReadOnlyList<long> Sample(bool periodic = true)
    {
        int actors = 0, peers = 0, maxDepth = 0;
        string maxPath = "";
        var peerIds = new List<long>();
        var streaks = new Dictionary<ActorPath, int>();
        var stack = new Stack<IActorRef>();
        stack.Push(_root);
        while (stack.Count > 0)
        {
            var actor = stack.Pop();
            if (actor is not ActorRefWithCell withCell) continue;
            actors++;
            var path = actor.Path;
            if (path.Name.StartsWith("peer-", StringComparison.Ordinal) && path.Parent.Name == "connmanager")
            {
                peers++;
                if (long.TryParse(path.Name.AsSpan(5), out long id)) peerIds.Add(id);
            }
            int depth = withCell.Underlying.NumberOfMessages;
            if (depth > maxDepth)
            {
                maxDepth = depth;
                maxPath = path.ToStringWithoutAddress();
            }
            if (depth > 0) streaks[path] = _busyStreak.GetValueOrDefault(path) + 1;
            foreach (var child in withCell.Children) stack.Push(child);
        }
        if (!periodic) return peerIds;
        _busyStreak = streaks;
        var notDraining = streaks.Where(s => s.Value >= StuckAfterSamples).Select(s => $"{s.Key.ToStringWithoutAddress()} ({s.Value})").ToList();
        lock (_gate)
        {
            _samples++;
            if (maxDepth >= _maxMailbox)
            {
                _maxMailbox = maxDepth;
                _maxMailboxPath = maxPath;
            }
            _last = new Snapshot(actors, peers, peerIds, _maxMailbox, _maxMailboxPath, _samples, notDraining,
                streaks.Count == 0 ? 0 : streaks.Values.Max());
        }
        return peerIds;
    }

    /// <summary>The latest walk, with the deepest mailbox seen since the previous Take(); starts a new period.</summary>
    public Snapshot Take()
    {
        lock (_gate)
        {
            var snapshot = _last;
            _maxMailbox = 0;
            _maxMailboxPath = "";
            _samples = 0;
            return snapshot;
        }
    }
}
