using ActorNode.Connections.Stall;

namespace ActorNode.Connections.Tests.Stall;

public class ResponseDeadlinesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void GetData_UnansweredFor30Seconds_IsOverdue()
    {
        var deadlines = new ResponseDeadlines();
        deadlines.Sent("getdata", T0);
        Assert.Null(deadlines.Overdue(T0.AddSeconds(30)));
        Assert.NotNull(deadlines.Overdue(T0.AddSeconds(31)));
    }

    [Theory]
    [InlineData("block")]
    [InlineData("tx")]
    [InlineData("merkleblock")]
    [InlineData("notfound")]
    public void GetData_AnyDataAnswer_ClearsAllFour(string answer)
    {
        var deadlines = new ResponseDeadlines();
        deadlines.Sent("getdata", T0);
        deadlines.Received(answer);
        Assert.Equal(0, deadlines.Count);
        Assert.Null(deadlines.Overdue(T0.AddHours(1)));
    }

    [Fact]
    public void GetHeaders_Has90Seconds()
    {
        var deadlines = new ResponseDeadlines();
        deadlines.Sent("getheaders", T0);
        Assert.Null(deadlines.Overdue(T0.AddSeconds(90)));
        Assert.Equal("headers", deadlines.Overdue(T0.AddSeconds(91)));
        deadlines.Received("headers");
        Assert.Null(deadlines.Overdue(T0.AddSeconds(91)));
    }

    [Theory]
    [InlineData("getblocks")]
    [InlineData("mempool")]
    [InlineData("ping")]
    [InlineData("inv")]
    public void RequestsAnHonestPeerMayLeaveUnanswered_ArmNothing(string command)
    {
        var deadlines = new ResponseDeadlines();
        deadlines.Sent(command, T0);
        Assert.Equal(0, deadlines.Count);
    }

    [Fact]
    public void NewerRequest_MovesTheDeadline()
    {
        var deadlines = new ResponseDeadlines();
        deadlines.Sent("getheaders", T0);
        deadlines.Sent("getheaders", T0.AddSeconds(60));
        Assert.Null(deadlines.Overdue(T0.AddSeconds(120)));
        Assert.NotNull(deadlines.Overdue(T0.AddSeconds(151)));
    }
}
