using ActorNode.Lab.Analysis;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;
using ActorNode.Lab.Reports;

namespace ActorNode.Lab.Tests.Reports;

/// <summary>A small hand-made run: 6 nodes on 2 workers, a ring plus the chord 0→3, two transactions and one block.
/// Worker 1 (nodes 3, 4, 5) is lost 5 s in, after the first transaction and the block spread but before the second
/// transaction, which reaches only nodes 0, 1, 2: its analysis (built by hand to match the observations) counts 6
/// expected nodes, so it never reaches 90 % and shows as not fully propagated.</summary>
internal static class SampleRun
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly string Tx1 = new('a', 64);
    public static readonly string Tx2 = new('b', 64);
    public static readonly string Block = new('c', 64);

    public const string ExperimentText = "name = sample\nnodes = 6\nworkers = 2\ntopology { ring {} }\n# ünïcode ok\n";

    public static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    public static RunReport Report(bool withBlocks = true)
    {
        var injections = new List<Injection>
        {
            new(Tx1, ItemKind.Transaction, 0, Start.AddSeconds(1)),
            new(Tx2, ItemKind.Transaction, 2, Start.AddSeconds(6)),
        };
        // Tx1 from node 0: delays 0, 10, 20, 15, 30, 12 ms; hops 0, 1, 2, 1, 2, 1.
        var observations = new List<Observation>
        {
            new(Tx1, ItemKind.Transaction, 0, Start.AddSeconds(1), null, 1),
            new(Tx1, ItemKind.Transaction, 1, Start.AddSeconds(1) + Ms(10), 0, 2),
            new(Tx1, ItemKind.Transaction, 2, Start.AddSeconds(1) + Ms(20), 1, 1),
            new(Tx1, ItemKind.Transaction, 3, Start.AddSeconds(1) + Ms(15), 0, 2),
            new(Tx1, ItemKind.Transaction, 4, Start.AddSeconds(1) + Ms(30), 3, 1),
            new(Tx1, ItemKind.Transaction, 5, Start.AddSeconds(1) + Ms(12), 0, 1),
            // Tx2 from node 2 after worker 1 is gone: delays 0, 8, 25 ms; hops 0, 1, 2.
            new(Tx2, ItemKind.Transaction, 2, Start.AddSeconds(6), null, 1),
            new(Tx2, ItemKind.Transaction, 1, Start.AddSeconds(6) + Ms(8), 2, 1),
            new(Tx2, ItemKind.Transaction, 0, Start.AddSeconds(6) + Ms(25), 1, 2),
        };
        var items = new List<ItemPropagation>
        {
            new(Tx1, ItemKind.Transaction, 0, 6, 6, Ms(12), Ms(30), Ms(30),
                [Ms(0), Ms(10), Ms(20), Ms(15), Ms(30), Ms(12)], [0, 1, 2, 1, 2, 1], 2.0 / 8),
            new(Tx2, ItemKind.Transaction, 2, 6, 3, Ms(25), null, null,
                [Ms(0), Ms(8), Ms(25)], [0, 1, 2], 1.0 / 4),
        };
        var kinds = new List<KindSummary>
        {
            new(ItemKind.Transaction, 2, 1, Ms(18.5), Ms(30), Ms(30), Ms(30),
                [.. items[0].ArrivalDelays, .. items[1].ArrivalDelays], [.. items[0].Hops, .. items[1].Hops], 3.0 / 12),
        };

        if (withBlocks)
        {
            injections.Add(new(Block, ItemKind.Block, 1, Start.AddSeconds(2)));
            // The block from node 1 (by node: delays 40, 0, 80, 120, 90, 50 ms; hops 1, 0, 1, 2, 3, 2).
            int?[] from = [1, null, 1, 2, 5, 0];
            double[] delay = [40, 0, 80, 120, 90, 50];
            for (var node = 0; node < 6; node++)
                observations.Add(new(Block, ItemKind.Block, node, Start.AddSeconds(2) + Ms(delay[node]), from[node], node == 4 ? 3 : 1));
            items.Insert(1, new ItemPropagation(Block, ItemKind.Block, 1, 6, 6, Ms(50), Ms(120), Ms(120),
                [.. delay.Select(Ms)], [1, 0, 1, 2, 3, 2], 2.0 / 8));
            kinds.Add(new(ItemKind.Block, 1, 1, Ms(50), Ms(120), Ms(120), Ms(120),
                items[1].ArrivalDelays, items[1].Hops, 2.0 / 8));
        }
        else
        {
            kinds.Add(new(ItemKind.Block, 0, 0, null, null, null, null, [], [], 0));
        }

        var traffic = new List<NodeTraffic>
        {
            new(0, 1000, 900), new(1, 3000, 2500), new(2, 500, 800),
            new(3, 700, 600), new(4, 400, 450), new(5, 600, 550),
        };
        return new RunReport
        {
            ExperimentName = "sample",
            ExperimentText = ExperimentText,
            Status = "completed",
            Reason = "every live node has every item",
            Started = Start,
            Ended = Start.AddSeconds(7.5),
            Workers = 2,
            Nodes = 6,
            Injections = injections,
            Observations = observations,
            Traffic = traffic,
            WorkersLost = [new WorkerLost(1, Start.AddSeconds(5), "killed | by fault", [3, 4, 5])],
            Analysis = new RunAnalysis(items, kinds, traffic),
            Edges = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0), (0, 3)],
            ClockOffsets = new Dictionary<int, TimeSpan> { [0] = Ms(-1.5), [1] = Ms(3.5) },
            CoordinatorOverhead = [new("messages handled", "1234"), new("CPU time (ms)", "56.7")],
        };
    }
}
