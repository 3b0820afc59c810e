using ActorNode.Connections.Bans;

namespace ActorNode.Connections.Tests.Bans;

public sealed class BanSaveQueueTests
{
    [Fact]
    public void OneWriteAtATime_AndChangesDuringAWrite_AreWrittenOnceAfterIt()
    {
        var queue = new BanSaveQueue();
        Assert.True(queue.Changed()); // write now
        Assert.True(queue.Saving);
        Assert.False(queue.Changed()); // one runs: later
        Assert.False(queue.Changed()); // still one more, not two
        Assert.True(queue.Finished()); // the follow-up write starts
        Assert.True(queue.Saving);
        Assert.False(queue.Finished()); // nothing changed meanwhile
        Assert.False(queue.Saving);
        Assert.True(queue.Changed());
    }

    [Fact]
    public void AWriteThatFails_IsFollowedOnlyWhenTheListChangedAgain()
    {
        var queue = new BanSaveQueue();
        Assert.True(queue.Changed());
        Assert.False(queue.Finished());
        Assert.True(queue.Changed());
    }
}
