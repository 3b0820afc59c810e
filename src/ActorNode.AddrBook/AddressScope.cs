using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook;

/// <summary>Which addresses a node may learn and dial, and how they fall into network groups. On the internet
/// (<see cref="Internet"/>, btcd's rules) only routable addresses count and a group is an IPv4 /16 or an IPv6 /32,
/// so that one operator cannot fill the book's buckets or a node's outbound slots. A lab or a test runs every node
/// on one machine (<see cref="Loopback"/>): there loopback and private addresses count too, and each
/// <c>host:port</c> is its own group, because all nodes share 127.0.0.1.</summary>
public sealed class AddressScope
{
    private readonly Func<NetAddressV2, bool> _isRoutable;
    private readonly Func<NetAddressV2, string> _groupKey;

    private AddressScope(string name, Func<NetAddressV2, bool> isRoutable, Func<NetAddressV2, string> groupKey)
    {
        Name = name;
        _isRoutable = isRoutable;
        _groupKey = groupKey;
    }

    /// <summary>btcd's rules: <see cref="NetworkGroups.IsRoutable(NetAddressV2)"/> and
    /// <see cref="NetworkGroups.GroupKey"/>.</summary>
    public static AddressScope Internet { get; } = new("internet", NetworkGroups.IsRoutable, NetworkGroups.GroupKey);

    /// <summary>Every valid address (neither unspecified nor broadcast) with a port counts, loopback and private
    /// ones included; the group of an address is its <c>host:port</c> key. For nodes that share one machine.</summary>
    public static AddressScope Loopback { get; } = new("loopback",
        a => a.Port != 0 && (NetworkGroups.IsRoutable(a) || NetworkGroups.IsValid(a)),
        a => "lab:" + AddressKey.Format(a));

    /// <summary>The setting's value: <c>internet</c> or <c>loopback</c>.</summary>
    public string Name { get; }

    /// <summary>May the address be stored and dialled?</summary>
    public bool IsRoutable(NetAddressV2 address) => _isRoutable(address);

    /// <summary>The address's network group: at most one automatic outbound peer per group, buckets by group.</summary>
    public string GroupKey(NetAddressV2 address) => _groupKey(address);

    /// <summary>Parses a setting's value (case-insensitive).</summary>
    public static bool TryParse(string? name, out AddressScope scope)
    {
        scope = Internet;
        if (string.Equals(name, Internet.Name, StringComparison.OrdinalIgnoreCase)) return true;
        if (!string.Equals(name, Loopback.Name, StringComparison.OrdinalIgnoreCase)) return false;
        scope = Loopback;
        return true;
    }

    public override string ToString() => Name;
}
