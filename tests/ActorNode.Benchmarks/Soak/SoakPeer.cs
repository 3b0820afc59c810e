using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ActorNode.Chain;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Benchmarks.Soak;

/// <summary>What the churning peers have done so far (all of them, updated with Interlocked).</summary>
internal sealed class PeerCounters
{
    public long Connects, Handshakes, Connected, Aborted, Silent, NodeClosed, Resets, Failures;
    public long TxAnnounced, TxServed, TxReceived, TxInvReceived, BlockAnnouncements, Pings;
    private string? _firstFailure;
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    public System.Collections.Concurrent.ConcurrentDictionary<string, int> FailureKinds { get; } = new();

    public void Fail(Exception e)
    {
        Interlocked.Increment(ref Failures);
        string kind = $"{e.GetType().Name}: {e.Message}";
        FailureKinds.AddOrUpdate(kind.Length > 80 ? kind[..80] : kind, 1, (_, n) => n + 1);
        Interlocked.CompareExchange(ref _firstFailure, $"{e.GetType().Name}: {e.Message}", null);
    }
}

/// <summary>One slot of the soak's churn: a raw peer (our own codec on a plain socket, as the load command's peers)
/// that connects from its own loopback address, and over and over: most times (85 %) completes the handshake
/// (version, then wtxidrelay, sendaddrv2, verack as Bitcoin Core sends them), lives a random time, relays (announces
/// new transactions by wtxid and serves them when the node asks, asks for some of the transactions the node
/// announces, answers ping and getheaders) and disconnects — with a FIN, or with a RST one time in four; sometimes
/// (10 %) it drops the connection in the middle of the handshake, right after the node's version; sometimes (5 %) it
/// connects and says nothing until the node drops it at its handshake timeout. Between two connections it waits
/// 0.5–3 s.</summary>
internal sealed class SoakPeer(int slot, IPAddress source, IPEndPoint node, SoakOptions options, PeerCounters counters)
{
    private static readonly uint Magic = ChainParams.Regtest.Magic;
    private static readonly WireContext Context = WireContext.Latest;
    private static readonly byte[] AfterVersion = EncodeTail();

    // A MessageEncoder keeps one scratch buffer and is not thread-safe: one per peer, used under the Link's gate. (A
    // shared one garbled frames in the first 1-hour run: see docs/benchmarks.md, "Soak".)
    private readonly MessageEncoder _encoder = new(Magic);
    private readonly Random _random = new(slot * 7919 + Environment.ProcessId);

    private static byte[] EncodeTail()
    {
        var encoder = new MessageEncoder(Magic);
        return [.. encoder.Encode(WtxidRelayMessage.Instance, Context), .. encoder.Encode(SendAddrV2Message.Instance, Context),
            .. encoder.Encode(VerAckMessage.Instance, Context)];
    }

    /// <summary>The reader and the announcer of a session both draw: Random is not thread-safe either.</summary>
    private double NextDouble()
    {
        lock (_random) return _random.NextDouble();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        // Slots start spread over the first few seconds, not all at once.
        await Delay(NextDouble() * options.RampSeconds, ct);
        while (!ct.IsCancellationRequested)
        {
            double kind = NextDouble();
            try
            {
                if (kind < 0.05) await SilentAsync(ct);
                else if (kind < 0.15) await AbortAsync(ct);
                else await SessionAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or WireException)
            {
                counters.Fail(e);
            }
            await Delay(0.5 + NextDouble() * 2.5, ct);
        }
    }

    private static async Task Delay(double seconds, CancellationToken ct)
    {
        try { await Task.Delay(TimeSpan.FromSeconds(seconds), ct); }
        catch (OperationCanceledException) { }
    }

