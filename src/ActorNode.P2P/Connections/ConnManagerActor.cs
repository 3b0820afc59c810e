using System.Net;
using System.Security.Cryptography;
using ActorNode.AddrBook;
using ActorNode.Connections.Bans;
using ActorNode.Connections.Inbound;
using ActorNode.Connections.Peers;
using ActorNode.Connections.Requests;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Peers;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.Event;
using Akka.IO;

namespace ActorNode.P2P.Connections;

/// <summary>Dials, accepts and keeps the node's peers: btcd's connmgr connHandler and the server's peerHandler in one
/// actor (reference §4, §5). It supervises one <see cref="PeerActor"/> per connection with a stopping strategy and
/// DeathWatch: a faulty peer stops alone and the node goes on.
/// <para>Outbound: permanent requests (<c>--connect</c>, <c>--addnode</c>) are redialled with linear backoff;
/// automatic ones take addresses from the AddrBookActor (one per network group) up to the target. Inbound: banned
/// addresses are refused at accept, before any handshake work; then btcd's per-/24 (/64) limit on pending handshakes
/// and the inbound budget (max peers − reserved outbound). The PeerActor asks us to rule on each version: self
/// connection, bans and btcd's service policy. Misbehaviour is scored per IP; a score above the threshold bans the IP
/// (saved to banlist.json, so bans survive a restart).</para></summary>
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
    private readonly InboundAdmission _admission = new();
    /// <summary>BIP324: which outbound connections start v2, and the one-off v1 reconnection (Core).</summary>
    private readonly V2Fallback _v2;
    private int _bestHeight; // our best block height, the start_height of our version messages
    /// <summary>Core's addr rate limit, per peer, deciding what we relay (the address book applies its own, with the
    /// same parameters, to what it stores).</summary>
    private readonly AddrRateLimiter _relayLimit = new(AddrRateLimitOptions.Core);

    private readonly Dictionary<long, PeerEntry> _peers = [];
    private readonly PeerTally _tally = new();
    private readonly Dictionary<IActorRef, long> _peerByActor = [];
    private readonly HashSet<ulong> _ourNonces = [];
    private readonly Dictionary<string, int> _outboundGroups = new(StringComparer.Ordinal);
    private readonly Dictionary<IPEndPoint, Queue<long>> _dialling = [];
    private readonly Dictionary<long, NetAddressV2> _bookAddress = [];
    private readonly Queue<long> _awaitingNeedMore = new();
    private readonly List<IPEndPoint> _listening = [];
    private long _nextPeerId;
    private bool _savingBans, _saveBansAgain;

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

    // ---- Start: load bans, then listen and dial ------------------------------------------------------------------

    protected override void PreStart()
    {
        // The sync actor serves MSG_FILTERED_BLOCK and mempool only when told (off: notfound, as before).
        if (_settings.PeerBloomFilters && !_sync.IsNobody()) _sync.Tell(Sync.BloomFiltersServed.Instance);
        if (_banFile is null)
        {
            Self.Tell(new BansLoaded(new BanListLoadResult.Missing()));
            return;
        }
        var file = _banFile;
        file.LoadAsync().ContinueWith(t => new BansLoaded(t.IsCompletedSuccessfully
            ? t.Result
            : new BanListLoadResult.Corrupt(t.Exception?.GetBaseException().Message ?? "unreadable", null)),
            TaskScheduler.Default).PipeTo(Self);
    }

    private void Starting()
    {
        Receive<BansLoaded>(loaded =>
        {
            switch (loaded.Result)
            {
                case BanListLoadResult.Loaded bans:
                    _bans.Restore(bans.Entries);
                    _log.Info("Loaded {Count} bans from {Path}", bans.Entries.Count, _banFile!.FilePath);
                    break;
                case BanListLoadResult.Corrupt corrupt:
                    _log.Warning("Ban list {Path} was unreadable ({Reason}); moved aside to {MovedTo}; starting with no bans",
                        _banFile?.FilePath ?? "", corrupt.Reason, corrupt.MovedTo ?? "(could not move it)");
                    break;
            }
            foreach (var endpoint in _settings.Listen)
                Context.System.Tcp().Tell(new Tcp.Bind(Self, endpoint, _settings.ListenBacklog, pullMode: true));
            foreach (var address in _settings.Connect.Count > 0 ? _settings.Connect : _settings.AddNodes)
                Carry(_requests.Connect(address, permanent: true, out _));
            Carry(_requests.Start());
            Become(Running);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Observation(); // ConnManagerActor.Observation.cs (first: its CollectedStats handler takes the totals' ones)
        // Listening and dialling (Akka.IO)
        Receive<Tcp.Bound>(bound =>
        {
            _listening.Add((IPEndPoint)bound.LocalAddress);
            _log.Info("Listening for peers on {Endpoint}", bound.LocalAddress);
        });
        Receive<Tcp.Connected>(OnTcpConnected);
        Receive<Tcp.CommandFailed>(OnCommandFailed);

        // Connection requests
        Receive<Redial>(m => Carry(_requests.Redial(m.RequestId)));
        Receive<StartAutomatic>(_ => _addrBook.Tell(new PickAddressToDial(
            new HashSet<string>(_outboundGroups.Keys, StringComparer.Ordinal), _settings.Chain.DefaultPort)));
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
        Receive<RelayInventory>(relay =>
        {
            foreach (var peer in ReadyPeers())
                if (peer.Id != relay.ExceptPeer) peer.Actor.Tell(new AnnounceInventory(relay.Item));
        });
        Receive<RelayBlock>(relay =>
        {
            var announce = new AnnounceBlock(relay.Header);
            foreach (var peer in ReadyPeers())
                if (peer.Id != relay.ExceptPeer && relay.Skip?.Contains(peer.Id) != true) peer.Actor.Tell(announce);
        });
        Receive<RelayTransaction>(relay =>
        {
            var announce = new AnnounceTransaction(relay.Txid, relay.Wtxid, relay.Transaction);
            foreach (var peer in ReadyPeers())
                if (peer.Id != relay.ExceptPeer) peer.Actor.Tell(announce);
        });
        Receive<Broadcast>(broadcast =>
        {
            foreach (var peer in ReadyPeers())
                if (broadcast.Exclude is null || !broadcast.Exclude.Contains(peer.Id)) peer.Actor.Tell(new SendToPeer(broadcast.Message));
        });
        Receive<GetListenEndpoints>(_ => Sender.Tell(new ListeningOn([.. _listening])));
        Receive<PingPeers>(_ =>
        {
            foreach (var peer in ReadyPeers()) peer.Actor.Tell(PingNow.Instance);
        });
        Receive<GetConnectionCount>(_ => Sender.Tell(new ConnectionCount(_tally.ReadyInbound, _tally.ReadyOutbound)));
        Receive<GetPeerInfo>(_ =>
        {
            var peers = _peers.Values.Select(p => p.Actor).ToList();
            Context.ActorOf(Akka.Actor.Props.Create(() => new StatsCollector(peers, Sender, TimeSpan.FromSeconds(5))));
        });
        Receive<CollectedStats>(collected => collected.Requester.Tell(new PeerInfoList(
            [.. collected.Stats.Select(stats => stats with { BanScore = _scores.Score(stats.Remote.Address) })])));
        Receive<GetPeersStarted>(_ => Sender.Tell(new PeersStarted(_nextPeerId)));
        Receive<GetAddedNodeInfo>(_ => Sender.Tell(new AddedNodeInfo([..
            _requests.Pending.Concat(_requests.Established).Where(r => r.Permanent).OrderBy(r => r.Id)
                .Select(r => new AddedNode(r.Address, r.State == ConnState.Established))])));
        Receive<UpdatePeerHeights>(update =>
        {
            foreach (var peer in ReadyPeers())
                if (peer.Id != update.SourcePeer) peer.Actor.Tell(new BlockHeightKnown(update.Block, update.Height));
        });
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
    }

    // ---- Inbound -------------------------------------------------------------------------------------------------

    private void OnTcpConnected(Tcp.Connected connected)
    {
        var remote = Normalize((IPEndPoint)connected.RemoteAddress);
        var local = Normalize((IPEndPoint)connected.LocalAddress);
        if (_dialling.TryGetValue(remote, out var waiting) && waiting.TryDequeue(out long requestId))
        {
            if (waiting.Count == 0) _dialling.Remove(remote);
            OnDialled(requestId, Sender, remote, local);
            return;
        }
        // An inbound connection: refused before any handshake work when banned, over the per-prefix limit of
        // pending handshakes, or over the inbound budget with no peer Core's rules would evict.
        if (_bans.IsBanned(remote.Address, Now))
        {
            _log.Debug("Refusing inbound {Remote}: banned", remote);
            Sender.Tell(Tcp.Abort.Instance);
            return;
        }
        // The per-prefix check comes first: a newcomer it would refuse must not evict anyone. Whitelisted addresses
        // (--whitelist: peers the operator trusts, Core's "noban" permission) are not held to it: many peers behind
        // one trusted address (a lab worker's nodes, a LAN behind NAT) would otherwise be refused while handshakes
        // are slow.
        AdmissionTicket? ticket = null;
        if (!_whitelist.Contains(remote.Address))
        {
            if (_admission.TryAdmit(remote.Address, out var admitted)) ticket = admitted;
            else
            {
                _log.Debug("Refusing inbound {Remote}: too many pending handshakes from its network", remote);
                Sender.Tell(Tcp.Abort.Instance);
                return;
            }
        }
        int inbound = _tally.InboundSlotsTaken;
        if (!_budget.CanAcceptInbound(inbound) && !EvictAnInboundPeer())
        {
            if (ticket is { } taken) _admission.Closed(taken);
            _log.Debug("Refusing inbound {Remote}: {Count} inbound peers is the limit and none can be evicted", remote, inbound);
            Sender.Tell(Tcp.Abort.Instance);
            return;
        }
        var entry = StartPeer(Sender, remote, local, inbound: true, requestId: null);
        entry.Admission = ticket;
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

    /// <summary>Akka.IO reports IPv4 peers as IPv4-mapped IPv6 on dual-stack sockets; we key everything by plain IPv4.</summary>
    private static IPEndPoint Normalize(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;

    private void Dial(ConnRequest request)
    {
        var key = Normalize(request.Address);
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
                var remote = Normalize((IPEndPoint)connect.RemoteAddress);
                if (_dialling.TryGetValue(remote, out var waiting) && waiting.TryDequeue(out long id))
                {
                    if (waiting.Count == 0) _dialling.Remove(remote);
                    _log.Debug("Dial {Remote} failed: {Cause}", remote, failed.CauseString);
                    _bookAddress.Remove(id); // the book counted the attempt when it picked the address
                    Carry(_requests.Failed(id));
                }
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
        if (answer.Address is not { } address || ToEndPoint(address) is not { } endpoint)
        {
            Carry(_requests.NoAddress());
            return;
        }
        var actions = _requests.Connect(endpoint, permanent: false, out var request);
        _bookAddress[request.Id] = address;
        Carry(actions);
    }

    private static IPEndPoint? ToEndPoint(NetAddressV2 address) => address.Network switch
    {
        AddressNetwork.IPv4 or AddressNetwork.IPv6 => new IPEndPoint(new IPAddress(address.Address.Span), address.Port),
        _ => null, // Tor, I2P and CJDNS need a proxy we do not have
    };

    private void DropByAddress(IPEndPoint address, bool retry)
    {
        foreach (var request in _requests.Established.Concat(_requests.Pending).Where(r => r.Address.Equals(address)).ToList())
        {
            var peer = _peers.Values.FirstOrDefault(p => p.RequestId == request.Id);
            if (peer is not null)
            {
                peer.RetryOnGone = retry;
                peer.Actor.Tell(new DisconnectPeer(retry ? "disconnected by the user" : "removed by the user"));
            }
            else
            {
                Carry(_requests.Disconnected(request.Id, retry));
            }
        }
        foreach (var peer in _peers.Values.Where(p => p.RequestId is null && p.Remote.Equals(address)))
            peer.Actor.Tell(new DisconnectPeer("disconnected by the user"));
    }

    // ---- Peers ---------------------------------------------------------------------------------------------------

    private PeerEntry StartPeer(IActorRef connection, IPEndPoint remote, IPEndPoint local, bool inbound, long? requestId)
    {
        long id = ++_nextPeerId;
        ulong nonce = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        _ourNonces.Add(nonce);
        var request = requestId is { } dialled ? _requests.Find(dialled) : null;
        // Inbound with v2 on: detect v1 or run the responder. Outbound: v2 as Core chooses (V2Fallback.UseV2).
        bool v2 = inbound
            ? _settings.V2Transport
            : _v2.UseV2(Normalize(request?.Address ?? remote), request?.Permanent ?? false,
                requestId is { } r && _bookAddress.TryGetValue(r, out var book) ? book.Services : null);
        var services = _settings.PeerBloomFilters ? _settings.Services | ServiceFlags.Bloom : _settings.Services & ~ServiceFlags.Bloom;
        services = _settings.V2Transport ? services | ServiceFlags.P2PV2 : services & ~ServiceFlags.P2PV2;
        var settings = new PeerSettings
        {
            PeerId = id,
            Remote = remote,
            Local = local,
            Inbound = inbound,
            Magic = _settings.Chain.Magic,
            Nonce = nonce,
            Services = services,
            V2Transport = v2,
            UserAgent = _settings.UserAgent,
            RelayTransactions = !_settings.BlocksOnly,
            StartHeight = _bestHeight,
            TrickleInterval = _settings.TrickleInterval,
            HandshakeTimeout = _settings.HandshakeTimeout,
            PingInterval = _settings.PingInterval,
            PingTimeout = _settings.PingTimeout,
            // Every connection is opened in pull mode: a peer's reads are paced by its actor (TcpTransport).
            Transport = _settings.Transport with { PullMode = true },
        };
        var actor = Context.ActorOf(PeerActor.Props(settings, connection, Self, _sync), $"peer-{id}");
        Context.Watch(actor);
        var entry = new PeerEntry(id, actor, remote, inbound, requestId, nonce)
        {
            TriedV2 = v2 && !inbound,
            ConnectedAt = Now,
            NoBan = _whitelist.Contains(remote.Address),
        };
        if (requestId is { } rid)
        {
            entry.Permanent = _requests.Find(rid)?.Permanent ?? false;
            entry.BookAddress = _bookAddress.GetValueOrDefault(rid);
        }
        _peers[id] = entry;
        entry.Added(_tally);
        _peerByActor[actor] = id;
        _log.Debug("Peer {PeerId} {Direction} {Remote}", id, inbound ? "inbound from" : "outbound to", remote);
        return entry;
    }

    private IEnumerable<PeerEntry> ReadyPeers() => _peers.Values.Where(p => p.Ready);

    private void OnRuleOnVersion(RuleOnVersion rule)
    {
        if (!_peers.TryGetValue(rule.PeerId, out var peer)) return;
        var version = rule.Version;
        if (_ourNonces.Contains(version.Nonce))
        {
            Sender.Tell(new VersionRefused("connected to self"));
            return;
        }
        if (_bans.IsBanned(rule.Remote.Address, Now))
        {
            Sender.Tell(new VersionRefused("banned"));
            return;
        }
        if (!rule.Inbound)
        {
            // btcd server OnVersion: outbound peers must serve the chain (NODE_NETWORK) and, segwit being active on
            // every network we run, witness data.
            if (peer.BookAddress is { } address) _addrBook.Tell(new ServicesLearned(address, version.Services));
            if (!version.Services.HasFlag(ServiceFlags.Network))
            {
                string reason = $"required services {(ulong)ServiceFlags.Network:x} not offered";
                Sender.Tell(new VersionRefused(reason, new RejectMessage("version", RejectCode.Nonstandard, reason)));
                return;
            }
            if (!version.Services.HasFlag(ServiceFlags.Witness))
            {
                Sender.Tell(new VersionRefused("peer does not offer witness data"));
                return;
            }
        }
        Sender.Tell(VersionAccepted.Instance);
    }

    private void OnPeerReady(PeerReady ready)
    {
        if (!_peers.TryGetValue(ready.PeerId, out var peer)) return;
        if (peer.Admission is { } ticket)
        {
            _admission.HandshakeDone(ticket);
            peer.Admission = null;
        }
        if (_tally.ReadyNotEvicted >= _settings.MaxPeers)
        {
            peer.Actor.Tell(new DisconnectPeer("max peers reached"));
            return;
        }
        peer.MarkReady(_tally);
        peer.Services = ready.Handshake.Remote.Services;
        peer.ProtocolVersion = ready.Handshake.NegotiatedVersion;
        peer.RelayTxs = ready.Handshake.Remote.Relay;
        peer.SourceAddress = NetAddressV2.FromLegacy(new NetAddress(peer.Services, ready.Remote.Address,
            (ushort)ready.Remote.Port, (uint)Now.ToUnixTimeSeconds()));
        _addrBook.Tell(new ConnectedTo(peer.BookAddress ?? peer.SourceAddress));
        if (!peer.Inbound)
        {
            peer.Group = _settings.AddressScope.GroupKey(peer.BookAddress ?? peer.SourceAddress);
            _outboundGroups[peer.Group] = _outboundGroups.GetValueOrDefault(peer.Group) + 1;
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
        if (_peers.TryGetValue(peerId, out var peer) && peer.Ready && peer.SourceAddress is { } source)
        {
            _addrBook.Tell(new ExpectAddresses(source));
            _relayLimit.Credit(RelayKey(peer), Now); // Core: the answer may be large
            peer.AwaitingAddrResponse = true;
            peer.Actor.Tell(new SendToPeer(GetAddrMessage.Instance));
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
        if (!_peers.TryGetValue(received.PeerId, out var peer) || !peer.Ready) return false;
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
                    _addrBook.Tell(GetAddresses.Instance, peer.Actor); // the book answers the peer directly
                }
                break;
            case FilterLoadMessage or FilterAddMessage or FilterClearMessage:
                // Only without PeerBloomFilters (with it, the PeerActor keeps the peer's filter and never forwards these).
                // We do not offer NODE_BLOOM: btcd disconnects, and scores 100 when the peer should know (BIP111).
                if (peer.ProtocolVersion >= ProtocolVersion.Bip0111)
                    Score(peer.Remote.Address, BanPenalty.BloomWhileDisabled(received.Message.Command));
                peer.Actor.Tell(new DisconnectPeer($"{received.Message.Command} without NODE_BLOOM"));
                break;
            case MemPoolMessage when _settings.PeerBloomFilters:
                // btcd OnMemPool: 33 transient points against floods, then the sync actor, which owns the pool, sends
                // the pool to the PeerActor, which announces what its filter matches.
                if (!Score(peer.Remote.Address, BanPenalty.Mempool())) return ToSync(received);
                break;
            case MemPoolMessage:
                peer.Actor.Tell(new DisconnectPeer("mempool without NODE_BLOOM"));
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
                    peer.Actor.Tell(new DisconnectPeer($"invalid inventory type {item.Type} in notfound"));
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
            peer.Actor.Tell(new DisconnectPeer("empty addr message"));
            return;
        }
        _addrBook.Tell(new AddAddresses(addresses, peer.SourceAddress!, AddressOrigin.Peer));

        // Beyond btcd, Bitcoin Core's gossip: a small unsolicited message of fresh, routable addresses goes on to one
        // or two random peers, so a new node's address spreads. As in Core, every address costs the sender a token
        // of its rate limit (one to start, 0.1 a second) and only those that got one are relayed, so a flood of
        // small addr messages is not amplified to our other peers; nor is the answer to our getaddr.
        bool answersGetAddr = peer.AwaitingAddrResponse;
        if (addresses.Count < WireLimits.MaxAddrPerMessage) peer.AwaitingAddrResponse = false;
        var key = RelayKey(peer);
        var now = Now;
        _relayLimit.Refill(key, now);
        var fresh = new List<NetAddressV2>();
        foreach (var address in addresses)
        {
            if (!_relayLimit.TryTake(key, now)) continue;
            if (addresses.Count <= 10 && !answersGetAddr && Math.Abs(now.ToUnixTimeSeconds() - address.Timestamp) <= 600
                && _settings.AddressScope.IsRoutable(address))
                fresh.Add(address);
        }
        if (fresh.Count == 0) return;
        // Two random other peers, by reservoir sampling: one pass, no sort, no list of all peers.
        PeerEntry? first = null, second = null;
        int seen = 0;
        foreach (var other in ReadyPeers())
        {
            if (other.Id == peer.Id) continue;
            seen++;
            if (seen == 1) first = other;
            else if (seen == 2) second = other;
            else if (Random.Shared.Next(seen) is var slot && slot < 2)
            {
                if (slot == 0) first = other;
                else second = other;
            }
        }
        var message = new SendAddresses(fresh);
        first?.Actor.Tell(message);
        second?.Actor.Tell(message);
    }

    /// <summary>Scores a peer's fault against its IP. The report is scored even when the peer has already gone: its
    /// Terminated (a system message) may overtake the report in our mailbox.</summary>
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
        if (!_peers.TryGetValue(score.PeerId, out var peer)) return;
        _log.Debug("Peer {PeerId} {Remote} misbehaved: {Detail}", peer.Id, peer.Remote, score.Penalty.Detail);
        bool banned = !peer.NoBan && Score(peer.Remote.Address, score.Penalty);
        if (!banned && score.Disconnect) peer.Actor.Tell(new DisconnectPeer(score.Penalty.Detail));
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
        foreach (var peer in _peers.Values.Where(p => p.Remote.Address.Equals(address)))
            peer.Actor.Tell(new DisconnectPeer("banned"));
        SaveBans();
    }

    private void SaveBans()
    {
        if (_banFile is null) return;
        if (_savingBans)
        {
            _saveBansAgain = true;
            return;
        }
        _savingBans = true;
        _banFile.SaveAsync(_bans.List(Now)).ContinueWith(
            t => new BansSaved(t.IsCompletedSuccessfully ? null : t.Exception?.GetBaseException().Message),
            TaskScheduler.Default).PipeTo(Self);
    }

    private void OnBansSaved(BansSaved saved)
    {
        _savingBans = false;
        if (saved.Error is not null) _log.Error("Could not save the ban list: {Error}", saved.Error);
        else _bans.MarkSaved();
        if (_saveBansAgain)
        {
            _saveBansAgain = false;
            SaveBans();
        }
    }

    private void OnPeerGone(PeerGone gone)
    {
        CountGoneBytes(gone);
        if (!_peers.TryGetValue(gone.PeerId, out var peer)) return;
        peer.GoneReason = gone.Reason;
        peer.ReconnectV1 = peer.TriedV2 && gone.ReconnectV1;
    }

    /// <summary>btcd handleDonePeerMsg: forget the peer; outbound requests are redialled (permanent) or replaced.</summary>
    private void OnTerminated(Terminated terminated)
    {
        if (!_peerByActor.Remove(terminated.ActorRef, out long id) || !_peers.Remove(id, out var peer)) return;
        peer.Removed(_tally);
        _ourNonces.Remove(peer.Nonce);
        if (peer.Admission is { } ticket) _admission.Closed(ticket);
        if (peer.Group is { } group && _outboundGroups.TryGetValue(group, out int count))
        {
            if (count <= 1) _outboundGroups.Remove(group);
            else _outboundGroups[group] = count - 1;
        }
        if (peer.SourceAddress is { } source) _addrBook.Tell(new SourceGone(source));
        _relayLimit.Forget(RelayKey(peer));
        if (peer.Ready) _sync.Tell(new PeerGone(peer.Id, peer.Remote, peer.Inbound, peer.GoneReason ?? "stopped", true));
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
        if (!_v2.OnV2AttemptClosed(Normalize(address))) return false;
        _log.Info("Peer {PeerId} {Remote} closed during the v2 handshake: retrying with the v1 transport protocol",
            peer.Id, address);
        _bookAddress.Remove(requestId, out var book);
        Carry(_requests.Disconnected(requestId, retry: false));
        var actions = _requests.Connect(address, peer.Permanent, out var again);
        if (book is not null) _bookAddress[again.Id] = book;
        Carry(actions);
        return true;
    }

    private static string RelayKey(PeerEntry peer) => peer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class PeerEntry(long id, IActorRef actor, IPEndPoint remote, bool inbound, long? requestId, ulong nonce)
    {
        public long Id { get; } = id;
        public IActorRef Actor { get; } = actor;
        public IPEndPoint Remote { get; } = remote;
        public bool Inbound { get; } = inbound;
        public long? RequestId { get; } = requestId;
        public ulong Nonce { get; } = nonce;
        public bool Permanent { get; set; }
        public NetAddressV2? BookAddress { get; set; }
        public NetAddressV2? SourceAddress { get; set; }
        public ServiceFlags Services { get; set; }
        public uint ProtocolVersion { get; set; }
        /// <summary>The handshake completed (set through <see cref="MarkReady"/>, which keeps the tally).</summary>
        public bool Ready { get; private set; }
        public string? Group { get; set; }
        public bool AnsweredGetAddr { get; set; }
        /// <summary>We sent getaddr and its answer has not come (Core m_getaddr_sent): addresses are not relayed.</summary>
        public bool AwaitingAddrResponse { get; set; }
        public AdmissionTicket? Admission { get; set; }
        public bool? RetryOnGone { get; set; }
        /// <summary>We dialled it as a BIP324 initiator.</summary>
        public bool TriedV2 { get; init; }
        /// <summary>Its v2 attempt ended before it said anything (<see cref="PeerGone.ReconnectV1"/>).</summary>
        public bool ReconnectV1 { get; set; }
        public string? GoneReason { get; set; }
        public DateTimeOffset ConnectedAt { get; init; }
        public bool NoBan { get; init; }
        public bool RelayTxs { get; set; }
        public TimeSpan? MinPing { get; set; }
        public DateTimeOffset? LastNovelBlock { get; set; }
        public DateTimeOffset? LastNovelTransaction { get; set; }
        /// <summary>Told to go to make room for a newcomer (set through <see cref="MarkEvicted"/>).</summary>
        public bool Evicted { get; private set; }

        public void Added(PeerTally tally)
        {
            if (Inbound) tally.InboundSlotsTaken++;
        }

        public void MarkReady(PeerTally tally)
        {
            if (Ready) return;
            Ready = true;
            if (Inbound) tally.ReadyInbound++;
            else tally.ReadyOutbound++;
            if (!Evicted) tally.ReadyNotEvicted++;
        }

        public void MarkEvicted(PeerTally tally)
        {
            if (Evicted) return;
            Evicted = true;
            if (Inbound) tally.InboundSlotsTaken--;
            if (Ready) tally.ReadyNotEvicted--;
        }

        public void Removed(PeerTally tally)
        {
            if (Inbound && !Evicted) tally.InboundSlotsTaken--;
            if (!Ready) return;
            if (Inbound) tally.ReadyInbound--;
            else tally.ReadyOutbound--;
            if (!Evicted) tally.ReadyNotEvicted--;
        }
    }

    /// <summary>Counts of <see cref="_peers"/> kept up to date as peers are added, become ready, are evicted and go,
    /// so that accepting a connection and completing a handshake cost O(1) instead of a scan of every peer (the scans
    /// took a quarter of the node's CPU while 10,000 peers connected; docs/benchmarks.md, "Peers at scale").</summary>
    private sealed class PeerTally
    {
        /// <summary>Inbound peers not evicted, handshaking or ready: what the inbound budget is checked against.</summary>
        public int InboundSlotsTaken { get; set; }
        /// <summary>Ready peers not evicted: what max peers is checked against.</summary>
        public int ReadyNotEvicted { get; set; }
        public int ReadyInbound { get; set; }
        public int ReadyOutbound { get; set; }
    }

    private sealed record BansLoaded(BanListLoadResult Result);
    private sealed record BansSaved(string? Error);
    private sealed record Redial(long RequestId);

    private sealed record StartAutomatic
    {
        public static readonly StartAutomatic Instance = new();
    }
}
