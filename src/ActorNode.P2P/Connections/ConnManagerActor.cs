using System.Net;
using System.Security.Cryptography;
using ActorNode.AddrBook;
using ActorNode.Connections.Bans;
using ActorNode.Connections.Handshake;
using ActorNode.Connections.Inbound;
using ActorNode.Connections.Peers;
using ActorNode.Connections.Relay;
using ActorNode.Connections.Requests;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Peers;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using ActorNode.Wire;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using PeerEntry = ActorNode.Connections.Peers.TablePeer<Akka.Actor.IActorRef>;

namespace ActorNode.P2P.Connections;

/// <summary>Dials, accepts and keeps the node's peers: btcd's connmgr connHandler and the server's peerHandler in one
/// actor (btcd connmgr/connmanager.go, btcd server.go). It supervises one <see cref="PeerActor"/> per connection with a stopping strategy and
/// DeathWatch: a faulty peer stops alone and the node goes on.
/// <para>Outbound: permanent requests (<c>--connect</c>, <c>--addnode</c>) are redialled with linear backoff;
/// automatic ones take addresses from the AddrBookActor (one per network group) up to the target. Inbound: banned
/// addresses are refused at accept, before any handshake work; then btcd's per-/24 (/64) limit on pending handshakes
/// and the inbound budget (max peers − reserved outbound). The PeerActor asks us to rule on each version: self
/// connection, bans and btcd's service policy. Misbehaviour is scored per IP; a score above the threshold bans the IP
/// (saved to banlist.json, so bans survive a restart).</para>
/// <para>The decisions are made by plain classes of ActorNode.Connections (<see cref="PeerTable{THandle}"/>,
/// <see cref="ConnectionRequests"/>, <see cref="InboundPolicy"/>, <see cref="VersionPolicy"/>,
/// <see cref="AddressRelay"/>, <see cref="BanScoreTable"/>, <see cref="BanSaveQueue"/>); this actor dispatches. Start
/// and restart: ConnManagerActor.Start.cs.</para></summary>
public sealed partial class ConnManagerActor : ReceiveActor, IWithTimers, IWithStash
{
    private readonly ConnManagerSettings _settings;
    private readonly IActorRef _addrBook;
    private readonly IActorRef _sync;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly ConnectionRequests _requests;
    private readonly PeerBudget _budget;
    private readonly IpWhitelist _whitelist;
    private readonly BanList _bans;
    private readonly BanScoreTable _scores;
    private readonly BanListFile? _banFile;
    private readonly InboundPolicy _inbound;
    /// <summary>BIP324: which outbound connections start v2, and the one-off v1 reconnection (Core).</summary>
    private readonly V2Fallback _v2;
    private int _bestHeight; // our best block height, the start_height of our version messages
    /// <summary>What gossiped addresses we relay, with Core's addr rate limit per peer (the address book applies its
    /// own, with the same parameters, to what it stores).</summary>
    private readonly AddressRelay _relay;
    private readonly BanSaveQueue _banSaves = new();
    private readonly PeerTable<IActorRef> _peers = new();
    private readonly Dictionary<IPEndPoint, Queue<long>> _dialling = [];
    private readonly Dictionary<long, NetAddressV2> _bookAddress = [];
    private readonly Queue<long> _awaitingNeedMore = new();
    private readonly List<IPEndPoint> _listening = [];

    public ConnManagerActor(ConnManagerSettings settings, IActorRef addrBook, IActorRef sync)
    {
        _settings = settings;
        _addrBook = addrBook;
        _sync = sync;
        int permanent = settings.Connect.Count > 0 ? settings.Connect.Count : settings.AddNodes.Count;
        bool automatic = settings.Connect.Count == 0 && settings.TargetOutbound > 0;
        _budget = PeerBudget.Compute(settings.MaxPeers, permanent, automatic);
        _requests = new ConnectionRequests(new ConnectionRequestOptions
        {
            TargetOutbound = Math.Min(settings.TargetOutbound, _budget.TargetOutbound),
            RetryDuration = settings.RetryDuration,
            Automatic = automatic && _budget.TargetOutbound > 0 && settings.TargetOutbound > 0,
        });
        _whitelist = new IpWhitelist(settings.Whitelist);
        _bans = new BanList(_whitelist, defaultDuration: settings.Bans.Duration);
        _scores = new BanScoreTable(settings.Bans, _whitelist);
        _banFile = settings.DataDirectory is null ? null : BanListFile.InDirectory(settings.DataDirectory);
        _inbound = new InboundPolicy(_budget, _whitelist);
        _relay = new AddressRelay(settings.AddressScope);
        _v2 = new V2Fallback(settings.V2Transport);
        Starting();
    }

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;

