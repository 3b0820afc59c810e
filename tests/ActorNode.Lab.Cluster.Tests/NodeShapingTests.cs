using System.Net;
using ActorNode.Lab.Cluster.Workers;
using ActorNode.Lab.Experiments;
using ActorNode.Wire;

namespace ActorNode.Lab.Cluster.Tests;

/// <summary>A lab node's link shaping (the per-connection hook the worker gives the connection manager) and the
/// filler of full blocks.</summary>
public sealed class NodeShapingTests
{
    private static readonly IPEndPoint Far = IPEndPoint.Parse("127.0.0.1:40001");
    private static readonly IPEndPoint Near = IPEndPoint.Parse("127.0.0.1:40002");

    [Fact]
    public void OutboundLinks_GetTheirLatencyBothWays_InboundNone_AllShareTheNodesBuckets()
    {
        var shaping = new NodeShaping(8_000_000, 16_000_000);
        shaping.SetLatency(Far, TimeSpan.FromMilliseconds(124));
        var outbound = shaping.For(Far, inbound: false)!;
        Assert.Equal(TimeSpan.FromMilliseconds(124), outbound.SendLatency);
        Assert.Equal(TimeSpan.FromMilliseconds(124), outbound.ReceiveLatency);
        Assert.Equal(1_000_000, outbound.Upload!.BytesPerSecond);
        Assert.Equal(2_000_000, outbound.Download!.BytesPerSecond);

        var inbound = shaping.For(Far, inbound: true)!;
        Assert.Equal(TimeSpan.Zero, inbound.SendLatency);
        Assert.Equal(TimeSpan.Zero, inbound.ReceiveLatency);
        Assert.Same(outbound.Upload, inbound.Upload);
        Assert.Same(outbound.Download, inbound.Download);
        Assert.Equal(TimeSpan.Zero, shaping.For(Near, inbound: false)!.SendLatency); // not a planned link
    }

    [Fact]
    public void Loopback_ShapesNothing_ALatencyAloneDoes()
    {
        var shaping = new NodeShaping(null, null);
        Assert.Null(shaping.For(Far, inbound: false));
        shaping.SetLatency(Far, TimeSpan.FromMilliseconds(5));
        var link = shaping.For(Far, inbound: false)!;
        Assert.Null(link.Upload);
        Assert.Equal(TimeSpan.FromMilliseconds(5), link.SendLatency);
        Assert.Null(shaping.For(Far, inbound: true));
    }

    [Theory]
    [InlineData(998_750)]
    [InlineData(50_000)]
    [InlineData(94)]
    public void FillerTransactions_AddUpToTheSpace_AreDistinct_AndNeverAnInjectedOne(int bytes)
    {
        var filler = WorkerActor.FillerTransactions(seed: 14, blockIndex: 2, bytes);
        long total = filler.Sum(t => (long)t.ToArray(WireEncoding.Base).Length);
        Assert.True(total <= bytes && total > bytes - LabTransactions.MinSize, $"{total} of {bytes}");
        Assert.Equal(filler.Count, filler.Select(t => t.Txid).Distinct().Count());
        var injected = Enumerable.Range(0, 100).Select(i => LabTransactions.Create(14, i).Txid).ToHashSet();
        Assert.DoesNotContain(filler, t => injected.Contains(t.Txid));
        // The same block of the same run gets the same filler.
        Assert.Equal(filler.Select(t => t.Txid), WorkerActor.FillerTransactions(14, 2, bytes).Select(t => t.Txid));
    }
}
