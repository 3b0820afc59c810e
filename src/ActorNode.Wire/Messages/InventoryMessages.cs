using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Messages;

/// <summary>Announces objects the sender has (btcd MsgInv). At most 50,000 entries (btcd MaxInvPerMsg).</summary>
public sealed record InvMessage(InvVector[] Inventory) : IWireMessage
{
    public string Command => "inv";

    public static InvMessage Decode(ref WireReader reader, WireContext context) =>
        new(InventoryList.Read(ref reader, "inv"));

    public void WritePayload(WireWriter writer, WireContext context) => InventoryList.Write(writer, Inventory, "inv");
}

/// <summary>Asks for the objects named (btcd MsgGetData). At most 50,000 entries.</summary>
public sealed record GetDataMessage(InvVector[] Inventory) : IWireMessage
{
    public string Command => "getdata";

    public static GetDataMessage Decode(ref WireReader reader, WireContext context) =>
        new(InventoryList.Read(ref reader, "getdata"));

    public void WritePayload(WireWriter writer, WireContext context) =>
        InventoryList.Write(writer, Inventory, "getdata");
}

/// <summary>Answers a getdata for objects the sender does not have (btcd MsgNotFound). At most 50,000 entries.</summary>
public sealed record NotFoundMessage(InvVector[] Inventory) : IWireMessage
{
    public string Command => "notfound";

    public static NotFoundMessage Decode(ref WireReader reader, WireContext context) =>
        new(InventoryList.Read(ref reader, "notfound"));

    public void WritePayload(WireWriter writer, WireContext context) =>
        InventoryList.Write(writer, Inventory, "notfound");
}

/// <summary>Asks for an inv of the blocks after the first locator hash the receiver knows, up to
/// <see cref="HashStop"/> or 500 blocks (btcd MsgGetBlocks). <see cref="Version"/> is the sender's protocol
/// version, which receivers ignore. At most 500 locator hashes (btcd MaxBlockLocatorsPerMsg; Core allows 101).</summary>
public sealed record GetBlocksMessage(uint Version, Hash256[] Locator, Hash256 HashStop) : IWireMessage
{
    public string Command => "getblocks";

    public static GetBlocksMessage Decode(ref WireReader reader, WireContext context)
    {
        uint version = reader.ReadUInt32();
        var locator = BlockLocator.Read(ref reader, "getblocks");
        return new GetBlocksMessage(version, locator, reader.ReadHash());
    }

    public void WritePayload(WireWriter writer, WireContext context) =>
        BlockLocator.Write(writer, Version, Locator, HashStop, "getblocks");
}

/// <summary>Asks for up to 2,000 headers after the first locator hash the receiver knows, up to
/// <see cref="HashStop"/> (btcd MsgGetHeaders). Same layout and limits as getblocks.</summary>
public sealed record GetHeadersMessage(uint Version, Hash256[] Locator, Hash256 HashStop) : IWireMessage
{
    public string Command => "getheaders";

    public static GetHeadersMessage Decode(ref WireReader reader, WireContext context)
    {
        uint version = reader.ReadUInt32();
        var locator = BlockLocator.Read(ref reader, "getheaders");
        return new GetHeadersMessage(version, locator, reader.ReadHash());
    }

    public void WritePayload(WireWriter writer, WireContext context) =>
        BlockLocator.Write(writer, Version, Locator, HashStop, "getheaders");
}

/// <summary>The CompactSize-counted list of <see cref="InvVector"/>s shared by inv, getdata and notfound.</summary>
internal static class InventoryList
{
    /// <summary>The largest payload: a 9-byte count and 50,000 entries, 1,800,009 bytes (btcd MsgInv.MaxPayloadLength).</summary>
    public const int MaxPayload = CompactSize.MaxSize + WireLimits.MaxInvPerMessage * InvVector.Size;

    public static InvVector[] Read(ref WireReader reader, string command)
    {
        // The count is checked against the limit and the bytes left before the array exists.
        int count = reader.ReadCount(WireLimits.MaxInvPerMessage, InvVector.Size, command + " inventory");
        var list = new InvVector[count];
        for (int i = 0; i < list.Length; i++) list[i] = InvVector.Read(ref reader);
        return list;
    }

    public static void Write(WireWriter writer, InvVector[] list, string command)
    {
        if (list.Length > WireLimits.MaxInvPerMessage)
            throw new WireException(WireError.TooMany,
                $"{command}: {list.Length} inventory entries exceed the limit of {WireLimits.MaxInvPerMessage}");
        writer.WriteCompactSize((ulong)list.Length);
        foreach (var entry in list) entry.Write(writer);
    }
}

/// <summary>The version + locator + stop hash body shared by getblocks and getheaders.</summary>
internal static class BlockLocator
{
    /// <summary>4 + 9 + 500 × 32 + 32 = 16,045 bytes (btcd MsgGetBlocks/MsgGetHeaders.MaxPayloadLength).</summary>
    public const int MaxPayload =
        4 + CompactSize.MaxSize + WireLimits.MaxBlockLocatorsPerMessage * Hash256.Size + Hash256.Size;

    public static Hash256[] Read(ref WireReader reader, string command)
    {
        int count = reader.ReadCount(WireLimits.MaxBlockLocatorsPerMessage, Hash256.Size, command + " locator");
        var hashes = new Hash256[count];
        for (int i = 0; i < hashes.Length; i++) hashes[i] = reader.ReadHash();
        return hashes;
    }

    public static void Write(WireWriter writer, uint version, Hash256[] locator, Hash256 hashStop, string command)
    {
        if (locator.Length > WireLimits.MaxBlockLocatorsPerMessage)
            throw new WireException(WireError.TooMany,
                $"{command}: {locator.Length} locator hashes exceed the limit of {WireLimits.MaxBlockLocatorsPerMessage}");
        writer.WriteUInt32(version);
        writer.WriteCompactSize((ulong)locator.Length);
        foreach (var hash in locator) writer.WriteHash(hash);
        writer.WriteHash(hashStop);
    }
}
