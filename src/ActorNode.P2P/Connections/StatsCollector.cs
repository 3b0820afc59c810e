using ActorNode.P2P.Peers;
using Akka.Actor;

namespace ActorNode.P2P.Connections;

/// <summary>Gathers <see cref="PeerStats"/> from every peer for one getpeerinfo request and hands them to the
/// connection manager (<see cref="CollectedStats"/>), which adds what only it knows (ban scores) and answers; a peer
/// that stops or does not answer in time is left out. Lives for one request, so the manager never waits.
/// <paramref name="ForTotals"/>: gathered for <see cref="GetNetTotals"/> rather than getpeerinfo.</summary>
internal sealed record CollectedStats(IActorRef Requester, IReadOnlyList<PeerStats> Stats, bool ForTotals = false);

internal sealed class StatsCollector : ReceiveActor
{
    private readonly IActorRef _requester;
    private readonly HashSet<IActorRef> _waiting;
    private readonly List<PeerStats> _stats = [];
    private readonly bool _forTotals;

    public StatsCollector(IReadOnlyCollection<IActorRef> peers, IActorRef requester, TimeSpan timeout, bool forTotals = false)
    {
        _requester = requester;
        _forTotals = forTotals;
        _waiting = [.. peers];
        Receive<PeerStats>(stats =>
        {
            _stats.Add(stats);
            Done(Sender);
        });
        Receive<Terminated>(t => Done(t.ActorRef));
        Receive<ReceiveTimeout>(_ => Finish());
        foreach (var peer in _waiting)
        {
            Context.Watch(peer);
            peer.Tell(GetPeerStats.Instance);
        }
        Context.SetReceiveTimeout(timeout);
        if (_waiting.Count == 0) Finish();
    }

    private void Done(IActorRef peer)
    {
        if (_waiting.Remove(peer) && _waiting.Count == 0) Finish();
    }

    private void Finish()
    {
        Context.Parent.Tell(new CollectedStats(_requester, [.. _stats.OrderBy(s => s.Id)], _forTotals));
        Context.Stop(Self);
    }
}
