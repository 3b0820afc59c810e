using ActorNode.Connections.Bans;
using Microsoft.Extensions.Time.Testing;

namespace ActorNode.Connections.Tests.Bans;

/// <summary>btcd connmgr/dynamicbanscore_test.go, ported case by case, plus the edges of the decay.</summary>
public sealed class DynamicBanScoreTests
{
    private static readonly DateTimeOffset Base = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    // btcd TestDynamicBanScoreDecay
    [Fact]
    public void Increase_ThenHalfLifeAndSevenMinutes_DecaysAsBtcd()
    {
        var score = new DynamicBanScore();

        Assert.Equal(150u, score.Increase(100, 50, Base));
        Assert.Equal(125u, score.Int(Base.AddMinutes(1)));
        Assert.Equal(100u, score.Int(Base.AddMinutes(7)));
    }

    // btcd TestDynamicBanScoreLifetime
    [Fact]
    public void Int_AtAndBeyondLifetime_ThreeThenZero()
    {
        var score = new DynamicBanScore();

        score.Increase(0, uint.MaxValue, Base);

        // 3, not 4: (2^32 - 1) * 2^-30 is 3.999..., truncated.
        Assert.Equal(3u, score.Int(Base.AddSeconds(DynamicBanScore.LifetimeSeconds)));
        Assert.Equal(0u, score.Int(Base.AddSeconds(DynamicBanScore.LifetimeSeconds + 1)));
    }

    // btcd TestDynamicBanScoreReset
    [Fact]
    public void Reset_AfterIncrease_Zero()
    {
        var clock = new FakeTimeProvider(Base);
        var score = new DynamicBanScore(clock);
        Assert.Equal(0u, score.Int());

        score.Increase(100, 0);
        Assert.Equal(100u, score.Int());

        score.Reset();
        Assert.Equal(0u, score.Int());
        Assert.Equal(0u, score.Persistent);
        Assert.Equal(0d, score.Transient);
        Assert.Equal(0L, score.LastUnixSeconds);
    }

    // btcd TestDynamicBanScoreString (btcd only logs it; we pin the format)
    [Fact]
    public void ToString_AfterIncrease_BtcdFormat()
    {
        var clock = new FakeTimeProvider(Base);
        var score = new DynamicBanScore(clock);

        Assert.Equal(150u, score.Increase(100, 50));

        Assert.Equal($"persistent 100 + transient 50 at {Base.ToUnixTimeSeconds()} = 150 as of now", score.ToString());
        clock.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal($"persistent 100 + transient 50 at {Base.ToUnixTimeSeconds()} = 117 as of now", score.ToString());
    }

    [Fact]
    public void Int_UsesInjectedClock()
    {
        var clock = new FakeTimeProvider(Base);
        var score = new DynamicBanScore(clock);

        score.Increase(0, 64);
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(32u, score.Int());
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(16u, score.Int());
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(60, 0.5)]
    [InlineData(120, 0.25)]
    [InlineData(600, 1.0 / 1024)]
    public void DecayFactor_WholeHalfLives_PowersOfHalf(long seconds, double expected)
    {
        Assert.Equal(expected, DynamicBanScore.DecayFactor(seconds), tolerance: 1e-15);
    }

    [Fact]
    public void DecayFactor_AcrossPrecomputedBoundary_MatchesFormulaAndKeepsFalling()
    {
        for (long t = 0; t < 200; t++)
        {
            double formula = Math.Exp(-t * Math.Log(2) / 60);
            Assert.Equal(formula, DynamicBanScore.DecayFactor(t), tolerance: 1e-15);
            Assert.True(DynamicBanScore.DecayFactor(t + 1) < DynamicBanScore.DecayFactor(t));
        }
        Assert.Equal(DynamicBanScore.PrecomputedLength, 64);
    }

    [Fact]
    public void Int_SubSecondAdvance_CountsWholeSecondsOnly()
    {
        var score = new DynamicBanScore();
        score.Increase(0, 100, Base);

        Assert.Equal(100u, score.Int(Base.AddMilliseconds(999)));
        Assert.Equal(98u, score.Int(Base.AddSeconds(1))); // 100 * 0.98851 = 98.85
    }

    [Fact]
    public void Int_ClockWentBackwards_PersistentOnly()
    {
        var score = new DynamicBanScore();
        score.Increase(7, 50, Base);

        Assert.Equal(7u, score.Int(Base.AddSeconds(-1)));
    }