    public static Props Props(ConnManagerSettings settings, IActorRef addrBook, IActorRef sync) =>
        Akka.Actor.Props.Create(() => new ConnManagerActor(settings, addrBook, sync));

    /// <summary>A peer's fault is its own: stop that PeerActor, never restart it (a socket-bound actor cannot be
    /// restarted meaningfully).</summary>
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private void Running()
    {
        Observation(); // ConnManagerActor.Observation.cs (first: its CollectedStats handler takes the totals' ones)
        // Listening and dialling (Akka.IO)
        Receive<Tcp.Bound>(bound =>
        {
            _listening.Add((IPEndPoint)bound.LocalAddress);
            _listeners.Add(Sender);
            _log.Info("Listening for peers on {Endpoint}", bound.LocalAddress);
        });
        Receive<Tcp.Connected>(OnTcpConnected);
        Receive<Tcp.CommandFailed>(OnCommandFailed);

        // Connection requests
        Receive<Redial>(m => Carry(_requests.Redial(m.RequestId)));
        Receive<StartAutomatic>(_ => _addrBook.Tell(new PickAddressToDial(
            new HashSet<string>(_peers.OutboundGroups, StringComparer.Ordinal), _settings.Chain.DefaultPort)));
        Receive<AddressToDial>(OnAddressToDial);

        // Peers
        Receive<RuleOnVersion>(OnRuleOnVersion);
        Receive<PeerReady>(OnPeerReady);
        Receive<PeerGone>(OnPeerGone);
        Receive<Terminated>(OnTerminated);
        Receive<PeerMisbehaved>(OnMisbehaved);
        Receive<ReceivedFromPeer>(OnPeerMessage);
        Receive<NeedMoreAddressesAnswer>(OnNeedMoreAddresses);
        Receive<PingMeasured>(OnPingMeasured);
        Receive<OurBestHeight>(m => _bestHeight = m.Height);
        Receive<ScorePeer>(OnScorePeer);

        // Node-level requests
        Receive<RelayInventory>(relay => TellReady(new AnnounceInventory(relay.Item), p => p.Id != relay.ExceptPeer));
        Receive<RelayBlock>(relay => TellReady(new AnnounceBlock(relay.Header),
            p => p.Id != relay.ExceptPeer && relay.Skip?.Contains(p.Id) != true));
        Receive<RelayTransaction>(relay => TellReady(new AnnounceTransaction(relay.Txid, relay.Wtxid, relay.Transaction),
            p => p.Id != relay.ExceptPeer));
        Receive<Broadcast>(broadcast => TellReady(new SendToPeer(broadcast.Message), p => broadcast.Exclude?.Contains(p.Id) != true));
        Receive<GetListenEndpoints>(_ => Sender.Tell(new ListeningOn([.. _listening])));
        Receive<PingPeers>(_ => TellReady(PingNow.Instance));
        Receive<GetConnectionCount>(_ => Sender.Tell(new ConnectionCount(_peers.ReadyInbound, _peers.ReadyOutbound)));
        Receive<GetPeerInfo>(_ =>
        {
            var peers = _peers.All.Select(p => p.Handle).ToList();
            Context.ActorOf(Akka.Actor.Props.Create(() => new StatsCollector(peers, Sender, TimeSpan.FromSeconds(5))));
        });
        Receive<CollectedStats>(collected => collected.Requester.Tell(new PeerInfoList(
            [.. collected.Stats.Select(stats => stats with { BanScore = _scores.Score(stats.Remote.Address) })])));
        Receive<GetPeersStarted>(_ => Sender.Tell(new PeersStarted(_peers.Started)));
        Receive<GetAddedNodeInfo>(_ => Sender.Tell(new AddedNodeInfo([..
            _requests.Pending.Concat(_requests.Established).Where(r => r.Permanent).OrderBy(r => r.Id)
                .Select(r => new AddedNode(r.Address, r.State == ConnState.Established))])));
        Receive<UpdatePeerHeights>(update => TellReady(new BlockHeightKnown(update.Block, update.Height), p => p.Id != update.SourcePeer));
        Receive<AddNode>(add =>
        {
            // btcd ConnectNode: a permanent peer is added once ("peer already connected"); one being removed may
            // be added again at once.
            if (add.Permanent && HasPermanentRequest(add.Address)) return;
            Carry(_requests.Connect(add.Address, add.Permanent, out _));
        });
        Receive<RemoveNode>(remove => DropByAddress(remove.Address, retry: false));
        Receive<DisconnectNode>(disconnect => DropByAddress(disconnect.Address, retry: true));
        Receive<BanAddress>(ban => Ban(ban.Address, ban.Reason ?? "banned by the user", ban.Duration));
        Receive<UnbanAddress>(unban =>
        {
            if (_bans.Unban(unban.Address)) SaveBans();
        });
        Receive<GetBanList>(_ => Sender.Tell(new BanListAnswer(_bans.List(Now))));
        Receive<BansSaved>(OnBansSaved);
        Receive<Node.InjectFault>(Node.InjectFault.Throw);
    }

