using System.Net;
using ActorNode.Connections.Bans;
using ActorNode.P2P.Peers;
using ActorNode.Wire;
using Akka.Actor;
using Akka.Event;

namespace ActorNode.P2P.Connections;

/// <summary>The ConnManagerActor's misbehaviour scores and bans (btcd server.go <c>BanPeer</c>, connmgr's
/// DynamicBanScore): scoring a peer's address, banning past the threshold, and saving banlist.json one write at a
/// time.</summary>
public sealed partial class ConnManagerActor
{
    private void OnMisbehaved(PeerMisbehaved misbehaved)
    {
        var penalty = misbehaved.Fault switch
        {
            PeerFault.Codec when misbehaved.CodecError is { } error => BanPenalty.ForWireError(error, misbehaved.Detail),
            PeerFault.DuplicateVersion or PeerFault.DuplicateVerack or PeerFault.LateHandshakeMessage
                or PeerFault.Handshake => BanPenalty.ForWireError(WireError.Malformed, misbehaved.Detail),
            PeerFault.BloomFilter => BanPenalty.BadBloomFilter(misbehaved.Detail),
            _ => (BanPenalty?)null, // stalls, idleness, slowness and timeouts disconnect without a score, as in btcd
        };
        _log.Debug("Peer {PeerId} {Remote} misbehaved: {Fault} {Detail}", misbehaved.PeerId, misbehaved.Remote,
            misbehaved.Fault, misbehaved.Detail);
        if (penalty is { } p) Score(misbehaved.Remote.Address, p);
    }

    private void OnScorePeer(ScorePeer score)
    {
        if (!_peers.TryGet(score.PeerId, out var peer)) return;
        _log.Debug("Peer {PeerId} {Remote} misbehaved: {Detail}", peer.Id, peer.Remote, score.Penalty.Detail);
        bool banned = !peer.NoBan && Score(peer.Remote.Address, score.Penalty);
        if (!banned && score.Disconnect) peer.Handle.Tell(new DisconnectPeer(score.Penalty.Detail));
    }

    /// <summary>btcd addBanScore: raises the IP's score; returns true when it bans (and so disconnects) the IP.</summary>
    private bool Score(IPAddress address, BanPenalty penalty)
    {
        var outcome = _scores.Add(address, penalty);
        switch (outcome.Verdict)
        {
            case BanVerdict.Warning:
                _log.Warning("Misbehaving peer {Remote}: {Detail} (ban score {Score})", address, penalty.Detail, outcome.Score);
                return false;
            case BanVerdict.Ban:
                Ban(address, $"ban score {outcome.Score}: {penalty.Detail}", null);
                return true;
            default:
                return false;
        }
    }

    private void Ban(IPAddress address, string reason, TimeSpan? duration)
    {
        if (!_bans.Ban(address, reason, duration)) return;
        _log.Warning("Banned {Address} for {Duration}: {Reason}", address, duration ?? _settings.Bans.Duration, reason);
        foreach (var peer in _peers.All.Where(p => p.Remote.Address.Equals(address)))
            peer.Handle.Tell(new DisconnectPeer("banned"));
        SaveBans();
    }

    /// <summary>Writes banlist.json after a change, one write at a time (BanSaveQueue).</summary>
    private void SaveBans()
    {
        if (_banFile is not null && _banSaves.Changed()) WriteBans(_banFile);
    }

    private void WriteBans(BanListFile file) =>
        file.SaveAsync(_bans.List(Now)).ContinueWith(
            t => new BansSaved(t.IsCompletedSuccessfully ? null : t.Exception?.GetBaseException().Message),
            TaskScheduler.Default).PipeTo(Self);

    private void OnBansSaved(BansSaved saved)
    {
        if (saved.Error is not null) _log.Error("Could not save the ban list: {Error}", saved.Error);
        else _bans.MarkSaved();
        if (_banSaves.Finished()) WriteBans(_banFile!);
    }
}
