using System.Buffers.Binary;
using ActorNode.Chain;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;

namespace ActorNode.P2P.Tests.Hostile;

/// <summary>Frames built by hand, byte by byte, for what <see cref="MessageEncoder"/> refuses to produce (counts over
/// the protocol limits, lying headers).</summary>
internal static class RawFrames
{
    /// <summary>A v1 frame (btcd wire/message.go): magic, NUL-padded command, payload length, first four bytes of
    /// dsha256(payload), payload. <paramref name="declaredLength"/> overrides the length field (the payload written
    /// is still <paramref name="payload"/>).</summary>
    public static byte[] Frame(string command, ReadOnlySpan<byte> payload, uint? magic = null, uint? declaredLength = null)
    {
        var frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader(magic ?? ChainParams.Regtest.Magic, command, declaredLength ?? (uint)payload.Length,
            FrameHeader.ComputeChecksum(payload)).WriteTo(frame);
        payload.CopyTo(frame.AsSpan(FrameHeader.Size));
        return frame;
    }

    /// <summary>A CompactSize, written by hand (0xfd + uint16, 0xfe + uint32).</summary>
    public static byte[] CompactSize(ulong value) => value switch
    {
        < 0xfd => [(byte)value],
        <= 0xffff => [0xfd, (byte)value, (byte)(value >> 8)],
        <= 0xffff_ffff => [0xfe, (byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)],
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    /// <summary>An inventory list payload (inv, getdata, notfound): a count, then <paramref name="count"/> entries of
    /// <paramref name="type"/> with distinct hashes.</summary>
    public static byte[] InventoryPayload(int count, InvType type, int seed = 0, ulong? declaredCount = null)
    {
        var prefix = CompactSize(declaredCount ?? (ulong)count);
        var payload = new byte[prefix.Length + count * InvVector.Size];
        prefix.CopyTo(payload, 0);
        for (int i = 0; i < count; i++)
        {
            var entry = payload.AsSpan(prefix.Length + i * InvVector.Size, InvVector.Size);
            BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)type);
            BinaryPrimitives.WriteInt32LittleEndian(entry[4..], seed);
            BinaryPrimitives.WriteInt32LittleEndian(entry[8..], i);
            entry[12] = 0x5a;
        }
        return payload;
    }

    /// <summary>The inventory vectors of <see cref="InventoryPayload"/>, for <see cref="MessageEncoder"/>.</summary>
    public static InvVector[] Inventory(int count, InvType type, int seed = 0)
    {
        var payload = InventoryPayload(count, type, seed);
        int offset = CompactSize((ulong)count).Length;
        var items = new InvVector[count];
        for (int i = 0; i < count; i++)
            items[i] = new InvVector(type, new Hash256(payload.AsSpan(offset + i * InvVector.Size + 4, Hash256.Size)));
        return items;
    }
}