    private async Task<Socket> ConnectAsync(CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await socket.ConnectAsync(node, timeout.Token);
            Interlocked.Increment(ref counters.Connects);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private byte[] Version() => _encoder.Encode(new VersionMessage((int)ProtocolVersion.Current, ServiceFlags.Network | ServiceFlags.Witness,
        DateTimeOffset.UtcNow.ToUnixTimeSeconds(), new NetAddress(ServiceFlags.None, node.Address, (ushort)node.Port),
        new NetAddress(ServiceFlags.None, IPAddress.Any, 0), (ulong)Random.Shared.NextInt64(), "/actornode-soak:1.0/", 0, Relay: true), Context);

    /// <summary>Connects and says nothing: the node must drop it at its handshake timeout (30 s by default). Gives up
    /// after 60 s (counted as a failure: the node kept a silent connection too long).</summary>
    private async Task SilentAsync(CancellationToken ct)
    {
        using var socket = await ConnectAsync(ct);
        Interlocked.Increment(ref counters.Silent);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0) { }
            Interlocked.Increment(ref counters.NodeClosed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException("a silent peer was not dropped by the node in 60 s");
        }
        catch (SocketException) { Interlocked.Increment(ref counters.NodeClosed); }
    }

    /// <summary>Sends version, waits for the node's version, and drops the connection (a RST) before verack.</summary>
    private async Task AbortAsync(CancellationToken ct)
    {
        using var socket = await ConnectAsync(ct);
        await socket.SendAsync(Version(), SocketFlags.None, ct);
        var decoder = new FrameDecoder(Magic, Context);
        await ReadUntilAsync(socket, decoder, m => m is VersionMessage, TimeSpan.FromSeconds(30), ct);
        socket.LingerState = new LingerOption(true, 0);
        Interlocked.Increment(ref counters.Aborted);
    }

