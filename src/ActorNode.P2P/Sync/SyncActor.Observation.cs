using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Sync;

/// <summary>Item observation for the lab (issue 7): subscribers hear when this node first has a transaction or a
/// block (<see cref="ItemAccepted"/>) and every announcement of one a peer makes (<see cref="ItemAnnounced"/>), as
/// actor messages rather than log lines. With no subscriber each event costs one emptiness check.</summary>
public sealed partial class SyncActor
{
    private readonly HashSet<IActorRef> _itemSubscribers = [];

    private void Observation()
    {
        Receive<SubscribeItems>(_ =>
        {
            _itemSubscribers.Add(Sender);
            Context.Watch(Sender);
            Sender.Tell(ItemsSubscribed.Instance);
        });
        Receive<UnsubscribeItems>(_ => _itemSubscribers.Remove(Sender));
    }

    private bool ObservingItems => _itemSubscribers.Count > 0;

    /// <summary>This node has the item now; <paramref name="source"/> is null when it came from the user.</summary>
    private void NoteAccepted(ObservedItemKind kind, Hash256 hash, SyncPeer? source)
    {
        if (_itemSubscribers.Count == 0) return;
        var accepted = new ItemAccepted(kind, hash, source?.Id, source?.UserAgent, Now);
        foreach (var subscriber in _itemSubscribers) subscriber.Tell(accepted);
    }

    private void NoteAnnounced(ObservedItemKind kind, Hash256 hash, SyncPeer peer)
    {
        if (_itemSubscribers.Count == 0) return;
        var announced = new ItemAnnounced(kind, hash, peer.Id);
        foreach (var subscriber in _itemSubscribers) subscriber.Tell(announced);
    }
}