    /// <summary>Tells every ready peer (that <paramref name="to"/> selects) the same message.</summary>
    private void TellReady(object message, Func<PeerEntry, bool>? to = null)
    {
        foreach (var peer in _peers.Ready)
            if (to?.Invoke(peer) != false) peer.Handle.Tell(message);
    }

    // ---- Inbound -------------------------------------------------------------------------------------------------

    private void OnTcpConnected(Tcp.Connected connected)
    {
        var remote = PeerEndpoints.Normalize((IPEndPoint)connected.RemoteAddress);
        var local = PeerEndpoints.Normalize((IPEndPoint)connected.LocalAddress);
        if (_dialling.TryGetValue(remote, out var waiting) && waiting.TryDequeue(out long requestId))
        {
            if (waiting.Count == 0) _dialling.Remove(remote);
            OnDialled(requestId, Sender, remote, local);
            return;
        }
        // An inbound connection: refused before any handshake work when banned, over the per-prefix limit of
        // pending handshakes, or over the inbound budget with no peer Core's rules would evict (InboundPolicy).
        var decision = _inbound.Decide(remote.Address, _bans.IsBanned(remote.Address, Now), _peers.InboundSlotsTaken, EvictAnInboundPeer);
        if (!decision.Accepted)
        {
            _log.Debug("Refusing inbound {Remote}: {Refusal} ({Count} inbound peers)", remote, decision.Refusal, _peers.InboundSlotsTaken);
            Sender.Tell(Tcp.Abort.Instance);
            return;
        }
        var entry = StartPeer(Sender, remote, local, inbound: true, requestId: null);
        entry.Admission = decision.Ticket;
    }

    // ---- Outbound ------------------------------------------------------------------------------------------------

