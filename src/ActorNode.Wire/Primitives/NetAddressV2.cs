using System.Buffers.Binary;
using ActorNode.Wire.Encoding;

namespace ActorNode.Wire.Primitives;

/// <summary>BIP155 network ids and the address size each one fixes (btcd wire/netaddress.go, wire/netaddressv2.go).</summary>
public enum AddressNetwork : byte
{
    /// <summary>4 bytes.</summary>
    IPv4 = 1,
    /// <summary>16 bytes; never OnionCat (<c>fd87:d87e:eb43::/48</c>) nor IPv4-mapped (<c>::ffff:0:0/96</c>).</summary>
    IPv6 = 2,
    /// <summary>10 bytes (the retired Tor v2 hidden services).</summary>
    TorV2 = 3,
    /// <summary>32 bytes: the ed25519 public key of a Tor v3 hidden service.</summary>
    TorV3 = 4,
    /// <summary>32 bytes: the SHA-256 of an I2P destination.</summary>
    I2P = 5,
    /// <summary>16 bytes: a CJDNS IPv6 address (<c>fc00::/8</c>).</summary>
    Cjdns = 6,
}

/// <summary>A BIP155 address as carried by <c>addrv2</c> (btcd wire/netaddressv2.go, Core CAddress in V2 format):
/// uint32 time ‖ services as CompactSize ‖ uint8 network id ‖ CompactSize address length ‖ address ‖ uint16 port,
/// <b>big-endian</b>.
/// <para>Decoding follows btcd wire/netaddress.go, wire/netaddressv2.go: a known network id with the wrong length fails the whole message; an
/// unknown id with a length above 512 fails it too, a shorter one is skipped and dropped (as Core and btcd do, so a
/// future network id does not disconnect us); an IPv6 entry that is OnionCat or IPv4-mapped is dropped (BIP155 wants
/// those sent under their own ids). Unlike btcd, which drops I2P and CJDNS entries, every known network id is kept,
/// as Core keeps them; Tor v2 is kept as btcd keeps it (Core 22+ drops it).</para>
/// <para>The address bytes are copied: the record never holds on to the payload.</para></summary>
public sealed record NetAddressV2
{
    /// <summary>The longest address an <c>addrv2</c> entry may declare, even for an unknown network (btcd
    /// maxAddrV2Size, Core MAX_ADDRV2_SIZE).</summary>
    public const int MaxAddressSize = 512;

    /// <summary>The most bytes one entry can take (btcd maxNetAddressV2Payload: 4 + 9 + 1 + 3 + 512 + 2).</summary>
    public const int MaxPayload = 4 + 9 + 1 + 3 + MaxAddressSize + 2;

    /// <summary>The fewest bytes one entry can take (an unknown network with an empty address).</summary>
    public const int MinPayload = 4 + 1 + 1 + 1 + 0 + 2;

    private static ReadOnlySpan<byte> OnionCatPrefix => [0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43];
    private static ReadOnlySpan<byte> IPv4MappedPrefix => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

    private readonly byte[] _address;

    /// <summary>An address of a known network; <paramref name="address"/> must have that network's size.</summary>
    public NetAddressV2(uint timestamp, ServiceFlags services, AddressNetwork network, ReadOnlySpan<byte> address,
        ushort port)
    {
        int size = AddressSize(network);
        if (address.Length != size)
            throw new ArgumentException($"a {network} address has {size} bytes, not {address.Length}", nameof(address));
        Timestamp = timestamp;
        Services = services;
        Network = network;
        _address = address.ToArray();
        Port = port;
    }

    /// <summary>When the address was last seen, in Unix seconds (uint32 on the wire).</summary>
    public uint Timestamp { get; init; }

    /// <summary>The services the address advertises (a CompactSize on the wire).</summary>
    public ServiceFlags Services { get; init; }

    /// <summary>The BIP155 network.</summary>
    public AddressNetwork Network { get; }

    /// <summary>The address bytes, <see cref="AddressSize"/> of them for the network.</summary>
    public ReadOnlyMemory<byte> Address => _address;

