using System.Net;
using ActorNode.Wire;

namespace ActorNode.Connections.Peers;

/// <summary>Which transport an outbound connection starts with, and the one-off reconnection with v1 when a BIP324
/// attempt is closed before the peer said anything (Bitcoin Core net.cpp: <c>use_v2transport</c> in
/// ThreadOpenConnections / ThreadOpenAddedConnections, <c>V2Transport::ShouldReconnectV1</c>, the
/// <c>m_reconnections</c> list of <c>DisconnectNodes</c> and <c>PerformReconnections</c>).
/// <para>With v2 on, an automatic connection starts v2 when the address advertises NODE_P2P_V2 (addrman's
/// services); a manual one (<c>--connect</c>, <c>--addnode</c>, the addnode RPC) always does, as Core's
/// <c>-connect</c>/<c>-addnode</c>. A v2 attempt that ends with nothing received after at least a v1 header's
/// worth (24 bytes) was sent is how a v1-only peer answers 64 random bytes: the address is remembered as v1-only and
/// redialled at once with v1; a v1-only address is never tried with v2 again while remembered, so the retry
/// happens once. The memory is bounded (oldest forgotten first).</para>
/// No I/O, no clock: the connection manager asks and tells.</summary>
public sealed class V2Fallback
{
    /// <summary>A v1 message header: what a v1 peer needs before it judges the magic and drops us.</summary>
    public const int V1HeaderLength = 24;

    public const int DefaultCapacity = 4096;

    private readonly HashSet<IPEndPoint> _v1Only = [];
    private readonly Queue<IPEndPoint> _order = new();
    private readonly int _capacity;

    /// <param name="enabled">--v2transport: false means every connection is v1.</param>
    /// <param name="capacity">How many v1-only addresses are remembered.</param>
    public V2Fallback(bool enabled, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Enabled = enabled;
        _capacity = capacity;
    }

    public bool Enabled { get; }

    /// <summary>Addresses remembered as v1-only.</summary>
    public int V1OnlyCount => _v1Only.Count;

    public bool IsV1Only(IPEndPoint address) => _v1Only.Contains(address);

    /// <summary>True when a new outbound connection to <paramref name="address"/> should start as a BIP324
    /// initiator: v2 on, the address not known to be v1-only, and either a manual connection or an address whose
    /// advertised services include NODE_P2P_V2.</summary>
    public bool UseV2(IPEndPoint address, bool manual, ServiceFlags? advertised) =>
        Enabled && !_v1Only.Contains(address)
        && (manual || (advertised is { } services && services.HasFlag(ServiceFlags.P2PV2)));

    /// <summary>Core's <c>ShouldReconnectV1</c>, from what a connection did: outbound, started v2, never completed the
    /// version handshake, sent at least <see cref="V1HeaderLength"/> bytes, and received no byte at all (Core, btcd)
    /// — or, beyond them, received bytes that begin with our network's v1 magic: a v1 peer that answered our key in
    /// v1 (bcoin sends a <c>reject</c> per 24 bytes it cannot parse and closes only when its ban score reaches 100).
    /// A v2 responder's first four bytes are its random ElligatorSwift key: equal to the magic once in 2³².</summary>
    /// <param name="inbound">The peer dialled us.</param>
    /// <param name="triedV2">We started the connection as a v2 initiator.</param>
    /// <param name="handshakeCompleted">The version handshake completed.</param>
    /// <param name="bytesReceived">Bytes the peer sent us.</param>
    /// <param name="bytesSent">Bytes we sent.</param>
    /// <param name="firstReceived">The first bytes received (at least 4 when <paramref name="bytesReceived"/> ≥ 4).</param>
    /// <param name="networkMagic">Our network's v1 magic; zero turns the beyond-Core rule off.</param>
    public static bool ShouldReconnectV1(bool inbound, bool triedV2, bool handshakeCompleted, long bytesReceived,
        long bytesSent, ReadOnlySpan<byte> firstReceived = default, uint networkMagic = 0) =>
        !inbound && triedV2 && !handshakeCompleted && bytesSent >= V1HeaderLength
        && (bytesReceived == 0 || (firstReceived.Length >= 4 && networkMagic != 0
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(firstReceived) == networkMagic));

    /// <summary>A v2 attempt to <paramref name="address"/> ended as <see cref="ShouldReconnectV1"/> describes. True:
    /// redial now, with v1 (it is remembered as v1-only from now on). False: it was already v1-only (no second
    /// retry; the caller goes on as after any disconnection) or v2 is off.</summary>
    public bool OnV2AttemptClosed(IPEndPoint address)
    {
        if (!Enabled || !_v1Only.Add(address)) return false;
        _order.Enqueue(address);
        while (_v1Only.Count > _capacity && _order.TryDequeue(out var oldest))
            _v1Only.Remove(oldest);
        return true;
    }

    /// <summary>Forgets that <paramref name="address"/> is v1-only (its next dial may try v2 again).</summary>
    public void Forget(IPEndPoint address) => _v1Only.Remove(address);
}
