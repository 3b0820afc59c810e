using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ActorNode.AddrBook;
using ActorNode.AddrBook.Persistence;
using ActorNode.Host.Metrics;
using ActorNode.Host.Rpc;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Node;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace ActorNode.Host.Node;

/// <summary>Runs the node until it is asked to stop: the data directory and its lock, Serilog, the actor system
/// through Akka.Hosting (the node's actors from the one builder, <see cref="NodeActors"/>), DNS seeding, the
/// JSON-RPC server, metrics; then a clean stop on Ctrl+C, SIGTERM or the <c>stop</c> RPC.
/// <para>Shutdown (coordinated, Akka's phases): the RPC server stops taking requests; in <c>service-unbind</c> the
/// ConnManagerActor is stopped, which closes the listener (it watches the actor that bound it) and every peer; in
/// <c>service-stop</c> the AddrBookActor writes peers.json (bans are written by the ConnManagerActor on every change).
/// The cookie is deleted last. A second Ctrl+C ends the process at once; every file is written crash-safe
/// (DurableFile), so what was saved stays whole.</para></summary>
internal static class NodeHost
{
    public const int Failure = 1;

    public static async Task<int> RunAsync(NodeOptions options, ISeedResolver seeds, TextWriter stderr)
    {
        try
        {
            Directory.CreateDirectory(options.DataDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: --datadir: cannot create '{options.DataDirectory}': {e.Message}");
            return Cli.UsageError;
        }
        FileStream dataLock;
        try
        {
            dataLock = new FileStream(Path.Combine(options.DataDirectory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            stderr.WriteLine($"error: --datadir: '{options.DataDirectory}' is in use by another actornode");
            return Failure;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"error: --datadir: cannot write to '{options.DataDirectory}': {e.Message}");
            return Cli.UsageError;
        }

        await using var heldLock = dataLock;
        using var logger = NodeLogging.Create(options);
        Log.Logger = logger;
        var log = Log.ForContext(typeof(NodeHost));

        RpcAuth auth = options.RpcCredentials is { } credentials
            ? new RpcAuth(credentials.User, credentials.Password)
            : RpcAuth.WriteCookie(options.DataDirectory);
        RpcServer rpc;
        try
        {
            rpc = new RpcServer(options.RpcListen, auth);
        }
        catch (Exception e) when (e is HttpListenerException or SocketException)
        {
            stderr.WriteLine($"error: --rpclisten: cannot listen on {string.Join(", ", options.RpcListen.Select(Endpoints.Format))}: {e.Message}");
            RpcAuth.DeleteCookie(options.DataDirectory);
            return Failure;
        }

        PrometheusEndpoint? prometheus = null;
        if (options.Metrics is { } metricsEndpoint)
        {
            try
            {
                prometheus = new PrometheusEndpoint(metricsEndpoint);
            }
            catch (Exception e) when (e is HttpListenerException or SocketException)
            {
                stderr.WriteLine($"error: --metrics: cannot listen on {Endpoints.Format(metricsEndpoint)}: {e.Message}");
                await rpc.DisposeAsync();
                RpcAuth.DeleteCookie(options.DataDirectory);
                return Failure;
            }
        }

        using var stopping = new CancellationTokenSource();
        int signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            if (Interlocked.Increment(ref signals) == 1)
            {
                context.Cancel = true; // we stop ourselves, cleanly
                log.Information("{Signal} received: shutting down (again to exit at once)", context.Signal);
                stopping.Cancel();
            }
            // A second signal is not cancelled: the runtime ends the process at once.
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var started = DateTimeOffset.UtcNow;
        var host = BuildHost(options);
        try
        {
            await host.StartAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Fatal(e, "The node could not start");
            stderr.WriteLine($"error: the node could not start: {NodeConfig.OneLine(e.Message)}");
            await rpc.DisposeAsync();
            RpcAuth.DeleteCookie(options.DataDirectory);
            return Failure;
        }
        var system = host.Services.GetRequiredService<ActorSystem>();
        var connManager = host.Services.GetRequiredService<IRequiredActor<ConnManagerActor>>().ActorRef;
        var addrBook = host.Services.GetRequiredService<IRequiredActor<AddrBookActor>>().ActorRef;
        var syncActor = host.Services.GetRequiredService<IRequiredActor<SyncActor>>().ActorRef;

        // Akka.IO only logs a failed bind; a node that cannot accept the peers it was told to is refused, as
        // bitcoind and btcd refuse to start.
        var bound = await ListenersBound(connManager, options.Listen.Count);
        if (bound.Count < options.Listen.Count)
        {
            var missing = options.Listen.Where(l => !bound.Any(b => b.Port == l.Port && NetworkRpcMethods.Normalize(b).Address.Equals(l.Address)));
            stderr.WriteLine($"error: --listen: cannot listen on {string.Join(", ", missing.Select(Endpoints.Format))} (in use? see the log)");
            await rpc.DisposeAsync();
            if (prometheus is not null) await prometheus.DisposeAsync();
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
            RpcAuth.DeleteCookie(options.DataDirectory);
            await Log.CloseAndFlushAsync();
            return Failure;
        }

        var totals = new NetTotals();
        var metrics = new NodeMetrics(connManager, addrBook, syncActor, totals);
        metrics.Start();
        var progress = new ProgressReporter(syncActor, connManager, Console.Out, interactive: !Console.IsOutputRedirected);
        progress.Start();
        var table = new RpcMethodTable();
        table.Register(new ControlRpcMethods(table, TimeProvider.System, started, () => stopping.Cancel()).Methods());
        table.Register(new NetworkRpcMethods(options, connManager, addrBook, totals, TimeProvider.System).Methods());
        table.Register(new RawTransactionRpcMethods(options.Chain).Methods());
        table.Register(new BlockchainRpcMethods(options, syncActor).Methods());
        rpc.Serve(new RpcDispatcher(table, metrics.RpcCalled));

        log.Information("ActorNode {Version} on {Network}: data in {DataDir}, peers on {Listen}, RPC on {Rpc} ({Auth})",
            ActorNode.P2P.Peers.PeerSettings.DefaultUserAgent, options.Chain.Name, options.DataDirectory,
            options.Listen.Count == 0 ? "(not listening)" : string.Join(", ", options.Listen.Select(Endpoints.Format)),
            string.Join(", ", options.RpcListen.Select(Endpoints.Format)),
            options.RpcCredentials is null ? "cookie in " + Path.Combine(options.DataDirectory, RpcAuth.CookieFileName) : "user " + auth.User);
        if (options.Metrics is { } m) log.Information("Metrics on http://{Metrics}/metrics", Endpoints.Format(m));

        if (options.DnsSeed && options.Connect.Count == 0 && !options.Chain.DnsSeeds.IsEmpty)
            _ = SeedAsync(options, seeds, addrBook, log, stopping.Token);

        int exitCode = 0;
        var terminated = system.WhenTerminated;
        var requested = Task.Delay(Timeout.Infinite, stopping.Token);
        var syncGone = syncActor.WatchAsync();
        // The manager and the address book restart after a fault; one that stopped failed again and again.
        var othersGone = Task.WhenAny(connManager.WatchAsync(), addrBook.WatchAsync());
        var first = await Task.WhenAny(terminated, requested, syncGone, othersGone);
        if (first == terminated && !stopping.IsCancellationRequested)
        {
            log.Error("The actor system stopped on its own; exiting");
            exitCode = Failure;
        }
        else if (syncGone.IsCompleted && !stopping.IsCancellationRequested)
        {
            // Without its sync actor the node has no chain: stop rather than run half a node.
            log.Fatal("The sync actor stopped (see the errors above; a damaged block store is named there); exiting");
            stderr.WriteLine("error: the sync actor stopped; see the log in " + Path.Combine(options.DataDirectory, "logs"));
            exitCode = Failure;
        }
        else if (othersGone.IsCompleted && !stopping.IsCancellationRequested)
        {
            log.Fatal("The connection manager or the address book stopped after failing repeatedly (see the errors above); exiting");
            stderr.WriteLine("error: a node actor stopped; see the log in " + Path.Combine(options.DataDirectory, "logs"));
            exitCode = Failure;
        }

        log.Information("Shutting down");
        await rpc.DisposeAsync();
        await metrics.DisposeAsync();
        await progress.DisposeAsync();
        if (prometheus is not null) await prometheus.DisposeAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                await host.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                log.Warning("Shutdown took longer than 15 s; exiting anyway");
            }
        }
        host.Dispose();
        if (options.RpcCredentials is null) RpcAuth.DeleteCookie(options.DataDirectory);
        log.Information("Stopped");
        await Log.CloseAndFlushAsync();
        return exitCode;
    }