    /// <summary>The port (written big-endian); 0 for networks without ports (I2P uses 0).</summary>
    public ushort Port { get; init; }

    /// <summary>The size BIP155 fixes for a network's address.</summary>
    public static int AddressSize(AddressNetwork network) => network switch
    {
        AddressNetwork.IPv4 => 4,
        AddressNetwork.IPv6 => 16,
        AddressNetwork.TorV2 => 10,
        AddressNetwork.TorV3 => 32,
        AddressNetwork.I2P => 32,
        AddressNetwork.Cjdns => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, "not a BIP155 network id"),
    };

    /// <summary>True for the network ids BIP155 defines (1 to 6).</summary>
    public static bool IsKnownNetwork(byte networkId) =>
        networkId >= (byte)AddressNetwork.IPv4 && networkId <= (byte)AddressNetwork.Cjdns;

    /// <summary>True when the address has every service in <paramref name="services"/>.</summary>
    public bool HasServices(ServiceFlags services) => (Services & services) == services;

    /// <summary>Bytes this entry takes on the wire.</summary>
    public int SerializedSize =>
        4 + CompactSize.SizeOf((ulong)Services) + 1 + CompactSize.SizeOf((ulong)_address.Length) + _address.Length + 2;

    /// <summary>Reads one entry (btcd readNetAddressV2 with Core's keep rules). Returns null for an entry that is
    /// read and dropped (unknown network, OnionCat or IPv4-mapped IPv6); throws <see cref="WireException"/> for one
    /// that fails the message.</summary>
    public static NetAddressV2? Read(ref WireReader reader)
    {
        uint timestamp = reader.ReadUInt32();
        var services = (ServiceFlags)reader.ReadCompactSize();
        byte networkId = reader.ReadByte();
        ulong size = reader.ReadCompactSize();

        // Core checks the length against 512 first, whatever the network; btcd only for unknown ones, and fails
        // a known network's wrong length anyway, so the outcome is the same.
        if (size > MaxAddressSize)
            throw new WireException(WireError.TooMany,
                $"addrv2: address of network {networkId} has length {size}, above {MaxAddressSize}");
        if (!IsKnownNetwork(networkId))
        {
            reader.Skip((int)size + 2); // the address and the port
            return null;
        }

        var network = (AddressNetwork)networkId;
        int expected = AddressSize(network);
        if (size != (ulong)expected)
            throw new WireException(WireError.Malformed,
                $"addrv2: BIP155 {network} address with length {size} (should be {expected})");
        var address = reader.ReadSpan(expected);
        ushort port = reader.ReadUInt16BigEndian();

        if (network == AddressNetwork.IPv6 &&
            (address.StartsWith(OnionCatPrefix) || address.StartsWith(IPv4MappedPrefix)))
            return null;
        return new NetAddressV2(timestamp, services, network, address, port);
    }

    /// <summary>Writes the entry (btcd writeNetAddressV2).</summary>
    public void Write(WireWriter writer)
    {
        writer.WriteUInt32(Timestamp);
        writer.WriteCompactSize((ulong)Services);
        writer.WriteByte((byte)Network);
        writer.WriteVarBytes(_address);
        writer.WriteUInt16BigEndian(Port);
    }

    /// <summary>The legacy form for <c>addr</c> (btcd ToLegacy): IPv4 and IPv6 as they are, Tor v2 as its OnionCat
    /// IPv6 address; null for Tor v3, I2P and CJDNS, which a legacy address cannot express.</summary>
    public NetAddress? ToLegacy()
    {
        Span<byte> ip = stackalloc byte[16];
        ip.Clear();
        switch (Network)
        {
            case AddressNetwork.IPv4:
                IPv4MappedPrefix.CopyTo(ip);
                _address.CopyTo(ip[12..]);
                break;
            case AddressNetwork.IPv6:
                _address.CopyTo(ip);
                break;
            case AddressNetwork.TorV2:
                OnionCatPrefix.CopyTo(ip);
                _address.CopyTo(ip[6..]);
                break;
            default:
                return null;
        }
        return new NetAddress(Services, ip, Port, Timestamp);
    }

    /// <summary>The BIP155 form of a legacy address (btcd NetAddressV2FromBytes on its 16 bytes): IPv4-mapped
    /// becomes IPv4, OnionCat becomes Tor v2, anything else IPv6.</summary>
    public static NetAddressV2 FromLegacy(NetAddress address) =>
        FromBytes(address.Timestamp, address.Services, address.GetIPBytes(), address.Port);

    /// <summary>An address told apart by its length, as btcd NetAddressV2FromBytes does: 4 → IPv4; 16 → Tor v2 if
    /// OnionCat, IPv4 if IPv4-mapped, else IPv6; 10 → Tor v2; 32 → Tor v3 (never I2P: use the constructor).</summary>
    public static NetAddressV2 FromBytes(uint timestamp, ServiceFlags services, ReadOnlySpan<byte> address, ushort port)
    {
        switch (address.Length)
        {
            case 4:
                return new(timestamp, services, AddressNetwork.IPv4, address, port);
            case 16 when address.StartsWith(OnionCatPrefix):
                return new(timestamp, services, AddressNetwork.TorV2, address[6..], port);
            case 16 when address.StartsWith(IPv4MappedPrefix):
                return new(timestamp, services, AddressNetwork.IPv4, address[12..], port);
            case 16:
                return new(timestamp, services, AddressNetwork.IPv6, address, port);
            case 10:
                return new(timestamp, services, AddressNetwork.TorV2, address, port);
            case 32:
                return new(timestamp, services, AddressNetwork.TorV3, address, port);
            default:
                throw new ArgumentException($"no network has {address.Length}-byte addresses", nameof(address));
        }
    }

    /// <summary>The address as text, as btcd and Core print it: dotted IPv4; RFC 5952 IPv6 (also for CJDNS);
    /// <c>base32(10 bytes).onion</c> for Tor v2; <c>base32(pubkey ‖ checksum ‖ 0x03).onion</c> for Tor v3 with
    /// checksum = SHA3-256(".onion checksum" ‖ pubkey ‖ 0x03)[0..2]; <c>base32(hash).b32.i2p</c> for I2P. Base32 is
    /// lowercase without padding.</summary>
    public string Host => Network switch
    {
        AddressNetwork.IPv4 => AddressText.FormatIPv4(_address),
        AddressNetwork.IPv6 or AddressNetwork.Cjdns => AddressText.FormatIPv6(_address),
        AddressNetwork.TorV2 => AddressText.Base32(_address) + ".onion",
        AddressNetwork.TorV3 => TorV3Name(_address),
        AddressNetwork.I2P => AddressText.Base32(_address) + ".b32.i2p",
        _ => throw new InvalidOperationException($"unknown network {Network}"),
    };

    private static string TorV3Name(ReadOnlySpan<byte> publicKey)
    {
        const byte version = 0x03;
        ReadOnlySpan<byte> checksumLabel = ".onion checksum"u8;
        Span<byte> preimage = stackalloc byte[15 + 32 + 1];
        checksumLabel.CopyTo(preimage);
        publicKey.CopyTo(preimage[15..]);
        preimage[^1] = version;
        Span<byte> hash = stackalloc byte[Sha3.HashSize];
        Sha3.HashData(preimage, hash);

        Span<byte> name = stackalloc byte[32 + 2 + 1];
        publicKey.CopyTo(name);
        hash[..2].CopyTo(name[32..]);
        name[^1] = version;
        return AddressText.Base32(name) + ".onion";
    }

    /// <summary><c>host:port</c>, IPv6 and CJDNS in brackets (Go net.JoinHostPort).</summary>
    public override string ToString() =>
        Network is AddressNetwork.IPv6 or AddressNetwork.Cjdns ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Value equality, including the address bytes.</summary>
    public bool Equals(NetAddressV2? other) =>
        other is not null && Timestamp == other.Timestamp && Services == other.Services &&
        Network == other.Network && Port == other.Port && _address.AsSpan().SequenceEqual(other._address);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Timestamp);
        hash.Add(Services);
        hash.Add(Network);
        hash.Add(Port);
        hash.AddBytes(_address);
        return hash.ToHashCode();
    }
}
