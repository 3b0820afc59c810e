using System.Net;
using System.Net.Sockets;
using ActorNode.Chain;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Interop.Tests.Raw;

/// <summary>A bare peer made of our wire codec on a plain socket, with no actor and no node logic: it checks that
/// our <see cref="MessageEncoder"/> and <see cref="FrameDecoder"/> speak with a real node byte for byte. It answers
/// pings by itself and keeps every message it received in <see cref="Received"/>.</summary>
public sealed class RawPeer : IAsyncDisposable
{
    public const string UserAgent = "/ActorNode-interop-raw:0.1/";

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly MessageEncoder _encoder;
    private readonly FrameDecoder _decoder;
    private readonly Queue<IWireMessage> _pending = new();
    private readonly List<IWireMessage> _batch = [];
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly List<IWireMessage> _received = [];

    private RawPeer(Socket socket, ChainParams chain)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _encoder = new MessageEncoder(chain.Magic);
        _decoder = new FrameDecoder(chain.Magic, WireContext.Latest);
        Context = WireContext.Latest;
    }

    /// <summary>The context messages are written and read with: the negotiated version after the handshake.</summary>
    public WireContext Context { get; private set; }

    /// <summary>The peer's version message, once the handshake is done.</summary>
    public VersionMessage? TheirVersion { get; private set; }

    public IPEndPoint LocalEndpoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Every message received so far, in order (pings included).</summary>
    public IReadOnlyList<IWireMessage> Received
    {
        get { lock (_received) return [.. _received]; }
    }

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endpoint, ChainParams chain, CancellationToken cancel)
    {
        if (!IPAddress.IsLoopback(endpoint.Address))
            throw new ArgumentException("tests connect to loopback addresses only", nameof(endpoint));
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancel);
            return new RawPeer(socket, chain);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>version → version + verack ← verack → (the order of Core's and btcd's outbound side). We advertise
    /// 70016 with NODE_NETWORK | NODE_WITNESS and height <paramref name="startHeight"/>; afterwards messages are
    /// read and written at the lower of the two versions.</summary>
    public async Task<VersionMessage> HandshakeAsync(CancellationToken cancel, int startHeight = 0)
    {
        var remote = (IPEndPoint)_socket.RemoteEndPoint!;
        var services = ServiceFlags.Network | ServiceFlags.Witness;
        await SendAsync(new VersionMessage((int)ProtocolVersion.Current, services, DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            new NetAddress(ServiceFlags.None, remote.Address, (ushort)remote.Port),
            new NetAddress(services, LocalEndpoint.Address, (ushort)LocalEndpoint.Port),
            (ulong)Random.Shared.NextInt64(), UserAgent, startHeight, Relay: true), cancel);
        var theirs = await ReceiveAsync<VersionMessage>(cancel);
        TheirVersion = theirs;
        Context = new WireContext(Math.Min(ProtocolVersion.Current, (uint)theirs.ProtocolVersion));
        _decoder.Context = Context;
        await SendAsync(VerAckMessage.Instance, cancel);
        await ReceiveAsync<VerAckMessage>(cancel);
        return theirs;
    }

    public async Task SendAsync(IWireMessage message, CancellationToken cancel) =>
        await _stream.WriteAsync(_encoder.Encode(message, Context), cancel);

    /// <summary>The next message, whatever it is (a ping is answered before it is returned).</summary>
    public async Task<IWireMessage> ReceiveAsync(CancellationToken cancel)
    {
        while (_pending.Count == 0)
        {
            int read = await _stream.ReadAsync(_buffer, cancel);
            if (read == 0) throw new EndOfStreamException("the peer closed the connection");
            _batch.Clear();
            _decoder.ReadAll(_buffer.AsSpan(0, read), _batch);
            foreach (var message in _batch) _pending.Enqueue(message);
        }
        var next = _pending.Dequeue();
        lock (_received) _received.Add(next);
        if (next is PingMessage ping && Context.ProtocolVersion > ProtocolVersion.Bip0031)
            await SendAsync(new PongMessage(ping.Nonce), cancel);
        return next;
    }

    /// <summary>The next message of type <typeparamref name="T"/> that <paramref name="match"/> accepts; others are
    /// skipped (they stay in <see cref="Received"/>).</summary>
    public async Task<T> ReceiveAsync<T>(CancellationToken cancel, Func<T, bool>? match = null) where T : IWireMessage
    {
        while (true)
        {
            if (await ReceiveAsync(cancel) is T wanted && (match is null || match(wanted))) return wanted;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
