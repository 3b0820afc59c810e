using System.Buffers.Binary;
using System.Text.Json;
using System.Xml.Linq;
using ActorNode.Lab.Reports;

namespace ActorNode.Lab.Tests.Reports;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "actornode-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private static readonly string[] AllFiles =
    [
        "experiment.conf", "observations.jsonl", "summary.md", "coverage.csv", "backlog.csv",
        "cdf-transactions.png", "cdf-transactions.svg", "cdf-blocks.png", "cdf-blocks.svg",
        "hops.png", "hops.svg", "topology.png", "topology.svg",
    ];

    [Fact]
    public void Write_SampleRun_WritesEveryFileAndNoTemporaries()
    {
        var folder = Path.Combine(_root, "run-1");
        var written = ReportWriter.Write(folder, SampleRun.Report());

        Assert.Equal(AllFiles.Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order()!);
        Assert.Equal(AllFiles.Order(), written.Files.Select(Path.GetFileName).Order()!);
        Assert.Empty(written.PictureErrors);
        Assert.Equal(SampleRun.ExperimentText, File.ReadAllText(Path.Combine(folder, "experiment.conf")));
    }

    [Theory]
    [InlineData("cdf-transactions")]
    [InlineData("cdf-blocks")]
    [InlineData("hops")]
    [InlineData("topology")]
    public void Write_Pictures_AreValidPngAndSvgWithText(string name)
    {
        var folder = Path.Combine(_root, "run");
        ReportWriter.Write(folder, SampleRun.Report());

        var png = File.ReadAllBytes(Path.Combine(folder, name + ".png"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.True(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)) >= 800, "PNG width");
        Assert.True(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)) >= 500, "PNG height");
        Assert.True(png.Length > 10_000, $"PNG of {png.Length} bytes is too small to hold a drawing");

        var svg = XDocument.Load(Path.Combine(folder, name + ".svg"));
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        // Titles and labels are drawn as text, so the fonts were found (headless, no display).
        Assert.Contains(svg.Descendants().Where(e => e.Name.LocalName == "text"), e => e.Value.Trim().Length > 3);
    }

    [Fact]
    public void Write_Summary_HasTheRunsNumbers()
    {
        var folder = Path.Combine(_root, "run");
        ReportWriter.Write(folder, SampleRun.Report());
        var md = File.ReadAllText(Path.Combine(folder, "summary.md"));
        var lines = md.Split('\n');

        Assert.Contains("**Status:** completed — every live node has every item", md);
        Assert.Contains("(7500.0 ms)", md);
        Assert.Contains("2 workers, 6 nodes, 7 links", md);
        Assert.Contains("3 injections (2 transactions, 1 block), 15 observations", md);
        // Per kind: items, fully propagated, median p50/p90/p100, worst p100, duplicate ratio.
        Assert.Contains("| transaction | 2 | 1 | 18.5 | 30.0 | 30.0 | 30.0 | 0.250 |", lines);
        Assert.Contains("| block | 1 | 1 | 50.0 | 120.0 | 120.0 | 120.0 | 0.250 |", lines);
        // Per item; the second transaction never reached 90 %.
        Assert.Contains($"| `{SampleRun.Tx1}` | transaction | 0 | 6/6 | 12.0 | 30.0 | 30.0 | 2 | 0.250 |", lines);
        Assert.Contains($"| `{SampleRun.Tx2}` | transaction | 2 | 3/6 | 25.0 | — | — | 2 | 0.250 |", lines);
        Assert.Contains($"| `{SampleRun.Block}` | block | 1 | 6/6 | 50.0 | 120.0 | 120.0 | 3 | 0.250 |", lines);
        // Hops: transactions 0,1,2,1,2,1 + 0,1,2; block 1,0,1,2,3,2.
        Assert.Contains("| Hops | transactions | blocks |", lines);
        Assert.Contains("| 0 | 2 | 1 |", lines);
        Assert.Contains("| 1 | 4 | 2 |", lines);
        Assert.Contains("| 2 | 3 | 2 |", lines);
        Assert.Contains("| 3 | 0 | 1 |", lines);
        // Traffic: sent 1000+3000+500+700+400+600 = 6200, mean 1033, max 3000 at node 1.
        Assert.Contains("| sent | 6200 | 1033 | 3000 | 1 |", lines);
        Assert.Contains("| received | 5800 | 967 | 2500 | 1 |", lines);
        // Lost worker, with the pipe in its reason escaped so the table holds.
        Assert.Contains("| 1 | 2025-03-01T12:00:05.000+00:00 | 5000.0 | killed \\| by fault | 3, 4, 5 |", lines);
        Assert.Contains("| 0 | -1.5 | — |", lines);
        Assert.Contains("| 1 | 3.5 | — |", lines);
        // Per kind p50/75/90/95/99: the block's 6 nodes, p90 and up the 6th (120 ms).
        Assert.Contains("| Kind | Items | p50 (ms) | p75 (ms) | p90 (ms) | p95 (ms) | p99 (ms) |", lines);
        Assert.Contains(lines, l => l.StartsWith("| block | 1 | 50.0 |", StringComparison.Ordinal) && l.EndsWith("| 120.0 | 120.0 | 120.0 |", StringComparison.Ordinal));
        Assert.Contains("## Keeping up", md);
        Assert.Contains("| messages handled | 1234 |", lines);
        Assert.Contains("[PNG](cdf-transactions.png), [SVG](cdf-transactions.svg)", md);
        Assert.Contains("[PNG](cdf-blocks.png)", md);
        Assert.Contains("[PNG](hops.png)", md);
        Assert.Contains("![Topology coloured by arrival of block " + SampleRun.Block + "](topology.png)", md);
    }

    [Fact]
    public void Write_KindWithNoItems_IsSkippedCleanly()
    {
        var folder = Path.Combine(_root, "no-blocks");
        var written = ReportWriter.Write(folder, SampleRun.Report(withBlocks: false));

        Assert.False(File.Exists(Path.Combine(folder, "cdf-blocks.png")));
        Assert.False(File.Exists(Path.Combine(folder, "cdf-blocks.svg")));
        Assert.True(File.Exists(Path.Combine(folder, "cdf-transactions.png")));
        Assert.True(File.Exists(Path.Combine(folder, "hops.png")));
        Assert.True(File.Exists(Path.Combine(folder, "topology.png")));
        Assert.Empty(written.PictureErrors);
        var md = File.ReadAllText(Path.Combine(folder, "summary.md"));
        Assert.DoesNotContain("| block", md);
        Assert.DoesNotContain("cdf-blocks", md);
        Assert.Contains("| Hops | transactions |", md.Split('\n'));
        // With no block, the topology follows the first transaction.
        Assert.Contains("![Topology coloured by arrival of transaction " + SampleRun.Tx1 + "](topology.png)", md);
    }

    [Fact]
    public void Write_NoItemsAtAll_StillWritesTopologyAndSummary()
    {
        var empty = SampleRun.Report() with
        {
            Injections = [],
            Observations = [],
            Analysis = new(
                [],
                [new(Experiments.ItemKind.Transaction, 0, 0, null, null, null, null, [], [], 0)],
                []),
        };
        var folder = Path.Combine(_root, "empty");
        var written = ReportWriter.Write(folder, empty);

        Assert.Equal(
            new[] { "experiment.conf", "observations.jsonl", "summary.md", "coverage.csv", "backlog.csv", "topology.png", "topology.svg" }.Order(),
            Directory.GetFiles(folder).Select(Path.GetFileName).Order()!);
        Assert.Empty(written.PictureErrors);
        var md = File.ReadAllText(Path.Combine(folder, "summary.md"));
        Assert.Contains("No items were injected.", md);
        Assert.Contains("No traffic figures.", md);
    }

    [Fact]
    public void Write_IntoExistingFolder_ReplacesReportFilesAndKeepsOthers()
    {
        var folder = Path.Combine(_root, "existing");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "summary.md"), "stale");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");

        ReportWriter.Write(folder, SampleRun.Report());
        ReportWriter.Write(folder, SampleRun.Report());

        Assert.StartsWith("# Lab run: sample", File.ReadAllText(Path.Combine(folder, "summary.md")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.Equal(AllFiles.Length + 1, Directory.GetFiles(folder).Length);
        Assert.Empty(Directory.GetFiles(folder, ".*"));
    }

    [Fact]
    public void Write_FolderUnderAFile_FailsWithClearIOException()
    {
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");
        var folder = Path.Combine(file, "report");

        var e = Assert.ThrowsAny<IOException>(() => ReportWriter.Write(folder, SampleRun.Report()));
        Assert.Contains("Cannot create the report folder", e.Message);
        Assert.Contains(folder, e.Message);
    }

    [Fact]
    public void Write_FolderIsAFile_FailsWithClearIOException()
    {
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");

        var e = Assert.ThrowsAny<IOException>(() => ReportWriter.Write(file, SampleRun.Report()));
        Assert.Contains(file, e.Message);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Write_EmptyFolder_ThrowsArgumentException(string folder) =>
        Assert.ThrowsAny<ArgumentException>(() => ReportWriter.Write(folder, SampleRun.Report()));

    [Fact]
    public void Write_ObservationsFile_IsJsonLinesWithTypeFirst()
    {
        var folder = Path.Combine(_root, "run");
        var report = SampleRun.Report();
        ReportWriter.Write(folder, report);

        var lines = File.ReadAllLines(Path.Combine(folder, "observations.jsonl"));
        Assert.Equal(report.Injections.Count + report.Observations.Count + report.Traffic.Count + report.WorkersLost.Count, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal("type", doc.RootElement.EnumerateObject().First().Name);
        }
        Assert.Equal(
            "{\"type\":\"observation\",\"item\":\"" + SampleRun.Tx1 + "\",\"kind\":\"transaction\",\"node\":1,"
            + "\"firstSeen\":\"2025-03-01T12:00:01.01+00:00\",\"fromNode\":0,\"announcements\":2}",
            lines[report.Injections.Count + 1]);
        Assert.Equal("{\"type\":\"worker-lost\",\"worker\":1,\"at\":\"2025-03-01T12:00:05+00:00\",\"reason\":\"killed | by fault\",\"nodes\":[3,4,5]}", lines[^1]);
    }
}
