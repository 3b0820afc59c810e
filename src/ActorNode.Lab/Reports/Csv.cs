using System.Globalization;
using System.Text;
using ActorNode.Lab.Analysis;
using ActorNode.Lab.Experiments;

namespace ActorNode.Lab.Reports;

/// <summary>The report's CSV files (invariant culture, a header line, times in milliseconds).</summary>
internal static class Csv
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary><c>coverage.csv</c>: kind, share of (item, expected node) pairs arrived, delay since injection.</summary>
    public static string Coverage(IReadOnlyList<CoverageCurve> curves)
    {
        var csv = new StringBuilder("kind,share,delay_ms\n");
        foreach (var curve in curves)
            foreach (var (share, delay) in curve.Points)
                csv.Append(SummaryMarkdown.KindName(curve.Kind)).Append(',').Append(share.ToString("0.###", Inv)).Append(',')
                    .Append(delay.TotalMilliseconds.ToString("0.0", Inv)).Append('\n');
        return csv.ToString();
    }

    /// <summary><c>backlog.csv</c>: second since the start, items injected so far, items not yet at every live node.</summary>
    public static string Backlog(Backlog backlog)
    {
        var csv = new StringBuilder("second,injected,backlog\n");
        foreach (var p in backlog.Points)
            csv.Append(p.Second.ToString(Inv)).Append(',').Append(p.Injected.ToString(Inv)).Append(',').Append(p.Backlog.ToString(Inv)).Append('\n');
        return csv.ToString();
    }

    /// <summary><c>message-bytes.csv</c>: node, message type, bytes sent, bytes received.</summary>
    public static string MessageBytes(IReadOnlyList<MessageBytes> messages)
    {
        var csv = new StringBuilder("node,message,sent,received\n");
        foreach (var m in messages.OrderBy(m => m.Node).ThenBy(m => m.Command, StringComparer.Ordinal))
            csv.Append(m.Node.ToString(Inv)).Append(',').Append(m.Command).Append(',').Append(m.Sent.ToString(Inv)).Append(',')
                .Append(m.Received.ToString(Inv)).Append('\n');
        return csv.ToString();
    }
}
