using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook.Tests;

/// <summary>Local addresses (btcd addrmgr/addrmanager.go), with btcd's TestAddLocalAddress and TestGetBestLocalAddress.</summary>
public class LocalAddressTests
{
    [Theory]
    [InlineData("192.168.0.100", AddressPriority.Interface, false)]
    [InlineData("204.124.1.1", AddressPriority.Interface, true)]
    [InlineData("204.124.1.1", AddressPriority.Bound, true)]
    [InlineData("::1", AddressPriority.Interface, false)]
    [InlineData("fe80::1", AddressPriority.Interface, false)]
    [InlineData("2620:100::1", AddressPriority.Interface, true)]
    public void AddLocalAddress_BtcdTable_AcceptsOnlyRoutable(string ip, AddressPriority priority, bool valid)
    {
        var f = new Fixture();
        Assert.Equal(valid, f.Book.AddLocalAddress(Addr.IP(ip, 0), priority));
        Assert.Equal(valid ? 1 : 0, f.Book.LocalAddresses.Count);
    }

    [Fact]
    public void GetBestLocalAddress_BtcdTable_Matches()
    {
        var f = new Fixture();
        string[] remotes = ["204.124.8.1", "172.16.0.254", "2602:100:abcd::102"];
        string[] want0 = ["0.0.0.0", "0.0.0.0", "::"];
        string[] want1 = ["0.0.0.0", "0.0.0.0", "2001:470::1"];
        string[] want2 = ["204.124.8.100", "0.0.0.0", "2001:470::1"];

        string Best(string remote) => f.Book.GetBestLocalAddress(Addr.IP(remote, 0)).Host;

        Assert.Equal(want0, remotes.Select(Best));
        foreach (var local in new[] { "192.168.0.100", "::1", "fe80::1", "2001:470::1" })
            f.Book.AddLocalAddress(Addr.IP(local, 0), AddressPriority.Interface);
        Assert.Equal(want1, remotes.Select(Best));
        f.Book.AddLocalAddress(Addr.IP("204.124.8.100", 0), AddressPriority.Interface);
        Assert.Equal(want2, remotes.Select(Best));
    }

    [Fact]
    public void GetBestLocalAddress_NoCandidate_IsUnroutablePlaceholder()
    {
        var f = new Fixture();
        var forIPv4 = f.Book.GetBestLocalAddress(Addr.IP("204.124.8.1"));
        Assert.Equal(AddressNetwork.IPv4, forIPv4.Network);
        Assert.Equal("0.0.0.0", forIPv4.Host);
        Assert.Equal(0, forIPv4.Port);
        Assert.Equal(ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.Bloom, forIPv4.Services);
        Assert.Equal(f.NowUnix, forIPv4.Timestamp);
        Assert.Equal("0.0.0.0", f.Book.GetBestLocalAddress(Addr.TorV3(1)).Host);
        Assert.Equal("0.0.0.0", f.Book.GetBestLocalAddress(Addr.IP("fd87:d87e:eb43::1")).Host);
        Assert.Equal("::", f.Book.GetBestLocalAddress(Addr.IP("2602:100::1")).Host);
    }

    [Fact]
    public void GetBestLocalAddress_EqualReach_HigherPriorityWins_ThenFirstAdded()
    {
        var f = new Fixture();
        var remote = Addr.IP("204.124.8.1");
        f.Book.AddLocalAddress(Addr.IP("20.1.1.1"), AddressPriority.Interface);
        f.Book.AddLocalAddress(Addr.IP("30.1.1.1"), AddressPriority.Interface);
        Assert.Equal("20.1.1.1", f.Book.GetBestLocalAddress(remote).Host);
        f.Book.AddLocalAddress(Addr.IP("40.1.1.1"), AddressPriority.Upnp);
        Assert.Equal("40.1.1.1", f.Book.GetBestLocalAddress(remote).Host);
        f.Book.AddLocalAddress(Addr.IP("30.1.1.1"), AddressPriority.Manual);
        Assert.Equal("30.1.1.1", f.Book.GetBestLocalAddress(remote).Host);
    }

