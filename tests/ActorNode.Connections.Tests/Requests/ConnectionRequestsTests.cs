using System.Net;
using ActorNode.Connections.Requests;

namespace ActorNode.Connections.Tests.Requests;

public class ConnectionRequestsTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("203.0.113.5"), 8333);

    private static ConnectionRequests Manager(int target = 8, bool automatic = true) =>
        new(new ConnectionRequestOptions { TargetOutbound = target, Automatic = automatic });

    [Fact]
    public void Start_AsksForTheTargetNumberOfAutomaticRequests()
    {
        Assert.Equal(8, Manager().Start().Count(a => a is ConnAction.NewAutomatic { Delay.Ticks: 0 }));
        Assert.Empty(Manager(automatic: false).Start());
    }

    [Fact]
    public void Connect_RegistersPendingWithIncreasingIdsAndDials()
    {
        var manager = Manager();
        var dial = Assert.IsType<ConnAction.Dial>(Assert.Single(manager.Connect(Peer, permanent: false, out var first)));
        Assert.Same(first, dial.Request);
        manager.Connect(Peer, permanent: false, out var second);
        Assert.Equal(first.Id + 1, second.Id);
        Assert.Equal(ConnState.Pending, first.State);
        Assert.Equal(2, manager.Pending.Count);
    }

    [Fact]
    public void Connected_EstablishesAndResetsCounters()
    {
        var manager = Manager();
        manager.Connect(Peer, permanent: false, out var failing);
        manager.Failed(failing.Id);
        Assert.Equal(1, manager.FailedAttempts);

        manager.Connect(Peer, permanent: false, out var request);
        Assert.Empty(manager.Connected(request.Id));
        Assert.Equal(ConnState.Established, request.State);
        Assert.Equal(0, manager.FailedAttempts);
        Assert.Contains(request, manager.Established);
    }

    [Fact]
    public void PermanentRequest_BacksOffLinearlyUpToFiveMinutes()
    {
        var manager = Manager();
        manager.Connect(Peer, permanent: true, out var request);
        var delays = new List<TimeSpan>();
        for (int i = 0; i < 70; i++)
        {
            var later = Assert.IsType<ConnAction.DialLater>(Assert.Single(manager.Failed(request.Id)));
            delays.Add(later.Delay);
            Assert.IsType<ConnAction.Dial>(Assert.Single(manager.Redial(request.Id)));
        }
        Assert.Equal(TimeSpan.FromSeconds(5), delays[0]);
        Assert.Equal(TimeSpan.FromSeconds(10), delays[1]);
        Assert.Equal(TimeSpan.FromSeconds(295), delays[58]);
        Assert.Equal(TimeSpan.FromMinutes(5), delays[59]);
        Assert.Equal(TimeSpan.FromMinutes(5), delays[69]);
    }

    [Fact]
    public void AutomaticFailures_AreReplacedAtOnceThenSlowedAfter25()
    {
        var manager = Manager();
        for (int i = 1; i <= 25; i++)
        {
            manager.Connect(Peer, permanent: false, out var request);
            var next = Assert.IsType<ConnAction.NewAutomatic>(Assert.Single(manager.Failed(request.Id)));
            Assert.Equal(i < 25 ? TimeSpan.Zero : TimeSpan.FromSeconds(5), next.Delay);
            Assert.Null(manager.Find(request.Id)); // an automatic request is replaced, not retried
        }
        Assert.Equal(TimeSpan.FromSeconds(5), Assert.IsType<ConnAction.NewAutomatic>(Assert.Single(manager.NoAddress())).Delay);
    }

    [Fact]
    public void DisconnectWithRetry_RedialsAPermanentPeerWithBackoff()
    {
        var manager = Manager();
        manager.Connect(Peer, permanent: true, out var request);
        manager.Connected(request.Id);
        var later = Assert.IsType<ConnAction.DialLater>(Assert.Single(manager.Disconnected(request.Id, retry: true)));
        Assert.Equal(TimeSpan.FromSeconds(5), later.Delay);
        Assert.Equal(ConnState.Pending, request.State);
    }

    [Fact]
    public void DisconnectWithRetry_AutomaticBelowTargetIsReplaced()
    {
        var manager = Manager();
        manager.Connect(Peer, permanent: false, out var request);
        manager.Connected(request.Id);
        Assert.IsType<ConnAction.NewAutomatic>(Assert.Single(manager.Disconnected(request.Id, retry: true)));
    }

    [Fact]
    public void DisconnectWithRetry_AboveTargetIsNotRedialled()
    {
        var manager = Manager(target: 1);
        manager.Connect(Peer, permanent: false, out var a);
        manager.Connect(Peer, permanent: false, out var b);
        manager.Connected(a.Id);
        manager.Connected(b.Id);
        Assert.Empty(manager.Disconnected(a.Id, retry: true)); // one left = target
        Assert.Equal(ConnState.Disconnected, a.State);
    }

    [Fact]
    public void Remove_NeverRetries()
    {
        var manager = Manager();
        manager.Connect(Peer, permanent: true, out var request);
        manager.Connected(request.Id);
        Assert.Empty(manager.Disconnected(request.Id, retry: false));
        Assert.Equal(ConnState.Disconnected, request.State);
        Assert.Null(manager.Find(request.Id));
    }

    [Fact]
    public void RemoveWhileDialling_CancelsAndClosesTheLateConnection()
    {
        var manager = Manager();
        manager.Connect(Peer, permanent: true, out var request);
        manager.Disconnected(request.Id, retry: true); // Disconnect of a pending request: canceled
        Assert.Equal(ConnState.Canceled, request.State);
        Assert.Empty(manager.Failed(request.Id));
        Assert.Empty(manager.Redial(request.Id));
        var close = Assert.IsType<ConnAction.CloseUnwanted>(Assert.Single(manager.Connected(request.Id)));
        Assert.Same(request, close.Request);
        Assert.Empty(manager.Established);
    }
}
