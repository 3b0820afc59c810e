using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Cluster.Coordinator;

/// <summary>How a run ended. <see cref="Completed"/>: every injected item reached every node expected to get it.</summary>
public enum RunStatus
{
    Completed,
    TimeLimit,
    StoppedWorkerLost,
    Failed,
}

/// <summary>Everything the coordinator gathered, for the report (written by the runner, outside the actor: a report
/// writes files and draws pictures, which must not block an actor).</summary>
public sealed record RunOutcome(
    RunStatus Status,
    string Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    IReadOnlyList<Injection> Injections,
    IReadOnlyList<Observation> Observations,
    IReadOnlyList<NodeTraffic> Traffic,
    IReadOnlyList<WorkerLost> LostWorkers,
    IReadOnlySet<int> ExpectedNodes,
    IReadOnlyList<(int From, int To)> Edges,
    IReadOnlyDictionary<int, TimeSpan> ClockOffsets,
    IReadOnlyList<string> Notes,
    IReadOnlyList<KeyValuePair<string, string>> Overhead)
{
    /// <summary>The network, relay timing, load and clocks the run had (the report's "Conditions").</summary>
    public ActorNode.Lab.Reports.RunConditions Conditions { get; init; } = new();
}

/// <summary>How the coordinator ends a worker process for a kill-worker fault: SIGKILL when the runner started it,
/// else the worker is asked to end itself at once.</summary>
public interface IWorkerControl
{
    /// <summary>True when the process was killed; false when this process did not start it.</summary>
    bool TryKill(int worker);
}
