using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using ActorNode.Lab.Cluster.Coordinator;
using ActorNode.Lab.Cluster.Experiments;
using ActorNode.Lab.Cluster.Protocol;
using ActorNode.Lab.Experiments;
using ActorNode.Wire;
using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit;
using Akka.Util;
using Xunit.Abstractions;

namespace ActorNode.Lab.Cluster.Tests;

/// <summary>The <see cref="CoordinatorActor"/> alone, with test probes standing in for the worker processes: each
/// probe's autopilot answers as a worker does (nodes started, links up, clock replies, injections, final report), and
/// the tests send the sightings and membership events themselves, then check what the coordinator told each worker
/// and the outcome it handed over.</summary>
public sealed class CoordinatorActorTests : Akka.TestKit.Xunit2.TestKit
{
    // The coordinator subscribes to cluster membership: a cluster provider, never joined (no seed nodes).
    private const string Config = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<ActorSystem> _workerSystems = [];

    public CoordinatorActorTests(ITestOutputHelper output) : base(Config, output: output)
    {
    }

    protected override void AfterAll()
    {
        foreach (var system in _workerSystems) system.Terminate().Wait(Patience);
        base.AfterAll();
    }

    /// <summary>Four nodes on two workers in a ring; <paramref name="body"/> adds injections, faults, settings.</summary>
    private static Experiment MakeExperiment(string body) => ExperimentFile.Parse($$"""
        experiment {
          name = coordinator-test
          nodes = 4
          workers = 2
          seed = 7
          topology { kind = ring }
          node { trickle-interval = 0ms }
          {{body}}
        }
        """);

