using System.Net;
using ActorNode.Connections.Bans;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using ActorNode.Connections.Inventory;

namespace ActorNode.P2P.Connections;

/// <summary>Start and restart: load the bans, then listen and dial. A restart (NodeSupervisorStrategy) rebuilds the
/// manager's state: the peers are stopped with the failed instance's children (the sync actor watches each one, so
/// it keeps no ghost), its listeners are unbound and the new instance binds the same endpoints again once they are,
/// the bans are read again from banlist.json, the permanent peers are redialled.</summary>
public sealed partial class ConnManagerActor
{
    /// <summary>The one Poisson schedule of transaction announcements to all inbound peers (Core's timing).</summary>
    private readonly SharedPoissonSchedule _inboundSchedule = new(CoreRelayTiming.InboundMean, Random.Shared.NextDouble);

    private readonly List<IActorRef> _listeners = [];
    private BansLoaded? _bansLoaded;
    private int _unbinding; // listeners of the instance before a restart, not yet unbound
    private IReadOnlyList<IPEndPoint>? _rebind; // after a restart: the endpoints the instance before listened on

    protected override void PreStart()
    {
        // Without its chain the node serves no peer: when the sync actor stops, so do we (NodeSupervisorStrategy).
        if (!_sync.IsNobody()) Context.Watch(_sync);
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

    /// <summary>The failed instance's last act: unbind its listeners (the next one binds them again).</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        _log.Error(reason, "The connection manager failed on {Message}; restarting it: every peer is closed, bans are reloaded, listeners bound again",
            message?.GetType().Name ?? "(none)");
        Self.Tell(new Rebinding(_listeners.Count, [.. _listening], _peers.Started)); // ahead of the listeners' Unbound
        foreach (var listener in _listeners) listener.Tell(Tcp.Unbind.Instance, Self);
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason); // PreStart
        if (!_sync.IsNobody()) _sync.Tell(new Sync.UseConnManager(Self)); // it answers with OurBestHeight
    }

    private void Starting()
    {
        Receive<BansLoaded>(loaded =>
        {
            _bansLoaded = loaded;
            StartWhenReady();
        });
        Receive<Rebinding>(rebinding =>
        {
            _unbinding = rebinding.Listeners;
            _rebind = rebinding.Endpoints;
            _peers.ContinueAfter(rebinding.PeersStarted);
            if (_unbinding > 0) Timers.StartSingleTimer("unbind", UnbindTimedOut.Instance, TimeSpan.FromSeconds(2));
        });
        Receive<Tcp.Unbound>(_ =>
        {
            _unbinding--;
            StartWhenReady();
        });
        Receive<UnbindTimedOut>(_ =>
        {
            _unbinding = 0;
            StartWhenReady();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>Bans loaded and (after a restart) the old listeners unbound: listen, dial, run.</summary>
    private void StartWhenReady()
    {
        if (_bansLoaded is not { } loaded || _unbinding > 0) return;
        Timers.Cancel("unbind");
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
        // After a restart, the ports bound before (a port 0 of the settings keeps the port it was given).
        foreach (var endpoint in _rebind is { Count: > 0 } ? _rebind : _settings.Listen) Bind(endpoint);
        foreach (var address in _settings.Connect.Count > 0 ? _settings.Connect : _settings.AddNodes)
            Carry(_requests.Connect(address, permanent: true, out _));
        Carry(_requests.Start());
        Become(Running);
        Stash.UnstashAll();
    }

    private void Bind(IPEndPoint endpoint) =>
        Context.System.Tcp().Tell(new Tcp.Bind(Self, endpoint, _settings.ListenBacklog, pullMode: true));

    private sealed record BansLoaded(BanListLoadResult Result);

    /// <summary>Sent to itself by an instance about to restart: the listeners it is unbinding, their endpoints, and how
    /// many peers it started (peer ids go on from there).</summary>
    private sealed record Rebinding(int Listeners, IReadOnlyList<IPEndPoint> Endpoints, long PeersStarted);

    private sealed record UnbindTimedOut
    {
        public static readonly UnbindTimedOut Instance = new();
    }
}
