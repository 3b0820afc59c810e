using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using ActorNode.AddrBook.Persistence;
using ActorNode.Benchmarks.Scale;
using ActorNode.Chain;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using Akka.Actor;

namespace ActorNode.Benchmarks.Soak;

internal sealed record SoakOptions(int Peers, double Minutes, double WarmupMinutes, int Blocks, double BlockSeconds, double TxRate,
    double LifeMinSeconds, double LifeMaxSeconds, double FetchShare, double RampSeconds, int Groups, double ReportSeconds);

/// <summary>The soak (issue 16), <c>soak --peers 1000 --minutes 60</c>: one node in its own process
/// (<see cref="SoakNode"/>) while, for the whole run, <c>--peers</c> raw peers churn against it (<see cref="SoakPeer"/>:
/// connect, handshake, relay transactions, disconnect, reconnect) and it syncs from a feeder — an ActorNode in this
/// process that mines <c>--blocks</c> blocks before the start (the node's initial sync, during the warm-up) and one
/// block every <c>--block-seconds</c> after, with the transactions the peers relayed (node → feeder), so the node keeps
/// syncing, relaying and emptying its pool.
/// <para>Every <c>--report-seconds</c> one row: the node's RSS, its managed heap after a full collection, actors,
/// the deepest mailbox in the period, descriptors, peers connected, handshakes so far, errors. At the end the peers
/// all leave, the node has 60 s to drop back to its one feeder connection, and a verdict line compares the RSS at the
/// end with the RSS after the warm-up (target: within 10 %) and counts stuck actors (target: 0).</para></summary>
internal static class SoakCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cl = new Scale.CommandLine(args);
        double minutes = cl.Double("minutes", 60);
        var options = new SoakOptions(
            Peers: cl.Int("peers", 1_000),
            Minutes: minutes,
            WarmupMinutes: cl.Double("warmup-minutes", Math.Min(5, minutes / 4)),
            Blocks: cl.Int("blocks", 2_000),
            BlockSeconds: cl.Double("block-seconds", 10),
            TxRate: cl.Double("tx-rate", 10),
            LifeMinSeconds: cl.Double("life-min", 5),
            LifeMaxSeconds: cl.Double("life-max", 60),
            FetchShare: cl.Double("fetch-share", 0.2),
            RampSeconds: cl.Double("ramp-seconds", 20),
            Groups: cl.Int("groups", 250),
            ReportSeconds: cl.Double("report-seconds", 60));
        var (soft, hard) = FileLimit.RaiseToHard();
        Log($"soak: {options.Peers} peers for {minutes} min (warm-up {options.WarmupMinutes} min), {Environment.ProcessorCount} cores, " +
            $".NET {Environment.Version}, open files {soft} (hard {hard}), load average {LoadAverage()}");
        if (soft != 0 && (ulong)options.Peers * 2 + 256 > soft)
        {
            Log($"soak: {options.Peers} peers need about {options.Peers * 2 + 256} descriptors in this process, the limit is {soft}");
            return 2;
        }
        if (options.Peers > options.Groups * 250)
        {
            Log($"soak: {options.Peers} peers need more than {options.Groups} source /24s (--groups)");
            return 2;
        }

        // The feeder: an ActorNode in this process, its chain in memory (its memory is not the one measured).
        var feederDir = Directory.CreateTempSubdirectory("actornode-soak-feeder-").FullName;
        using var feederSystem = ActorSystem.Create("soak-feeder", Akka.Configuration.ConfigurationFactory.ParseString(
            "akka { loglevel = WARNING, log-dead-letters = off }"));
        var book = feederSystem.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(feederDir)), "addrbook");
        var feederSync = feederSystem.ActorOf(SyncActor.Props(new SyncSettings
        {
            Chain = ChainParams.Regtest,
            OpenStore = () => new MemoryBlockStore(ChainParams.Regtest.Magic),
        }), "sync");
        var feederManager = feederSystem.ActorOf(ConnManagerActor.Props(new ConnManagerSettings
        {
            Chain = ChainParams.Regtest,
            DataDirectory = feederDir,
            TargetOutbound = 0,
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
        }, book, feederSync), "connmanager");
        feederSync.Tell(new UseConnManager(feederManager));
        var feederEndpoint = await ListenEndpointAsync(feederManager);
        var clock = Stopwatch.StartNew();
        for (int left = options.Blocks; left > 0; left -= Math.Min(left, 1000))
        {
            var mined = await feederSync.Ask<BlocksMined>(new MineBlocks(Math.Min(left, 1000)), TimeSpan.FromMinutes(10));
            if (mined.Error is not null) throw new InvalidOperationException(mined.Error);
        }
        Log($"feeder: {feederEndpoint}, mined {options.Blocks} blocks in {clock.Elapsed.TotalSeconds:F1} s");

        string[] nodeArgs = cl.String("debug-log") is null ? ["--connect", feederEndpoint.ToString()] : ["--connect", feederEndpoint.ToString(), "--debug-log"];
        await using var node = await SoakNodeProcess.StartAsync(nodeArgs);
        Log($"node: pid {node.Pid}, port {node.Port}, {node.Description}");
        var nodeEndpoint = new IPEndPoint(IPAddress.Loopback, node.Port);
        var start = await node.StatsAsync();

        var rows = new List<Row>();
        var counters = new PeerCounters();
        int errors = 0;
        var errorLines = new List<string>();
        using var churn = new CancellationTokenSource();
        using var mining = new CancellationTokenSource();
        var started = Stopwatch.StartNew();
        var miner = MineAsync(feederSync, options.BlockSeconds, mining.Token);
        var slots = Enumerable.Range(0, options.Peers)
            .Select(i => Task.Run(() => new SoakPeer(i, SourceAddress(i, options.Groups), nodeEndpoint, options, counters).RunAsync(churn.Token)))
            .ToArray();

        PrintHeader();
        Row? warm = null;
        Row Add(SoakNode.Stats stats, string label)
        {
            var row = new Row(started.Elapsed, label, stats, Interlocked.Read(ref counters.Connected), Interlocked.Read(ref counters.Handshakes),
                Interlocked.Read(ref counters.Failures), LoadAverage());
            rows.Add(row);
            errors = stats.Errors;
            foreach (var line in stats.NewErrorLines)
            {
                if (errorLines.Count < 50) errorLines.Add(line);
                Log($"node ERROR: {line}");
            }
            foreach (var line in stats.NewWarningLines.Take(5)) Log($"node warning: {line}");
            foreach (var line in stats.FeederLines) Log($"node, feeder connection: {line}");
            PrintRow(row);
            return row;
        }
        Add(start, "start");
        var end = TimeSpan.FromMinutes(minutes);
        var warmAt = TimeSpan.FromMinutes(options.WarmupMinutes);
        for (var next = TimeSpan.FromSeconds(options.ReportSeconds); next <= end; next += TimeSpan.FromSeconds(options.ReportSeconds))
        {
            var wait = next - started.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var row = Add(await node.StatsAsync(), "");
            if (warm is null && started.Elapsed >= warmAt - TimeSpan.FromSeconds(1)) warm = row with { Label = "warm" };
        }
        if (warm is null) warm = rows[^1];

        // The end: every peer leaves; the node must come back to its feeder connection alone.
        Log($"churn stops: {counters.Connected} peers connected, {counters.Handshakes} handshakes, {counters.Failures} failures " +
            $"(first: {counters.FirstFailure ?? "none"})");
        await churn.CancelAsync();
        await Task.WhenAll(slots).WaitAsync(TimeSpan.FromSeconds(90));
        SoakNode.Stats drained = await node.StatsAsync();
        var drainClock = Stopwatch.StartNew();
        while ((drained.PeerActors > 1 || drained.Inbound > 0) && drainClock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5_000);
            drained = await node.StatsAsync();
        }
        double drainSeconds = drainClock.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(35)); // two socket checks and a 30 s mailbox window after the drain
        var final = Add(await node.StatsAsync(), "drained");
        await mining.CancelAsync();
        await miner;

        var feederPool = await feederSync.Ask<MempoolContent>(GetMempool.Instance, TimeSpan.FromSeconds(30));
        var feederTips = await feederSync.Ask<ChainTips>(new GetChainTips(), TimeSpan.FromSeconds(30));
        var last = rows.Last(r => r.Label == "");
        Console.WriteLine();
        Console.WriteLine($"load side: {counters.Connects:N0} connects, {counters.Handshakes:N0} handshakes, {counters.Aborted:N0} aborted mid-handshake, " +
            $"{counters.Silent:N0} silent (dropped by the node: see node-closed), {counters.NodeClosed:N0} closed by the node, {counters.Resets:N0} RST closes, " +
            $"{counters.Failures:N0} failures (first: {counters.FirstFailure ?? "none"}); txs announced {counters.TxAnnounced:N0}, served to the node {counters.TxServed:N0}, " +
            $"tx inv received {counters.TxInvReceived:N0}, txs received {counters.TxReceived:N0}, block announcements {counters.BlockAnnouncements:N0}, pings {counters.Pings:N0}");
        if (!counters.FailureKinds.IsEmpty)
            Console.WriteLine("load failures, by kind: " + string.Join("; ", counters.FailureKinds.OrderByDescending(k => k.Value).Take(8).Select(k => $"{k.Value:N0} × {k.Key}")));
        Console.WriteLine($"node: {final.Stats.PeersStarted:N0} PeerActors started; height {final.Stats.Height:N0}; pool {final.Stats.Mempool:N0}; " +
            $"drained to {drained.PeerActors} PeerActor(s), {drained.Inbound} inbound in {drainSeconds:F0} s; {final.Stats.Errors} error and {final.Stats.Warnings} warning log events; " +
            $"{final.Stats.SocketChecks} socket checks ({final.Stats.SocketSuspects} suspects at the last); feeder height {feederTips.BestBlock.Height:N0}, feeder pool {feederPool.Items.Count:N0}");
        foreach (var line in errorLines) Console.WriteLine($"  error: {line}");
        if (final.Stats.GoneReasons.Count > 0)
            Console.WriteLine("peers gone, by reason (--debug-log): " + string.Join("; ", final.Stats.GoneReasons.OrderByDescending(r => r.Value).Select(r => $"{r.Value:N0} × {r.Key}")));

        // Stuck: PeerActors with a dead socket or silent to GetPeerInfo in two checks in a row (ever, during the run);
        // mailboxes non-empty for 30 s (at the last sample of the run and after the drain); PeerActors left after the drain.
        int stuckSockets = final.Stats.StuckPeersEver;
        int notDraining = Math.Max(last.Stats.NotDraining.Count, final.Stats.NotDraining.Count);
        int leftOver = Math.Max(0, drained.PeerActors - 1);
        int stuck = stuckSockets + notDraining + leftOver;
        double growth = (last.Stats.RssKiB - warm.Stats.RssKiB) / (double)warm.Stats.RssKiB;
        // One RSS sample swings by tens of MB with the GC's decommits: the medians of five rows say the same less noisily.
        var running = rows.Where(r => r.Label == "").ToList();
        int warmIndex = running.FindIndex(r => r.At >= warm.At);
        double Median(IEnumerable<Row> some) => some.Select(r => (double)r.Stats.RssKiB).Order().ElementAt(some.Count() / 2);
        var afterWarm = running.Skip(Math.Max(0, warmIndex)).Take(5).ToList();
        var atEnd = running.TakeLast(5).ToList();
        double smoothed = (Median(atEnd) - Median(afterWarm)) / Median(afterWarm);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RSS median of the {afterWarm.Count} rows from the warm-up on {Median(afterWarm) / 1024:F1} MB, of the last {atEnd.Count} rows {Median(atEnd) / 1024:F1} MB ({smoothed * 100:+0.0;-0.0} %)"));
        bool rssOk = Math.Abs(growth) <= 0.10;
        foreach (var s in final.Stats.StuckPeers) Console.WriteLine($"  stuck peer: {s}");
        foreach (var s in last.Stats.NotDraining.Concat(final.Stats.NotDraining)) Console.WriteLine($"  mailbox not draining: {s}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"VERDICT: {(rssOk && stuck == 0 ? "PASS" : "FAIL")} — RSS start {start.RssKiB / 1024.0:F1} MB, after warm-up ({warm.At.TotalMinutes:F1} min) {warm.Stats.RssKiB / 1024.0:F1} MB, " +
            $"end ({last.At.TotalMinutes:F1} min) {last.Stats.RssKiB / 1024.0:F1} MB ({growth * 100:+0.0;-0.0} %, target within ±10 %: {(rssOk ? "met" : "NOT met")}); " +
            $"heap after warm-up {warm.Stats.ManagedBytes / 1e6:F1} MB, end {last.Stats.ManagedBytes / 1e6:F1} MB; " +
            $"stuck actors {stuck} (dead-socket/unresponsive PeerActors {stuckSockets}, mailboxes not draining {notDraining}, PeerActors left after drain {leftOver}; target 0: {(stuck == 0 ? "met" : "NOT met")}); " +
            $"errors {final.Stats.Errors}; handshakes {counters.Handshakes:N0}"));
        Directory.Delete(feederDir, recursive: true);
        await feederSystem.Terminate();
        return rssOk && stuck == 0 ? 0 : 1;
    }

    private static async Task MineAsync(IActorRef sync, double seconds, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(TimeSpan.FromSeconds(seconds), ct); }
            catch (OperationCanceledException) { return; }
            var mined = await sync.Ask<BlocksMined>(new MineBlocks(1), TimeSpan.FromMinutes(1));
            if (mined.Error is not null) Log($"feeder: mining failed: {mined.Error}");
        }
    }

    private static async Task<IPEndPoint> ListenEndpointAsync(IActorRef manager)
    {
        for (int i = 0; ; i++)
        {
            var listening = await manager.Ask<ListeningOn>(GetListenEndpoints.Instance, TimeSpan.FromSeconds(30));
            if (listening.Endpoints.Count > 0) return listening.Endpoints[0];
            if (i > 500) throw new TimeoutException("the feeder does not listen");
            await Task.Delay(10);
        }
    }

    /// <summary>Slot i's address: 127.(1+g/256).(g%256).(1+i/G), g = i mod G (as the load command, so no /24 has more
    /// than a few handshakes pending: the node admits 8 per /24).</summary>
    private static IPAddress SourceAddress(int i, int groups)
    {
        int g = i % groups;
        return new IPAddress([127, (byte)(1 + g / 256), (byte)(g % 256), (byte)(1 + i / groups)]);
    }

    private static double LoadAverage() =>
        File.Exists("/proc/loadavg")
            ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
            : double.NaN;

    private sealed record Row(TimeSpan At, string Label, SoakNode.Stats Stats, long Connected, long Handshakes, long Failures, double Load);

    private static void PrintHeader()
    {
        Console.WriteLine();
        Console.WriteLine("| time | RSS MB | heap MB | actors | PeerActors | max mailbox | fds | threads | peers connected | handshakes | height | pool | stuck | errors | warnings | load fails | load avg |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }

    private static void PrintRow(Row r)
    {
        var s = r.Stats;
        string time = $"{(int)r.At.TotalMinutes:00}:{r.At.Seconds:00}" + (r.Label is "" ? "" : $" {r.Label}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {time} | {s.RssKiB / 1024.0:F1} | {s.ManagedBytes / 1e6:F1} | {s.Actors:N0} | {s.PeerActors:N0} | {s.MaxMailbox:N0} | {s.Descriptors:N0} | {s.Threads} | " +
            $"{r.Connected:N0} (node {s.Inbound:N0}+{s.Outbound}) | {r.Handshakes:N0} | {s.Height:N0} | {s.Mempool:N0} | {s.StuckPeers.Count + s.NotDraining.Count} | {s.Errors} | {s.Warnings} | {r.Failures:N0} | {r.Load:F1} |"));
        if (s.MaxMailbox > 100) Console.WriteLine($"  deepest mailbox: {s.MaxMailboxPath}");
        foreach (var stuck in s.StuckPeers) Console.WriteLine($"  stuck peer: {stuck}");
        foreach (var busy in s.NotDraining) Console.WriteLine($"  mailbox not draining: {busy}");
        Console.Out.Flush();
    }

    private static void Log(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}

/// <summary>The soak's node as a child process (this executable, <c>soak-node</c>), spoken to one line at a time as
/// <see cref="NodeProcess"/> speaks to the load command's node.</summary>
internal sealed class SoakNodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();

    private SoakNodeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) _answers.Writer.TryComplete();
            else if (e.Data.StartsWith('@')) _answers.Writer.TryWrite(e.Data);
            else Console.Error.WriteLine($"[node] {e.Data}");
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) Console.Error.WriteLine($"[node] {e.Data}");
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public int Port { get; private set; }
    public string Description { get; private set; } = "";

    public static async Task<SoakNodeProcess> StartAsync(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(SoakNode).Assembly.Location);
        foreach (var arg in new[] { "soak-node" }.Concat(args)) start.ArgumentList.Add(arg);
        var node = new SoakNodeProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the node"));
        try
        {
            var ready = (await node.NextAsync("@ready")).Split(' ', 3);
            node.Port = int.Parse(ready[1], CultureInfo.InvariantCulture);
            node.Description = ready.Length > 2 ? ready[2] : "";
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public async Task<SoakNode.Stats> StatsAsync()
    {
        await _process.StandardInput.WriteLineAsync("stats");
        await _process.StandardInput.FlushAsync();
        var line = await NextAsync("@stats");
        return JsonSerializer.Deserialize<SoakNode.Stats>(line["@stats ".Length..]) ?? throw new InvalidOperationException("empty stats");
    }

    private async Task<string> NextAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(300));
        while (true)
        {
            string line;
            try { line = await _answers.Reader.ReadAsync(timeout.Token); }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"the node exited (code {(_process.HasExited ? _process.ExitCode : -1)}) before answering {prefix}");
            }
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
            if (line.StartsWith("@error", StringComparison.Ordinal)) throw new InvalidOperationException(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    await _process.StandardInput.WriteLineAsync("quit");
                    await _process.StandardInput.FlushAsync();
                    _process.StandardInput.Close();
                }
                catch (IOException) { }
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try { await _process.WaitForExitAsync(grace.Token); }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine("[soak] the node did not quit in 20 s: killing it");
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
