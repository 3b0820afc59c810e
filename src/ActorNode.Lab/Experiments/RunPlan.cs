namespace ActorNode.Lab.Experiments;

/// <summary>One thing the coordinator does at a time offset from the start of the run.</summary>
public abstract record PlannedEvent(TimeSpan At)
{
    /// <summary>Inject the <paramref name="Index"/>-th item of its kind at <paramref name="Node"/> (null: a random
    /// node that is up at that moment).</summary>
    public sealed record Inject(TimeSpan At, ItemKind Kind, int Index, int? Node) : PlannedEvent(At)
    {
        /// <summary>How big the item is (the injection's <see cref="InjectionSpec.Size"/>).</summary>
        public ItemSize Size { get; init; } = new ItemSize.Minimal();
    }

    public sealed record KillWorker(TimeSpan At, int Worker) : PlannedEvent(At);

    public sealed record Cut(TimeSpan At, IReadOnlyList<int> GroupA, IReadOnlyList<int> GroupB) : PlannedEvent(At);

    public sealed record Heal(TimeSpan At, IReadOnlyList<int> GroupA, IReadOnlyList<int> GroupB) : PlannedEvent(At);

    public sealed record StopNodes(TimeSpan At, IReadOnlyList<int> Nodes) : PlannedEvent(At);

    public sealed record RestartNodes(TimeSpan At, IReadOnlyList<int> Nodes) : PlannedEvent(At);
}

/// <summary>An experiment turned into its timeline: every injection and every fault (with the heal of a partition
/// and the return of churned nodes as events of their own), in time order; and which worker hosts which node.</summary>
public static class RunPlan
{
    /// <summary>The events of <paramref name="experiment"/>, sorted by time (stable: the file's order breaks ties,
    /// injections before faults).</summary>
    public static IReadOnlyList<PlannedEvent> Events(Experiment experiment)
    {
        var events = new List<PlannedEvent>();
        var counters = new Dictionary<ItemKind, int>();
        foreach (var spec in experiment.Injections)
        {
            for (int i = 0; i < spec.Count; i++)
            {
                int index = counters.GetValueOrDefault(spec.Kind);
                counters[spec.Kind] = index + 1;
                events.Add(new PlannedEvent.Inject(spec.Start + spec.Interval * i, spec.Kind, index, spec.Node) { Size = spec.Size });
            }
        }
        foreach (var fault in experiment.Faults)
        {
            switch (fault)
            {
                case FaultSpec.KillWorker kill:
                    events.Add(new PlannedEvent.KillWorker(kill.At, kill.Worker));
                    break;
                case FaultSpec.Partition partition:
                    events.Add(new PlannedEvent.Cut(partition.At, partition.GroupA, partition.GroupB));
                    events.Add(new PlannedEvent.Heal(partition.HealAt, partition.GroupA, partition.GroupB));
                    break;
                case FaultSpec.Churn churn:
                    events.Add(new PlannedEvent.StopNodes(churn.At, churn.Nodes));
                    events.Add(new PlannedEvent.RestartNodes(churn.At + churn.Downtime, churn.Nodes));
                    break;
            }
        }
        return [.. events.Select((e, i) => (e, i)).OrderBy(x => x.e.At).ThenBy(x => x.i).Select(x => x.e)];
    }

    /// <summary>The worker that hosts <paramref name="node"/>: nodes are dealt out in contiguous blocks, as evenly
    /// as they go (10 nodes on 2 workers: 0–4 on worker 0, 5–9 on worker 1).</summary>
    public static int WorkerOf(int node, int nodes, int workers)
    {
        if ((uint)node >= (uint)nodes) throw new ArgumentOutOfRangeException(nameof(node));
        return (int)((long)node * workers / nodes);
    }

    /// <summary>The nodes <paramref name="worker"/> hosts.</summary>
    public static IReadOnlyList<int> NodesOf(int worker, int nodes, int workers) =>
        [.. Enumerable.Range(0, nodes).Where(n => WorkerOf(n, nodes, workers) == worker)];
}

/// <summary>The size of each injected item, from its <see cref="ItemSize"/>: the same seed and index give the same
/// size.</summary>
public static class ItemSizes
{
    /// <summary>The serialised size of transaction <paramref name="index"/>: the smallest lab transaction, one drawn
    /// from <see cref="MainnetTxSizes"/> (seeded by run seed and index), or the exact size asked.</summary>
    public static int TransactionBytes(ItemSize size, int seed, int index) => size switch
    {
        ItemSize.Mainnet => MainnetTxSizes.Draw(new Random(unchecked(seed * 1_000_003 + index))),
        ItemSize.Bytes bytes => bytes.Count,
        _ => LabTransactions.MinSize,
    };

    /// <summary>A block's target size: 0 (the coinbase alone) unless the file gives bytes.</summary>
    public static int BlockBytes(ItemSize size) => size is ItemSize.Bytes bytes ? bytes.Count : 0;
}