    /// <summary>Waits up to 5 s for the ConnManagerActor to report every listener bound (it takes milliseconds when
    /// the port is free; a failed bind is only logged by Akka.IO).</summary>
    private static async Task<IReadOnlyList<IPEndPoint>> ListenersBound(IActorRef connManager, int wanted)
    {
        IReadOnlyList<IPEndPoint> bound = [];
        if (wanted == 0) return bound;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                bound = (await connManager.Ask<ListeningOn>(GetListenEndpoints.Instance, TimeSpan.FromSeconds(5))).Endpoints;
                if (bound.Count >= wanted) return bound;
            }
            catch (AskTimeoutException)
            {
            }
            await Task.Delay(50);
        }
        return bound;
    }

    private static IHost BuildHost(NodeOptions options)
    {
        // The node's actors are top-level: the user guardian supervises them as docs/architecture.md says.
        var akkaConfig = ConfigurationFactory.ParseString($"akka.loglevel = {NodeLogging.AkkaLevel(options.Logging)}\nakka.stdout-loglevel = OFF\n{NodeGuardianStrategy.Hocon}")
            .WithFallback(options.Akka);
        var builder = new HostBuilder()
            .UseContentRoot(AppContext.BaseDirectory)
            .ConfigureServices(services =>
            {
                // No console lifetime: NodeHost handles SIGINT/SIGTERM itself (a second Ctrl+C must end the process).
                services.AddSingleton<IHostLifetime, PassiveLifetime>();
                services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
                services.AddAkka("actornode", (akka, _) =>
                {
                    akka.AddHocon(akkaConfig, HoconAddMode.Prepend);
                    akka.ConfigureLoggers(loggers =>
                    {
                        loggers.ClearLoggers();
                        loggers.AddLogger<SerilogLogger>();
                    });
                    akka.WithActors((system, registry) => StartActors(system, registry, options));
                });
            });
        return builder.Build();
    }

    /// <summary>The node's actors, from the one builder (<see cref="NodeActors"/>): the address book, the sync actor
    /// (with the block store in <c>&lt;datadir&gt;/blocks</c>) and the connection manager, registered for
    /// <see cref="IRequiredActor{TKey}"/> and stopped in order by coordinated shutdown.</summary>
    private static void StartActors(ActorSystem system, IActorRegistry registry, NodeOptions options)
    {
        var settings = new ConnManagerSettings
        {
            Chain = options.Chain,
            Listen = options.Listen,
            Connect = options.Connect,
            AddNodes = options.AddNodes,
            MaxPeers = options.MaxPeers,
            TargetOutbound = options.TargetOutbound,
            DataDirectory = options.DataDirectory,
            Bans = options.Bans,
            Whitelist = options.Whitelist,
            BlocksOnly = options.BlocksOnly,
            PeerBloomFilters = options.PeerBloomFilters,
            V2Transport = options.V2Transport,
            AddressScope = options.AddrBook.Options.Scope,
            Relay = options.Relay,
            TrickleInterval = options.TrickleInterval,
        };
        // The block store is opened here, before any actor, so a damaged store stops the start with its reason
        // (BlockStoreCorruptException names the file) instead of leaving a node without a chain.
        var store = BlockStore.Open(Path.Combine(options.DataDirectory, "blocks"), options.Chain.Magic);
        foreach (var repair in store.Repairs) Log.ForContext(typeof(NodeHost)).Warning("Block store: {Repair}", repair);
        IBlockStore? opened = store;
        var node = NodeActors.Start(system, new NodeSettings
        {
            AddrBookFile = PeersFile.InDirectory(options.DataDirectory),
            AddrBook = options.AddrBook,
            Sync = new SyncSettings
            {
                Chain = options.Chain,
                // The store opened above the first time; a fresh one should the actor ever be started again (it
                // disposes its store when it stops).
                OpenStore = () =>
                {
                    var next = opened ?? BlockStore.Open(Path.Combine(options.DataDirectory, "blocks"), options.Chain.Magic);
                    opened = null;
                    return next;
                },
                BlocksOnly = options.BlocksOnly,
            },
            Connections = settings,
        });
        registry.Register<AddrBookActor>(node.AddrBook);
        registry.Register<ConnManagerActor>(node.ConnManager);
        registry.Register<SyncActor>(node.Sync);
        // Stop accepting and close every peer before the address book's last save (service-stop), then the sync actor.
        node.StopOnCoordinatedShutdown(system, TimeSpan.FromSeconds(4));
    }

    private static async Task SeedAsync(NodeOptions options, ISeedResolver resolver, IActorRef addrBook, ILogger log, CancellationToken cancellation)
    {
        var seeder = new DnsSeeder(resolver, TimeProvider.System, new Random());
        try
        {
            foreach (var result in await seeder.SeedAsync(options.Chain, cancellation))
            {
                if (result.Error is not null)
                {
                    log.Information("DNS seed {Seed} gave nothing: {Reason}", result.Seed, result.Error);
                    continue;
                }
                if (result.Addresses.Count == 0) continue;
                addrBook.Tell(new AddAddresses(result.Addresses, DnsSeeder.SourceOf(result), AddressOrigin.DnsSeed));
                log.Information("{Count} addresses from DNS seed {Seed}", result.Addresses.Count, result.Seed);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>An <see cref="IHostLifetime"/> that waits for nothing and listens for no signal.</summary>
    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
