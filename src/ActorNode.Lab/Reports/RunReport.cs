using ActorNode.Lab.Analysis;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Reports;

/// <summary>Everything a finished run leaves for its report folder (<see cref="ReportWriter"/>): what was asked (the
/// experiment file as given), how the run ended, the raw facts gathered over the cluster (injections, observations,
/// traffic, lost workers), their analysis, the topology as plain edges, and the coordinator's own figures.
/// The report is written from these alone, so a run can be re-reported from its <c>observations.jsonl</c>.</summary>
public sealed record RunReport
{
    /// <summary>The experiment's name (its file's <c>name</c>).</summary>
    public required string ExperimentName { get; init; }

    /// <summary>The experiment file's text, copied byte for byte into <c>experiment.conf</c>.</summary>
    public required string ExperimentText { get; init; }

    /// <summary>How the run ended: "completed", "time limit", "stopped: worker lost", ...</summary>
    public required string Status { get; init; }

    /// <summary>Why, in a sentence (null: nothing to add to the status).</summary>
    public string? Reason { get; init; }

    /// <summary>What the coordinator noted along the way (links not up at the start, injections refused or skipped,
    /// workers that sent no final report).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public required DateTimeOffset Started { get; init; }
    public required DateTimeOffset Ended { get; init; }
    public required int Workers { get; init; }

    /// <summary>Nodes in the run; the topology's nodes are 0 .. Nodes-1.</summary>
    public required int Nodes { get; init; }

    public IReadOnlyList<Injection> Injections { get; init; } = [];
    public IReadOnlyList<Observation> Observations { get; init; } = [];

    /// <summary>Raw traffic counters as gathered (written to the log). The summary's traffic table is computed from
    /// <see cref="RunAnalysis.Traffic"/>.</summary>
    public IReadOnlyList<NodeTraffic> Traffic { get; init; } = [];

    public IReadOnlyList<WorkerLost> WorkersLost { get; init; } = [];
    public required RunAnalysis Analysis { get; init; }

    /// <summary>The links of the run, each an outbound connection From → To (From dialled To).</summary>
    public IReadOnlyList<(int From, int To)> Edges { get; init; } = [];

    /// <summary>Per worker, the estimated offset of its clock from the coordinator's (worker minus coordinator), which
    /// was subtracted from its nodes' observation times.</summary>
    public IReadOnlyDictionary<int, TimeSpan> ClockOffsets { get; init; } = new Dictionary<int, TimeSpan>();

    /// <summary>The coordinator's own overhead, as named figures in the order to show them (e.g. "messages handled",
    /// "CPU time").</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CoordinatorOverhead { get; init; } = [];

    /// <summary>The nodes every item should reach (live at the end); null: every node not on a lost worker.</summary>
    public IReadOnlySet<int>? ExpectedNodes { get; init; }

    /// <summary>The network, relay timing, load and clocks of the run.</summary>
    public RunConditions Conditions { get; init; } = new();
}
