using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorNode.Wire.Encoding;

namespace ActorNode.Wire.Primitives;

/// <summary>The legacy (pre-BIP155) network address carried by <c>version</c> and <c>addr</c> (btcd
/// wire/netaddress.go, wire/netaddressv2.go): [uint32 time] ‖ uint64 services ‖ 16-byte IPv6 address (IPv4 as
/// <c>::ffff:a.b.c.d</c>) ‖ uint16 port, <b>big-endian</b>.
/// <para>The timestamp is on the wire only inside <c>addr</c> and only from protocol version 31402
/// (<see cref="ProtocolVersion.NetAddressTime"/>); the two addresses of <c>version</c> never carry one. When it is not
/// on the wire it reads as 0.</para>
/// <para>The 16 address bytes are kept as they were read, so what is decoded re-encodes byte for byte. An IPv4
/// <see cref="IPAddress"/> given to the constructor is stored IPv4-mapped; <see cref="Address"/> gives it back as
/// IPv4.</para></summary>
public readonly record struct NetAddress
{
    /// <summary>Bytes of an address without its timestamp (services, IP, port).</summary>
    public const int SizeWithoutTimestamp = 8 + 16 + 2;

    /// <summary>Bytes of an address with its timestamp.</summary>
    public const int SizeWithTimestamp = 4 + SizeWithoutTimestamp;

    /// <summary>The 16 address bytes in network order, as one big-endian integer (value equality for free).</summary>
    private readonly UInt128 _ip;

    /// <summary>An address from an <see cref="IPAddress"/>; IPv4 is stored as IPv4-mapped IPv6, an IPv6 scope id is
    /// dropped (it is not on the wire).</summary>
    public NetAddress(ServiceFlags services, IPAddress address, ushort port, uint timestamp = 0)
    {
        Services = services;
        Address = address;
        Port = port;
        Timestamp = timestamp;
    }

    /// <summary>An address from its 16 wire bytes.</summary>
    public NetAddress(ServiceFlags services, ReadOnlySpan<byte> ip16, ushort port, uint timestamp = 0)
    {
        if (ip16.Length != 16) throw new ArgumentException("a legacy network address has 16 bytes", nameof(ip16));
        Services = services;
        _ip = BinaryPrimitives.ReadUInt128BigEndian(ip16);
        Port = port;
        Timestamp = timestamp;
    }

    /// <summary>When the address was last seen, in Unix seconds (uint32 on the wire, so it ends in 2106). 0 when the
    /// encoding had no timestamp.</summary>
    public uint Timestamp { get; init; }

    /// <summary>The services the address advertises.</summary>
    public ServiceFlags Services { get; init; }

    /// <summary>The TCP port (written big-endian).</summary>
    public ushort Port { get; init; }

    /// <summary>The IP address: IPv4 when the bytes are IPv4-mapped (<c>::ffff:0:0/96</c>), else IPv6.</summary>
    public IPAddress Address
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            CopyIPTo(bytes);
            return IsIPv4 ? new IPAddress(bytes[12..]) : new IPAddress(bytes);
        }
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            Span<byte> bytes = stackalloc byte[16];
            switch (value.AddressFamily)
            {
                case AddressFamily.InterNetwork:
                    bytes[10] = 0xff;
                    bytes[11] = 0xff;
                    if (!value.TryWriteBytes(bytes[12..], out _)) throw new ArgumentException("bad IPv4 address");
                    break;
                case AddressFamily.InterNetworkV6:
                    if (!value.TryWriteBytes(bytes, out _)) throw new ArgumentException("bad IPv6 address");
                    break;
                default:
                    throw new ArgumentException($"not an IP address: {value.AddressFamily}", nameof(value));
            }
            _ip = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        }
    }

    /// <summary>True when the 16 bytes are an IPv4-mapped address (<c>::ffff:a.b.c.d</c>).</summary>
    public bool IsIPv4 => _ip >> 32 == 0xffff;

    /// <summary>Writes the 16 address bytes as they go on the wire.</summary>
    public void CopyIPTo(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, _ip);

    /// <summary>The 16 address bytes as they go on the wire.</summary>
    public byte[] GetIPBytes()
    {
        var bytes = new byte[16];
        CopyIPTo(bytes);
        return bytes;
    }

    /// <summary>True when the address has every service in <paramref name="services"/>.</summary>
    public bool HasServices(ServiceFlags services) => (Services & services) == services;

    /// <summary>Bytes of one address on the wire at a protocol version when it may carry a timestamp (btcd
    /// maxNetAddressPayload: 26, plus 4 from 31402).</summary>
    public static int MaxPayload(uint protocolVersion) =>
        protocolVersion >= ProtocolVersion.NetAddressTime ? SizeWithTimestamp : SizeWithoutTimestamp;

    /// <summary>Reads one address (btcd readNetAddress). The timestamp is read when <paramref name="withTimestamp"/>
    /// is set (inside <c>addr</c>) and the protocol version is at least 31402.</summary>
    public static NetAddress Read(ref WireReader reader, uint protocolVersion, bool withTimestamp)
    {
        uint timestamp = withTimestamp && protocolVersion >= ProtocolVersion.NetAddressTime ? reader.ReadUInt32() : 0;
        var services = (ServiceFlags)reader.ReadUInt64();
        var ip = reader.ReadSpan(16);
        ushort port = reader.ReadUInt16BigEndian();
        return new NetAddress(services, ip, port, timestamp);
    }

    /// <summary>Writes one address (btcd writeNetAddress), with the same timestamp rule as <see cref="Read"/>.</summary>
    public void Write(WireWriter writer, uint protocolVersion, bool withTimestamp)
    {
        if (withTimestamp && protocolVersion >= ProtocolVersion.NetAddressTime) writer.WriteUInt32(Timestamp);
        writer.WriteUInt64((ulong)Services);
        Span<byte> ip = stackalloc byte[16];
        CopyIPTo(ip);
        writer.WriteBytes(ip);
        writer.WriteUInt16BigEndian(Port);
    }

    /// <summary>The IP as text: dotted IPv4 when IPv4-mapped, else RFC 5952 IPv6 (as Go's net.IP and Core print
    /// it).</summary>
    public string Host
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            CopyIPTo(bytes);
            return IsIPv4 ? AddressText.FormatIPv4(bytes[12..]) : AddressText.FormatIPv6(bytes);
        }
    }

    /// <summary><c>host:port</c>, IPv6 in brackets (Go net.JoinHostPort, as btcd's address keys).</summary>
    public override string ToString() => IsIPv4 ? $"{Host}:{Port}" : $"[{Host}]:{Port}";
}
