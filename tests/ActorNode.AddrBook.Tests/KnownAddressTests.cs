using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook.Tests;

/// <summary>chance() and isBad() (btcd addrmgr/knownaddress.go), with btcd's knownaddress_test.go cases and the edges.</summary>
public class KnownAddressTests
{
    private static readonly DateTimeOffset Now = Fixture.Start;

    private static KnownAddress Entry(DateTimeOffset timestamp, int attempts, DateTimeOffset? lastAttempt,
        DateTimeOffset? lastSuccess)
    {
        var address = Addr.IP("173.194.115.66", timestamp: Addr.Unix(timestamp));
        return new KnownAddress(address, address, AddressKey.Format(address))
        {
            Attempts = attempts,
            LastAttempt = lastAttempt,
            LastSuccess = lastSuccess,
        };
    }

    [Fact]
    public void Chance_BtcdCases_Match()
    {
        // btcd knownaddress_test.go TestChance, case by case.
        Assert.Equal(1.0, Entry(Now.AddSeconds(-35), 0, Now.AddMinutes(-30), Now).Chance(Now), 6);
        Assert.Equal(1.0, Entry(Now.AddSeconds(20), 0, Now.AddMinutes(-30), Now).Chance(Now), 6);
        Assert.Equal(0.01, Entry(Now.AddSeconds(-35), 0, Now.AddMinutes(30), Now).Chance(Now), 6);
        Assert.Equal(0.01, Entry(Now.AddSeconds(-35), 0, Now.AddMinutes(-5), Now).Chance(Now), 6);
        Assert.Equal(1 / 1.5 / 1.5, Entry(Now.AddSeconds(-35), 2, Now.AddMinutes(-30), Now).Chance(Now), 6);
    }

    [Fact]
    public void Chance_AtTenMinuteEdge_SwitchesPenalty()
    {
        Assert.Equal(1.0, Entry(Now, 0, Now.AddMinutes(-10), null).Chance(Now));
        Assert.Equal(0.01, Entry(Now, 0, Now.AddMinutes(-10).AddTicks(1), null).Chance(Now));
        Assert.Equal(0.01, Entry(Now, 0, Now, null).Chance(Now));
    }

    [Fact]
    public void Chance_NeverAttempted_IsOne() => Assert.Equal(1.0, Entry(Now, 0, null, null).Chance(Now));

    [Fact]
    public void Chance_RecentAndFailed_Multiplies() =>
        Assert.Equal(0.01 / 1.5 / 1.5 / 1.5, Entry(Now, 3, Now.AddMinutes(-1), null).Chance(Now), 12);

    [Fact]
    public void Chance_HugeAttempts_StaysPositive()
    {
        double chance = Entry(Now, int.MaxValue, Now, null).Chance(Now);
        Assert.True(chance > 0);
        Assert.Equal(double.Epsilon, chance);
    }

    [Fact]
    public void IsBad_BtcdCases_Match()
    {
        var future = Now.AddMinutes(35);
        var monthOld = Now.AddDays(-43);
        var secondsOld = Now.AddSeconds(-2);
        var minutesOld = Now.AddMinutes(-27);
        var hoursOld = Now.AddHours(-5);

        // Tried in the last minute: never bad.
        Assert.False(Entry(future, 3, secondsOld, null).IsBad(Now));
        Assert.False(Entry(monthOld, 3, secondsOld, null).IsBad(Now));
        Assert.False(Entry(secondsOld, 3, secondsOld, null).IsBad(Now));
        Assert.False(Entry(secondsOld, 3, secondsOld, monthOld).IsBad(Now));
        Assert.False(Entry(secondsOld, 2, secondsOld, secondsOld).IsBad(Now));
        // From the future.
        Assert.True(Entry(future, 0, minutesOld, hoursOld).IsBad(Now));
        // Over a month old.
        Assert.True(Entry(monthOld, 0, minutesOld, hoursOld).IsBad(Now));
        // Three failures, never a success.
        Assert.True(Entry(minutesOld, 3, minutesOld, null).IsBad(Now));
        // Ten failures, no success in the last week.
        Assert.True(Entry(minutesOld, 10, minutesOld, monthOld).IsBad(Now));
        // Fine.
        Assert.False(Entry(minutesOld, 2, minutesOld, hoursOld).IsBad(Now));
    }

    [Fact]
    public void IsBad_OneMinuteGrace_EndsExactlyAtOneMinute()
    {
        Assert.False(Entry(Now.AddDays(-40), 0, Now.AddSeconds(-59), null).IsBad(Now));
        Assert.True(Entry(Now.AddDays(-40), 0, Now.AddMinutes(-1), null).IsBad(Now));
    }

    [Fact]
    public void IsBad_FutureTimestamp_BadOnlyBeyondTenMinutes()
    {
        Assert.False(Entry(Now.AddMinutes(10), 0, null, null).IsBad(Now));
        Assert.True(Entry(Now.AddMinutes(10).AddSeconds(1), 0, null, null).IsBad(Now));
    }

    [Fact]
    public void IsBad_OldTimestamp_BadOnlyBeyondThirtyDays()
    {
        Assert.False(Entry(Now.AddDays(-30), 0, null, null).IsBad(Now));
        Assert.True(Entry(Now.AddDays(-30).AddSeconds(-1), 0, null, null).IsBad(Now));
    }

    [Fact]
    public void IsBad_NeverSucceeded_BadFromThreeAttempts()
    {
        Assert.False(Entry(Now, 2, Now.AddHours(-1), null).IsBad(Now));
        Assert.True(Entry(Now, 3, Now.AddHours(-1), null).IsBad(Now));
        Assert.False(Entry(Now, 3, Now.AddHours(-1), Now.AddDays(-8)).IsBad(Now)); // succeeded once: rule 4 applies
    }

    [Fact]
    public void IsBad_TenFailures_BadWhenLastSuccessIsSevenDaysOrMore()
    {
        Assert.False(Entry(Now, 9, Now.AddHours(-1), Now.AddDays(-30)).IsBad(Now));
        Assert.True(Entry(Now, 10, Now.AddHours(-1), Now.AddDays(-7)).IsBad(Now));
        Assert.False(Entry(Now, 10, Now.AddHours(-1), Now.AddDays(-7).AddSeconds(1)).IsBad(Now));
    }

    [Fact]
    public void GroupKeyAndTimestamp_ComeFromTheAddress()
    {
        var entry = Entry(Now.AddSeconds(-5), 0, null, null);
        Assert.Equal("173.194.0.0", entry.GroupKey);
        Assert.Equal(Now.AddSeconds(-5), entry.Timestamp);
        Assert.Equal(ServiceFlags.Network, entry.Services);
        Assert.Equal("173.194.115.66:8333", entry.ToString());
        Assert.Equal(AddressNetwork.IPv4, entry.Address.Network);
    }
}
