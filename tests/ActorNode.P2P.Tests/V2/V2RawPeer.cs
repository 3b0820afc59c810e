using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ActorNode.Chain;
using ActorNode.P2P.Tests.Hostile;
using ActorNode.V2Transport;
using ActorNode.V2Transport.Framing;
using ActorNode.Wire;
using ActorNode.Wire.Messages;

namespace ActorNode.P2P.Tests.V2;

/// <summary>A BIP324 initiator written over a plain socket with the library's <see cref="V2Framer"/>: it does the
/// honest key exchange and handshake, and can then write any packet (decoys, tampered bytes, a lying or oversized
/// length) through its <see cref="Session"/>. No Akka: what the node sees is exactly what the test wrote.</summary>
public sealed class V2RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly V2Framer _framer;
    private readonly Queue<IWireMessage> _pending = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private bool _closed;

    private V2RawPeer(Socket socket, uint magic)
    {
        _socket = socket;
        _framer = new V2Framer(V2Role.Initiator, magic, WireContext.Latest, RandomNumberGenerator.Create());
    }

    public IPEndPoint Local => (IPEndPoint)_socket.LocalEndPoint!;
    public V2Session Session => _framer.Session;
    public byte[]? SessionId => _framer.SessionId;

    /// <summary>Do not decode what the node sends (a client that wrote junk instead of its own key cannot).</summary>
    public bool IgnoreIncoming { get; set; }

    /// <summary>Connects and writes nothing yet (the key goes with <see cref="SendKeyAsync"/> or the handshake).</summary>
    public static async Task<V2RawPeer> ConnectAsync(IPEndPoint node, IPAddress from, uint? magic = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(from, 0));
        using var timeout = new CancellationTokenSource(RawPeer.ReadPatience);
        await socket.ConnectAsync(node, timeout.Token);
        return new V2RawPeer(socket, magic ?? ChainParams.Regtest.Magic);
    }

    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var timeout = new CancellationTokenSource(RawPeer.ReadPatience);
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

    private Task<bool> FlushAsync() => _framer.TakeOutput() is { Length: > 0 } bytes ? SendAsync(bytes) : Task.FromResult(true);

    /// <summary>Writes the initiator's key and garbage.</summary>
    public Task<bool> SendKeyAsync() => FlushAsync();

    public async Task<bool> SendAsync(IWireMessage message)
    {
        var bytes = _framer.Encode(message, WireContext.Latest);
        return bytes.Length == 0 || await SendAsync(bytes);
    }

    /// <summary>The next message, or null once the node closed. Handshake bytes are answered as they come.</summary>
    public async Task<IWireMessage?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? RawPeer.ReadPatience);
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
                throw new TimeoutException("nothing from the node in time");
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
            if (IgnoreIncoming) continue;
            var span = new ReadOnlySpan<byte>(_buffer, 0, read);
            while (_framer.TryRead(ref span, out var message)) _pending.Enqueue(message);
            await FlushAsync();
        }
        return _pending.Dequeue();
    }

    public async Task<T?> ReceiveAsync<T>(TimeSpan? timeout = null) where T : class, IWireMessage
    {
        var deadline = DateTime.UtcNow + (timeout ?? RawPeer.ReadPatience);
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

    /// <summary>Reads until the node closes; throws <see cref="TimeoutException"/> if it does not.</summary>
    public async Task ReadUntilClosedAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? RawPeer.ReadPatience);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("the node did not close the connection in time");
            if (await ReceiveAsync(left) is null) return;
        }
    }

    /// <summary>Key exchange, then version/verack both ways: the node's version.</summary>
    public async Task<VersionMessage> HandshakeAsync()
    {
        Assert.True(await SendKeyAsync());
        Assert.True(await SendAsync(RawPeer.Version()));
        var version = await ReceiveAsync<VersionMessage>();
        Assert.NotNull(version);
        Assert.True(await SendAsync(VerAckMessage.Instance));
        Assert.NotNull(await ReceiveAsync<VerAckMessage>());
        return version;
    }

    public async Task PingAsync()
    {
        ulong nonce = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        Assert.True(await SendAsync(new PingMessage(nonce)), "the node closed the connection");
        var deadline = DateTime.UtcNow + RawPeer.ReadPatience;
        while (true)
        {
            var pong = await ReceiveAsync<PongMessage>(deadline - DateTime.UtcNow);
            Assert.NotNull(pong);
            if (pong.Nonce == nonce) return;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _framer.Dispose();
        return ValueTask.CompletedTask;
    }
}
