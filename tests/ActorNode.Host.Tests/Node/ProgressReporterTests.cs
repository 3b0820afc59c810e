using ActorNode.Host.Node;
using ActorNode.Sync;

namespace ActorNode.Host.Tests.Node;

public sealed class ProgressReporterTests
{
    [Fact]
    public void Format_ShowsHeightsPercentRateEtaAndPeers()
    {
        var progress = new SyncProgress(1234, 5000, 345.4, TimeSpan.FromSeconds(3671), 3);
        Assert.Equal("sync 1,234/5,000 (24.7 %) · 345 blocks/s · ETA 1:01:11 · 3 peers", ProgressReporter.Format(progress, 3));
    }

    [Fact]
    public void Format_UnknownEta_AndOnePeer()
    {
        var progress = new SyncProgress(0, 10, 0, null, 1);
        Assert.Equal("sync 0/10 (0.0 %) · 0 blocks/s · ETA unknown · 1 peer", ProgressReporter.Format(progress, 1));
    }
}
