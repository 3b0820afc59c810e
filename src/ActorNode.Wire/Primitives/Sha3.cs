using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace ActorNode.Wire.Primitives;

/// <summary>SHA3-256 (FIPS 202), needed only for the two checksum bytes of a Tor v3 name (BIP155). Uses the
/// platform's <see cref="SHA3_256"/> where it exists (Linux with OpenSSL ≥ 1.1.1, recent Windows) and a small
/// managed Keccak-f[1600] elsewhere (macOS has none), so a Tor v3 address prints the same everywhere.</summary>
internal static class Sha3
{
    public const int HashSize = 32;
    private const int Rate = 136; // (1600 - 2 * 256) / 8 bytes absorbed per permutation

    public static void HashData(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (SHA3_256.IsSupported) SHA3_256.HashData(data, destination);
        else ManagedHashData(data, destination);
    }

    /// <summary>The managed SHA3-256, used when the platform lacks one; tests check it against
    /// the NIST vectors on every machine.</summary>
    internal static void ManagedHashData(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<ulong> state = stackalloc ulong[25];
        state.Clear();
        while (data.Length >= Rate)
        {
            Absorb(state, data[..Rate]);
            data = data[Rate..];
        }
        Span<byte> last = stackalloc byte[Rate];
        last.Clear();
        data.CopyTo(last);
        last[data.Length] ^= 0x06; // SHA-3 domain bits 01, then the first padding bit
        last[Rate - 1] ^= 0x80;    // the last padding bit
        Absorb(state, last);
        for (int i = 0; i < HashSize / 8; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(8 * i)..], state[i]);
    }

    private static void Absorb(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        for (int i = 0; i < Rate / 8; i++) state[i] ^= BinaryPrimitives.ReadUInt64LittleEndian(block[(8 * i)..]);
        Permute(state);
    }

    private static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
        0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
        0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ];

    // ρ offsets and π lane order, following the lane walk that starts at lane 1.
    private static ReadOnlySpan<byte> Rotations =>
        [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44];

    private static ReadOnlySpan<byte> PiLanes =>
        [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1];

    /// <summary>Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι on 25 little-endian lanes.</summary>
    private static void Permute(Span<ulong> a)
    {
        Span<ulong> c = stackalloc ulong[5];
        for (int round = 0; round < 24; round++)
        {
            for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
            for (int x = 0; x < 5; x++)
            {
                ulong d = c[(x + 4) % 5] ^ BitOperations.RotateLeft(c[(x + 1) % 5], 1);
                for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
            }

            ulong carry = a[1];
            for (int i = 0; i < 24; i++)
            {
                int lane = PiLanes[i];
                ulong next = a[lane];
                a[lane] = BitOperations.RotateLeft(carry, Rotations[i]);
                carry = next;
            }

            for (int y = 0; y < 25; y += 5)
            {
                for (int x = 0; x < 5; x++) c[x] = a[y + x];
                for (int x = 0; x < 5; x++) a[y + x] ^= ~c[(x + 1) % 5] & c[(x + 2) % 5];
            }

            a[0] ^= RoundConstants[round];
        }
    }
}
