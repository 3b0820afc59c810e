using ActorNode.Storage.Blocks;

namespace ActorNode.Storage.Tests.Blocks;

public sealed class BlockFlushPolicyTests
{
    private static readonly BlockFlushPolicy Policy = BlockFlushPolicy.Default;

    [Fact]
    public void Defaults_AreCoreLike()
    {
        Assert.Equal(1000, Policy.MaxBlocks);
        Assert.Equal(64L * 1024 * 1024, Policy.MaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(2), Policy.MaxInterval);
    }

    [Fact]
    public void NothingWaiting_NeverDue()
    {
        Assert.False(Policy.IsDue(0, 0, TimeSpan.FromHours(1)));
        Assert.Null(Policy.DueIn(0, 0, TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData(999, 0, 0, false)]
    [InlineData(1000, 0, 0, true)]              // the count
    [InlineData(1, 64L * 1024 * 1024 - 1, 0, false)]
    [InlineData(1, 64L * 1024 * 1024, 0, true)]  // the bytes
    [InlineData(5, 1000, 1999, false)]
    [InlineData(5, 1000, 2000, true)]            // the time since the last flush
    [InlineData(1, 100, 60_000, true)]           // a block after a quiet spell: at once
    public void IsDue_WhicheverLimitFirst(int blocks, long bytes, int sinceMs, bool due)
    {
        Assert.Equal(due, Policy.IsDue(blocks, bytes, TimeSpan.FromMilliseconds(sinceMs)));
        Assert.Equal(due, Policy.DueIn(blocks, bytes, TimeSpan.FromMilliseconds(sinceMs)) == TimeSpan.Zero);
    }

    [Fact]
    public void DueIn_TheRestOfTheInterval()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Policy.DueIn(3, 300, TimeSpan.FromMilliseconds(500)));
        var custom = new BlockFlushPolicy { MaxBlocks = 10, MaxBytes = 1 << 20, MaxInterval = TimeSpan.FromMilliseconds(100) };
        Assert.Equal(TimeSpan.FromMilliseconds(70), custom.DueIn(9, 10, TimeSpan.FromMilliseconds(30)));
        Assert.Equal(TimeSpan.Zero, custom.DueIn(10, 10, TimeSpan.FromMilliseconds(30)));
    }

    [Fact]
    public void Validate_RefusesNonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (Policy with { MaxBlocks = 0 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Policy with { MaxBytes = 0 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Policy with { MaxInterval = TimeSpan.Zero }).Validate());
        BlockFlushPolicy.EveryBlock.Validate();
        Assert.True(BlockFlushPolicy.EveryBlock.IsDue(1, 1, TimeSpan.Zero));
    }
}