    [Fact]
    public void Increase_AfterLifetime_TransientRestartsFromZero()
    {
        var score = new DynamicBanScore();
        score.Increase(0, 1000, Base);

        Assert.Equal(10u, score.Increase(0, 10, Base.AddSeconds(DynamicBanScore.LifetimeSeconds + 1)));
    }

    [Fact]
    public void Increase_AtLifetime_DecaysInsteadOfDiscarding()
    {
        var score = new DynamicBanScore();
        score.Increase(0, 1 << 30, Base);

        // 2^30 * 2^-30 = 1, plus 10.
        Assert.Equal(11u, score.Increase(0, 10, Base.AddSeconds(DynamicBanScore.LifetimeSeconds)));
    }

    [Fact]
    public void Increase_TwiceAMinuteApart_DecaysThenAdds()
    {
        var score = new DynamicBanScore();

        Assert.Equal(80u, score.Increase(0, 80, Base));
        Assert.Equal(120u, score.Increase(0, 80, Base.AddSeconds(60)));
        Assert.Equal(120d, score.Transient);
    }

    [Fact]
    public void Increase_SameSecond_NoDecay()
    {
        var score = new DynamicBanScore();

        score.Increase(0, 33, Base);
        score.Increase(0, 33, Base.AddMilliseconds(500));
        score.Increase(0, 33, Base.AddMilliseconds(900));

        Assert.Equal(99u, score.Increase(0, 0, Base)); // btcd mempool: three in one second = 99, not banned
        Assert.Equal(132u, score.Increase(0, 33, Base)); // the fourth exceeds 100
    }

    [Fact]
    public void Increase_PersistentOnly_DoesNotMoveDecayClock()
    {
        var score = new DynamicBanScore();
        score.Increase(0, 100, Base);

        score.Increase(5, 0, Base.AddSeconds(60));

        Assert.Equal(Base.ToUnixTimeSeconds(), score.LastUnixSeconds);
        Assert.Equal(5u + 50u, score.Int(Base.AddSeconds(60)));
    }

    [Fact]
    public void Increase_PersistentOnly_ReturnsUndecayedTransient()
    {
        // btcd returns persistent + uint32(transient) from increase, without decaying for the time since.
        var score = new DynamicBanScore();
        score.Increase(0, 100, Base);

        Assert.Equal(105u, score.Increase(5, 0, Base.AddSeconds(600)));
        Assert.Equal(5u, score.Int(Base.AddSeconds(600))); // 100 / 1024 truncates to 0
    }

    [Fact]
    public void Increase_TransientAtMostOne_NotDecayed()
    {
        // btcd decays only when transient > 1: a residue of exactly 1 is carried whole into the next increase.
        var score = new DynamicBanScore();
        score.Increase(0, 1, Base);

        Assert.Equal(2u, score.Increase(0, 1, Base.AddSeconds(600)));
        Assert.Equal(2d, score.Transient);
    }

    [Fact]
    public void Int_TransientBelowOne_PersistentOnly()
    {
        var score = new DynamicBanScore();
        score.Increase(3, 2, Base);

        Assert.Equal(4u, score.Int(Base.AddSeconds(60))); // 2 * 0.5 = 1
        Assert.Equal(3u, score.Int(Base.AddSeconds(61))); // 0.98 truncates to 0
    }

    [Fact]
    public void Increase_PersistentOverflow_Saturates()
    {
        var score = new DynamicBanScore();

        score.Increase(uint.MaxValue - 1, 0, Base);

        Assert.Equal(uint.MaxValue, score.Increase(5, 0, Base));
        Assert.Equal(uint.MaxValue, score.Increase(0, uint.MaxValue, Base));
        Assert.Equal(uint.MaxValue, score.Int(Base));
    }

    [Fact]
    public void Increase_HugeTransient_Saturates()
    {
        var score = new DynamicBanScore();

        score.Increase(0, uint.MaxValue, Base);

        Assert.Equal(uint.MaxValue, score.Increase(0, uint.MaxValue, Base));
        Assert.Equal(uint.MaxValue, score.Int(Base));
    }

    [Fact]
    public void Increase_GetDataFloodPattern_SecondFullRequestBans()
    {
        // btcd server.go OnGetData: a full 50,000-entry getdata scores 99 transient; a second one in a row passes 100.
        var score = new DynamicBanScore();

        Assert.Equal(99u, score.Increase(0, 99, Base));
        Assert.True(score.Increase(0, 99, Base.AddSeconds(1)) > 100);
    }
}
