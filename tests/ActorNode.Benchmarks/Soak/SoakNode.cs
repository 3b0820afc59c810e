using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Runtime;
using System.Text.Json;
using ActorNode.AddrBook.Persistence;
using ActorNode.Benchmarks.Scale;
using ActorNode.Chain;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorNode.Benchmarks.Soak;

/// <summary>The node under the soak (<c>soak-node</c>, started by <see cref="SoakCommand"/> in a child process so that
/// its memory is its own): a whole node — AddrBookActor, SyncActor on an on-disk <see cref="BlockStore"/> (a memory
/// store would grow with the chain and hide a leak), ConnManagerActor listening on 127.0.0.1 — that dials one feeder
/// (<c>--connect host:port</c>) and syncs from it, on regtest.
/// <para>Inside it, an <see cref="ActorCensus"/> walks the actor tree every <c>--sample-seconds</c>, and every
/// <c>--check-seconds</c> a socket check joins the ConnManagerActor's peers (GetPeerInfo) with the kernel's TCP table
/// (/proc/net/tcp): a PeerActor whose connection is no longer ESTABLISHED (the peer closed it: CLOSE_WAIT; or the socket
/// is gone) in two checks in a row, or that does not answer GetPeerInfo in two checks in a row, is stuck. Error and
/// warning log events are collected from the event stream.</para>
/// <para>stdin requests: <c>stats</c> → <c>@stats {json}</c> (after a full blocking collection for the managed heap);
/// <c>quit</c>.</para></summary>
internal static class SoakNode
{
    /// <summary>Akka settings of the node: every log event goes to <see cref="LogSink"/> (and nowhere else), which counts
    /// errors and warnings; with <c>--debug-log</c> the level is DEBUG and the sink also tallies why peers went.</summary>
    private static string Hocon(bool debug) => $$"""
        akka {
          loglevel = {{(debug ? "DEBUG" : "WARNING")}}
          stdout-loglevel = WARNING
          loggers = ["{{typeof(LogSink).FullName}}, {{typeof(LogSink).Assembly.GetName().Name}}"]
          log-dead-letters = off
          actor.debug.unhandled = off
        }
        """;

    public sealed record Stats(
        long RssKiB, long RssAnonKiB, long ManagedBytes, long GcHeapBytes, long GcCommittedBytes, int Gen2Collections,
        int Threads, int Descriptors,
        int Actors, int PeerActors, int MaxMailbox, string MaxMailboxPath, int LongestBusyStreak, IReadOnlyList<string> NotDraining,
        int Inbound, int Outbound, long PeersStarted, int Height, int HeaderHeight, int Mempool,
        int SocketChecks, int SocketSuspects, IReadOnlyList<string> StuckPeers, int StuckPeersEver,
        int Errors, int Warnings, IReadOnlyList<string> NewErrorLines, IReadOnlyList<string> NewWarningLines,
        IReadOnlyDictionary<string, int> GoneReasons, IReadOnlyList<string> FeederLines);

    private static readonly ConcurrentQueue<string> ErrorLines = new();
    private static readonly ConcurrentQueue<string> WarningLines = new();
    private static readonly ConcurrentQueue<string> FeederLines = new();
    private static readonly ConcurrentDictionary<string, int> GoneReasons = new();
    private static string _feederPort = "";
    private static int _errors, _warnings;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Scale.CommandLine(args);
        var (soft, hard) = FileLimit.RaiseToHard();
        var connect = IPEndPoint.Parse(options.String("connect") ?? throw new ArgumentException("soak-node needs --connect host:port"));
        _feederPort = ":" + connect.Port.ToString(CultureInfo.InvariantCulture);
        var sampleEvery = TimeSpan.FromSeconds(options.Double("sample-seconds", 5));
        var checkEvery = TimeSpan.FromSeconds(options.Double("check-seconds", 30));
        string dir = Directory.CreateTempSubdirectory("actornode-soak-node-").FullName;
        string blocks = Path.Combine(dir, "blocks");

