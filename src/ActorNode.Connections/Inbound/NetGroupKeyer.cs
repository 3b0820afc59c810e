using System.Security.Cryptography;
using System.Text;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Inbound;

/// <summary>Turns a peer's network group (the address book's GroupKey: "/16" for IPv4, "/32" for IPv6, a Tor
/// group, …) into <see cref="EvictionCandidate.KeyedNetGroup"/>: SipHash-2-4 under a secret key chosen once per
/// node, so that outsiders cannot predict which groups eviction protects (Bitcoin Core computes
/// <c>nKeyedNetGroup</c> with <c>GetDeterministicRandomizer(RANDOMIZER_ID_NETGROUP)</c>, a SipHash keyed by a
/// per-node secret). Immutable and thread-safe.</summary>
public sealed class NetGroupKeyer
{
    private readonly ulong k0;
    private readonly ulong k1;

    /// <summary>A keyer with a fresh random secret (use one per node, for its lifetime).</summary>
    public NetGroupKeyer()
        : this(RandomUInt64(), RandomUInt64())
    {
    }

    /// <summary>A keyer with the given secret (tests).</summary>
    public NetGroupKeyer(ulong k0, ulong k1)
    {
        this.k0 = k0;
        this.k1 = k1;
    }

    /// <summary>The keyed hash of a group given as bytes.</summary>
    public ulong Key(ReadOnlySpan<byte> group) => SipHash.Hash24(k0, k1, group);

    /// <summary>The keyed hash of a group key string (its UTF-8 bytes).</summary>
    public ulong Key(string groupKey)
    {
        ArgumentNullException.ThrowIfNull(groupKey);
        return Key(Encoding.UTF8.GetBytes(groupKey));
    }

    private static ulong RandomUInt64()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