    private static async Task ReadUntilAsync(Socket socket, FrameDecoder decoder, Func<IWireMessage, bool> until, TimeSpan patience,
        CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(patience);
        var buffer = new byte[4096];
        var messages = new List<IWireMessage>();
        while (true)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0) throw new IOException("the node closed the connection during the handshake");
            messages.Clear();
            decoder.ReadAll(buffer.AsSpan(0, read), messages);
            if (messages.Any(until)) return;
        }
    }

    /// <summary>A whole session: handshake, a random life of relaying, a disconnect.</summary>
    private async Task SessionAsync(CancellationToken ct)
    {
        using var socket = await ConnectAsync(ct);
        var decoder = new FrameDecoder(Magic, Context);
        var pending = new List<IWireMessage>();
        await socket.SendAsync(Version(), SocketFlags.None, ct);
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            bool version = false, verack = false;
            var buffer = new byte[4096];
            var messages = new List<IWireMessage>();
            while (!(version && verack))
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0) throw new IOException("the node closed the connection during the handshake");
                messages.Clear();
                decoder.ReadAll(buffer.AsSpan(0, read), messages);
                foreach (var message in messages)
                {
                    if (message is VersionMessage) version = true;
                    else if (message is VerAckMessage) verack = true;
                    else if (message is RejectMessage reject) throw new IOException($"rejected: {reject.Reason}");
                    else pending.Add(message); // what followed verack in the same read
                }
            }
            await socket.SendAsync(AfterVersion, SocketFlags.None, ct);
        }
        Interlocked.Increment(ref counters.Handshakes);
        Interlocked.Increment(ref counters.Connected);
        try
        {
            var life = TimeSpan.FromSeconds(options.LifeMinSeconds + NextDouble() * (options.LifeMaxSeconds - options.LifeMinSeconds));
            using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
            session.CancelAfter(life);
            var link = new Link(socket, _encoder);
            var ours = new Dictionary<Hash256, Transaction>(); // announced by us, by wtxid; only the reader serves them
            var announcer = AnnounceAsync(link, ours, session.Token);
            bool nodeClosed = await ReadLoopAsync(socket, decoder, pending, link, ours, session.Token);
            await session.CancelAsync();
            await announcer;
            if (nodeClosed)
            {
                Interlocked.Increment(ref counters.NodeClosed);
                return;
            }
            if (NextDouble() < 0.25)
            {
                socket.LingerState = new LingerOption(true, 0); // Dispose sends a RST
                Interlocked.Increment(ref counters.Resets);
            }
            else
            {
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        finally
        {
            Interlocked.Decrement(ref counters.Connected);
        }
    }

    /// <summary>Reads and answers until the session ends (false) or the node closes the connection (true).</summary>
    private async Task<bool> ReadLoopAsync(Socket socket, FrameDecoder decoder, List<IWireMessage> first, Link link,
        Dictionary<Hash256, Transaction> ours, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var messages = first;
        try
        {
            while (true)
            {
                foreach (var message in messages) await AnswerAsync(message, link, ours, ct);
                int read;
                try
                {
                    read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return false;
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset)
                {
                    return true;
                }
                if (read == 0) return true;
                messages = [];
                decoder.ReadAll(buffer.AsSpan(0, read), messages);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return true; // an answer could not be written: the node has closed or reset the connection
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task AnswerAsync(IWireMessage message, Link link, Dictionary<Hash256, Transaction> ours, CancellationToken ct)
    {
        switch (message)
        {
            case PingMessage ping:
                Interlocked.Increment(ref counters.Pings);
                await link.SendAsync(new PongMessage(ping.Nonce), ct);
                break;
            case GetHeadersMessage:
                await link.SendAsync(new HeadersMessage([]), ct); // we have nothing beyond the node's locator
                break;
            case HeadersMessage { Headers.Length: > 0 }:
                Interlocked.Increment(ref counters.BlockAnnouncements);
                break;
            case InvMessage inv:
                var wanted = new List<InvVector>();
                foreach (var item in inv.Inventory)
                {
                    if (item.Type is InvType.Block or InvType.WitnessBlock) Interlocked.Increment(ref counters.BlockAnnouncements);
                    else if (item.Type is InvType.Tx or InvType.Wtx or InvType.WitnessTx)
                    {
                        Interlocked.Increment(ref counters.TxInvReceived);
                        if (NextDouble() < options.FetchShare) wanted.Add(item);
                    }
                }
                if (wanted.Count > 0) await link.SendAsync(new GetDataMessage([.. wanted]), ct);
                break;
            case GetDataMessage getData:
                var missing = new List<InvVector>();
                foreach (var item in getData.Inventory)
                {
                    Transaction? tx;
                    lock (ours) ours.TryGetValue(item.Hash, out tx);
                    if (tx is not null)
                    {
                        await link.SendAsync(new TxMessage(tx), ct);
                        Interlocked.Increment(ref counters.TxServed);
                    }
                    else missing.Add(item);
                }
                if (missing.Count > 0) await link.SendAsync(new NotFoundMessage([.. missing]), ct);
                break;
            case TxMessage:
                Interlocked.Increment(ref counters.TxReceived);
                break;
        }
    }

    /// <summary>Announces a new transaction now and then: on average <c>--tx-rate</c> per second over all slots.</summary>
    private async Task AnnounceAsync(Link link, Dictionary<Hash256, Transaction> ours, CancellationToken ct)
    {
        double mean = options.Peers / Math.Max(0.001, options.TxRate);
        while (!ct.IsCancellationRequested)
        {
            await Delay(-Math.Log(1 - NextDouble()) * mean, ct);
            if (ct.IsCancellationRequested) return;
            var tx = SyntheticTransaction();
            lock (ours) ours[tx.Wtxid] = tx;
            try
            {
                await link.SendAsync(new InvMessage([new InvVector(InvType.Wtx, tx.Wtxid)]), ct);
                Interlocked.Increment(ref counters.TxAnnounced);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                return; // the connection is going: the reader sees why
            }
        }
    }

    /// <summary>A new, valid-looking transaction: one input spending a random outpoint, one P2WPKH output. The node keeps
    /// no UTXO set, so its pool takes it (as the sync benchmark's mainnet transactions); the feeder mines it.</summary>
    private static Transaction SyntheticTransaction()
    {
        var prevout = new OutPoint(new Hash256(RandomNumberGenerator.GetBytes(32)), 0);
        byte[] script = [0x00, 0x14, .. RandomNumberGenerator.GetBytes(20)];
        return new Transaction(2, [new TxIn(prevout, new byte[] { 0x51 })], [new TxOut(1_000, script)], 0);
    }

    /// <summary>One socket's writes, one at a time (the reader's answers and the announcer's inv).</summary>
    private sealed class Link(Socket socket, MessageEncoder encoder)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public async Task SendAsync(IWireMessage message, CancellationToken ct)
        {
            await _gate.WaitAsync(ct);
            try
            {
                byte[] bytes = encoder.Encode(message, Context);
                await socket.SendAsync(bytes, SocketFlags.None, ct);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