    /// <summary>Carries out what the request bookkeeping decided.</summary>
    private void Carry(IReadOnlyList<ConnAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case ConnAction.Dial dial:
                    Dial(dial.Request);
                    break;
                case ConnAction.DialLater later:
                    Timers.StartSingleTimer(("redial", later.Request.Id), new Redial(later.Request.Id), later.Delay);
                    break;
                case ConnAction.NewAutomatic automatic when automatic.Delay == TimeSpan.Zero:
                    Self.Tell(StartAutomatic.Instance);
                    break;
                case ConnAction.NewAutomatic automatic:
                    Timers.StartSingleTimer(("automatic", Guid.NewGuid()), StartAutomatic.Instance, automatic.Delay);
                    break;
                case ConnAction.CloseUnwanted:
                    break; // the late connection is closed where it lands (OnDialled)
            }
        }
    }

    private void Dial(ConnRequest request)
    {
        var key = PeerEndpoints.Normalize(request.Address);
        if (!_dialling.TryGetValue(key, out var waiting))
            _dialling[key] = waiting = new Queue<long>();
        waiting.Enqueue(request.Id);
        Context.System.Tcp().Tell(new Tcp.Connect(request.Address, timeout: _settings.DialTimeout, pullMode: true));
    }

    private void OnCommandFailed(Tcp.CommandFailed failed)
    {
        switch (failed.Cmd)
        {
            case Tcp.Connect connect:
                var remote = PeerEndpoints.Normalize((IPEndPoint)connect.RemoteAddress);
                if (_dialling.TryGetValue(remote, out var waiting) && waiting.TryDequeue(out long id))
                {
                    if (waiting.Count == 0) _dialling.Remove(remote);
                    _log.Debug("Dial {Remote} failed: {Cause}", remote, failed.CauseString);
                    _bookAddress.Remove(id); // the book counted the attempt when it picked the address
                    Carry(_requests.Failed(id));
                }
                break;
            case Tcp.Bind bind when _rebind is not null && !_settings.Listen.Contains(bind.LocalAddress)
                && _settings.Listen.FirstOrDefault(e => e.Address.Equals(((IPEndPoint)bind.LocalAddress).Address)) is { } configured:
                // The port bound before a restart is taken now: listen as configured.
                _log.Warning("Cannot listen on {Endpoint} again ({Cause}); listening on {Configured}", bind.LocalAddress, failed.CauseString, configured);
                Bind(configured);
                break;
            case Tcp.Bind bind:
                _log.Error("Cannot listen on {Endpoint}: {Cause}", bind.LocalAddress, failed.CauseString);
                break;
        }
    }

    private void OnDialled(long requestId, IActorRef connection, IPEndPoint remote, IPEndPoint local)
    {
        var request = _requests.Find(requestId);
        var actions = _requests.Connected(requestId);
        if (request is null || actions.Any(a => a is ConnAction.CloseUnwanted))
        {
            connection.Tell(Tcp.Abort.Instance);
            return;
        }
        StartPeer(connection, remote, local, inbound: false, requestId);
    }

    private void OnAddressToDial(AddressToDial answer)
    {
        if (answer.Address is not { } address || PeerEndpoints.ToEndPoint(address) is not { } endpoint)
        {
            Carry(_requests.NoAddress());
            return;
        }
        var actions = _requests.Connect(endpoint, permanent: false, out var request);
        _bookAddress[request.Id] = address;
        Carry(actions);
    }

    private void DropByAddress(IPEndPoint address, bool retry)
    {
        foreach (var request in _requests.Established.Concat(_requests.Pending).Where(r => r.Address.Equals(address)).ToList())
        {
            var peer = _peers.All.FirstOrDefault(p => p.RequestId == request.Id);
            if (peer is not null)
            {
                peer.RetryOnGone = retry;
                peer.Handle.Tell(new DisconnectPeer(retry ? "disconnected by the user" : "removed by the user"));
            }
            else
            {
                Carry(_requests.Disconnected(request.Id, retry));
            }
        }
        foreach (var peer in _peers.All.Where(p => p.RequestId is null && p.Remote.Equals(address)))
            peer.Handle.Tell(new DisconnectPeer("disconnected by the user"));
    }

    // ---- Peers ---------------------------------------------------------------------------------------------------

    private PeerEntry StartPeer(IActorRef connection, IPEndPoint remote, IPEndPoint local, bool inbound, long? requestId)
    {
        long id = _peers.NextId();
        ulong nonce = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        var request = requestId is { } dialled ? _requests.Find(dialled) : null;
        // Inbound with v2 on: detect v1 or run the responder. Outbound: v2 as Core chooses (V2Fallback.UseV2).
        bool v2 = inbound
            ? _settings.V2Transport
            : _v2.UseV2(PeerEndpoints.Normalize(request?.Address ?? remote), request?.Permanent ?? false,
                requestId is { } r && _bookAddress.TryGetValue(r, out var book) ? book.Services : null);
        var settings = _settings.ForPeer(id, remote, local, inbound, nonce, _bestHeight, _inboundSchedule,
            _settings.LinkShaping?.Invoke(remote, inbound)) with { V2Transport = v2 };
        var actor = Context.ActorOf(PeerActor.Props(settings, connection, Self, _sync), $"peer-{id}");
        Context.Watch(actor);
        var entry = _peers.Add(id, actor, remote, inbound, requestId, nonce, Now, noBan: _whitelist.Contains(remote.Address));
        entry.TriedV2 = v2 && !inbound;
        if (requestId is { } rid)
        {
            entry.Permanent = _requests.Find(rid)?.Permanent ?? false;
            entry.BookAddress = _bookAddress.GetValueOrDefault(rid);
        }
        _log.Debug("Peer {PeerId} {Direction} {Remote}", id, inbound ? "inbound from" : "outbound to", remote);
        return entry;
    }

    private void OnRuleOnVersion(RuleOnVersion rule)
    {
        if (!_peers.TryGet(rule.PeerId, out var peer)) return;
        var version = rule.Version;
        bool self = _peers.IsOurNonce(version.Nonce), banned = _bans.IsBanned(rule.Remote.Address, Now);
        // btcd server OnVersion: what an outbound peer offers is news for the address book, accepted or not.
        if (!self && !banned && !rule.Inbound && peer.BookAddress is { } address) _addrBook.Tell(new ServicesLearned(address, version.Services));
        var ruling = VersionPolicy.Rule(self, banned, rule.Inbound, version.Services);
        Sender.Tell(ruling.IsAccepted ? VersionAccepted.Instance : new VersionRefused(ruling.Reason!,
            ruling.SendReject ? new RejectMessage("version", RejectCode.Nonstandard, ruling.Reason!) : null));
    }

    private void OnPeerReady(PeerReady ready)
    {
        if (!_peers.TryGet(ready.PeerId, out var peer)) return;
        if (peer.Admission is { } ticket)
        {
            _inbound.Admission.HandshakeDone(ticket);
            peer.Admission = null;
        }
        if (_peers.ReadyNotEvicted >= _settings.MaxPeers)
        {
            peer.Handle.Tell(new DisconnectPeer("max peers reached"));
            return;
        }
        peer.Services = ready.Handshake.Remote.Services;
        peer.ProtocolVersion = ready.Handshake.NegotiatedVersion;
        peer.RelayTxs = ready.Handshake.Remote.Relay;
        peer.SourceAddress = NetAddressV2.FromLegacy(new NetAddress(peer.Services, ready.Remote.Address,
            (ushort)ready.Remote.Port, (uint)Now.ToUnixTimeSeconds()));
        _peers.MarkReady(peer, peer.Inbound ? null : _settings.AddressScope.GroupKey(peer.BookAddress ?? peer.SourceAddress));
        _addrBook.Tell(new ConnectedTo(peer.BookAddress ?? peer.SourceAddress));
        if (!peer.Inbound)
        {
            _awaitingNeedMore.Enqueue(peer.Id);
            _addrBook.Tell(NeedMoreAddresses.Instance);
            _addrBook.Tell(new MarkGood(peer.BookAddress ?? peer.SourceAddress));
        }
        _log.Info("Peer {PeerId} {Remote} connected ({Direction}, {UserAgent}, height {Height})", peer.Id, ready.Remote,
            peer.Inbound ? "inbound" : "outbound", ready.Handshake.Remote.UserAgent, ready.Handshake.Remote.StartHeight);
    }

    private void OnNeedMoreAddresses(NeedMoreAddressesAnswer answer)
    {
        if (!_awaitingNeedMore.TryDequeue(out long peerId) || !answer.Needed) return;
        if (_peers.TryGet(peerId, out var peer) && peer.IsReady && peer.SourceAddress is { } source)
        {
            _addrBook.Tell(new ExpectAddresses(source));
            _relay.ExpectAnswer(peer.Id, Now); // Core: the answer may be large
            peer.AwaitingAddrResponse = true;
            peer.Handle.Tell(new SendToPeer(GetAddrMessage.Instance));
        }
    }

    /// <summary>A peer's message for us. The peer is answered with <see cref="PeerMessageHandled"/> once we are done
    /// with it, or by the sync actor when we pass the message on (with the peer as its sender).</summary>
    private void OnPeerMessage(ReceivedFromPeer received)
    {
        if (!HandlePeerMessage(received)) Sender.Tell(PeerMessageHandled.Instance);
    }

    /// <summary>True when the message went on to the sync actor, which then answers the peer.</summary>
    private bool HandlePeerMessage(ReceivedFromPeer received)
    {
        if (!_peers.TryGet(received.PeerId, out var peer) || !peer.IsReady) return false;
        // A peer we have just banned is on its way out: what it sent meanwhile is neither scored nor served.
        if (_bans.IsBanned(peer.Remote.Address, Now)) return false;
        switch (received.Message)
        {
            case AddrMessage addr:
                OnAddresses(peer, [.. addr.Addresses.Select(NetAddressV2.FromLegacy)]);
                break;
            case AddrV2Message addrv2:
                OnAddresses(peer, [.. addrv2.Addresses]);
                break;
            case GetAddrMessage:
                // btcd OnGetAddr: never to outbound peers (fingerprinting), once per connection.
                if (peer.Inbound && !peer.AnsweredGetAddr)
                {
                    peer.AnsweredGetAddr = true;
                    _addrBook.Tell(GetAddresses.Instance, peer.Handle); // the book answers the peer directly
                }
                break;
            case FilterLoadMessage or FilterAddMessage or FilterClearMessage:
                // Only without PeerBloomFilters (with it, the PeerActor keeps the peer's filter and never forwards these).
                // We do not offer NODE_BLOOM: btcd disconnects, and scores 100 when the peer should know (BIP111).
                if (peer.ProtocolVersion >= ProtocolVersion.Bip0111)
                    Score(peer.Remote.Address, BanPenalty.BloomWhileDisabled(received.Message.Command));
                peer.Handle.Tell(new DisconnectPeer($"{received.Message.Command} without NODE_BLOOM"));
                break;
            case MemPoolMessage when _settings.PeerBloomFilters:
                // btcd OnMemPool: 33 transient points against floods, then the sync actor, which owns the pool, sends
                // the pool to the PeerActor, which announces what its filter matches.
                if (!Score(peer.Remote.Address, BanPenalty.Mempool())) return ToSync(received);
                break;
            case MemPoolMessage:
                peer.Handle.Tell(new DisconnectPeer("mempool without NODE_BLOOM"));
                break;
            case GetDataMessage getData:
                // btcd OnGetData: an empty request is ignored; a large one scores ⌊n·99/50,000⌋ transient points
                // before anything is served, and a peer that this bans is not served.
                if (getData.Inventory.Length == 0) break;
                if (!Score(peer.Remote.Address, BanPenalty.GetData(getData.Inventory.Length))) return ToSync(received);
                break;
            case NotFoundMessage notFound:
                return OnNotFound(peer, notFound, received);
        }
        return false;
    }

    /// <summary>Passes a peer's message on to the sync actor, keeping the peer as the sender so that the sync actor
    /// answers it; false (we answer) when there is no sync actor.</summary>
    private bool ToSync(ReceivedFromPeer received)
    {
        if (_sync.IsNobody()) return false;
        _sync.Forward(received);
        return true;
    }

    /// <summary>btcd OnNotFound: an entry that is no block or transaction disconnects (no score); otherwise 20
    /// persistent points per block, then 10 transient points per transaction, each stopping if it bans; then the
    /// sync actor hears of it. Beyond btcd, a BIP339 MSG_WTX entry counts as a transaction (we send wtxidrelay).</summary>
    private bool OnNotFound(PeerEntry peer, NotFoundMessage notFound, ReceivedFromPeer received)
    {
        int blocks = 0, transactions = 0;
        foreach (var item in notFound.Inventory)
        {
            switch (item.Type)
            {
                case InvType.Block or InvType.WitnessBlock:
                    blocks++;
                    break;
                case InvType.Tx or InvType.WitnessTx or InvType.Wtx:
                    transactions++;
                    break;
                default:
                    peer.Handle.Tell(new DisconnectPeer($"invalid inventory type {item.Type} in notfound"));
                    return false;
            }
        }
        if (blocks > 0 && Score(peer.Remote.Address, BanPenalty.NotFoundBlocks(blocks))) return false;
        if (transactions > 0 && Score(peer.Remote.Address, BanPenalty.NotFoundTransactions(transactions))) return false;
        return ToSync(received);
    }

    private void OnAddresses(PeerEntry peer, IReadOnlyList<NetAddressV2> addresses)
    {
        if (addresses.Count == 0)
        {
            peer.Handle.Tell(new DisconnectPeer("empty addr message"));
            return;
        }
        _addrBook.Tell(new AddAddresses(addresses, peer.SourceAddress!, AddressOrigin.Peer));

        // Beyond btcd, Bitcoin Core's gossip (AddressRelay): a small unsolicited message of fresh, routable addresses
        // goes on to two random other peers, within the sender's rate limit; not the answer to our getaddr.
        bool answersGetAddr = peer.AwaitingAddrResponse;
        if (addresses.Count < WireLimits.MaxAddrPerMessage) peer.AwaitingAddrResponse = false;
        var relayed = _relay.ToRelay(peer.Id, addresses, answersGetAddr, Now);
        if (relayed.Count == 0) return;
        var (first, second) = _relay.PickTwo(_peers.Ready.Where(other => other.Id != peer.Id));
        var message = new SendAddresses(relayed);
        first?.Handle.Tell(message);
        second?.Handle.Tell(message);
    }

    /// <summary>Scores a peer's fault against its IP. The report is scored even when the peer has already gone: its
    /// Terminated (a system message) may overtake the report in our mailbox.</summary>
    private void OnPeerGone(PeerGone gone)
    {
        CountGoneBytes(gone);
        if (!_peers.TryGet(gone.PeerId, out var peer)) return;
        peer.GoneReason = gone.Reason;
        peer.ReconnectV1 = peer.TriedV2 && gone.ReconnectV1;
    }

    /// <summary>btcd handleDonePeerMsg: forget the peer; outbound requests are redialled (permanent) or replaced.</summary>
    private void OnTerminated(Terminated terminated)
    {
        if (terminated.ActorRef.Equals(_sync))
        {
            _log.Error("The sync actor stopped: closing every peer and stopping (a node without its chain serves no peer)");
            Context.Stop(Self);
            return;
        }
        if (_peers.Remove(terminated.ActorRef) is not { } peer) return;
        if (peer.Admission is { } ticket) _inbound.Admission.Closed(ticket);
        if (peer.SourceAddress is { } source) _addrBook.Tell(new SourceGone(source));
        _relay.Forget(peer.Id);
        if (peer.IsReady) _sync.Tell(new PeerGone(peer.Id, peer.Remote, peer.Inbound, peer.GoneReason ?? "stopped", true));
        _log.Debug("Peer {PeerId} {Remote} gone: {Reason}", peer.Id, peer.Remote, peer.GoneReason ?? "stopped");
        if (peer.RequestId is not { } requestId) return;
        if (peer.ReconnectV1 && RedialWithV1(peer, requestId)) return;
        _bookAddress.Remove(requestId);
        if (peer.Permanent)
        {
            // Redialled with backoff, unless the user removed it.
            Carry(_requests.Disconnected(requestId, retry: peer.RetryOnGone ?? true));
            return;
        }
        // An automatic peer is replaced by a fresh request for another address (btcd Remove + NewConnReq).
        Carry(_requests.Disconnected(requestId, retry: false));
        if (_requests.Options.Automatic) Self.Tell(StartAutomatic.Instance);
    }

    /// <summary>Core's reconnection with v1 (DisconnectNodes → m_reconnections → PerformReconnections): the v2
    /// attempt was closed before the peer said anything, so the same address is dialled again at once, with v1, as
    /// the same kind of connection; the address is remembered as v1-only. False when it was v1-only already.</summary>
    private bool RedialWithV1(PeerEntry peer, long requestId)
    {
        var address = _requests.Find(requestId)?.Address ?? peer.Remote;
        if (!_v2.OnV2AttemptClosed(PeerEndpoints.Normalize(address))) return false;
        _log.Info("Peer {PeerId} {Remote} closed during the v2 handshake: retrying with the v1 transport protocol",
            peer.Id, address);
        _bookAddress.Remove(requestId, out var book);
        Carry(_requests.Disconnected(requestId, retry: false));
        var actions = _requests.Connect(address, peer.Permanent, out var again);
        if (book is not null) _bookAddress[again.Id] = book;
        Carry(actions);
        return true;
    }

    private sealed record BansSaved(string? Error);
    private sealed record Redial(long RequestId);

    private sealed record StartAutomatic
    {
        public static readonly StartAutomatic Instance = new();
    }
}
