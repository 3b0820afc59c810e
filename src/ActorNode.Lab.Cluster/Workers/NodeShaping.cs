using System.Collections.Concurrent;
using System.Net;
using ActorNode.P2P.Transport.Shaping;

namespace ActorNode.Lab.Cluster.Workers;

/// <summary>One lab node's link shaping (docs/lab.md "Network shaping"): its access link as one upload and one
/// download <see cref="TokenBucket"/> shared by all its connections (null: unlimited), and the one-way latency of each
/// of its outbound links, keyed by the endpoint it dials. <see cref="For"/> is the node's
/// <c>ConnManagerSettings.LinkShaping</c>: an outbound connection to a planned link gets that link's latency both
/// ways (the dialling side carries it, <see cref="LinkShaper"/>), an inbound one none; both pace by the node's
/// buckets. Where nothing would be shaped (loopback) it answers null, and the connection is a plain socket.
/// Thread-safe: the connection manager asks from its own thread while the worker adds links.</summary>
internal sealed class NodeShaping
{
    private readonly ConcurrentDictionary<IPEndPoint, TimeSpan> _latency = new();

    public NodeShaping(double? uploadBitsPerSecond, double? downloadBitsPerSecond)
    {
        Upload = uploadBitsPerSecond is { } up ? TokenBucket.FromBitsPerSecond(up) : null;
        Download = downloadBitsPerSecond is { } down ? TokenBucket.FromBitsPerSecond(down) : null;
    }

    public TokenBucket? Upload { get; }
    public TokenBucket? Download { get; }

    /// <summary>The outbound link to <paramref name="remote"/> has this one-way latency.</summary>
    public void SetLatency(IPEndPoint remote, TimeSpan oneWay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oneWay.Ticks, nameof(oneWay));
        _latency[remote] = oneWay;
    }

    public LinkShaper? For(IPEndPoint remote, bool inbound)
    {
        var latency = inbound ? TimeSpan.Zero : _latency.GetValueOrDefault(remote);
        if (latency == TimeSpan.Zero && Upload is null && Download is null) return null;
        return new LinkShaper(latency, latency, Upload, Download);
    }
}
