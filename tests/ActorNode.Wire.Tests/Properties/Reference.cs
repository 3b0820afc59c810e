using System.Security.Cryptography;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Tests.Properties;

/// <summary>Straightforward re-implementations, written from the specifications and sharing no code with the codec,
/// that the properties check the codec against: CompactSize (btcd wire/common.go), the BIP144 transaction layout, and
/// Bitcoin Core's ComputeMerkleRoot (consensus/merkle.cpp) including its mutation flag.</summary>
internal static class Reference
{
    public static byte[] DoubleSha256(byte[] data) => SHA256.HashData(SHA256.HashData(data));

    public static byte[] CompactSize(ulong value)
    {
        if (value < 0xFD) return [(byte)value];
        if (value <= 0xFFFF) return [0xFD, (byte)value, (byte)(value >> 8)];
        if (value <= 0xFFFF_FFFF) return [0xFE, .. LittleEndian(value, 4)];
        return [0xFF, .. LittleEndian(value, 8)];
    }

    /// <summary><paramref name="value"/> as its low <paramref name="width"/> bytes, least significant first.</summary>
    public static byte[] LittleEndian(ulong value, int width)
    {
        var bytes = new byte[width];
        for (int i = 0; i < width; i++) bytes[i] = (byte)(value >> (8 * i));
        return bytes;
    }

    /// <summary>BIP144: version ‖ [0x00 0x01 when any witness] ‖ inputs ‖ outputs ‖ [witness stacks] ‖ lock time.
    /// With <paramref name="withWitness"/> false the legacy form that txids hash.</summary>
    public static byte[] Serialize(Transaction tx, bool withWitness)
    {
        bool witness = withWitness && tx.Inputs.Any(i => i.Witness.Length > 0);
        var bytes = new List<byte>();
        bytes.AddRange(LittleEndian((uint)tx.Version, 4));
        if (witness) bytes.AddRange([0x00, 0x01]);
        bytes.AddRange(CompactSize((ulong)tx.Inputs.Length));
        foreach (var input in tx.Inputs)
        {
            bytes.AddRange(input.PreviousOutput.Hash.ToArray());
            bytes.AddRange(LittleEndian(input.PreviousOutput.Index, 4));
            AddVarBytes(bytes, input.ScriptSig.ToArray());
            bytes.AddRange(LittleEndian(input.Sequence, 4));
        }
        bytes.AddRange(CompactSize((ulong)tx.Outputs.Length));
        foreach (var output in tx.Outputs)
        {
            bytes.AddRange(LittleEndian((ulong)output.Value, 8));
            AddVarBytes(bytes, output.PkScript.ToArray());
        }
        if (witness)
        {
            foreach (var input in tx.Inputs)
            {
                bytes.AddRange(CompactSize((ulong)input.Witness.Length));
                foreach (var item in input.Witness) AddVarBytes(bytes, item.ToArray());
            }
        }
        bytes.AddRange(LittleEndian(tx.LockTime, 4));
        return [.. bytes];
    }

    private static void AddVarBytes(List<byte> bytes, byte[] data)
    {
        bytes.AddRange(CompactSize((ulong)data.Length));
        bytes.AddRange(data);
    }

    /// <summary>Core's ComputeMerkleRoot: pair and dsha each level, an odd last entry paired with itself; mutated when
    /// two real (not duplicated) siblings are equal at any level. No leaves give the zero hash.</summary>
    public static byte[] MerkleRoot(IReadOnlyList<byte[]> leaves, out bool mutated)
    {
        mutated = false;
        if (leaves.Count == 0) return new byte[32];
        var level = leaves.ToList();
        while (level.Count > 1)
        {
            for (int pos = 0; pos + 1 < level.Count; pos += 2)
                if (level[pos].AsSpan().SequenceEqual(level[pos + 1])) mutated = true;
            if (level.Count % 2 == 1) level.Add(level[^1]);
            var next = new List<byte[]>(level.Count / 2);
            for (int pos = 0; pos < level.Count; pos += 2) next.Add(DoubleSha256([.. level[pos], .. level[pos + 1]]));
            level = next;
        }
        return level[0];
    }
}
