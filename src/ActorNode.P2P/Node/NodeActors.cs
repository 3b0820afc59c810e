using ActorNode.AddrBook.Persistence;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using Akka.Actor;

namespace ActorNode.P2P.Node;

/// <summary>What a whole node's actors run with: the address book's file and settings, the sync actor's settings
/// (chain, block store) and the connection manager's.</summary>
public sealed record NodeSettings
{
    /// <summary>peers.json of the address book.</summary>
    public required PeersFile AddrBookFile { get; init; }
    public AddrBookSettings AddrBook { get; init; } = AddrBookSettings.Default;
    public required SyncSettings Sync { get; init; }
    public required ConnManagerSettings Connections { get; init; }

    /// <summary>Stands in for the <see cref="SyncActor"/> (a benchmark's sink that answers every peer message); null:
    /// the real one, from <see cref="Sync"/>.</summary>
    public Props? SyncStandIn { get; init; }
}

/// <summary>The one place a node's actors are built: the AddrBookActor, then the SyncActor, then the ConnManagerActor
/// (which needs both), then the sync actor is told <see cref="UseConnManager"/> (the two know each other). The console
/// node (through Akka.Hosting), the lab's workers, the tests and the benchmarks all start a node here.
/// <para>The actors are children of the factory they are started from: the actor system's user guardian, or an
/// actor, which supervises them.</para></summary>
public sealed class NodeActors
{
    private NodeActors(IActorRef addrBook, IActorRef sync, IActorRef connManager)
    {
        AddrBook = addrBook;
        Sync = sync;
        ConnManager = connManager;
    }

    public IActorRef AddrBook { get; }
    public IActorRef Sync { get; }
    public IActorRef ConnManager { get; }

    /// <summary>Starts a node's actors under <paramref name="factory"/>. They are named <c>addrbook</c>, <c>sync</c> and
    /// <c>connmanager</c>, each after <c>&lt;name&gt;-</c> when <paramref name="name"/> is given (several nodes under one
    /// parent).</summary>
    public static NodeActors Start(IActorRefFactory factory, NodeSettings settings, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(settings);
        string Named(string actor) => name is null ? actor : $"{name}-{actor}";
        var book = factory.ActorOf(AddrBookActor.Props(settings.AddrBookFile, settings.AddrBook), Named("addrbook"));
        var sync = factory.ActorOf(settings.SyncStandIn ?? SyncActor.Props(settings.Sync), Named("sync"));
        var manager = factory.ActorOf(ConnManagerActor.Props(settings.Connections, book, sync), Named("connmanager"));
        if (settings.SyncStandIn is null) sync.Tell(new UseConnManager(manager));
        return new NodeActors(book, sync, manager);
    }

    /// <summary>Stops the node in order: the ConnManagerActor (its listeners and every peer close), then the
    /// SyncActor (it closes the block store; every block and the tip are durable when written), then the
    /// AddrBookActor after a last save of peers.json. Each step waits at most <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await StopConnectionsAsync(timeout);
        await StopSyncAsync(timeout);
        try
        {
            await AddrBook.Ask<object>(SaveAndStop.Instance, timeout);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            // Stopped already, or the disk is too slow: the last periodic save stands.
        }
        await Stopped(AddrBook, timeout);
    }

    /// <summary>The first step of <see cref="StopAsync"/>: stop accepting and close every peer.</summary>
    public Task StopConnectionsAsync(TimeSpan timeout) => Stopped(ConnManager, timeout, stop: true);

    /// <summary>The second step of <see cref="StopAsync"/>: stop the sync actor, which closes the block store.</summary>
    public Task StopSyncAsync(TimeSpan timeout) => Stopped(Sync, timeout, stop: true);

    /// <summary>Hooks the node into coordinated shutdown (the console node): the ConnManagerActor stops in
    /// <c>service-unbind</c>, the SyncActor in <c>service-stop</c>, where the AddrBookActor also makes its last save
    /// (its own task, registered as it starts).</summary>
    public void StopOnCoordinatedShutdown(ActorSystem system, TimeSpan timeout)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "stop-connmanager", async () =>
        {
            await StopConnectionsAsync(timeout);
            return Akka.Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-sync", async () =>
        {
            await StopSyncAsync(timeout);
            return Akka.Done.Instance;
        });
    }

    private static async Task Stopped(IActorRef actor, TimeSpan timeout, bool stop = false)
    {
        try
        {
            if (stop) await actor.GracefulStop(timeout);
            else await actor.WatchAsync().WaitAsync(timeout);
        }
        catch (Exception e) when (e is TaskCanceledException or TimeoutException)
        {
            // It did not stop in time: the caller goes on (the actor system's termination stops it).
        }
    }
}
