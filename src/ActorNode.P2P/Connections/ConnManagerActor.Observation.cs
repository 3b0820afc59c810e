using System.Net;
using ActorNode.P2P.Peers;
using Akka.Actor;

namespace ActorNode.P2P.Connections;

/// <summary>Observation for the lab (issue 7): the node's network totals and disconnection by peer id.</summary>
public sealed partial class ConnManagerActor
{
    /// <summary>Bytes of peers that have gone, from their <see cref="PeerGone"/>.</summary>
    private long _goneBytesSent, _goneBytesReceived;
    /// <summary>The last <see cref="NetTotalsAnswer"/>: answers never go below it.</summary>
    private NetTotalsAnswer _lastTotals = new(0, 0);

    private void Observation()
    {
        Receive<GetNetTotals>(_ =>
        {
            var peers = _peers.All.Select(p => p.Handle).ToList();
            Context.ActorOf(Akka.Actor.Props.Create(() => new StatsCollector(peers, Sender, TimeSpan.FromSeconds(5), true)));
        });
        Receive<CollectedStats>(c => c.ForTotals, OnTotalsCollected);
        Receive<DisconnectPeerById>(d =>
        {
            if (_peers.TryGet(d.PeerId, out var peer)) peer.Handle.Tell(new DisconnectPeer(d.Reason));
        });
    }

    /// <summary>A peer's last word: its final byte counts join the totals.</summary>
    private void CountGoneBytes(PeerGone gone)
    {
        _goneBytesSent += gone.BytesSent;
        _goneBytesReceived += gone.BytesReceived;
    }

    private void OnTotalsCollected(CollectedStats collected)
    {
        long sent = _goneBytesSent, received = _goneBytesReceived;
        foreach (var stats in collected.Stats)
        {
            // A peer whose PeerGone has come is counted there (its entry has a reason, or is gone altogether).
            if (!_peers.TryGet(stats.Id, out var peer) || peer.GoneReason is not null) continue;
            sent += stats.BytesSent;
            received += stats.BytesReceived;
        }
        // A peer that stopped while its counts were asked for may be counted in neither part for a moment (its
        // Terminated overtook its PeerGone): never report less than before.
        _lastTotals = new NetTotalsAnswer(Math.Max(sent, _lastTotals.BytesSent), Math.Max(received, _lastTotals.BytesReceived));
        collected.Requester.Tell(_lastTotals);
    }

    /// <summary>A permanent request for this address that is not on its way out (removed by the user).</summary>
    private bool HasPermanentRequest(IPEndPoint address) =>
        _requests.Pending.Concat(_requests.Established).Any(r => r.Permanent && r.Address.Equals(address)
            && _peers.ByRequest(r.Id) is not { RetryOnGone: false });
}
