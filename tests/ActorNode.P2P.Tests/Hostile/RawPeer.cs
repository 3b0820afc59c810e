using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ActorNode.Chain;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.P2P.Tests.Hostile;

/// <summary>A peer written by hand over a plain <see cref="Socket"/>: it sends whatever bytes a test builds (frames
/// from <see cref="MessageEncoder"/>, or garbage) and reads the node's answers with its own
/// <see cref="FrameDecoder"/>. No Akka, no PeerActor: what the node sees is exactly what the test wrote.
/// <para>Each client binds to the loopback address it is given before connecting (Linux routes all of 127.0.0.0/8
/// to lo), so that a hostile client (127.0.0.2, …) and an honest one (127.0.0.1) are different IPs to the node.</para></summary>
public sealed class RawPeer : IAsyncDisposable
{
    public static readonly TimeSpan ReadPatience = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly FrameDecoder _decoder;
    private readonly MessageEncoder _encoder;
    private readonly Queue<IWireMessage> _pending = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private bool _closed;

    private RawPeer(Socket socket, uint magic)
    {
        _socket = socket;
        _decoder = new FrameDecoder(magic, WireContext.Latest);
        _encoder = new MessageEncoder(magic);
    }

    /// <summary>Our end's address (the IP the node sees).</summary>
    public IPEndPoint Local => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Every message decoded from the node so far, in order.</summary>
    public List<IWireMessage> Received { get; } = [];

    /// <summary>Bytes read from the node so far.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Connects from <paramref name="localAddress"/> (any free port) to <paramref name="node"/>.</summary>
    public static async Task<RawPeer> ConnectAsync(IPEndPoint node, IPAddress localAddress, uint? magic = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(localAddress, 0));
            using var timeout = new CancellationTokenSource(ReadPatience);
            await socket.ConnectAsync(node, timeout.Token);
            return new RawPeer(socket, magic ?? ChainParams.Regtest.Magic);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A version message as an honest peer of protocol 70016 with NODE_NETWORK and NODE_WITNESS sends it.</summary>
    public static VersionMessage Version(ulong? nonce = null) => new(
        (int)ProtocolVersion.Current,
        ServiceFlags.Network | ServiceFlags.Witness,
        DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        new NetAddress(ServiceFlags.None, IPAddress.Loopback, 18444),
        new NetAddress(ServiceFlags.Network | ServiceFlags.Witness, IPAddress.IPv6Any, 0),
        nonce ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)),
        "/raw-test-client:0.1/",
        0);

    /// <summary>Encodes <paramref name="message"/> as a frame of this client's network at protocol 70016.</summary>
    public byte[] Frame(IWireMessage message) => _encoder.Encode(message, WireContext.Latest);

    /// <summary>Writes raw bytes. Returns false when the node has already closed or reset the connection (a
    /// hostile client may be cut off mid-write).</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ReadPatience);
            while (!bytes.IsEmpty)
            {
                int sent = await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
                bytes = bytes[sent..];
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Writes one message frame.</summary>
    public Task<bool> SendAsync(IWireMessage message) => SendAsync(Frame(message));

    /// <summary>The next message from the node, or null once the node has closed (FIN) or reset the connection.
    /// Throws <see cref="TimeoutException"/> when nothing comes within <paramref name="timeout"/>.</summary>
    public async Task<IWireMessage?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? ReadPatience);
        while (_pending.Count == 0)
        {
            if (_closed) return null;
            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"nothing from the node within {(timeout ?? ReadPatience).TotalSeconds} s");
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                read = 0;
            }
            if (read == 0)
            {
                _closed = true;
                return null;
            }
            BytesReceived += read;
            var span = new ReadOnlySpan<byte>(_buffer, 0, read);
            while (_decoder.TryRead(ref span, out var message))
            {
                _pending.Enqueue(message);
                Received.Add(message);
            }
        }
        return _pending.Dequeue();
    }

    /// <summary>The next message of type <typeparamref name="T"/>, skipping others; null if the node closes first.</summary>
    public async Task<T?> ReceiveAsync<T>(TimeSpan? timeout = null) where T : class, IWireMessage
    {
        var deadline = DateTime.UtcNow + (timeout ?? ReadPatience);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no {typeof(T).Name} in time");
            switch (await ReceiveAsync(left))
            {
                case null:
                    return null;
                case T wanted:
                    return wanted;
            }
        }
    }

    /// <summary>Reads until the node closes or resets the connection and returns what came before the end.
    /// Throws <see cref="TimeoutException"/> if the connection is still open after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<IWireMessage>> ReadUntilClosedAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? ReadPatience);
        var before = new List<IWireMessage>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("the node did not close the connection in time");
            var message = await ReceiveAsync(left);
            if (message is null) return before;
            before.Add(message);
        }
    }

    /// <summary>The honest inbound handshake (btcd peer/peer.go): our version, their version (and sendaddrv2,
    /// wtxidrelay), our verack, their verack. Returns the node's version.</summary>
    public async Task<VersionMessage> HandshakeAsync()
    {
        Assert.True(await SendAsync(Version()), "the node closed the connection before our version");
        var version = await ReceiveAsync<VersionMessage>();
        Assert.NotNull(version);
        Assert.True(await SendAsync(VerAckMessage.Instance));
        Assert.NotNull(await ReceiveAsync<VerAckMessage>());
        return version;
    }

    /// <summary>Sends a ping and waits for its pong (other messages are kept in <see cref="Received"/>): proof that
    /// the connection is alive in both directions.</summary>
    public async Task PingAsync()
    {
        ulong nonce = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        Assert.True(await SendAsync(new PingMessage(nonce)), "the node closed the connection");
        var deadline = DateTime.UtcNow + ReadPatience;
        while (true)
        {
            var pong = await ReceiveAsync<PongMessage>(deadline - DateTime.UtcNow);
            Assert.NotNull(pong); // null: the node closed the connection
            if (pong.Nonce == nonce) return;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
