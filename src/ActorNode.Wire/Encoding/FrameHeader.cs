using System.Collections.Frozen;
using System.Buffers.Binary;

namespace ActorNode.Wire.Encoding;

/// <summary>The 24-byte v1 frame header: magic, command, payload length, checksum (reference §1.1).</summary>
public readonly record struct FrameHeader(uint Magic, string Command, uint PayloadLength, uint Checksum)
{
    public const int Size = WireLimits.MessageHeaderSize;

    /// <summary>Parses the header of a frame of the network whose magic is <paramref name="expectedMagic"/>. The
    /// magic is compared first, before any other field is read, as Bitcoin Core's <c>V1Transport::readHeader</c>
    /// does: bytes that are not a frame of this network at all (another network's frames, a BIP324 initiator's
    /// 64-byte ellswift key, an HTTP request) are <see cref="WireError.BadMagic"/>, whatever their command bytes
    /// hold. Then throws as <see cref="Parse(ReadOnlySpan{byte})"/>.</summary>
    public static FrameHeader Parse(ReadOnlySpan<byte> header, uint expectedMagic)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (magic != expectedMagic)
            throw new WireException(WireError.BadMagic,
                $"frame magic 0x{magic:x8} is not this network's 0x{expectedMagic:x8}");
        return Parse(header);
    }

    /// <summary>Parses a header of any network. Throws <see cref="WireException"/> (InvalidCommand) for a command
    /// that is not printable ASCII padded with NULs only, as Bitcoin Core requires. A reader of one network's
    /// stream uses <see cref="Parse(ReadOnlySpan{byte}, uint)"/>, which checks the magic first.</summary>
    public static FrameHeader Parse(ReadOnlySpan<byte> header)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var commandBytes = header.Slice(4, WireLimits.CommandSize);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        return new FrameHeader(magic, ParseCommand(commandBytes), length, checksum);
    }

    private static string ParseCommand(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        if (end < 0) end = field.Length;
        foreach (byte b in field[end..])
            if (b != 0) throw new WireException(WireError.InvalidCommand, "command has bytes after its NUL padding");
        var name = field[..end];
        foreach (byte b in name)
            if (b is < 0x20 or > 0x7E)
                throw new WireException(WireError.InvalidCommand, $"command contains the byte 0x{b:x2}");
        return CommandStrings.Get(name);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        var command = destination.Slice(4, WireLimits.CommandSize);
        command.Clear();
        if (Command.Length > WireLimits.CommandSize)
            throw new WireException(WireError.InvalidCommand, $"command '{Command}' is longer than 12 bytes");
        System.Text.Encoding.ASCII.GetBytes(Command, command);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], PayloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], Checksum);
    }

    /// <summary>The first four bytes of dsha(payload), read little-endian.</summary>
    public static uint ComputeChecksum(ReadOnlySpan<byte> payload) =>
        Primitives.Hash256.DoubleSha256(payload).FirstUInt32;
}

/// <summary>Interns the known command strings so parsing a header does not allocate for them.</summary>
internal static class CommandStrings
{
    private static readonly System.Collections.Frozen.FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Known =
        MessageRegistry.Commands.ToFrozenDictionary(c => c, c => c, StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Get(ReadOnlySpan<byte> ascii)
    {
        Span<char> chars = stackalloc char[WireLimits.CommandSize];
        for (int i = 0; i < ascii.Length; i++) chars[i] = (char)ascii[i];
        var name = chars[..ascii.Length];
        return Known.TryGetValue(name, out var interned) ? interned : new string(name);
    }
}
