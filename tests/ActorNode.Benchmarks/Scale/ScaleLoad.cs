using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorNode.Chain;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Benchmarks.Scale;

/// <summary>The node at scale (issue 4, "Scale"): for each N, a fresh node in its own process (<see cref="ScaleNode"/>),
/// N inbound connections from this process, each completing the version/verack handshake with frames written by our
/// own codec, then the node's memory per idle handshaked peer.
/// <para>Sources are spread over many loopback /24s (Linux routes all of 127/8 to lo): the node admits at most 8
/// pending handshakes per /24 (btcd internal/inbound), so peer i dials from 127.(1+g/256).(g%256).(1+i/G) with
/// g = i mod G, and at most <c>--window</c> handshakes are in flight at once. A handshake is: connect, send version,
/// read until the node's version and verack, send wtxidrelay, sendaddrv2 and verack (in that order, as Bitcoin Core
/// does) in one write.</para>
/// <para>Figures: handshakes per second over the wall time from the first dial to the last verack we send, and to the
/// moment the node counts all N as handshaked; then, after a settle time with all N idle, the node's VmRSS and managed
/// heap (after a full compacting GC in the node) minus the same before the N dials, divided by N. Before that baseline,
/// a warm-up batch of peers is handshaked and kept, so JIT and pools are not charged to the N.</para></summary>
internal static class ScaleLoad
{
    private static readonly uint Magic = ChainParams.Regtest.Magic;
    private static readonly WireContext Context = WireContext.Latest;
    private static readonly byte[] AfterVersion = EncodeTail();