    [Fact]
    public void AddLocalAddress_HigherPriority_SetsThatPriority_LowerIsIgnored()
    {
        // btcd sets priority + 1 on an upgrade; we set the priority itself.
        var f = new Fixture();
        var local = Addr.IP("20.1.1.1");
        f.Book.AddLocalAddress(local, AddressPriority.Interface);
        f.Book.AddLocalAddress(local, AddressPriority.Bound);
        Assert.Equal(AddressPriority.Bound, Assert.Single(f.Book.LocalAddresses).Priority);
        f.Book.AddLocalAddress(local, AddressPriority.Interface);
        Assert.Equal(AddressPriority.Bound, Assert.Single(f.Book.LocalAddresses).Priority);
    }

    [Fact]
    public void GetBestLocalAddress_UnreachableButPrioritised_IsStillReturnedAsBtcdDoes()
    {
        var f = new Fixture();
        f.Book.AddLocalAddress(Addr.IP("2001:470::1"), AddressPriority.Bound);
        Assert.Equal("2001:470::1", f.Book.GetBestLocalAddress(Addr.IP("204.124.8.1")).Host);
    }

    public static TheoryData<string, string, Reachability> ReachabilityCases => new()
    {
        // local, remote ("v3:N" = a Tor v3 address), expected
        { "20.1.1.1", "10.0.0.1", Reachability.Unreachable },
        { "v3:1", "v3:2", Reachability.Private },
        { "fd87:d87e:eb43::1", "v3:2", Reachability.Unreachable },
        { "20.1.1.1", "v3:2", Reachability.IPv4 },
        { "2602:100::1", "v3:2", Reachability.Default },
        { "v3:1", "20.1.1.1", Reachability.Default },
        { "v3:1", "2602:100::1", Reachability.Default },
        { "fd87:d87e:eb43::1", "fd87:d87e:eb43::2", Reachability.Private },
        { "20.1.1.1", "fd87:d87e:eb43::2", Reachability.IPv4 },
        { "2602:100::1", "fd87:d87e:eb43::2", Reachability.Default },
        { "fe80::1", "2001::1", Reachability.Default },
        { "2001:0:1234::1", "2001::1", Reachability.Teredo },
        { "20.1.1.1", "2001::1", Reachability.IPv4 },
        { "2602:100::1", "2001::1", Reachability.IPv6Weak },
        { "20.1.1.1", "30.1.1.1", Reachability.IPv4 },
        { "10.1.1.1", "30.1.1.1", Reachability.Unreachable },
        { "2602:100::1", "30.1.1.1", Reachability.Unreachable },
        { "fd87:d87e:eb43::1", "30.1.1.1", Reachability.Unreachable },
        { "10.1.1.1", "2602:100::2", Reachability.Default },
        { "2001:0:1234::1", "2602:100::2", Reachability.Teredo },
        { "20.1.1.1", "2602:100::2", Reachability.IPv4 },
        { "2002:c01:203::1", "2602:100::2", Reachability.IPv6Weak },
        { "64:ff9b::c01:203", "2602:100::2", Reachability.IPv6Weak },
        { "::ffff:0:c01:203", "2602:100::2", Reachability.IPv6Weak },
        { "2001:470::1", "2602:100::2", Reachability.IPv6Strong },
    };

    private static NetAddressV2 Parse(string text) =>
        text.StartsWith("v3:", StringComparison.Ordinal) ? Addr.TorV3(byte.Parse(text[3..])) : Addr.IP(text);

    [Theory]
    [MemberData(nameof(ReachabilityCases))]
    public void GetReachability_Table_Matches(string local, string remote, Reachability expected) =>
        Assert.Equal(expected, AddressBook.GetReachability(Parse(local), Parse(remote)));
}
