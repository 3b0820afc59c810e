using ActorNode.Lab.Analysis;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Tests.Analysis;

/// <summary>The backlog (items injected and not yet at every expected node, per second), the per-kind percentiles
/// and the coverage curve.</summary>
public sealed class LoadAnalysisTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly HashSet<int> Three = [0, 1, 2];

    private static DateTimeOffset At(double seconds) => T0 + TimeSpan.FromSeconds(seconds);

    private static IEnumerable<Observation> Everywhere(string item, double injected, double delay) =>
    [
        new Observation(item, ItemKind.Transaction, 0, At(injected), null, 0),
        new Observation(item, ItemKind.Transaction, 1, At(injected + delay / 2), 0, 1),
        new Observation(item, ItemKind.Transaction, 2, At(injected + delay), 1, 1),
    ];

    [Fact]
    public void Backlog_CountsEachItemFromItsInjectionUntilTheLastExpectedNodeHadIt()
    {
        var injections = new[] { new Injection("a", ItemKind.Transaction, 0, At(0.5)), new Injection("b", ItemKind.Transaction, 0, At(1.5)) };
        var observations = Everywhere("a", 0.5, 2).Concat(Everywhere("b", 1.5, 0.2)).ToList();
        var backlog = LoadAnalysis.Backlog(injections, observations, Three, T0, At(4));
        // a: in from 0.5 s to 2.5 s; b: from 1.5 s to 1.7 s.
        Assert.Equal([0, 1, 1, 0, 0], backlog.Points.Select(p => p.Backlog));
        Assert.Equal([0, 1, 2, 2, 2], backlog.Points.Select(p => p.Injected));
        Assert.Equal(1, backlog.Max);
        Assert.False(backlog.Growing);
    }

    [Fact]
    public void Backlog_AnItemNeverAtEveryNode_StaysInIt()
    {
        var injections = new[] { new Injection("a", ItemKind.Transaction, 0, At(0.5)) };
        var observations = Everywhere("a", 0.5, 1).Where(o => o.Node != 2).ToList();
        var backlog = LoadAnalysis.Backlog(injections, observations, Three, T0, At(3));
        Assert.Equal([0, 1, 1, 1], backlog.Points.Select(p => p.Backlog));
    }

    [Fact]
    public void Backlog_OfARunThatNeverStarted_IsEmpty()
    {
        // A failed startup reports no start time (default); the report must still be written.
        var backlog = LoadAnalysis.Backlog([], [], Three, default, T0);
        Assert.Empty(backlog.Points);
        Assert.Empty(LoadAnalysis.Backlog([], [], Three, At(5), At(1)).Points);
    }

    [Fact]
    public void Backlog_ThatPilesUp_IsGrowing_ASteadyOneIsNot()
    {
        // One item a second for 40 s. Steady: each takes 2 s. Saturated: the k-th takes k/2 s.
        var injections = Enumerable.Range(0, 40).Select(k => new Injection($"t{k}", ItemKind.Transaction, 0, At(k + 0.1))).ToList();
        var steady = injections.SelectMany(i => Everywhere(i.Item, (i.At - T0).TotalSeconds, 2)).ToList();
        var piling = injections.Select((i, k) => Everywhere(i.Item, (i.At - T0).TotalSeconds, k / 2.0)).SelectMany(o => o).ToList();
        Assert.False(LoadAnalysis.Backlog(injections, steady, Three, T0, At(80)).Growing);
        var growing = LoadAnalysis.Backlog(injections, piling, Three, T0, At(80));
        Assert.True(growing.Growing, $"{growing.SecondQuarterMean} -> {growing.LastQuarterMean}");
    }

    [Fact]
    public void Percentiles_AreMediansOverItemsOfTheTimeToEachShare_AndTheCoverageCurveRisesToOne()
    {
        var injections = new[] { new Injection("a", ItemKind.Transaction, 0, At(0)), new Injection("b", ItemKind.Transaction, 0, At(10)) };
        var observations = Everywhere("a", 0, 2).Concat(Everywhere("b", 10, 4)).ToList();
        var analysis = PropagationAnalyzer.Analyze(injections, observations, [], Three);
        var tx = Assert.Single(LoadAnalysis.Percentiles(analysis));
        // Item a: nodes at 0, 1, 2 s; item b: 0, 2, 4 s. p50 is the 2nd node (1 s, 2 s: median the lower, 1 s);
        // p75 and above the 3rd (2 s, 4 s: 2 s).
        Assert.Equal(TimeSpan.FromSeconds(1), tx.Times.Single(t => t.Percent == 50).Median);
        Assert.Equal(TimeSpan.FromSeconds(2), tx.Times.Single(t => t.Percent == 99).Median);

        var curve = Assert.Single(LoadAnalysis.Coverage(analysis, points: 6)).Points;
        // Six pairs at 0, 0, 1, 2, 2, 4 s.
        Assert.Equal([0, 0, 1, 2, 2, 4], curve.Select(p => p.Delay.TotalSeconds));
        Assert.Equal(1.0, curve[^1].Share);
    }
}