    private sealed record LoadConfig(int Window, int Groups, int Warmup, TimeSpan WarmupPause, TimeSpan Settle,
        TimeSpan DialPhase, TimeSpan Hold, string[] NodeArgs, IReadOnlyDictionary<string, string> NodeEnvironment);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new CommandLine(args);
        var peers = options.Ints("peers", [1_000, 5_000, 10_000]);
        // --v2 (issue 12): the node has v2 on and every peer is a BIP324 initiator (key exchange, then the same
        // handshake in v2 packets); memory per idle peer then includes its v2 session.
        UseV2 = options.String("v2") is not null;
        var config = new LoadConfig(
            Window: options.Int("window", 256),
            Groups: options.Int("groups", 1_000),
            Warmup: options.Int("warmup", 1_000),
            WarmupPause: TimeSpan.FromSeconds(options.Double("warmup-pause", 3)),
            Settle: TimeSpan.FromSeconds(options.Double("settle", 15)),
            DialPhase: TimeSpan.FromSeconds(options.Int("dial-timeout", 180)),
            Hold: TimeSpan.FromSeconds(options.Int("hold", 0)),
            NodeArgs: NodeArgs(options),
            // e.g. --node-env DOTNET_gcServer=1,DOTNET_TieredPGO=0: runtime settings for the node only
            NodeEnvironment: (options.String("node-env") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : ""));
        if (peers.Count == 0 || peers.Any(p => p < 1))
        {
            Log("load: --peers takes positive counts separated by commas: 1000,5000,10000 (or 10_000)");
            return 2;
        }
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(options.Int("max-minutes", 30)));

        var (soft, hard) = FileLimit.RaiseToHard();
        int most = peers.Max();
        Log($"load: {Environment.ProcessorCount} cores, .NET {Environment.Version}, open files {soft} (hard {hard}); " +
            $"peers {string.Join(", ", peers)}; window {config.Window}; {config.Groups} source /24s; warm-up {config.Warmup}; settle {config.Settle.TotalSeconds:0} s");
        if (soft != 0 && (ulong)(most + config.Warmup) + 128 > soft)
        {
            Log($"load: {most:N0} peers and {config.Warmup:N0} warm-up peers need more descriptors than the limit {soft} " +
                "in each process (raise the hard limit, e.g. ulimit -Hn as root)");
            return 2;
        }
        if (most + config.Warmup > config.Groups * 254)
        {
            Log($"load: {most:N0} peers need more than {config.Groups} source /24s (--groups)");
            return 2;
        }

        var results = new List<RunResult>();
        try
        {
            foreach (int n in peers)
            {
                var result = await RunOneAsync(n, config, overall.Token);
                results.Add(result);
                Log(result.Summary());
            }
        }
        catch (OperationCanceledException) when (overall.IsCancellationRequested)
        {
            Log("load: out of time (--max-minutes); results so far follow");
        }
        PrintTable(results, config);
        return results.Count == peers.Count && results.All(r => r.Failed == 0) ? 0 : 1;
    }

    internal static string[] NodeArgs(CommandLine options)
    {
        var args = new List<string>();
        foreach (var name in new[] { "backlog", "max-peers", "handshake-timeout", "hocon", "sink-cost-us", "v2" })
            if (options.String(name) is { } value)
                args.AddRange([$"--{name}", value]);
        return [.. args];
    }

    private static async Task<RunResult> RunOneAsync(int n, LoadConfig config, CancellationToken ct)
    {
        await using var node = await NodeProcess.StartAsync(config.NodeArgs, config.NodeEnvironment, ct);
        var endpoint = new IPEndPoint(IPAddress.Loopback, node.Port);
        Log($"node: pid {node.Pid}, port {node.Port}, {node.Description}");

        // Warm-up: JIT, thread pools, Akka.IO's selectors. Its peers stay connected through the measurement, so the
        // baseline holds them and the N that follow are charged exactly what they add (memory freed by closed
        // warm-up peers would otherwise be reused by the N and hide part of their cost).
        var warm = await DialAllAsync(config.Warmup, endpoint, config, firstIndex: 0, ct);
        if (warm.Failed > 0) Log($"warm-up: {warm.Failed} of {config.Warmup} handshakes failed ({warm.FirstError})");
        await WaitForCountAsync(node, warm.Handshaked, TimeSpan.FromSeconds(60), ct);
        await Task.Delay(config.WarmupPause, ct); // the runtime's tiered JIT recompiles the hot paths meanwhile
        var before = await node.SampleAsync(ct);
        double loadBefore = LoadAverage();
        var nodeCpu = node.CpuTime();
        var loadCpu = Process.GetCurrentProcess().TotalProcessorTime;

        // The N dials. Sources start after the warm-up's, so no address is reused.
        var dial = await DialAllAsync(n, endpoint, config, firstIndex: config.Warmup, ct);
        var nodeSeen = await WaitForCountAsync(node, warm.Handshaked + dial.Handshaked, TimeSpan.FromSeconds(60), ct);
        double nodeSeconds = Stopwatch.GetElapsedTime(dial.Started, nodeSeen.At).TotalSeconds;
        double loadDuring = LoadAverage();
        nodeCpu = node.CpuTime() - nodeCpu;
        loadCpu = Process.GetCurrentProcess().TotalProcessorTime - loadCpu;

        // Idle: every peer has completed its handshake and says nothing more.
        await Task.Delay(config.Settle, ct);
        var after = await node.SampleAsync(ct);
        var held = await node.CountAsync(ct);
        if (config.Hold > TimeSpan.Zero)
        {
            // For a look at the node with other tools (e.g. a heap walker) while the peers are held.
            Log($"holding {held.Inbound:N0} peers of node pid {node.Pid} for {config.Hold.TotalSeconds:0} s (--hold)");
            await Task.Delay(config.Hold, ct);
        }

        CloseAll(dial.Sockets);
        CloseAll(warm.Sockets);
        return new RunResult(n, dial.Handshaked, dial.Failed, dial.FirstError, dial.Seconds, nodeSeen.Count - warm.Handshaked,
            nodeSeconds, held.Inbound - warm.Handshaked, dial.Latencies, before, after, node.Description, loadBefore, loadDuring,
            nodeCpu, loadCpu);
    }

    /// <summary>The machine's 1-minute load average: the figures are only as good as the machine is quiet.</summary>
    private static double LoadAverage() =>
        File.Exists("/proc/loadavg")
            ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
            : double.NaN;

    private static async Task<(int Count, long At)> WaitForCountAsync(NodeProcess node, int expected, TimeSpan patience, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var (inbound, _) = await node.CountAsync(ct);
            long now = Stopwatch.GetTimestamp();
            if (inbound == expected || now > deadline)
            {
                if (inbound != expected) Log($"node: counts {inbound} peers, expected {expected}, after {patience.TotalSeconds:0} s");
                return (inbound, now);
            }
            await Task.Delay(10, ct);
        }
    }

    // ---- Dialling -------------------------------------------------------------------------------------------------

    private sealed record DialResult(Socket?[] Sockets, int Handshaked, int Failed, string? FirstError, long Started,
        double Seconds, double[] Latencies);

    private static async Task<DialResult> DialAllAsync(int n, IPEndPoint node, LoadConfig config, int firstIndex, CancellationToken ct)
    {
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(ct);
        phase.CancelAfter(config.DialPhase);
        var sockets = new Socket?[n];
        var done = new long[n];
        var latencies = new double[n];
        int failed = 0;
        string? firstError = null;
        using var window = new SemaphoreSlim(config.Window);
        var tasks = new Task[n];

        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            await window.WaitAsync(phase.Token);
            tasks[i] = One(i);
        }
        await Task.WhenAll(tasks);
        long last = n == 0 ? started : done.Max();
        var ok = latencies.Where(l => !double.IsNaN(l)).ToArray();
        return new DialResult(sockets, ok.Length, failed, firstError, started,
            ok.Length == 0 ? double.NaN : Stopwatch.GetElapsedTime(started, last).TotalSeconds, ok);

        async Task One(int i)
        {
            long begin = Stopwatch.GetTimestamp();
            try
            {
                sockets[i] = await HandshakeAsync(node, SourceAddress(firstIndex + i, config.Groups), phase.Token);
                done[i] = Stopwatch.GetTimestamp();
                latencies[i] = Stopwatch.GetElapsedTime(begin, done[i]).TotalMilliseconds;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or WireException)
            {
                latencies[i] = double.NaN;
                if (Interlocked.Increment(ref failed) == 1) firstError = $"{e.GetType().Name}: {e.Message}";
            }
            finally
            {
                window.Release();
            }
        }
    }

    /// <summary>Peer i's source: 127.(1+g/256).(g%256).(1+i/G), g = i mod G: consecutive dials come from different
    /// /24s, so no /24 ever has more than ⌈window/G⌉ handshakes pending.</summary>
    private static IPAddress SourceAddress(int i, int groups)
    {
        int g = i % groups;
        int host = 1 + i / groups;
        return new IPAddress([127, (byte)(1 + g / 256), (byte)(g % 256), (byte)host]);
    }

    private static bool UseV2;

    internal static async Task<Socket> HandshakeAsync(IPEndPoint node, IPAddress source, CancellationToken ct)
    {
        if (UseV2) return await HandshakeV2Async(node, source, ct);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(node, ct);
            var version = new VersionMessage((int)ProtocolVersion.Current, ServiceFlags.Network | ServiceFlags.Witness,
                DateTimeOffset.UtcNow.ToUnixTimeSeconds(), new NetAddress(ServiceFlags.None, node.Address, (ushort)node.Port),
                new NetAddress(ServiceFlags.None, IPAddress.Any, 0), (ulong)Random.Shared.NextInt64(), "/actornode-load:1.0/", 0);
            await socket.SendAsync(new MessageEncoder(Magic).Encode(version, Context), SocketFlags.None, ct);

            var decoder = new FrameDecoder(Magic, Context);
            var messages = new List<IWireMessage>(4);
            bool gotVersion = false, gotVerack = false;
            while (!(gotVersion && gotVerack))
            {
                int read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, ct);
                if (read == 0) throw new IOException("the node closed the connection during the handshake");
                messages.Clear();
                decoder.ReadAll(buffer.AsSpan(0, read), messages);
                foreach (var message in messages)
                {
                    switch (message)
                    {
                        case VersionMessage: gotVersion = true; break;
                        case VerAckMessage: gotVerack = true; break;
                        case RejectMessage reject: throw new IOException($"rejected: {reject.Reason}");
                    }
                }
            }
            await socket.SendAsync(AfterVersion, SocketFlags.None, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The same handshake as a BIP324 initiator (the library's <see cref="V2Transport.Framing.V2Framer"/>):
    /// key and garbage, our version queued until the node's key is in, then the tail in v2 packets.</summary>
    private static async Task<Socket> HandshakeV2Async(IPEndPoint node, IPAddress source, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16384);
        using var framer = new V2Transport.Framing.V2Framer(V2Transport.V2Role.Initiator, Magic, Context,
            System.Security.Cryptography.RandomNumberGenerator.Create());
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(node, ct);
            var version = new VersionMessage((int)ProtocolVersion.Current, ServiceFlags.Network | ServiceFlags.Witness,
                DateTimeOffset.UtcNow.ToUnixTimeSeconds(), new NetAddress(ServiceFlags.None, node.Address, (ushort)node.Port),
                new NetAddress(ServiceFlags.None, IPAddress.Any, 0), (ulong)Random.Shared.NextInt64(), "/actornode-load:1.0/", 0);
            await socket.SendAsync(framer.TakeOutput()!, SocketFlags.None, ct);
            framer.Encode(version, Context); // queued until the node's key arrives
            bool gotVersion = false, gotVerack = false;
            while (!(gotVersion && gotVerack))
            {
                int read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, ct);
                if (read == 0) throw new IOException("the node closed the connection during the handshake");
                var span = new ReadOnlySpan<byte>(buffer, 0, read);
                var messages = new List<IWireMessage>(4);
                while (framer.TryRead(ref span, out var message)) messages.Add(message);
                foreach (var message in messages)
                {
                    switch (message)
                    {
                        case VersionMessage: gotVersion = true; break;
                        case VerAckMessage: gotVerack = true; break;
                        case RejectMessage reject: throw new IOException($"rejected: {reject.Reason}");
                    }
                }
                if (framer.TakeOutput() is { Length: > 0 } output) await socket.SendAsync(output, SocketFlags.None, ct);
            }
            byte[] tail = [.. framer.Encode(WtxidRelayMessage.Instance, Context), .. framer.Encode(SendAddrV2Message.Instance, Context),
                .. framer.Encode(VerAckMessage.Instance, Context)];
            await socket.SendAsync(tail, SocketFlags.None, ct);
            return socket;
        }
        catch (V2Transport.V2TransportException e)
        {
            socket.Dispose();
            throw new IOException($"v2: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] EncodeTail()
    {
        var encoder = new MessageEncoder(Magic);
        return [.. encoder.Encode(WtxidRelayMessage.Instance, Context), .. encoder.Encode(SendAddrV2Message.Instance, Context),
            .. encoder.Encode(VerAckMessage.Instance, Context)];
    }

    private static void CloseAll(Socket?[] sockets)
    {
        foreach (var socket in sockets) socket?.Dispose();
    }

    // ---- Report ---------------------------------------------------------------------------------------------------

    private sealed record RunResult(int Peers, int Handshaked, int Failed, string? FirstError, double ClientSeconds,
        int NodeCounted, double NodeSeconds, int HeldAfterSettle, double[] Latencies, MemorySample Before, MemorySample After,
        string NodeDescription, double LoadBefore, double LoadDuring, TimeSpan NodeCpu, TimeSpan LoadCpu)
    {
        /// <summary>CPU the node spent per handshake (from the first dial to its count of all N): what the rate
        /// would be on a machine of its own, whatever else runs here.</summary>
        public double NodeCpuMs => NodeCpu.TotalMilliseconds / Math.Max(1, NodeCounted);
        public double LoadCpuMs => LoadCpu.TotalMilliseconds / Math.Max(1, Handshaked);

        public double ClientRate => Handshaked / ClientSeconds;
        public double NodeRate => NodeCounted / NodeSeconds;
        public double PerPeer(Func<MemorySample, long> field) => (field(After) - field(Before)) / (double)Math.Max(1, HeldAfterSettle);
        public double Percentile(double p)
        {
            if (Latencies.Length == 0) return double.NaN;
            var sorted = Latencies.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        }

        public string Summary() =>
            $"N={Peers:N0}: {Handshaked:N0} handshaked ({Failed} failed{(FirstError is null ? "" : ", first: " + FirstError)}) in " +
            $"{ClientSeconds:0.00} s = {ClientRate:N0}/s (node counted {NodeCounted:N0} after {NodeSeconds:0.00} s = {NodeRate:N0}/s); " +
            $"held after settle {HeldAfterSettle:N0}; RSS {Before.Rss / 1048576.0:0.0} → {After.Rss / 1048576.0:0.0} MiB, " +
            $"managed {Before.Managed / 1048576.0:0.0} → {After.Managed / 1048576.0:0.0} MiB, fds {Before.Descriptors} → {After.Descriptors}; " +
            $"load average {LoadBefore:0.0} → {LoadDuring:0.0}; CPU per handshake: node {NodeCpuMs:0.000} ms, load {LoadCpuMs:0.000} ms; " +
            $"node JIT: {After.JittedMethods - Before.JittedMethods} methods, {After.JitMilliseconds - Before.JitMilliseconds} ms";
    }

    private static void PrintTable(IReadOnlyList<RunResult> results, LoadConfig config)
    {
        static string KiB(double bytes) => (bytes / 1024).ToString("N1", CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"Node: {results.FirstOrDefault()?.NodeDescription}; window {config.Window}, {config.Groups} source /24s, settle {config.Settle.TotalSeconds:0} s");
        Console.WriteLine();
        Console.WriteLine("| peers | held by the node | failed | handshakes/s (to last verack) | handshakes/s (to node's count) | handshake p50 / p99 ms | RSS / peer KiB | RssAnon / peer KiB | managed / peer KiB | GC committed / peer KiB | node fds | node CPU ms / handshake | load CPU ms / handshake | load avg |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Peers:N0} | {r.HeldAfterSettle:N0} | {r.Failed} | {r.ClientRate:N0} | {r.NodeRate:N0} | {r.Percentile(0.5):0.0} / {r.Percentile(0.99):0.0} | " +
                $"{KiB(r.PerPeer(s => s.Rss))} | {KiB(r.PerPeer(s => s.RssAnon))} | {KiB(r.PerPeer(s => s.Managed))} | {KiB(r.PerPeer(s => s.GcCommitted))} | {r.After.Descriptors:N0} | {r.NodeCpuMs:0.00} | {r.LoadCpuMs:0.00} | {r.LoadDuring:0.0} |"));
        }
        Console.WriteLine();
        var big = results.Where(r => r.Peers >= 10_000).ToList();
        Console.WriteLine(big.Count == 0
            ? "Target 10,000 concurrent peers held: not tried"
            : $"Target 10,000 concurrent peers held: {(big.Any(r => r.HeldAfterSettle >= 10_000) ? "met" : "MISSED")} ({string.Join(", ", big.Select(r => $"{r.HeldAfterSettle:N0} of {r.Peers:N0}"))})");
        Console.WriteLine($"Target ≥ 2,000 handshakes/s: {string.Join(", ", results.Select(r => $"N={r.Peers:N0} {(Math.Min(r.ClientRate, r.NodeRate) >= 2000 ? "met" : "MISSED")}"))}");
        Console.WriteLine($"Target < 30 KB (30,720 bytes) RSS per idle peer: {string.Join(", ", results.Select(r => $"N={r.Peers:N0} {(r.PerPeer(s => s.Rss) < 30 * 1024 ? "met" : "MISSED")}"))}");
    }

    private static void Log(string line) => Console.Error.WriteLine($"[load] {line}");
}
