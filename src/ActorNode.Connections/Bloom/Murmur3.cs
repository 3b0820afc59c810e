using System.Buffers.Binary;
using System.Numerics;

namespace ActorNode.Connections.Bloom;

/// <summary>MurmurHash3 (x86, 32-bit), the hash of BIP37 bloom filters (Bitcoin Core hash.cpp MurmurHash3, btcd
/// bloom/murmurhash3.go).</summary>
public static class Murmur3
{
    public static uint Hash(uint seed, ReadOnlySpan<byte> data)
    {
        const uint c1 = 0xcc9e2d51, c2 = 0x1b873593;
        uint h1 = seed;
        int blocks = data.Length / 4;
        for (int i = 0; i < blocks; i++)
        {
            uint k1 = BinaryPrimitives.ReadUInt32LittleEndian(data[(i * 4)..]);
            k1 *= c1;
            k1 = BitOperations.RotateLeft(k1, 15);
            k1 *= c2;
            h1 ^= k1;
            h1 = BitOperations.RotateLeft(h1, 13);
            h1 = h1 * 5 + 0xe6546b64;
        }

        var tail = data[(blocks * 4)..];
        uint k = 0;
        switch (tail.Length)
        {
            case 3:
                k ^= (uint)tail[2] << 16;
                goto case 2;
            case 2:
                k ^= (uint)tail[1] << 8;
                goto case 1;
            case 1:
                k ^= tail[0];
                k *= c1;
                k = BitOperations.RotateLeft(k, 15);
                k *= c2;
                h1 ^= k;
                break;
        }

        h1 ^= (uint)data.Length;
        h1 ^= h1 >> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >> 13;
        h1 *= 0xc2b2ae35;
        h1 ^= h1 >> 16;
        return h1;
    }
}
