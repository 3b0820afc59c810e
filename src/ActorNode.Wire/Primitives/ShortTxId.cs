using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorNode.Wire.Primitives;

/// <summary>The SipHash key pair of one compact block: both short-id keys come from the header and nonce.</summary>
public readonly record struct ShortTxIdKeys(ulong K0, ulong K1)
{
    /// <summary>The 6-byte short id of a transaction under these keys (BIP152).</summary>
    public ulong Compute(in Hash256 wtxid) => SipHash.Hash24(K0, K1, wtxid) & ShortTxId.Mask;
}

/// <summary>BIP152 short transaction ids (Bitcoin Core <c>CBlockHeaderAndShortTxIDs::FillShortTxIDSelector</c>
/// and <c>GetShortID</c>): k0 and k1 are the first two little-endian 64-bit words of the single SHA-256 of the
/// 80-byte header followed by the 8-byte little-endian nonce; a short id is SipHash-2-4(k0, k1, wtxid) with the
/// two most significant bytes dropped. Version 2 compact blocks (the only version Core still speaks) use wtxids.</summary>
public static class ShortTxId
{
    /// <summary>Bytes of a short id on the wire.</summary>
    public const int Size = 6;

    /// <summary>The 48 bits a short id keeps.</summary>
    public const ulong Mask = 0xFFFF_FFFF_FFFFUL;

    /// <summary>The SipHash keys for a compact block with this header and nonce.</summary>
    public static ShortTxIdKeys ComputeKeys(in BlockHeader header, ulong nonce)
    {
        Span<byte> preimage = stackalloc byte[BlockHeader.Size + 8];
        header.CopyTo(preimage);
        BinaryPrimitives.WriteUInt64LittleEndian(preimage[BlockHeader.Size..], nonce);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(preimage, hash);
        return new ShortTxIdKeys(
            BinaryPrimitives.ReadUInt64LittleEndian(hash),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]));
    }

    /// <summary>The short id of <paramref name="wtxid"/> in a compact block with this header and nonce.</summary>
    public static ulong Compute(in BlockHeader header, ulong nonce, in Hash256 wtxid) =>
        ComputeKeys(header, nonce).Compute(wtxid);
}