        var system = ActorSystem.Create("soak-node", ConfigurationFactory.ParseString(Hocon(options.String("debug-log") is not null)));
        using var stop = new CancellationTokenSource();
        try
        {
            var book = system.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(dir)), "addrbook");
            var sync = system.ActorOf(SyncActor.Props(new SyncSettings
            {
                Chain = ChainParams.Regtest,
                OpenStore = () => BlockStore.Open(blocks, ChainParams.Regtest.Magic),
            }), "sync");
            var manager = system.ActorOf(ConnManagerActor.Props(new ConnManagerSettings
            {
                Chain = ChainParams.Regtest,
                DataDirectory = dir,
                Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
                ListenBacklog = options.Int("backlog", 1024),
                TargetOutbound = 0,
                MaxPeers = options.Int("max-peers", 1_200),
                Connect = [connect],
            }, book, sync), "connmanager");
            sync.Tell(new UseConnManager(manager));

            IPEndPoint? bound = null;
            for (var deadline = DateTime.UtcNow.AddSeconds(30); bound is null; await Task.Delay(20))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the node did not bind its listener in 30 s");
                bound = (await manager.Ask<ListeningOn>(GetListenEndpoints.Instance, TimeSpan.FromSeconds(10))).Endpoints.FirstOrDefault();
            }

            var census = new ActorCensus(system, stuckAfterSamples: Math.Max(2, (int)Math.Ceiling(30 / sampleEvery.TotalSeconds)));
            var sockets = new SocketCheck(manager, census, bound.Port, connect);
            var sampler = Task.Run(async () =>
            {
                var nextCheck = DateTime.UtcNow + checkEvery;
                while (!stop.IsCancellationRequested)
                {
                    census.Sample();
                    if (DateTime.UtcNow >= nextCheck)
                    {
                        nextCheck = DateTime.UtcNow + checkEvery;
                        try { await sockets.RunAsync(); }
                        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                        {
                            Reply($"#socket check: {e.GetType().Name}: {e.Message}");
                        }
                    }
                    try { await Task.Delay(sampleEvery, stop.Token); } catch (OperationCanceledException) { }
                }
            }, CancellationToken.None);

            Reply($"@ready {bound.Port} nofile={soft}/{hard} servergc={GCSettings.IsServerGC} concurrent={GCSettings.LatencyMode != GCLatencyMode.Batch}");
            while (await Console.In.ReadLineAsync() is { } line)
            {
                switch (line.Trim())
                {
                    case "stats":
                        var stats = await CollectAsync(manager, sync, census, sockets);
                        Reply("@stats " + JsonSerializer.Serialize(stats));
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
            await stop.CancelAsync();
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<Stats> CollectAsync(IActorRef manager, IActorRef sync, ActorCensus census, SocketCheck sockets)
    {
        // A starved node may answer late: a figure that does not come in 60 s is reported as -1, the node goes on.
        var count = await AskOr(manager, GetConnectionCount.Instance, new ConnectionCount(-1, -1));
        var started = await AskOr(manager, GetPeersStarted.Instance, new PeersStarted(-1));
        var tips = await AskOr<ChainTips?>(sync, new GetChainTips(), null);
        var pool = await AskOr<MempoolContent?>(sync, GetMempool.Instance, null);
        var actors = census.Take();
        long rss = StatusKiB("VmRSS"), anon = StatusKiB("RssAnon");
        int threads = (int)StatusKiB("Threads");
        int fds = Directory.GetFiles("/proc/self/fd").Length;
        // The managed heap after a full blocking collection: what is still reachable, i.e. what a leak would grow.
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var (checks, suspects, stuck, stuckEver) = sockets.Figures();
        return new Stats(rss, anon, managed, info.HeapSizeBytes, info.TotalCommittedBytes, GC.CollectionCount(2), threads, fds,
            actors.Actors, actors.PeerActors, actors.MaxMailbox, actors.MaxMailboxPath, actors.LongestBusyStreak, actors.NotDraining,
            count.Inbound, count.Outbound, started.Count, tips?.BestBlock.Height ?? -1, tips?.BestHeader.Height ?? -1, pool?.Items.Count ?? -1,
            checks, suspects, stuck, stuckEver,
            Volatile.Read(ref _errors), Volatile.Read(ref _warnings), Drain(ErrorLines), Drain(WarningLines),
            GoneReasons.ToDictionary(r => r.Key, r => r.Value), Drain(FeederLines));
    }

    private static async Task<T> AskOr<T>(IActorRef actor, object request, T fallback)
    {
        try { return await actor.Ask<T>(request, TimeSpan.FromSeconds(60)); }
        catch (AskTimeoutException) { return fallback; }
    }

    private static List<string> Drain(ConcurrentQueue<string> queue)
    {
        var lines = new List<string>();
        while (queue.TryDequeue(out var line)) lines.Add(line);
        return lines;
    }

    private static long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return -1;
    }

    private static void Reply(string line)
    {
        lock (Console.Out)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>The node's only logger: counts error and warning events and keeps the first lines of each (at most 200
    /// kept between two stats requests, so a storm of warnings cannot grow the node). At DEBUG it tallies the reasons
    /// of "Peer … disconnected: reason" and keeps the lines about the feeder connection.</summary>
    internal sealed class LogSink : ReceiveActor
    {
        public LogSink()
        {
            Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
            Receive<Error>(e =>
            {
                Interlocked.Increment(ref _errors);
                if (ErrorLines.Count < 200) ErrorLines.Enqueue($"{e.Timestamp:HH:mm:ss} {e.LogSource}: {e.Message} {e.Cause?.GetType().Name} {e.Cause?.Message}".TrimEnd());
            });
            Receive<Warning>(w =>
            {
                Interlocked.Increment(ref _warnings);
                if (WarningLines.Count < 200) WarningLines.Enqueue($"{w.Timestamp:HH:mm:ss} {w.LogSource}: {w.Message}");
            });
            Receive<Debug>(d =>
            {
                string text = d.Message?.ToString() ?? "";
                int at = text.IndexOf(" disconnected: ", StringComparison.Ordinal);
                if (at >= 0)
                {
                    string reason = text[(at + " disconnected: ".Length)..];
                    reason = reason.Length > 60 ? reason[..60] : reason;
                    if (GoneReasons.Count < 200 || GoneReasons.ContainsKey(reason)) GoneReasons.AddOrUpdate(reason, 1, (_, n) => n + 1);
                }
                if (text.Contains(_feederPort, StringComparison.Ordinal) && FeederLines.Count < 200)
                    FeederLines.Enqueue($"{d.Timestamp:HH:mm:ss} {d.LogSource}: {text}");
            });
            ReceiveAny(_ => { });
        }
    }

    /// <summary>The join of the ConnManagerActor's peers with the kernel's TCP table, see the class summary.</summary>
    private sealed class SocketCheck(IActorRef manager, ActorCensus census, int listenPort, IPEndPoint feeder)
    {
        private HashSet<long> _suspects = [];
        private readonly HashSet<long> _stuckEver = [];
        private readonly object _gate = new();
        private int _checks, _lastSuspects;
        private List<string> _stuck = [];

        public (int Checks, int Suspects, IReadOnlyList<string> Stuck, int StuckEver) Figures()
        {
            lock (_gate) return (_checks, _lastSuspects, _stuck, _stuckEver.Count);
        }

        public async Task RunAsync()
        {
            var before = census.Sample(periodic: false).ToHashSet();
            var info = await manager.Ask<PeerInfoList>(GetPeerInfo.Instance, TimeSpan.FromSeconds(30));
            var table = ReadTcpTable();
            var stillAlive = census.Sample(periodic: false).ToHashSet();

            var suspects = new Dictionary<long, string>();
            var answered = new HashSet<long>();
            foreach (var peer in info.Peers)
            {
                answered.Add(peer.Id);
                var state = table.GetValueOrDefault(peer.Remote, "gone");
                if (state != "ESTABLISHED" && stillAlive.Contains(peer.Id))
                    suspects[peer.Id] = $"peer-{peer.Id} {peer.Remote} socket {state}";
            }
            foreach (long id in before)
                if (!answered.Contains(id) && stillAlive.Contains(id)) suspects[id] = $"peer-{id} did not answer GetPeerInfo";

            lock (_gate)
            {
                _checks++;
                _lastSuspects = suspects.Count;
                _stuck = [.. suspects.Where(s => _suspects.Contains(s.Key)).Select(s => s.Value)];
                foreach (var s in suspects.Keys.Where(_suspects.Contains)) _stuckEver.Add(s);
                _suspects = [.. suspects.Keys];
            }
        }

        /// <summary>The node's own sockets, by remote endpoint: those on its listen port (local 127.0.0.1:port) and its
        /// connection to the feeder.</summary>
        private Dictionary<IPEndPoint, string> ReadTcpTable()
        {
            var table = new Dictionary<IPEndPoint, string>();
            // Akka.IO dials with dual-mode sockets: the node's connection to the feeder is in tcp6 as ::ffff:127.0.0.1.
            foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1).Concat(File.ReadLines("/proc/net/tcp6").Skip(1)))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4) continue;
                var local = Parse(fields[1]);
                var remote = Parse(fields[2]);
                if (!local.Address.Equals(IPAddress.Loopback)) continue;
                if (local.Port != listenPort && !remote.Equals(feeder)) continue;
                string state = fields[3] switch
                {
                    "01" => "ESTABLISHED", "06" => "TIME_WAIT", "07" => "CLOSE", "08" => "CLOSE_WAIT", "09" => "LAST_ACK",
                    "0A" => "LISTEN", "04" => "FIN_WAIT1", "05" => "FIN_WAIT2", "0B" => "CLOSING", _ => "state " + fields[3],
                };
                // Several rows for one remote (an old TIME_WAIT and a new connection): ESTABLISHED wins.
                if (!table.TryGetValue(remote, out var existing) || existing != "ESTABLISHED") table[remote] = state;
            }
            return table;
        }

        private static IPEndPoint Parse(string hex)
        {
            // The address as the kernel prints it: 32-bit words in host order (little-endian here); IPv4-mapped IPv6
            // (::ffff:a.b.c.d) is read as the IPv4 address, as the peers' endpoints are.
            var parts = hex.Split(':');
            string address = parts[0];
            if (address.Length == 32 && address.StartsWith("0000000000000000FFFF0000", StringComparison.Ordinal)) address = address[24..];
            var bytes = new byte[address.Length / 2];
            for (int word = 0; word < address.Length / 8; word++)
            {
                uint raw = uint.Parse(address.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                BitConverter.GetBytes(raw).CopyTo(bytes, word * 4);
            }
            return new IPEndPoint(new IPAddress(bytes), int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
    }
}
