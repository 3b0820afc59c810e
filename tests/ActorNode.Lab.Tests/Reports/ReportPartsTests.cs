using ActorNode.Lab.Reports;

namespace ActorNode.Lab.Tests.Reports;

public sealed class ReportPartsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "actornode-parts-" + Guid.NewGuid().ToString("N"));

    public ReportPartsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TopologyItem_BlockPresent_IsTheFirstBlock() =>
        Assert.Equal(SampleRun.Block, ReportPictures.TopologyItem(SampleRun.Report().Analysis)!.Item);

    [Fact]
    public void TopologyItem_NoBlock_IsTheFirstTransaction() =>
        Assert.Equal(SampleRun.Tx1, ReportPictures.TopologyItem(SampleRun.Report(withBlocks: false).Analysis)!.Item);

    [Fact]
    public void ArrivalByNode_Block_IsDelaySinceInjectionPerNode()
    {
        var arrivals = ReportPictures.ArrivalByNode(SampleRun.Report(), SampleRun.Block);
        // By node, as SampleRun lays them out: 40, 0, 80, 120, 90, 50 ms after the injection 2 s in.
        Assert.Equal([40.0, 0, 80, 120, 90, 50], Enumerable.Range(0, 6).Select(n => arrivals[n].TotalMilliseconds));
    }

    [Fact]
    public void ArrivalByNode_ItemReachingSomeNodes_OmitsTheOthers()
    {
        var arrivals = ReportPictures.ArrivalByNode(SampleRun.Report(), SampleRun.Tx2);
        Assert.Equal([0, 1, 2], arrivals.Keys.Order());
        Assert.Equal(25, arrivals[0].TotalMilliseconds);
    }

    [Theory]
    [InlineData(0, 4, 0.0, 1.0)]
    [InlineData(1, 4, 1.0, 0.0)]
    [InlineData(2, 4, 0.0, -1.0)]
    [InlineData(3, 4, -1.0, 0.0)]
    public void CirclePosition_StartsAtTopGoingClockwise(int node, int count, double x, double y)
    {
        var p = ReportPictures.CirclePosition(node, count);
        Assert.Equal(x, p.X, 9);
        Assert.Equal(y, p.Y, 9);
    }

    [Fact]
    public void AtomicFile_WriterFailsMidway_LeavesOldFileAndNoTemporary()
    {
        var path = Path.Combine(_folder, "summary.md");
        File.WriteAllText(path, "whole old report");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half a new"u8);
            throw new InvalidOperationException("crash");
        }));

        Assert.Equal("whole old report", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void AtomicFile_Write_ReplacesTheFile()
    {
        var path = Path.Combine(_folder, "a.txt");
        File.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new ü");
        Assert.Equal("new ü", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }
}
