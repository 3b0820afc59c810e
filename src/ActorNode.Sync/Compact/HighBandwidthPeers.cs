namespace ActorNode.Sync.Compact;

/// <summary>What to tell peers after <see cref="HighBandwidthPeers.Promote"/>: <see cref="Announce"/> gets
/// <c>sendcmpct(true, 2)</c> (send us new blocks as <c>cmpctblock</c> at once), <see cref="Demoted"/> gets
/// <c>sendcmpct(false, 2)</c>. Both null: nothing to send.</summary>
public readonly record struct HighBandwidthChange(long? Announce, long? Demoted);

/// <summary>The peers we asked to announce new blocks to us in high-bandwidth mode (BIP152: at most 3), chosen as
/// Bitcoin Core's <c>MaybeSetPeerAsAnnouncingHeaderAndIDs</c> does: the peers that most recently gave us a new
/// block first. A peer already in the list moves to the back (most recent); a new one joins at the back and, when the
/// list is full, the front one (least recent) is dropped, except that an inbound newcomer never drops the only
/// outbound peer in the list (Core keeps one outbound high-bandwidth peer against inbound eclipse attempts).
/// <para>Not thread-safe: one owner (the SyncActor).</para></summary>
public sealed class HighBandwidthPeers
{
    /// <summary>BIP152: ask at most three peers for high-bandwidth announcements.</summary>
    public const int Max = 3;

    private readonly List<(long Id, bool Inbound)> _peers = new(Max + 1);

    /// <summary>The chosen peers, least recent first.</summary>
    public IReadOnlyList<long> Peers => _peers.Select(p => p.Id).ToList();

    public int Count => _peers.Count;

    public bool Contains(long id) => _peers.Exists(p => p.Id == id);

    /// <summary><paramref name="id"/> gave us a new block first (and offers compact blocks version 2).</summary>
    public HighBandwidthChange Promote(long id, bool inbound)
    {
        int outbound = 0;
        for (int i = 0; i < _peers.Count; i++)
        {
            if (_peers[i].Id == id)
            {
                var again = _peers[i];
                _peers.RemoveAt(i);
                _peers.Add(again);
                return default;
            }
            if (!_peers[i].Inbound) outbound++;
        }
        if (inbound && _peers.Count >= Max && outbound == 1 && !_peers[0].Inbound)
            (_peers[0], _peers[1]) = (_peers[1], _peers[0]); // the only outbound one is not the one to go
        long? demoted = null;
        if (_peers.Count >= Max)
        {
            demoted = _peers[0].Id;
            _peers.RemoveAt(0);
        }
        _peers.Add((id, inbound));
        return new HighBandwidthChange(id, demoted);
    }

    /// <summary>The peer is gone: it leaves the list (its slot is free for the next peer that brings a block first).</summary>
    public bool Remove(long id) => _peers.RemoveAll(p => p.Id == id) > 0;
}
