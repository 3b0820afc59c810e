namespace ActorNode.AddrBook.Tests;

/// <summary>The loopback scope lets the nodes of a lab or test share 127.0.0.1: it stores their addresses and gives
/// each host:port its own group; the internet scope (btcd) refuses them.</summary>
public sealed class AddressScopeTests
{
    [Fact]
    public void InternetScope_RefusesLoopbackAndPrivateAddresses()
    {
        var f = new Fixture();
        var result = f.Book.AddAddresses([Addr.IP("127.0.0.1", 18444, timestamp: f.NowUnix), Addr.IP("10.0.0.1", timestamp: f.NowUnix)],
            Addr.IP("127.0.0.1", 1), AddressOrigin.User);
        Assert.Equal(2, result.Unroutable);
        Assert.Equal(0, f.Book.Count);
    }

    [Fact]
    public void LoopbackScope_StoresLoopbackAddresses_EachPortItsOwnGroup()
    {
        var f = new Fixture(AddressBookOptions.Default with { Scope = AddressScope.Loopback });
        var a = Addr.IP("127.0.0.1", 18444, timestamp: f.NowUnix);
        var b = Addr.IP("127.0.0.1", 18445, timestamp: f.NowUnix);
        var result = f.Book.AddAddresses([a, b, Addr.IP("0.0.0.0", 18446), Addr.IP("127.0.0.1", 0)],
            Addr.IP("127.0.0.1", 1), AddressOrigin.User);
        Assert.Equal(2, result.New);
        Assert.Equal(2, result.Unroutable); // unspecified, and port 0

        Assert.Equal("lab:127.0.0.1:18444", AddressScope.Loopback.GroupKey(a));
        Assert.NotEqual(AddressScope.Loopback.GroupKey(a), AddressScope.Loopback.GroupKey(b));
        Assert.Equal(AddressScope.Internet.GroupKey(a), AddressScope.Internet.GroupKey(b));

        // One outbound per group: with a's group taken, only b may be picked.
        var picked = f.Book.PickForDial(new HashSet<string> { AddressScope.Loopback.GroupKey(a) }, 18444);
        Assert.NotNull(picked);
        Assert.Equal(18445, picked.Address.Port);
    }

    [Fact]
    public void LoopbackScope_KeepsRoutableAddresses()
    {
        var routable = Addr.IP("8.8.8.8");
        Assert.True(AddressScope.Loopback.IsRoutable(routable));
        Assert.True(AddressScope.Internet.IsRoutable(routable));
        Assert.Equal("8.8.0.0", AddressScope.Internet.GroupKey(routable));
    }

    [Theory]
    [InlineData("internet", "internet")]
    [InlineData("LOOPBACK", "loopback")]
    public void TryParse_KnownNames_GiveTheScope(string text, string expected)
    {
        Assert.True(AddressScope.TryParse(text, out var scope));
        Assert.Equal(expected, scope.Name);
    }

    [Fact]
    public void TryParse_UnknownName_Fails() => Assert.False(AddressScope.TryParse("lan", out _));
}
