using System.Collections.Frozen;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;

namespace ActorNode.V2Transport;

/// <summary>The BIP324 application-layer message type: one byte (a short id 1..28 from the BIP's table) or 0x00
/// followed by the 12-byte NUL-padded command, as in v1. BIP324 v1.0.2 defines ids 1..28 and leaves 29 and up
/// undefined; version, verack, sendheaders, sendaddrv2, wtxidrelay, getaddr and every other command travel in the
/// long form.</summary>
public static class V2MessageTypes
{
    public const int LongFormLength = 1 + WireLimits.CommandSize;

    /// <summary>Index = short id; index 0 means "12 bytes follow".</summary>
    private static readonly string[] ById =
    [
        "",
        "addr", "block", "blocktxn", "cmpctblock", "feefilter", "filteradd", "filterclear", "filterload",
        "getblocks", "getblocktxn", "getdata", "getheaders", "headers", "inv", "mempool", "merkleblock",
        "notfound", "ping", "pong", "sendcmpct", "tx", "getcfilters", "cfilter", "getcfheaders", "cfheaders",
        "getcfcheckpt", "cfcheckpt", "addrv2",
    ];

    private static readonly FrozenDictionary<string, byte> ByCommand =
        ById.Select((c, i) => (c, i)).Where(p => p.i > 0).ToFrozenDictionary(p => p.c, p => (byte)p.i, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Known =
        MessageRegistry.Commands.Concat(ById.Skip(1)).Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(c => c, c => c, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The highest short id the BIP defines.</summary>
    public static int MaxShortId => ById.Length - 1;

    /// <summary>The command a short id stands for, or null when the id is 0 or undefined.</summary>
    public static string? CommandOf(byte shortId) => shortId is > 0 && shortId < ById.Length ? ById[shortId] : null;

    /// <summary>The short id of a command, or null when it has none (it travels in the long form).</summary>
    public static byte? ShortIdOf(string command) => ByCommand.TryGetValue(command, out var id) ? id : null;

    /// <summary>Bytes the message type takes in the contents: 1 or 13.</summary>
    public static int EncodedLength(string command) => ByCommand.ContainsKey(command) ? 1 : LongFormLength;

    /// <summary>Writes the message type; returns the bytes written (1 or 13).</summary>
    public static int Write(string command, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (ByCommand.TryGetValue(command, out var id))
        {
            destination[0] = id;
            return 1;
        }
        if (command.Length is 0 or > WireLimits.CommandSize)
            throw new WireException(WireError.InvalidCommand, $"command '{command}' is not 1..12 characters");
        destination[0] = 0;
        var field = destination.Slice(1, WireLimits.CommandSize);
        field.Clear();
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            if (c is < ' ' or > '~') throw new WireException(WireError.InvalidCommand, $"command '{command}' is not printable ASCII");
            field[i] = (byte)c;
        }
        return LongFormLength;
    }

    /// <summary>Reads the message type at the start of <paramref name="contents"/>. False (Core's "invalid message
    /// type": the message is dropped, the peer kept) for empty contents, an undefined short id, a long form shorter
    /// than 13 bytes, bytes outside printable ASCII, or non-NUL bytes after the first NUL.</summary>
    public static bool TryRead(ReadOnlySpan<byte> contents, out string command, out int typeLength)
    {
        command = "";
        typeLength = 0;
        if (contents.IsEmpty) return false;
        byte first = contents[0];
        if (first != 0)
        {
            var known = CommandOf(first);
            if (known is null) return false;
            command = known;
            typeLength = 1;
            return true;
        }
        if (contents.Length < LongFormLength) return false;
        var field = contents.Slice(1, WireLimits.CommandSize);
        int end = field.IndexOf((byte)0);
        if (end < 0) end = field.Length;
        if (end == 0) return false;
        foreach (byte b in field[end..]) if (b != 0) return false;
        Span<char> chars = stackalloc char[WireLimits.CommandSize];
        for (int i = 0; i < end; i++)
        {
            byte b = field[i];
            if (b is < 0x20 or > 0x7E) return false;
            chars[i] = (char)b;
        }
        var name = chars[..end];
        command = Known.TryGetValue(name, out var interned) ? interned : new string(name);
        typeLength = LongFormLength;
        return true;
    }
}
