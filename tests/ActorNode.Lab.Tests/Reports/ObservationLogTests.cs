using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;
using ActorNode.Lab.Reports;

namespace ActorNode.Lab.Tests.Reports;

public sealed class ObservationLogTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "actornode-log-" + Guid.NewGuid().ToString("N"));

    public ObservationLogTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteLog(RunReport report)
    {
        var path = Path.Combine(_folder, "observations.jsonl");
        using (var stream = File.Create(path))
            ObservationLog.Write(stream, report);
        return path;
    }

    [Fact]
    public void Read_WhatWriteWrote_RoundTripsEveryRecord()
    {
        var report = SampleRun.Report() with
        {
            // An offset other than UTC and sub-millisecond ticks survive too.
            Observations = [new Observation(SampleRun.Tx1, ItemKind.Transaction, 4,
                new DateTimeOffset(2025, 3, 1, 13, 0, 1, TimeSpan.FromHours(1)).AddTicks(12345), null, 0)],
        };

        var log = ObservationLog.Read(WriteLog(report));

        Assert.Equal(report.Injections, log.Injections);
        Assert.Equal(report.Observations, log.Observations);
        Assert.Equal(TimeSpan.FromHours(1), log.Observations[0].FirstSeen.Offset);
        Assert.Equal(report.Traffic, log.Traffic);
        var lost = Assert.Single(log.WorkersLost);
        Assert.Equal((1, SampleRun.Start.AddSeconds(5), "killed | by fault"), (lost.Worker, lost.At, lost.Reason));
        Assert.Equal([3, 4, 5], lost.Nodes);
    }

    [Fact]
    public void Read_FullSample_RoundTripsCounts()
    {
        var report = SampleRun.Report();
        var log = ObservationLog.Read(WriteLog(report));
        Assert.Equal(report.Injections, log.Injections);
        Assert.Equal(report.Observations, log.Observations);
    }

    [Fact]
    public void Read_BlankLinesAndUnknownTypes_AreSkipped()
    {
        var path = Path.Combine(_folder, "log.jsonl");
        File.WriteAllLines(path,
        [
            "",
            "{\"type\":\"run-started\",\"at\":\"2025-03-01T12:00:00+00:00\"}",
            "{\"type\":\"traffic\",\"node\":7,\"bytesSent\":10,\"bytesReceived\":20}",
            "   ",
        ]);

        var log = ObservationLog.Read(path);

        Assert.Equal([new NodeTraffic(7, 10, 20)], log.Traffic);
        Assert.Empty(log.Injections);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"kind\":\"block\"}")]
    [InlineData("{\"type\":\"injection\",\"kind\":\"block\",\"node\":1,\"at\":\"2025-03-01T12:00:00+00:00\"}")]
    [InlineData("{\"type\":\"injection\",\"item\":\"ab\",\"kind\":\"rock\",\"node\":1,\"at\":\"2025-03-01T12:00:00+00:00\"}")]
    [InlineData("{\"type\":\"observation\",\"item\":\"ab\",\"kind\":\"block\",\"node\":\"x\"}")]
    public void Read_BadLine_FailsNamingFileAndLine(string bad)
    {
        var path = Path.Combine(_folder, "bad.jsonl");
        File.WriteAllLines(path, ["{\"type\":\"traffic\",\"node\":7,\"bytesSent\":10,\"bytesReceived\":20}", bad]);

        var e = Assert.Throws<InvalidDataException>(() => ObservationLog.Read(path));
        Assert.Contains(path + " line 2", e.Message);
    }
}
