using System.Diagnostics;
using System.Net;
using ActorNode.P2P.Transport;
using Akka.Actor;
using Akka.IO;
using Xunit.Abstractions;

namespace ActorNode.P2P.Tests.Transport;

/// <summary>Runs alone: the proof counts the process's file descriptors.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoopbackCollection
{
    public const string Name = "Loopback sockets";
}

/// <summary>The transport proof (issue 4, "Transport"): real Akka.IO sockets on 127.0.0.1, 500 connections dialled
/// and accepted by the same actor system, each exchanging a few frames both ways and then ended by the dialler
/// (polite close or abort) for half of them and by the acceptor for the other half. Every <c>Connected</c> must end
/// in exactly one close event on each side, with the expected reason; no actor and no socket may be left behind.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class LoopbackTransportProofSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int Connections = 500;
    private const int Batch = 50;
    private const int WarmUp = 10;
    private const int FdTolerance = 8;
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(20);

    private readonly ITestOutputHelper _output;

    public LoopbackTransportProofSpec(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
        _output = output;
    }

    /// <summary>40 % dialler close, 40 % acceptor close, 10 % dialler abort, 10 % acceptor abort.</summary>
    private static CloseBy PlanFor(int index) => (index % 10) switch
    {
        < 4 => CloseBy.DiallerClose,
        < 8 => CloseBy.AcceptorClose,
        8 => CloseBy.DiallerAbort,
        _ => CloseBy.AcceptorAbort,
    };

    private static int OpenFileDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    [Fact]
    public void Loopback_500ConnectionsClosedAndAbortedFromBothEnds_EachSideClosesOnceAndNothingLeaks()
    {
        var total = Stopwatch.StartNew();
        var acceptor = Sys.ActorOf(AcceptorActor.Props(TestActor), "acceptor");
        var bound = ExpectMsg<Tcp.Bound>();
        var endpoint = (IPEndPoint)bound.LocalAddress;
        Assert.Equal(IPAddress.Loopback, endpoint.Address);
        var dialler = Sys.ActorOf(DiallerActor.Props(endpoint, TestActor), "dialler");

        // Warm-up: the runtime opens its socket engine's descriptors on first use; count from after that.
        RunBatch(dialler, 0, WarmUp);
        AwaitAssert(() => AssertNoLiveChildren(dialler, acceptor), TimeSpan.FromSeconds(5));
        var fdBefore = OpenFileDescriptors();

        var proof = Stopwatch.StartNew();
        var results = new List<HostDone>();
        for (var start = WarmUp; start < WarmUp + Connections; start += Batch)
            results.AddRange(RunBatch(dialler, start, Batch));
        proof.Stop();

        // Exactly one close event per side and connection, with the reason the plan implies.
        Assert.Equal(2 * Connections, results.Count);
        foreach (var side in new[] { Side.Dialler, Side.Acceptor })
        {
            var indices = results.Where(r => r.Side == side).Select(r => r.Index).Order().ToArray();
            Assert.Equal(Enumerable.Range(WarmUp, Connections), indices);
        }
        foreach (var done in results)
            AssertDone(done);

        // No actor left: the supervisors saw every child terminate, and each host saw its connection actor terminate.
        AwaitAssert(() => AssertNoLiveChildren(dialler, acceptor), TimeSpan.FromSeconds(5));
        dialler.Tell(GetCounts.Instance);
        Assert.Equal(new Counts(WarmUp + Connections, WarmUp + Connections, 0), ExpectMsg<Counts>());
        acceptor.Tell(GetCounts.Instance);
        Assert.Equal(new Counts(WarmUp + Connections, WarmUp + Connections, 0), ExpectMsg<Counts>());

        // No socket left: the descriptor count returns to where it was (a small tolerance for runtime housekeeping).
        var fdAfter = 0;
        AwaitAssert(() =>
        {
            fdAfter = OpenFileDescriptors();
            Assert.InRange(fdAfter, 0, fdBefore + FdTolerance);
        }, TimeSpan.FromSeconds(5));

        acceptor.Tell(UnbindListener.Instance);
        ExpectMsg<Tcp.Unbound>();
        AwaitAssert(() => Assert.InRange(OpenFileDescriptors(), 0, fdBefore + FdTolerance - 1),
            TimeSpan.FromSeconds(5));

        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // no late or second close event anywhere
        total.Stop();
        Report(results, proof.Elapsed, total.Elapsed, fdBefore, fdAfter);
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(60), $"took {total.Elapsed}");
    }

    private List<HostDone> RunBatch(IActorRef dialler, int start, int count)
    {
        for (var i = start; i < start + count; i++)
            dialler.Tell(new Dial(i, PlanFor(i)));

        var done = new List<HostDone>();
        var deadline = Stopwatch.StartNew();
        while (done.Count < 2 * count)
        {
            var remaining = BatchTimeout - deadline.Elapsed;
            Assert.True(remaining > TimeSpan.Zero,
                $"batch at {start}: {done.Count} of {2 * count} hosts done after {BatchTimeout}; missing dialler "
                + $"{string.Join(",", Missing(done, Side.Dialler, start, count))}, acceptor "
                + $"{string.Join(",", Missing(done, Side.Acceptor, start, count))}");
            var message = ReceiveOne(remaining);
            switch (message)
            {
                case HostDone host:
                    done.Add(host);
                    break;
                case null:
                    break;
                default:
                    Assert.Fail($"unexpected {message}");
                    break;
            }
        }
        return done;
    }

    private static IEnumerable<int> Missing(List<HostDone> done, Side side, int start, int count) =>
        Enumerable.Range(start, count).Except(done.Where(d => d.Side == side).Select(d => d.Index));

    private void AssertNoLiveChildren(IActorRef dialler, IActorRef acceptor)
    {
        dialler.Tell(GetCounts.Instance);
        var d = ExpectMsg<Counts>();
        acceptor.Tell(GetCounts.Instance);
        var a = ExpectMsg<Counts>();
        Assert.Equal(0, d.LiveChildren);
        Assert.Equal(0, a.LiveChildren);
        Assert.Equal(d.Started, d.Terminated);
        Assert.Equal(a.Started, a.Terminated);
    }

    private static void AssertDone(HostDone done)
    {
        var what = $"{done.Side} #{done.Index} ({done.Plan}): {done.Closed}";
        Assert.True(done.ClosedCalls == 1, $"{what}: OnClosed called {done.ClosedCalls} times");
        Assert.True(done.RawCloseEvents == 1, $"{what}: Akka.IO sent {done.RawCloseEvents} close events");
        Assert.False(done.SlowReported, $"{what}: reported slow");
        Assert.True(done.DataOk, $"{what}: wrong bytes");
        Assert.NotNull(done.Plan);

        var local = done.Side == Side.Dialler
            ? done.Plan is CloseBy.DiallerClose or CloseBy.DiallerAbort
            : done.Plan is CloseBy.AcceptorClose or CloseBy.AcceptorAbort;
        var abort = done.Plan is CloseBy.DiallerAbort or CloseBy.AcceptorAbort;
        Assert.True(done.Closed.RequestedLocally == local, $"{what}: RequestedLocally");
        if (local)
        {
            Assert.True(done.Closed.Reason == (abort ? TransportCloseReason.Aborted : TransportCloseReason.Closed),
                what);
        }
        else if (abort)
        {
            Assert.True(done.Closed.Reason is TransportCloseReason.Error or TransportCloseReason.PeerClosed, what);
        }
        else
        {
            Assert.True(done.Closed.Reason == TransportCloseReason.PeerClosed, what);
        }

        // Bytes: the acceptor always read the whole request; the dialler read the whole reply unless reset.
        var expected = done.Side == Side.Acceptor
            ? LoopbackHost.HelloLength + LoopbackHost.PayloadLength
            : LoopbackHost.ReplyLength;
        if (done.Plan != CloseBy.AcceptorAbort || done.Side == Side.Acceptor)
            Assert.True(done.BytesReceived == expected, $"{what}: {done.BytesReceived} bytes");
    }

    private void Report(List<HostDone> results, TimeSpan proof, TimeSpan total, int fdBefore, int fdAfter)
    {
        _output.WriteLine(
            $"PROOF {Connections} connections in batches of {Batch}: {proof.TotalMilliseconds:F0} ms "
            + $"(whole test {total.TotalMilliseconds:F0} ms); fds before {fdBefore}, after {fdAfter}");
        foreach (var group in results.GroupBy(r => (r.Side, r.Plan, r.Closed.Reason)).OrderBy(g => g.Key))
            _output.WriteLine($"PROOF   {group.Key.Side,-8} {group.Key.Plan,-13} -> {group.Key.Reason,-10} x{group.Count()}");
    }
}
