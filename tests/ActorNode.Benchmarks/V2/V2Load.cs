using System.Diagnostics;
using System.Security.Cryptography;
using ActorNode.V2Transport;

namespace ActorNode.Benchmarks.V2;

/// <summary><c>v2</c> command: handshakes per second for N inbound peers on all cores (our side only: the peers'
/// work is done outside the timed phases), and the memory an idle v2 session holds after its handshake.</summary>
public static class V2Load
{
    private const uint Magic = 0xD9B4BEF9;

    public static int Run(string[] args)
    {
        int peers = args.Length > 1 && args[0] == "--peers" ? int.Parse(args[1]) : 1000;
        var random = RandomNumberGenerator.Create();
        // Warm up (JIT, BouncyCastle tables).
        HandshakeRound(64, random);

        var rates = new List<double>();
        double cpuPer = 0;
        for (int round = 0; round < 3; round++)
        {
            var (elapsed, cpu) = HandshakeRound(peers, random);
            rates.Add(peers / elapsed.TotalSeconds);
            cpuPer = cpu.TotalMilliseconds * 1000 / peers;
        }

        var (managed, native) = IdleMemory(peers, random);
        Console.WriteLine($"| peers | cores | handshakes/s (3 rounds) | our CPU per handshake | idle session: managed | idle session: process RSS |");
        Console.WriteLine($"|---:|---:|---|---:|---:|---:|");
        Console.WriteLine($"| {peers:N0} | {Environment.ProcessorCount} | {string.Join(" / ", rates.Select(r => r.ToString("N0")))} | {cpuPer:N0} µs | {managed:N0} B | {native:N0} B |");
        return 0;
    }

    /// <summary>Peers' first bytes are made before timing; then responders are created and fed them (key
    /// generation, ECDH, derivation, handshake packets) on all cores; the peers' answers are made untimed; then the
    /// responders read them (terminator scan, two decryptions).</summary>
    private static (TimeSpan Elapsed, TimeSpan Cpu) HandshakeRound(int peers, RandomNumberGenerator random)
    {
        var initiators = new V2Session[peers];
        var first = new byte[peers][];
        for (int i = 0; i < peers; i++)
        {
            initiators[i] = new V2Session(V2Role.Initiator, Magic, random);
            first[i] = initiators[i].TakeOutput()!;
        }
        var responders = new V2Session[peers];
        var answers = new byte[peers][];
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, peers, i =>
        {
            responders[i] = new V2Session(V2Role.Responder, Magic, random);
            Feed(responders[i], first[i]);
            answers[i] = responders[i].TakeOutput()!;
        });
        var phaseA = clock.Elapsed;
        var cpuA = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        var rest = new byte[peers][];
        Parallel.For(0, peers, i =>
        {
            Feed(initiators[i], answers[i]);
            rest[i] = initiators[i].TakeOutput()!;
        });
        cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
        Parallel.For(0, peers, i => Feed(responders[i], rest[i]));
        var phaseB = clock.Elapsed;
        var cpuB = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        for (int i = 0; i < peers; i++)
        {
            if (responders[i].State != V2SessionState.Ready) throw new InvalidOperationException("handshake incomplete");
            responders[i].Dispose();
            initiators[i].Dispose();
        }
        return (phaseA + phaseB, cpuA + cpuB);
    }

    /// <summary>Memory held by <paramref name="peers"/> idle sessions after their handshakes (the peers' sessions
    /// dropped): managed heap growth, and process RSS growth (which includes the native AEAD contexts).</summary>
    private static (long Managed, long Native) IdleMemory(int peers, RandomNumberGenerator random)
    {
        var kept = new V2Session[peers];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long heap0 = GC.GetTotalMemory(true);
        long rss0 = Process.GetCurrentProcess().WorkingSet64;
        for (int i = 0; i < peers; i++)
        {
            using var initiator = new V2Session(V2Role.Initiator, Magic, random);
            var responder = new V2Session(V2Role.Responder, Magic, random);
            Feed(responder, initiator.TakeOutput());
            Feed(initiator, responder.TakeOutput());
            Feed(responder, initiator.TakeOutput());
            // One small message each way, as an idle peer's pings leave it.
            Feed(responder, initiator.EncodeMessage("ping", new byte[8]));
            Feed(initiator, responder.EncodeMessage("pong", new byte[8]));
            kept[i] = responder;
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long heap1 = GC.GetTotalMemory(true);
        long rss1 = Process.GetCurrentProcess().WorkingSet64;
        GC.KeepAlive(kept);
        foreach (var s in kept) s.Dispose();
        return ((heap1 - heap0) / peers, (rss1 - rss0) / peers);
    }

    private static void Feed(V2Session session, byte[]? bytes)
    {
        ReadOnlySpan<byte> input = bytes;
        while (session.TryReceive(ref input, out _)) { }
    }
}
