using System.Net;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.TestKit;

namespace ActorNode.P2P.Tests.Sync;

/// <summary>What the lab observes of whole nodes over loopback, without reading a log line: each node's SyncActor
/// tells its subscribers when it first has a transaction or block and from which peer (<see cref="ItemAccepted"/>)
/// and every announcement it receives (<see cref="ItemAnnounced"/>); the connection manager adds up the bytes of
/// every peer it ever had (<see cref="GetNetTotals"/>), drops a peer by id, and removes and re-adds permanent
/// links. Nodes run with a zero trickle interval, as the lab's benchmark does.</summary>
public sealed class ObservationTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<string> _dirs = [];

    public ObservationTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output) { }

    private static string UserAgent(string name) => $"/ActorNode:0.1.0(lab-{name})/";

    private TestNode StartNode(string name, IReadOnlyList<IPEndPoint>? connect = null)
    {
        var dir = Directory.CreateTempSubdirectory($"observe-{name}-").FullName;
        _dirs.Add(dir);
        return TestNode.Start(Sys, name, dir, s => s with
        {
            Connect = connect ?? [],
            UserAgent = UserAgent(name),
            TrickleInterval = TimeSpan.Zero,
        });
    }

    private static Task<IPEndPoint> ListenEndpoint(TestNode node) => node.ListenEndpointAsync(Patience);

    private async Task AwaitConnections(TestNode node, int count) =>
        await AwaitAssertAsync(async () =>
            Assert.Equal(count, (await node.Manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Patience)).Total),
            Patience, TimeSpan.FromMilliseconds(50));

    private static async Task<IReadOnlyList<ActorNode.P2P.Peers.PeerStats>> PeerInfo(TestNode node) =>
        (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;

    /// <summary>The id under which <paramref name="node"/> knows the peer with this user agent.</summary>
    private static async Task<long> PeerIdOf(TestNode node, string userAgent) =>
        Assert.Single(await PeerInfo(node), p => p.UserAgent == userAgent).Id;

    /// <summary>Real mainnet transactions without witness data (txid = wtxid, as the lab sends them).</summary>
    private static Transaction[] LegacyPayments(int count) =>
        [.. Block.Parse(File.ReadAllBytes(ActorNode.Wire.Tests.TestData.PathOf(ActorNode.Wire.Tests.TestData.Block574200)))
            .Transactions.Skip(1).Where(t => !t.HasWitness).Take(count)];

    private Observer Subscribe(TestNode node)
    {
        var probe = CreateTestProbe();
        node.Sync.Tell(SubscribeItems.Instance, probe.Ref);
        probe.ExpectMsg<ItemsSubscribed>(Patience);
        return new Observer(probe);
    }

    [Fact]
    public async Task ASubmittedTransaction_IsAcceptedAtThePeer_FromThatPeerAndItsUserAgent()
    {
        var a = StartNode("ta");
        var b = StartNode("tb", connect: [await ListenEndpoint(a)]);
        await AwaitConnections(a, 1);
        await AwaitConnections(b, 1);
        var atA = Subscribe(a);
        var atB = Subscribe(b);
        long aAtB = await PeerIdOf(b, UserAgent("ta"));

        var tx = LegacyPayments(1)[0];
        Assert.Equal(tx.Txid, tx.Wtxid);
        Assert.Null((await a.Sync.Ask<TransactionSubmitted>(new SubmitTransaction(tx), Patience)).Error);

        var own = atA.WaitFor<ItemAccepted>(i => i.Hash == tx.Txid, Patience);
        Assert.Equal(ObservedItemKind.Transaction, own.Kind);
        Assert.Null(own.FromPeer);
        Assert.Null(own.FromUserAgent);

        var relayed = atB.WaitFor<ItemAccepted>(i => i.Hash == tx.Txid, Patience);
        Assert.Equal(ObservedItemKind.Transaction, relayed.Kind);
        Assert.Equal(aAtB, relayed.FromPeer);
        Assert.Equal(UserAgent("ta"), relayed.FromUserAgent);
        Assert.True(relayed.At >= own.At - TimeSpan.FromSeconds(1));
        // b heard of it first: a's inv (MSG_WTX, the wtxid, equal to the txid here).
        var announced = Assert.Single(atB.Seen.OfType<ItemAnnounced>(), i => i.Hash == tx.Txid);
        Assert.Equal((ObservedItemKind.Transaction, aAtB), (announced.Kind, announced.PeerId));
        // Nothing told a of it: it announced, and b does not announce back.
        Assert.DoesNotContain(atA.Seen.OfType<ItemAnnounced>(), i => i.Hash == tx.Txid);
    }

    [Fact]
    public async Task InATriangle_EveryNodeAcceptsTheTransactionOnce_AndTheAnnouncementsIncludeDuplicates()
    {
        var a = StartNode("xa");
        var endpointA = await ListenEndpoint(a);
        var b = StartNode("xb", connect: [endpointA]);
        var c = StartNode("xc", connect: [endpointA, await ListenEndpoint(b)]);
        foreach (var node in new[] { a, b, c }) await AwaitConnections(node, 2);
        var observers = new[] { a, b, c }.Select(Subscribe).ToArray();

        var tx = LegacyPayments(1)[0];
        Assert.Null((await a.Sync.Ask<TransactionSubmitted>(new SubmitTransaction(tx), Patience)).Error);
        foreach (var observer in observers) observer.WaitFor<ItemAccepted>(i => i.Hash == tx.Txid, Patience);

        // a announces to b and c (neither had it); then b and c each either announce to the other or hear of it from
        // the other first, so at least one more announcement crosses b–c: three or more for two receivers.
        int Announcements(Observer o) => o.Seen.OfType<ItemAnnounced>().Count(i => i.Hash == tx.Txid);
        var (atB, atC) = (observers[1], observers[2]);
        var deadline = DateTime.UtcNow + Patience;
        while (Announcements(atB) + Announcements(atC) < 3 && DateTime.UtcNow < deadline)
            (Announcements(atB) <= Announcements(atC) ? atB : atC).Poll(TimeSpan.FromMilliseconds(100));
        Assert.True(Announcements(atC) >= 1);
        Assert.True(Announcements(atB) + Announcements(atC) >= 3, $"b {Announcements(atB)}, c {Announcements(atC)}");
        Assert.All(observers, o => Assert.Single(o.Seen.OfType<ItemAccepted>(), i => i.Hash == tx.Txid));
    }

    [Fact]
    public async Task AMinedBlock_IsAcceptedAtEveryNode_AndAnnouncedToTheOthers()
    {
        var a = StartNode("ba");
        var endpointA = await ListenEndpoint(a);
        var b = StartNode("bb", connect: [endpointA]);
        var c = StartNode("bc", connect: [await ListenEndpoint(b)]);
        await AwaitConnections(b, 2);
        var (atA, atB, atC) = (Subscribe(a), Subscribe(b), Subscribe(c));

        var mined = await a.Sync.Ask<BlocksMined>(new MineBlocks(1), Patience);
        Assert.Null(mined.Error);
        var hash = Assert.Single(mined.Hashes);

        var own = atA.WaitFor<ItemAccepted>(i => i.Hash == hash, Patience);
        Assert.Equal((ObservedItemKind.Block, (long?)null), (own.Kind, own.FromPeer));
        var atMiddle = atB.WaitFor<ItemAccepted>(i => i.Hash == hash, Patience);
        Assert.Equal((ObservedItemKind.Block, UserAgent("ba")), (atMiddle.Kind, atMiddle.FromUserAgent));
        Assert.Equal(await PeerIdOf(b, UserAgent("ba")), atMiddle.FromPeer);
        var atEnd = atC.WaitFor<ItemAccepted>(i => i.Hash == hash, Patience);
        Assert.Equal((ObservedItemKind.Block, UserAgent("bb")), (atEnd.Kind, atEnd.FromUserAgent));
        // Each was told of the block by the node before it, ahead of having it (inv, or an unasked cmpctblock).
        Assert.Contains(atB.Seen.OfType<ItemAnnounced>(), i => i.Hash == hash && i.Kind == ObservedItemKind.Block && i.PeerId == atMiddle.FromPeer);
        Assert.Contains(atC.Seen.OfType<ItemAnnounced>(), i => i.Hash == hash && i.Kind == ObservedItemKind.Block && i.PeerId == atEnd.FromPeer);
        // c's only peer told it once (an inv): the headers and the cmpctblock it then asked for answer it, and are
        // not announcements. Answered after everything c told its subscribers, the tip query lets us see it all.
        await c.TipsAsync(Patience);
        atC.Drain();
        Assert.Single(atC.Seen.OfType<ItemAnnounced>(), i => i.Hash == hash);
    }

    [Fact]
    public async Task Unsubscribed_NothingMoreIsTold()
    {
        var a = StartNode("ua");
        var observer = Subscribe(a);
        a.Sync.Tell(UnsubscribeItems.Instance, observer.Probe.Ref);
        var mined = await a.Sync.Ask<BlocksMined>(new MineBlocks(1), Patience);
        Assert.Null(mined.Error);
        // The tip query is answered after the block was handled: anything told would be in the probe's queue by now.
        await a.TipsAsync(Patience);
        Assert.False(observer.Probe.HasMessages);
    }

    [Fact]
    public async Task NetTotals_CountPeersThatHaveGone_AndNeverGoDown()
    {
        var a = StartNode("na");
        var b = StartNode("nb");
        b.Manager.Tell(new AddNode(await ListenEndpoint(a), Permanent: false)); // once: not redialled
        await AwaitConnections(a, 1);
        await AwaitConnections(b, 1);
        var before = await b.Manager.Ask<NetTotalsAnswer>(GetNetTotals.Instance, Patience);
        Assert.True(before.BytesSent > 0 && before.BytesReceived > 0);

        // a drops b by id; only then is a asked for its totals, which can come from the gone peer only.
        a.Manager.Tell(new DisconnectPeerById(await PeerIdOf(a, UserAgent("nb")), "test"));
        await AwaitConnections(a, 0);
        await AwaitConnections(b, 0);
        await AwaitAssertAsync(async () => Assert.Empty(await PeerInfo(a)), Patience, TimeSpan.FromMilliseconds(50));
        await AwaitAssertAsync(async () => Assert.Empty(await PeerInfo(b)), Patience, TimeSpan.FromMilliseconds(50));

        var atA = await a.Manager.Ask<NetTotalsAnswer>(GetNetTotals.Instance, Patience);
        var after = await b.Manager.Ask<NetTotalsAnswer>(GetNetTotals.Instance, Patience);
        Assert.True(after.BytesSent >= before.BytesSent && after.BytesReceived >= before.BytesReceived);
        // What b had received, a had sent; what a had received, b had sent (b's count then was a lower bound).
        Assert.True(atA.BytesSent >= before.BytesReceived, $"a sent {atA.BytesSent}, b had received {before.BytesReceived}");
        Assert.True(atA.BytesReceived > 0);
        Assert.True((await a.Manager.Ask<PeersStarted>(GetPeersStarted.Instance, Patience)).Count == 1);
    }

    [Fact]
    public async Task RemoveNode_ClosesThePermanentLinkForGood_AndAddNode_RestoresItAtOnce()
    {
        var a = StartNode("ra");
        var b = StartNode("rb");
        var endpointA = await ListenEndpoint(a);
        b.Manager.Tell(new AddNode(endpointA));
        b.Manager.Tell(new AddNode(endpointA)); // a permanent peer is added once
        await AwaitConnections(b, 1);
        await AwaitConnections(a, 1);
        Assert.Single((await b.Manager.Ask<AddedNodeInfo>(GetAddedNodeInfo.Instance, Patience)).Nodes);

        b.Manager.Tell(new RemoveNode(endpointA));
        await AwaitConnections(b, 0);
        await AwaitConnections(a, 0);
        // The request is forgotten, so nothing redials it.
        Assert.Empty((await b.Manager.Ask<AddedNodeInfo>(GetAddedNodeInfo.Instance, Patience)).Nodes);
        await AwaitAssertAsync(async () => Assert.Empty(await PeerInfo(b)), Patience, TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, (await b.Manager.Ask<PeersStarted>(GetPeersStarted.Instance, Patience)).Count);

        b.Manager.Tell(new AddNode(endpointA));
        await AwaitConnections(b, 1);
        await AwaitConnections(a, 1);
        Assert.Equal(2, (await b.Manager.Ask<PeersStarted>(GetPeersStarted.Instance, Patience)).Count);
        var added = Assert.Single((await b.Manager.Ask<AddedNodeInfo>(GetAddedNodeInfo.Instance, Patience)).Nodes);
        Assert.True(added.Connected);
    }

    [Fact]
    public async Task RemoveNode_ThenAddNodeAtOnce_Reconnects()
    {
        var a = StartNode("qa");
        var b = StartNode("qb");
        var endpointA = await ListenEndpoint(a);
        b.Manager.Tell(new AddNode(endpointA));
        await AwaitConnections(b, 1);

        // Healing right after a cut: the old link is still closing when the new request comes.
        b.Manager.Tell(new RemoveNode(endpointA));
        b.Manager.Tell(new AddNode(endpointA));
        await AwaitAssertAsync(async () =>
            Assert.Equal(2, (await b.Manager.Ask<PeersStarted>(GetPeersStarted.Instance, Patience)).Count), Patience,
            TimeSpan.FromMilliseconds(50));
        await AwaitAssertAsync(async () =>
        {
            var peers = await PeerInfo(b);
            Assert.Equal(2, Assert.Single(peers).Id); // the new connection, the old one gone
            Assert.True(peers[0].Ready);
        }, Patience, TimeSpan.FromMilliseconds(50));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>A subscriber: a probe, and every observation it has been told so far.</summary>
    private sealed class Observer(TestProbe probe)
    {
        public TestProbe Probe { get; } = probe;
        public List<object> Seen { get; } = [];

        /// <summary>Takes the next message if one comes within <paramref name="wait"/>.</summary>
        public void Poll(TimeSpan wait)
        {
            if (Probe.ReceiveOne(wait) is { } message) Seen.Add(message);
        }

        /// <summary>Takes what has arrived already.</summary>
        public void Drain()
        {
            while (Probe.HasMessages) Poll(TimeSpan.Zero);
        }

        /// <summary>The first observation of this type that matches, waiting for it if it has not come yet.</summary>
        public T WaitFor<T>(Func<T, bool> match, TimeSpan patience)
        {
            var deadline = DateTime.UtcNow + patience;
            while (true)
            {
                if (Seen.OfType<T>().FirstOrDefault(match) is { } found) return found;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) throw new Xunit.Sdk.XunitException($"no matching {typeof(T).Name} within {patience}");
                Poll(left);
            }
        }
    }
}
