namespace ActorNode.P2P.Transport.Shaping;

/// <summary>How one connection's bytes are held back to look like a wide-area link (the lab's shaping,
/// docs/lab.md "Shaping"): a one-way latency on each direction and the node's shared upload and download rates.
/// <para>The dialling side carries the link's latency in both directions (its writes leave late, what it reads is
/// handed on late), so the accepting side, which cannot tell from an ephemeral port which node dialled it, needs
/// none: the round trip is still twice the one-way latency. Both sides pace by their own node's buckets: the
/// sender's upload as bytes leave, the receiver's download as they are handed on.</para>
/// <para>Release times of one direction never go backwards, so chunks stay in order. Not thread-safe: one
/// connection's owner uses it (the buckets it holds are shared and are).</para></summary>
public sealed class LinkShaper
{
    private readonly long _sendLatency;
    private readonly long _receiveLatency;
    private long _lastSend = long.MinValue;
    private long _lastReceive = long.MinValue;

    public LinkShaper(TimeSpan sendLatency, TimeSpan receiveLatency, TokenBucket? upload, TokenBucket? download)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sendLatency.Ticks, nameof(sendLatency));
        ArgumentOutOfRangeException.ThrowIfNegative(receiveLatency.Ticks, nameof(receiveLatency));
        _sendLatency = sendLatency.Ticks;
        _receiveLatency = receiveLatency.Ticks;
        SendLatency = sendLatency;
        ReceiveLatency = receiveLatency;
        Upload = upload;
        Download = download;
    }

    public TimeSpan SendLatency { get; }
    public TimeSpan ReceiveLatency { get; }
    public TokenBucket? Upload { get; }
    public TokenBucket? Download { get; }

    /// <summary>True when this shaper changes nothing (no latency, no rate), so the transport can skip it.</summary>
    public bool IsIdentity => _sendLatency == 0 && _receiveLatency == 0 && Upload is null && Download is null;

    /// <summary>When <paramref name="bytes"/> written at <paramref name="now"/> may be handed to the socket: after
    /// the uplink has carried them and the one-way latency has passed.</summary>
    public long SendAt(int bytes, long now)
    {
        long through = Upload?.Reserve(bytes, now) ?? now;
        return _lastSend = Math.Max(_lastSend, through + _sendLatency);
    }

    /// <summary>When <paramref name="bytes"/> read from the socket at <paramref name="now"/> may be handed on:
    /// after the one-way latency (dialling side) and the downlink has carried them.</summary>
    public long ReceiveAt(int bytes, long now)
    {
        long arrived = now + _receiveLatency;
        long through = Download?.Reserve(bytes, arrived) ?? arrived;
        return _lastReceive = Math.Max(_lastReceive, through);
    }
}