    private (IActorRef Coordinator, TaskCompletionSource<RunOutcome> Done, FakeWorker[] Workers) Start(
        Experiment experiment, FakeWorkerControl? control = null, TimeSpan? startupTimeout = null, bool hello = true)
    {
        var done = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new CoordinatorSettings(experiment, control ?? new FakeWorkerControl(killed: false), done)
        {
            StartupTimeout = startupTimeout ?? TimeSpan.FromSeconds(20),
            LinkTimeout = TimeSpan.FromSeconds(10),
            CollectTimeout = TimeSpan.FromSeconds(5),
        };
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(settings), "coordinator");
        var workers = new FakeWorker[experiment.Workers];
        var everyItem = new ConcurrentQueue<string>();
        for (int w = 0; w < workers.Length; w++)
        {
            // Each worker in an actor system of its own: the coordinator tells workers apart by address.
            var system = ActorSystem.Create($"worker{w}");
            _workerSystems.Add(system);
            workers[w] = new FakeWorker(w, CreateTestProbe(system), RunPlan.NodesOf(w, experiment.Nodes, experiment.Workers), everyItem);
            if (hello) coordinator.Tell(new WorkerHello(w, 1000 + w), workers[w].Probe.Ref);
        }
        return (coordinator, done, workers);
    }

    [Fact]
    public async Task ARun_StartsAndLinksTheNodes_PlaysThePlan_AndCompletesWhenEveryNodeSawEveryItem()
    {
        var experiment = MakeExperiment("""
            time-limit = 60s
            inject = [ { kind = transaction, count = 1, start = 0ms, interval = 0ms, node = 1 } ]
            """);
        var (coordinator, done, workers) = Start(experiment);
        var (w0, w1) = (workers[0], workers[1]);

        // Phase 1 and 2: each worker is told its nodes, then the ring's links from its nodes to their endpoints.
        Assert.Equal([0, 1], w0.Probe.FishForMessage<StartNodes>(_ => true, Patience).Nodes);
        Assert.Equal([2, 3], w1.Probe.FishForMessage<StartNodes>(_ => true, Patience).Nodes);
        Assert.Equal([new NodeLink(0, 1, FakeWorker.Endpoint(1)), new NodeLink(1, 2, FakeWorker.Endpoint(2))],
            w0.Probe.FishForMessage<LinkNodes>(_ => true, Patience).Links.OrderBy(l => l.From));
        Assert.Equal([new NodeLink(2, 3, FakeWorker.Endpoint(3)), new NodeLink(3, 0, FakeWorker.Endpoint(0))],
            w1.Probe.FishForMessage<LinkNodes>(_ => true, Patience).Links.OrderBy(l => l.From));

        // Phase 3: once linked and clocks probed, the plan's transaction goes to node 1's worker, as the plan made it.
        var inject = w0.Probe.FishForMessage<InjectTransaction>(_ => true, Patience);
        Assert.Equal(1, inject.Node);
        Assert.Equal(LabTransactions.Create(experiment.Seed, 0).ToArray(WireEncoding.Base), inject.Transaction);
        var item = Assert.Single(w0.Items);

        var t0 = DateTimeOffset.UtcNow;
        coordinator.Tell(new Seen(0, [new Sighting(1, ItemKind.Transaction, item, t0, null), new Sighting(0, ItemKind.Transaction, item, t0.AddMilliseconds(30), 1)]));
        coordinator.Tell(new Seen(1, [new Sighting(2, ItemKind.Transaction, item, t0.AddMilliseconds(20), 1)]));
        // A repeated sighting counts as received, not as a new first sighting.
        coordinator.Tell(new Seen(0, [new Sighting(0, ItemKind.Transaction, item, t0.AddMilliseconds(90), 1)]));
        // Node 3 has not seen it: the run goes on.
        w0.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.False(done.Task.IsCompleted);

        coordinator.Tell(new Seen(1, [new Sighting(3, ItemKind.Transaction, item, t0.AddMilliseconds(40), 2)]));
        // Phase 4: every node has it: reports are collected from both workers, then both are told the run is over.
        foreach (var worker in workers)
        {
            worker.Probe.FishForMessage<CollectReport>(_ => true, Patience);
            Assert.Equal(nameof(RunStatus.Completed), worker.Probe.FishForMessage<EndRun>(_ => true, Patience).Status);
        }
        var outcome = await done.Task.WaitAsync(Patience);

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal("every item reached all 4 live nodes", outcome.Reason);
        var injection = Assert.Single(outcome.Injections);
        Assert.Equal((item, ItemKind.Transaction, 1, t0), (injection.Item, injection.Kind, injection.Node, injection.At)); // its origin's own sighting
        Assert.Equal([1, 2, 0, 3], outcome.Observations.Select(o => o.Node)); // by first sighting
        Assert.Equal([null, 1, 1, 2], outcome.Observations.Select(o => o.FromNode));
        Assert.Equal(t0.AddMilliseconds(30), outcome.Observations.Single(o => o.Node == 0).FirstSeen); // the first of node 0's two
        Assert.Equal([11, 12, 10, 13], outcome.Observations.Select(o => o.Announcements)); // from the workers' reports
        Assert.Equal([0, 1, 2, 3], outcome.Traffic.Select(t => t.Node));
        Assert.Empty(outcome.LostWorkers);
        Assert.Equal(new HashSet<int> { 0, 1, 2, 3 }, outcome.ExpectedNodes);
        Assert.Equal(4, outcome.Edges.Count);
        Assert.Equal(TimeSpan.Zero, outcome.ClockOffsets[0]); // one clock here: every offset is within its bound
        Assert.Contains(outcome.Overhead, o => o.Key == "sightings received" && o.Value == "5");
    }

    [Fact]
    public async Task AKilledWorker_IsLostWhenUnreachable_AndTheRunStops_WhenTheExperimentSaysStop()
    {
        var experiment = MakeExperiment("""
            time-limit = 60s
            on-worker-loss = stop
            inject = [ { kind = transaction, count = 1, start = 0ms, interval = 0ms, node = 0 } ]
            faults = [ { kind = kill-worker, at = 100ms, worker = 1 } ]
            """);
        var control = new FakeWorkerControl(killed: false);
        var (coordinator, done, workers) = Start(experiment, control);
        var (w0, w1) = (workers[0], workers[1]);

        // Not a process it started: the worker is asked to exit at once.
        w1.Probe.FishForMessage<ExitNow>(_ => true, Patience);
        Assert.Equal([1], control.Asked);
        Assert.False(done.Task.IsCompleted);

        coordinator.Tell(new ClusterEvent.UnreachableMember(TestMember.Create(w1.Probe.Ref.Path.Address, MemberStatus.Up)));
        w0.Probe.FishForMessage<CollectReport>(_ => true, Patience);
        Assert.Equal(nameof(RunStatus.StoppedWorkerLost), w0.Probe.FishForMessage<EndRun>(_ => true, Patience).Status);
        var outcome = await done.Task.WaitAsync(Patience);

        Assert.Equal(RunStatus.StoppedWorkerLost, outcome.Status);
        Assert.StartsWith("worker 1 was lost (killed by the experiment; unreachable ", outcome.Reason);
        Assert.EndsWith("and the experiment says stop", outcome.Reason);
        var lost = Assert.Single(outcome.LostWorkers);
        Assert.Equal(1, lost.Worker);
        Assert.Equal([2, 3], lost.Nodes);
        Assert.Equal(new HashSet<int> { 0, 1 }, outcome.ExpectedNodes);
        // The lost worker is asked for nothing more.
        w1.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task AWorkerRemovedFromTheCluster_IsLost_AndTheRunCompletesWithoutItsStrandedItem()
    {
        var experiment = MakeExperiment("""
            time-limit = 60s
            inject = [
              { kind = transaction, count = 1, start = 0ms, interval = 0ms, node = 2 }
              { kind = block, count = 1, start = 50ms, interval = 0ms, node = 0 }
            ]
            """);
        var control = new FakeWorkerControl(killed: true);
        var (coordinator, done, workers) = Start(experiment, control);
        var (w0, w1) = (workers[0], workers[1]);
        w1.Probe.FishForMessage<InjectTransaction>(_ => true, Patience);
        w0.Probe.FishForMessage<InjectBlock>(_ => true, Patience);
        var (tx, block) = (Assert.Single(w1.Items), Assert.Single(w0.Items));
        var t0 = DateTimeOffset.UtcNow;
        coordinator.Tell(new Seen(1, [new Sighting(2, ItemKind.Transaction, tx, t0, null)]));
        coordinator.Tell(new Seen(0, [new Sighting(0, ItemKind.Block, block, t0, null), new Sighting(1, ItemKind.Block, block, t0, 0)]));

        // Unreachable is not lost (a busy worker answers heartbeats late) unless the experiment killed it.
        var member = TestMember.Create(w1.Probe.Ref.Path.Address, MemberStatus.Up);
        coordinator.Tell(new ClusterEvent.UnreachableMember(member));
        w0.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.False(done.Task.IsCompleted);

        coordinator.Tell(new ClusterEvent.MemberRemoved(TestMember.Create(w1.Probe.Ref.Path.Address, MemberStatus.Removed), MemberStatus.Up));
        // The block is at both live nodes; the transaction never reached one, and is judged stranded after the grace.
        w0.Probe.FishForMessage<CollectReport>(_ => true, Patience);
        w0.Probe.FishForMessage<EndRun>(_ => true, Patience);
        var outcome = await done.Task.WaitAsync(Patience);

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal("every item reached all 2 live nodes, except 1 lost with their worker before any live node had them", outcome.Reason);
        Assert.Equal("unreachable, then removed from the cluster", Assert.Single(outcome.LostWorkers).Reason);
        Assert.Contains(outcome.Notes, n => n.StartsWith($"Transaction {tx} was injected at node 2, whose worker was lost", StringComparison.Ordinal));
        Assert.Empty(control.Asked);
    }

    [Fact]
    public async Task AnItemThatNeverArrives_EndsTheRunAtItsTimeLimit()
    {
        var experiment = MakeExperiment("""
            time-limit = 1s
            inject = [ { kind = block, count = 1, start = 0ms, interval = 0ms, node = 3 } ]
            """);
        var (_, done, workers) = Start(experiment);
        workers[1].Probe.FishForMessage<InjectBlock>(_ => true, Patience);
        Assert.False(done.Task.IsCompleted);

        var outcome = await done.Task.WaitAsync(Patience);

        Assert.Equal(RunStatus.TimeLimit, outcome.Status);
        Assert.Equal("the time limit of 1 s was reached", outcome.Reason);
        Assert.Single(outcome.Injections);
        Assert.Empty(outcome.Observations);
        foreach (var worker in workers)
            Assert.Equal(nameof(RunStatus.TimeLimit), worker.Probe.FishForMessage<EndRun>(_ => true, Patience).Status);
    }

    [Fact]
    public async Task AWorkerThatNeverJoins_FailsTheRunAtTheStartupTimeout()
    {
        var (coordinator, done, workers) = Start(MakeExperiment("""
            time-limit = 60s
            inject = [ { kind = block, count = 1, start = 0ms, interval = 0ms } ]
            """), startupTimeout: TimeSpan.FromSeconds(1), hello: false);
        coordinator.Tell(new WorkerHello(0, 1000), workers[0].Probe.Ref);
        workers[0].Probe.FishForMessage<StartNodes>(_ => true, Patience);

        var outcome = await done.Task.WaitAsync(Patience);

        Assert.Equal(RunStatus.Failed, outcome.Status);
        Assert.Equal("the workers did not all join and start their nodes in time", outcome.Reason);
        Assert.Equal(nameof(RunStatus.Failed), workers[0].Probe.FishForMessage<EndRun>(_ => true, Patience).Status);
        workers[1].Probe.ExpectNoMsg(TimeSpan.Zero);
    }

    /// <summary>A worker as the coordinator sees it: a probe whose autopilot answers each request as
    /// <c>WorkerActor</c> does. Injected items are named "kind-node-n" and recorded in <see cref="Items"/> before the
    /// request reaches the probe's queue; the final report gives node n the announcement count 10 + n for every item
    /// any worker injected.</summary>
    private sealed class FakeWorker
    {
        private readonly ConcurrentQueue<string> _items = new();
        private readonly ConcurrentQueue<string> _everyItem;
        private List<NodeLink> _links = [];

        public FakeWorker(int id, TestProbe probe, IReadOnlyList<int> nodes, ConcurrentQueue<string> everyItem)
        {
            Probe = probe;
            _everyItem = everyItem;
            probe.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
            {
                var now = DateTimeOffset.UtcNow;
                switch (message)
                {
                    case StartNodes start:
                        sender.Tell(new NodesStarted(id, [.. start.Nodes.Select(n => new NodeEndpoint(n, Endpoint(n)))]));
                        break;
                    case LinkNodes link:
                        _links = [.. link.Links];
                        break;
                    case GetLinkStatus:
                        sender.Tell(new LinkStatus(id, [.. nodes.Select(n => new NodePeers(n, [.. _links.Where(l => l.From == n).Select(l => l.To)]))]));
                        break;
                    case ClockProbe clock:
                        sender.Tell(new ClockReply(id, clock.Sequence, clock.Sent, now));
                        break;
                    case InjectTransaction tx:
                        sender.Tell(new Injected(tx.Node, ItemKind.Transaction, Record($"tx-{tx.Node}"), now, null));
                        break;
                    case InjectBlock block:
                        sender.Tell(new Injected(block.Node, ItemKind.Block, Record($"block-{block.Node}"), now, null));
                        break;
                    case CollectReport:
                        sender.Tell(new WorkerReport(id,
                            [.. nodes.SelectMany(n => everyItem.Select(i => new AnnouncementCount(n, i, 10 + n)))],
                            [.. nodes.Select(n => new NodeBytes(n, 100 * n, 200 * n))]));
                        break;
                }
                return AutoPilot.KeepRunning;
            }));
        }

        public TestProbe Probe { get; }

        public IReadOnlyList<string> Items => [.. _items];

        public static string Endpoint(int node) => $"127.0.0.1:{20_000 + node}";

        private string Record(string prefix)
        {
            var item = $"{prefix}-{_items.Count}";
            _items.Enqueue(item);
            _everyItem.Enqueue(item);
            return item;
        }
    }

    private sealed class FakeWorkerControl(bool killed) : IWorkerControl
    {
        private readonly ConcurrentQueue<int> _asked = new();

        /// <summary>The workers the coordinator asked to kill.</summary>
        public IReadOnlyList<int> Asked => [.. _asked];

        public bool TryKill(int worker)
        {
            _asked.Enqueue(worker);
            return killed;
        }
    }
}

/// <summary>A cluster <see cref="Member"/> at an address, for membership events sent by hand. Akka.NET makes members
/// only inside Akka.Cluster (its own tests use an internal factory the same way): this calls that factory.</summary>
internal static class TestMember
{
    public static Member Create(Address address, MemberStatus status)
    {
        var factory = typeof(Member).GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(m => m.Name == "Create" && m.ReturnType == typeof(Member))
            .OrderByDescending(m => m.GetParameters().Length)
            .First();
        var args = factory.GetParameters().Select(object (p) => p.ParameterType switch
        {
            var t when t == typeof(UniqueAddress) => new UniqueAddress(address, 1),
            var t when t == typeof(MemberStatus) => status,
            var t when t == typeof(int) => 1,
            var t when t == typeof(ImmutableHashSet<string>) => ImmutableHashSet<string>.Empty,
            var t when t == typeof(AppVersion) => AppVersion.Zero,
            var t => throw new NotSupportedException($"Member.Create parameter {p.Name}: {t}"),
        }).ToArray();
        var member = (Member)factory.Invoke(null, args)!;
        Assert.Equal(status, member.Status);
        return member;
    }
}
