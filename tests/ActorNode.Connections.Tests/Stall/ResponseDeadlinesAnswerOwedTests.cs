using ActorNode.Connections.Stall;

namespace ActorNode.Connections.Tests.Stall;

/// <summary>Issue 16, fault 1: a request no answer is owed to arms no deadline and leaves a running one alone.</summary>
public class ResponseDeadlinesAnswerOwedTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-07T00:00:00Z");

    [Fact]
    public void GetHeadersWithNoAnswerOwed_NeverFallsDue()
    {
        var deadlines = new ResponseDeadlines();
        deadlines.Sent("getheaders", T0, answerOwed: false);
        Assert.Equal(0, deadlines.Count);
        Assert.Null(deadlines.Overdue(T0 + TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public void GetHeadersOwed_FallsDueAfterNinetySeconds()
    {
        var deadlines = new ResponseDeadlines();
        deadlines.Sent("getheaders", T0);
        Assert.Null(deadlines.Overdue(T0 + ResponseDeadlines.HeadersTimeout));
        Assert.Equal("headers", deadlines.Overdue(T0 + ResponseDeadlines.HeadersTimeout + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void UnowedRequest_AfterAnOwedOne_DoesNotMoveOrClearItsDeadline()
    {
        var deadlines = new ResponseDeadlines();
        deadlines.Sent("getheaders", T0);
        deadlines.Sent("getheaders", T0 + TimeSpan.FromSeconds(80), answerOwed: false);
        Assert.Equal("headers", deadlines.Overdue(T0 + TimeSpan.FromSeconds(91)));
    }
}
