using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Reconciliation;

/// <summary>The SipHash keys of one reconciling connection (BIP330 "32-bit short transaction IDs").</summary>
public readonly record struct ReconciliationKeys(ulong K0, ulong K1)
{
    /// <summary>BIP330: salts sorted ascending, h = TaggedHash("Tx Relay Salting", salt1 ‖ salt2) with both salts
    /// as 64-bit little-endian (Core ComputeSalt: the BIP340-style tagged hash SHA256(SHA256(tag) ‖ SHA256(tag) ‖
    /// data)); k0, k1 = the first two little-endian 64-bit words of h. Which side sent which salt does not matter.</summary>
    public static ReconciliationKeys FromSalts(ulong saltA, ulong saltB)
    {
        Span<byte> tag = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(ReconciliationConstants.StaticSalt), tag);
        Span<byte> preimage = stackalloc byte[64 + 16];
        tag.CopyTo(preimage);
        tag.CopyTo(preimage[32..]);
        BinaryPrimitives.WriteUInt64LittleEndian(preimage[64..], Math.Min(saltA, saltB));
        BinaryPrimitives.WriteUInt64LittleEndian(preimage[72..], Math.Max(saltA, saltB));
        Span<byte> h = stackalloc byte[32];
        SHA256.HashData(preimage, h);
        return new ReconciliationKeys(BinaryPrimitives.ReadUInt64LittleEndian(h), BinaryPrimitives.ReadUInt64LittleEndian(h[8..]));
    }

    /// <summary>BIP330: s = SipHash-2-4((k0, k1), wtxid); the short id is 1 + (s mod 0xFFFFFFFF), in
    /// [1, 0xFFFFFFFF] and never 0 (zero is not a sketch element).</summary>
    public uint ShortId(in Hash256 wtxid) => (uint)(1 + SipHash.Hash24(K0, K1, wtxid) % 0xFFFF_FFFFUL);
}
