using ActorNode.P2P.Peers;

namespace ActorNode.Host.Metrics;

/// <summary>Bytes sent and received since the node started (getnettotals, the byte counters of the metrics). Peers
/// report their own counts (getpeerinfo); a peer's last report is kept after it goes, so totals never go down. Bytes
/// a peer moved after its last report and before it disconnected are missed (a sample is taken every few seconds and
/// on each getpeerinfo / getnettotals).</summary>
internal sealed class NetTotals
{
    // Every peer ever seen (ids are never reused), so a peer missing from one sample is not counted twice.
    private readonly Dictionary<long, (long Sent, long Received)> _lastSeen = [];
    private readonly Lock _lock = new();

    public void Observe(IReadOnlyList<PeerStats> peers)
    {
        lock (_lock)
        {
            foreach (var peer in peers)
            {
                var previous = _lastSeen.GetValueOrDefault(peer.Id);
                _lastSeen[peer.Id] = (Math.Max(previous.Sent, peer.BytesSent), Math.Max(previous.Received, peer.BytesReceived));
            }
        }
    }

    public (long Sent, long Received) Totals
    {
        get
        {
            lock (_lock)
                return (_lastSeen.Values.Sum(v => v.Sent), _lastSeen.Values.Sum(v => v.Received));
        }
    }
}
