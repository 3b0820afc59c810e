using System.Globalization;
using System.Net;
using System.Runtime;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Node;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNode.Benchmarks.Scale;

/// <summary>The node under load, alone in its own process so that its memory is measured without the load's:
/// an ActorSystem with the AddrBookActor and the ConnManagerActor, listening on 127.0.0.1 (regtest), no outbound
/// peers, room for 12,000 inbound ones, a temporary data directory.
/// <para>It writes its port to the ready file (and prints <c>@ready</c>), then answers one-line requests on stdin:
/// <c>count</c> → <c>@count inbound outbound</c> (the ConnManagerActor's handshaked peers); <c>gc</c> → a full
/// blocking, compacting collection, then <c>@gc managed heap committed jitted jit-ms</c> (GC.GetTotalMemory(true), the heap
/// size and the committed bytes of the last GC, in bytes; methods JIT-compiled so far and the time spent on it); <c>quit</c> (or the end of stdin) → shut down.</para></summary>
internal static class ScaleNode
{
    /// <summary>Akka settings of the node: quiet logs. Akka.IO runs on its defaults (4 KiB maximum-frame-size, the
    /// receive buffer each connection keeps), the settings the node ships with.</summary>
    private const string Hocon = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          actor.debug.unhandled = off
        }
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new CommandLine(args);
        int port = options.Int("port", 0);
        string? readyFile = options.String("ready-file");
        var (soft, hard) = FileLimit.RaiseToHard();
        string dir = Directory.CreateTempSubdirectory("actornode-scale-node-").FullName;
        var settings = new ConnManagerSettings
        {
            Chain = ChainParams.Regtest,
            Listen = [new IPEndPoint(IPAddress.Loopback, port)],
            ListenBacklog = options.Int("backlog", 4096),
            TargetOutbound = 0,
            MaxPeers = options.Int("max-peers", 12_000),
            HandshakeTimeout = TimeSpan.FromSeconds(options.Int("handshake-timeout", 120)),
            DataDirectory = dir,
            V2Transport = options.String("v2") is not null, // --v2: BIP324 inbound (v1 detected, else v2)
        };

        var config = ConfigurationFactory.ParseString(Hocon + "\n" + (options.String("hocon") ?? ""));
        var system = ActorSystem.Create("scale-node", config);
        try
        {
            int sinkCost = options.Int("sink-cost-us", 0);
            var manager = NodeActors.Start(system, new NodeSettings
            {
                AddrBookFile = PeersFile.InDirectory(dir),
                Sync = new SyncSettings { Chain = ChainParams.Regtest, OpenStore = () => new MemoryBlockStore(ChainParams.Regtest.Magic) },
                SyncStandIn = Props.Create(() => new Sink(sinkCost)),
                Connections = settings,
            }).ConnManager;

            IPEndPoint? bound = null;
            for (var deadline = DateTime.UtcNow.AddSeconds(30); bound is null; await Task.Delay(20))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the node did not bind its listener in 30 s");
                var listening = await manager.Ask<ListeningOn>(GetListenEndpoints.Instance, TimeSpan.FromSeconds(10));
                bound = listening.Endpoints.FirstOrDefault();
            }
            if (readyFile is not null)
            {
                File.WriteAllText(readyFile + ".tmp", bound.Port.ToString(CultureInfo.InvariantCulture));
                File.Move(readyFile + ".tmp", readyFile, overwrite: true);
            }
            Reply($"@ready {bound.Port} nofile={soft}/{hard} servergc={GCSettings.IsServerGC} concurrent={GCSettings.LatencyMode != GCLatencyMode.Batch}");

            while (await Console.In.ReadLineAsync() is { } line)
            {
                switch (line.Trim())
                {
                    case "count":
                        var count = await manager.Ask<ConnectionCount>(GetConnectionCount.Instance, TimeSpan.FromSeconds(30));
                        Reply($"@count {count.Inbound} {count.Outbound}");
                        break;
                    case "gc":
                        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                        GC.WaitForPendingFinalizers();
                        long managed = GC.GetTotalMemory(forceFullCollection: true);
                        var info = GC.GetGCMemoryInfo(GCKind.Any);
                        Reply($"@gc {managed} {info.HeapSizeBytes} {info.TotalCommittedBytes} {System.Runtime.JitInfo.GetCompiledMethodCount()} {(long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds}");
                        break;
                    case "quit":
                        return 0;
                    case "":
                        break;
                    default:
                        Reply($"@error unknown request '{line}'");
                        break;
                }
            }
            return 0;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void Reply(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    /// <summary>Stands in for the SyncActor: answers every peer message as handled, after spending
    /// <c>--sink-cost-us</c> microseconds of CPU on it (a consumer slower than the peers that feed it).</summary>
    private sealed class Sink : ReceiveActor
    {
        public Sink(int costMicroseconds)
        {
            Receive<ActorNode.P2P.Peers.ReceivedFromPeer>(_ =>
            {
                if (costMicroseconds > 0)
                {
                    long until = System.Diagnostics.Stopwatch.GetTimestamp() + costMicroseconds * System.Diagnostics.Stopwatch.Frequency / 1_000_000;
                    while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
                }
                Sender.Tell(ActorNode.P2P.Peers.PeerMessageHandled.Instance);
            });
            ReceiveAny(_ => { });
        }
    }
}
