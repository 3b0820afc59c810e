using ActorNode.Lab.Analysis;
using ActorNode.Lab.Experiments;

namespace ActorNode.Lab.Reports;

/// <summary>What <see cref="ReportWriter.Write"/> left: the folder, the files it wrote (full paths), and pictures
/// that could not be drawn (name: error), which summary.md also lists.</summary>
public sealed record WrittenReport(string Folder, IReadOnlyList<string> Files, IReadOnlyList<string> PictureErrors);

/// <summary>Writes a run's report folder: <c>experiment.conf</c> (the file as given), <c>observations.jsonl</c>
/// (<see cref="ObservationLog"/>), the pictures (<c>cdf-transactions</c>, <c>cdf-blocks</c>, <c>hops</c>,
/// <c>topology</c>, each .png and .svg; a kind with no items has no CDF) and, last, <c>summary.md</c>. Every file is
/// written to a temporary name and renamed into place (<see cref="AtomicFile"/>), so a crash leaves no half file under
/// a real name, and a folder with a summary.md holds a whole report. Writing into an existing folder replaces the
/// files of the same names and leaves others alone.</summary>
public static class ReportWriter
{
    public const string ExperimentFile = "experiment.conf";
    public const string ObservationsFile = "observations.jsonl";
    public const string SummaryFile = "summary.md";
    public const string HopsPicture = "hops";
    public const string CoverageFile = "coverage.csv";
    public const string BacklogFile = "backlog.csv";
    public const string MessageBytesFile = "message-bytes.csv";
    public const string TopologyPicture = "topology";

    /// <exception cref="ArgumentException">The folder path is empty.</exception>
    /// <exception cref="IOException">The folder cannot be created or written (the message names it and why).</exception>
    public static WrittenReport Write(string folder, RunReport report)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(report);
        string full;
        try
        {
            full = Path.GetFullPath(folder);
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IOException($"Cannot create the report folder '{folder}': {e.Message}", e);
        }

        var files = new List<string>();
        void Text(string name, string text) => Guard(full, name, () => AtomicFile.WriteAllText(Path.Combine(full, name), text), files);

        Text(ExperimentFile, report.ExperimentText);
        Guard(full, ObservationsFile, () => AtomicFile.Write(Path.Combine(full, ObservationsFile), s => ObservationLog.Write(s, report)), files);

        Text(CoverageFile, Csv.Coverage(LoadAnalysis.Coverage(report.Analysis)));
        Text(BacklogFile, Csv.Backlog(LoadAnalysis.Backlog(report.Injections, report.Observations, SummaryMarkdown.ExpectedOf(report), report.Started, report.Ended)));
        if (report.Conditions.MessageBytes.Count > 0) Text(MessageBytesFile, Csv.MessageBytes(report.Conditions.MessageBytes));

        var pictures = new List<Picture>();
        var errors = new List<string>();
        foreach (var (picture, draw, width, height) in PicturesOf(report))
        {
            try
            {
                var plot = draw();
                if (plot is null)
                    continue;
                var (png, svg) = ReportPictures.Render(plot, width, height);
                Guard(full, picture.Name + ".png", () => AtomicFile.WriteAllBytes(Path.Combine(full, picture.Name + ".png"), png), files);
                Guard(full, picture.Name + ".svg", () => AtomicFile.WriteAllText(Path.Combine(full, picture.Name + ".svg"), svg), files);
                pictures.Add(picture);
            }
            catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
            {
                // A drawing failure (e.g. Skia's native library missing) costs the picture, not the report.
                errors.Add($"{picture.Name}: {e.GetType().Name}: {e.Message}");
            }
        }

        Text(SummaryFile, SummaryMarkdown.Render(report, pictures, errors));
        return new WrittenReport(full, files, errors);
    }

    private static IEnumerable<(Picture, Func<ScottPlot.Plot?>, int, int)> PicturesOf(RunReport report)
    {
        var analysis = report.Analysis;
        foreach (var kind in new[] { ItemKind.Transaction, ItemKind.Block })
        {
            var summary = analysis.Kinds.FirstOrDefault(k => k.Kind == kind);
            if (summary is null || summary.Items == 0)
                continue;
            yield return (new Picture(ReportPictures.CdfName(kind), $"Propagation CDF of {SummaryMarkdown.KindName(kind)}s"),
                () => ReportPictures.Cdf(summary, analysis.Items), ReportPictures.Width, ReportPictures.Height);
        }
        yield return (new Picture(HopsPicture, "Histogram of hops"),
            () => ReportPictures.Hops(analysis.Kinds), ReportPictures.Width, ReportPictures.Height);
        var item = ReportPictures.TopologyItem(analysis);
        yield return (new Picture(TopologyPicture, item is null
                ? "Topology"
                : $"Topology coloured by arrival of {SummaryMarkdown.KindName(item.Kind)} {item.Item}"),
            () => ReportPictures.Topology(report), ReportPictures.TopologySize + 140, ReportPictures.TopologySize);
    }

    private static void Guard(string folder, string name, Action write, List<string> files)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write '{name}' in the report folder '{folder}': {e.Message}", e);
        }
        files.Add(Path.Combine(folder, name));
    }
}
