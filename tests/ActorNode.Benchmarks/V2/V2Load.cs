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

        var (managed, native) = IdleMemory(Math.Max(peers, 10_000), random); // enough sessions for RSS to show them
        Console.WriteLine($"| peers | cores | handshakes/s (3 rounds, wall clock) | our CPU per handshake | idle session: managed heap | idle session: process RSS (10,000+ sessions) |");
        Console.WriteLine($"|---:|---:|---|---:|---:|---:|");
        Console.WriteLine($"| {peers:N0} | {Environment.ProcessorCount} | {string.Join(" / ", rates.Select(r => r.ToString("N0")))} | {cpuPer:N0} µs | {managed:N0} B | {native:N0} B |");
        CpuTable(random);
        return 0;
    }

    /// <summary>Process CPU time per operation (not wall clock, which a loaded machine inflates): v1 framing
    /// (header + double-SHA-256 checksum written and verified) against one v2 packet encrypted and decrypted, and a
    /// whole block message through the V1 and V2 framers.</summary>
    private static void CpuTable(RandomNumberGenerator random)
    {
        Console.WriteLine();
        Console.WriteLine("| operation (one side encodes, the other decodes) | v1 CPU/op | v2 CPU/op | v2 / v1 |");
        Console.WriteLine("|---|---:|---:|---:|");
        var keys = ActorNode.V2Transport.Crypto.V2KeyDerivation.Derive(RandomNumberGenerator.GetBytes(32), Magic);
        using var sender = new ActorNode.V2Transport.Crypto.V2PacketCipher(keys, true);
        using var receiver = new ActorNode.V2Transport.Crypto.V2PacketCipher(keys, false);
        foreach (int size in new[] { 100, 1_000_000 })
        {
            var payload = RandomNumberGenerator.GetBytes(size);
            var frame = new byte[24 + size];
            var packet = new byte[1 + size + 20];
            int n = size > 1000 ? 200 : 200_000;
            double v1 = CpuMicros(n, () =>
            {
                new ActorNode.Wire.Encoding.FrameHeader(Magic, "block", (uint)size, ActorNode.Wire.Encoding.FrameHeader.ComputeChecksum(payload)).WriteTo(frame);
                payload.CopyTo(frame, 24);
                var header = ActorNode.Wire.Encoding.FrameHeader.Parse(frame);
                if (ActorNode.Wire.Encoding.FrameHeader.ComputeChecksum(frame.AsSpan(24)) != header.Checksum) throw new InvalidOperationException();
            });
            double v2 = CpuMicros(n, () =>
            {
                packet[4] = 2;
                payload.CopyTo(packet, 5);
                sender.EncryptInPlace(packet, [], false);
                int length = receiver.DecryptLength(packet.AsSpan(0, 3));
                var body = packet.AsSpan(3, 1 + length + 16);
                if (!receiver.Decrypt(body, [], body[..^16])) throw new InvalidOperationException();
            });
            Console.WriteLine($"| {size:N0}-byte payload, framing only | {v1:N2} µs | {v2:N2} µs | {v2 / v1:N2} |");
        }

        var block = new ActorNode.Wire.Messages.BlockMessage(ActorNode.Wire.Primitives.Block.Parse(
            ActorNode.Wire.Tests.TestData.ReadAllBytes(ActorNode.Wire.Tests.TestData.Block574200)));
        var ctx = ActorNode.Wire.WireContext.Latest;
        var v1f = new ActorNode.V2Transport.Framing.V1Framer(Magic, ctx);
        var outF = new ActorNode.V2Transport.Framing.V2Framer(V2Role.Initiator, Magic, ctx, random);
        var inF = new ActorNode.V2Transport.Framing.V2Framer(V2Role.Responder, Magic, ctx, random);
        for (int i = 0; i < 4; i++)
        {
            PumpFramer(inF, outF.TakeOutput());
            PumpFramer(outF, inF.TakeOutput());
        }
        double b1 = CpuMicros(100, () => PumpFramer(v1f, v1f.Encode(block, ctx)));
        double b2 = CpuMicros(100, () => PumpFramer(inF, outF.Encode(block, ctx)));
        Console.WriteLine($"| block 574,200 (1,245,250 B): encode + decode into a BlockMessage, 64 KiB reads | {b1:N0} µs | {b2:N0} µs | {b2 / b1:N2} |");
    }

    private static void PumpFramer(ActorNode.V2Transport.Framing.IMessageFramer to, byte[]? bytes)
    {
        if (bytes is null) return;
        for (int at = 0; at < bytes.Length; at += 65536)
        {
            ReadOnlySpan<byte> chunk = bytes.AsSpan(at, Math.Min(65536, bytes.Length - at));
            while (to.TryRead(ref chunk, out _)) { }
        }
    }

    private static double CpuMicros(int n, Action op)
    {
        for (int i = 0; i < Math.Min(n, 20); i++) op(); // warm up
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < n; i++) op();
        return (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds * 1000 / n;
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
