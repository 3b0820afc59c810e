using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorNode.Chain;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Benchmarks.Scale;

/// <summary>A flood of valid messages from one handshaked peer (issue 4: a flooding peer must not grow the node's
/// memory): <c>--mb</c> megabytes of <c>inv</c> messages of 1,000 transaction entries each (36 KB), written as fast
/// as the node takes them, then a ping whose pong proves every inv before it was read. The node's VmRSS is sampled
/// every 20 ms from /proc. With <c>--sink-cost-us</c> the stand-in sync actor spends that much CPU per message, so
/// the consumer, not the peer, is the bottleneck.</summary>
internal static class FloodLoad
{
    private static readonly uint Magic = ChainParams.Regtest.Magic;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new CommandLine(args);
        int megabytes = options.Int("mb", 300);
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(options.Int("max-minutes", 10)));
        var ct = overall.Token;
        await using var node = await NodeProcess.StartAsync(ScaleLoad.NodeArgs(options), new Dictionary<string, string>(), ct);
        Log($"node: pid {node.Pid}, port {node.Port}, {node.Description}");
        var endpoint = new IPEndPoint(IPAddress.Loopback, node.Port);

        using var socket = await ScaleLoad.HandshakeAsync(endpoint, IPAddress.Parse("127.0.9.1"), ct);
        await Task.Delay(500, ct);
        var before = await node.SampleAsync(ct);

        var encoder = new MessageEncoder(Magic);
        var batch = Enumerable.Range(0, 28).SelectMany(i => encoder.Encode(new InvMessage(Inventory(1000, i)), WireContext.Latest)).ToArray();
        long target = (long)megabytes * 1_000_000, sent = 0;
        long peak = node.RssBytes();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, node.RssBytes());
                try { await Task.Delay(20, sampling.Token); } catch (OperationCanceledException) { }
            }
        }, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        while (sent < target)
        {
            await socket.SendAsync(batch, SocketFlags.None, ct);
            sent += batch.Length;
        }
        double writeSeconds = clock.Elapsed.TotalSeconds;
        await PingAsync(socket, ct);
        double seconds = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        var after = await node.SampleAsync(ct);
        var (inbound, _) = await node.CountAsync(ct);

        long messages = sent / (batch.Length / 28);
        Console.WriteLine();
        Console.WriteLine("| sent | messages | written in | all handled in | throughput | node RSS before | node RSS peak | growth | managed after GC | peer still connected |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        Console.WriteLine($"| {sent / 1e6:N0} MB | {messages:N0} inv | {writeSeconds:N1} s | {seconds:N1} s | {sent / 1e6 / seconds:N1} MB/s, {messages / seconds:N0} msg/s | " +
            $"{before.Rss / 1e6:N0} MB | {peak / 1e6:N0} MB | {(peak - before.Rss) / 1e6:N0} MB | {after.Managed / 1e6:N1} MB | {(inbound == 1 ? "yes" : "no")} |");
        return inbound == 1 ? 0 : 1;
    }

    private static InvVector[] Inventory(int count, int seed)
    {
        var random = new Random(seed);
        var items = new InvVector[count];
        var bytes = new byte[32];
        for (int i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            items[i] = new InvVector(InvType.Tx, new Hash256(bytes));
        }
        return items;
    }

    private static async Task PingAsync(Socket socket, CancellationToken ct)
    {
        ulong nonce = (ulong)Random.Shared.NextInt64();
        await socket.SendAsync(new MessageEncoder(Magic).Encode(new PingMessage(nonce), WireContext.Latest), SocketFlags.None, ct);
        var decoder = new FrameDecoder(Magic, WireContext.Latest);
        var buffer = new byte[65536];
        var messages = new List<IWireMessage>();
        while (true)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (read == 0) throw new IOException("the node closed the connection");
            messages.Clear();
            decoder.ReadAll(buffer.AsSpan(0, read), messages);
            if (messages.OfType<PongMessage>().Any(p => p.Nonce == nonce)) return;
        }
    }

    private static void Log(string line) => Console.Error.WriteLine($"[flood] {line}");
}
