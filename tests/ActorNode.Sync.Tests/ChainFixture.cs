using System.Buffers.Binary;
using ActorNode.Wire.Primitives;

namespace ActorNode.Sync.Tests;

/// <summary>Made-up block hashes: (branch, height) written into the hash, so two branches never collide.</summary>
internal static class ChainFixture
{
    public static Hash256 Hash(int height, int branch = 0)
    {
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, height);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], branch);
        bytes[31] = 0xAB;
        return new Hash256(bytes);
    }

    /// <summary>Hashes of heights from..to inclusive.</summary>
    public static Hash256[] Hashes(int from, int to, int branch = 0) =>
        Enumerable.Range(from, to - from + 1).Select(h => Hash(h, branch)).ToArray();
}
