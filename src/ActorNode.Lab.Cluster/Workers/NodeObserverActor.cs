using ActorNode.Lab.Cluster.Protocol;
using ActorNode.Lab.Experiments;
using ActorNode.P2P.Sync;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.Lab.Cluster.Workers;

/// <summary>Watches one lab node: subscribes to its SyncActor's item events, tells its worker each first sighting
/// (<see cref="Sighting"/>, with the lab node it came from), and counts every announcement per item, which the worker
/// collects at the end (<see cref="GetAnnouncementCounts"/>).</summary>
internal sealed class NodeObserverActor : ReceiveActor
{
    private readonly int _node;
    private readonly IActorRef _sync;
    private readonly Dictionary<Hash256, int> _announcements = [];

    public NodeObserverActor(int node, IActorRef sync, IActorRef reportTo)
    {
        _node = node;
        _sync = sync;
        Receive<ItemAccepted>(accepted =>
        {
            var kind = accepted.Kind == ObservedItemKind.Block ? ItemKind.Block : ItemKind.Transaction;
            reportTo.Tell(new Sighting(_node, kind, accepted.Hash.ToString(), accepted.At, LabNode.NodeOf(accepted.FromUserAgent)));
        });
        Receive<ItemAnnounced>(announced =>
            _announcements[announced.Hash] = _announcements.GetValueOrDefault(announced.Hash) + 1);
        Receive<ItemsSubscribed>(_ => { });
        Receive<GetAnnouncementCounts>(_ => Sender.Tell(new AnnouncementCounts(
            [.. _announcements.Select(a => new AnnouncementCount(_node, a.Key.ToString(), a.Value))])));
    }

    public static Props Props(int node, IActorRef sync, IActorRef reportTo) =>
        Akka.Actor.Props.Create(() => new NodeObserverActor(node, sync, reportTo));

    protected override void PreStart() => _sync.Tell(SubscribeItems.Instance, Self);
}

/// <summary>Asks a node observer for its announcement counts; answered with <see cref="AnnouncementCounts"/>.</summary>
internal sealed record GetAnnouncementCounts
{
    public static GetAnnouncementCounts Instance { get; } = new();
}

internal sealed record AnnouncementCounts(IReadOnlyList<AnnouncementCount> Counts);
