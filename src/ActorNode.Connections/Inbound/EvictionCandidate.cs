namespace ActorNode.Connections.Inbound;

/// <summary>The network a peer is reached over (Bitcoin Core <c>enum Network</c> in netaddress.h, same order).
/// Eviction reserves protection for the higher-latency networks <see cref="Onion"/>, <see cref="I2P"/> and
/// <see cref="Cjdns"/>, and for localhost peers.</summary>
public enum NetworkKind
{
    /// <summary>Core <c>NET_UNROUTABLE</c>.</summary>
    Unroutable,
    /// <summary>Core <c>NET_IPV4</c>.</summary>
    IPv4,
    /// <summary>Core <c>NET_IPV6</c>.</summary>
    IPv6,
    /// <summary>Core <c>NET_ONION</c> (Tor).</summary>
    Onion,
    /// <summary>Core <c>NET_I2P</c>.</summary>
    I2P,
    /// <summary>Core <c>NET_CJDNS</c>.</summary>
    Cjdns,
    /// <summary>Core <c>NET_INTERNAL</c>.</summary>
    Internal,
}

/// <summary>What eviction needs to know about one connected peer (Bitcoin Core <c>NodeEvictionCandidate</c>).
/// <list type="bullet">
/// <item><paramref name="Id"/>: the peer id returned when this candidate is chosen.</item>
/// <item><paramref name="Connected"/>: when the connection was made. Compared in whole Unix seconds, as Core.</item>
/// <item><paramref name="MinPingTime"/>: the lowest ping round trip seen; null if none yet (Core: max).
/// Compared in whole microseconds.</item>
/// <item><paramref name="LastBlockTime"/> / <paramref name="LastTxTime"/>: when the peer last sent us a novel block
/// (one we accepted) / a novel transaction accepted to our mempool; null if never (Core: 0). Whole seconds.</item>
/// <item><paramref name="RelevantServices"/>: the peer offers the services we want from outbound peers
/// (NODE_NETWORK and, post-segwit, NODE_WITNESS; Core <c>fRelevantServices</c>).</item>
/// <item><paramref name="RelayTxs"/>: the peer asked for transaction relay (version relay flag, Core <c>m_relay_txs</c>).</item>
/// <item><paramref name="BloomFilter"/>: the peer loaded a bloom filter (Core <c>fBloomFilter</c>).</item>
/// <item><paramref name="KeyedNetGroup"/>: the peer's network group (GroupKey) hashed with a secret per-node key,
/// so an attacker cannot predict which groups are protected (Core <c>nKeyedNetGroup</c>).</item>
/// <item><paramref name="PreferEvict"/>: evict this peer before others when possible (Core <c>prefer_evict</c>,
/// set for peers with the "discouraged" mark).</item>
/// <item><paramref name="IsLocal"/>: a localhost connection (Core <c>m_is_local</c>).</item>
/// <item><paramref name="Network"/>: see <see cref="NetworkKind"/>.</item>
/// <item><paramref name="NoBan"/>: the peer has the noban permission (our whitelist): never evicted.</item>
/// <item><paramref name="Outbound"/>: an outbound connection (any kind but inbound): never evicted.</item>
/// </list></summary>
public sealed record EvictionCandidate(
    long Id,
    DateTimeOffset Connected,
    TimeSpan? MinPingTime,
    DateTimeOffset? LastBlockTime,
    DateTimeOffset? LastTxTime,
    bool RelevantServices,
    bool RelayTxs,
    bool BloomFilter,
    ulong KeyedNetGroup,
    bool PreferEvict,
    bool IsLocal,
    NetworkKind Network,
    bool NoBan = false,
    bool Outbound = false)
{
    /// <summary><see cref="Connected"/> in Unix seconds (Core <c>m_connected</c>).</summary>
    internal long ConnectedSeconds => Connected.ToUnixTimeSeconds();

    /// <summary><see cref="MinPingTime"/> in microseconds, long.MaxValue if none (Core <c>m_min_ping_time</c>).</summary>
    internal long MinPingMicros => MinPingTime is { } ping ? ping.Ticks / TimeSpan.TicksPerMicrosecond : long.MaxValue;

    /// <summary><see cref="LastBlockTime"/> in Unix seconds, 0 if never (Core <c>m_last_block_time</c>).</summary>
    internal long LastBlockSeconds => LastBlockTime?.ToUnixTimeSeconds() ?? 0;

    /// <summary><see cref="LastTxTime"/> in Unix seconds, 0 if never (Core <c>m_last_tx_time</c>).</summary>
    internal long LastTxSeconds => LastTxTime?.ToUnixTimeSeconds() ?? 0;
}
