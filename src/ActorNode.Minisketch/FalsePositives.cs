using System.Numerics;

namespace ActorNode.Minisketch;

/// <summary>libminisketch's false_positives.h: how much capacity beyond the expected number of differences keeps the
/// chance that a random (over-full) sketch decodes to a wrong set below 2^−fpbits.</summary>
internal static class FalsePositives
{
    /// <summary>floor(106·log2(1 + i/32)) for i = 0..31.</summary>
    private static readonly byte[] Log2Steps =
        [0, 4, 9, 13, 18, 22, 26, 30, 34, 37, 41, 45, 48, 52, 55, 58, 62, 65, 68, 71, 74, 77, 80, 82, 85, 88, 90, 93, 96, 98, 101, 103];

    private static readonly byte[] Add5 = [1, 1, 1, 1, 2, 2, 2, 3, 4, 4, 5, 5, 6, 7, 8, 8, 9, 10, 10, 10, 11, 11, 11, 12, 12, 12, 12];
    private static readonly byte[] Add6 = [1, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 6, 7, 8, 8, 10, 10, 11, 12, 12, 13, 14, 15, 15, 16, 17, 18, 18, 19, 20, 20, 21, 21, 22, 22, 23, 23, 23, 24, 24, 24, 24];
    private static readonly byte[] Add7 = [1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7, 7, 8, 7, 8, 9, 9, 9, 10, 11, 11, 12, 12, 13, 13, 15, 15, 15, 16, 17, 17, 18, 19, 20, 20];
    private static readonly byte[] Add8 = [1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 3, 4, 4, 5, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9];
    private static readonly byte[] Add9 = [1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 2, 1, 1, 1, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 3, 2, 3, 3, 3, 3, 4, 3, 3, 4, 4, 4, 4];

    /// <summary>An underestimate of log2(x!) by Stirling, in libminisketch's fixed-point form (x ≥ 1).</summary>
    internal static ulong Log2Factorial(uint x)
    {
        int bits = 32 - BitOperations.LeadingZeroCount(x);
        uint l2x106 = (uint)(106 * (bits - 1)) + Log2Steps[((x << (32 - bits)) >> 26) & 31];
        return (418079UL * (2UL * x + 1) * l2x106 - 127870026UL * x + 117504694UL + (x < 3 ? 88632748UL : 0UL)) / 88632748UL;
    }

    internal static ulong BaseFpBits(uint bits, uint capacity)
    {
        if (capacity == 0) return 0;
        ulong ret = 0;
        if (bits < 32 && capacity >= (1U << (int)bits))
        {
            ret = (ulong)bits * (capacity - (1U << (int)bits) + 1);
            capacity = (1U << (int)bits) - 1;
        }
        ret += Log2Factorial(capacity);
        return bits switch
        {
            2 => ret + (capacity <= 2 ? 0UL : 1UL),
            3 => ret + (capacity <= 2 ? 0UL : (0x2a5UL >> (int)(2 * (capacity - 3))) & 3),
            4 => ret + (capacity <= 3 ? 0UL : (0xb6d91a449UL >> (int)(3 * (capacity - 4))) & 7),
            5 => ret + (capacity <= 4 ? 0UL : Add5[capacity - 5]),
            6 => ret + (capacity <= 4 ? 0UL : capacity > 54 ? 25UL : Add6[capacity - 5]),
            7 => ret + (capacity <= 4 ? 0UL : capacity > 57 ? 21UL : Add7[capacity - 5]),
            8 => ret + (capacity <= 9 ? 0UL : capacity > 56 ? 10UL : Add8[capacity - 10]),
            9 => ret + (capacity <= 11 ? 0UL : capacity > 54 ? 5UL : Add9[capacity - 12]),
            10 => ret + (capacity <= 21 ? 0UL : capacity > 50 ? 2UL : (0x1a6665545555041UL >> (int)(2 * (capacity - 22))) & 3),
            11 => ret + (capacity <= 21 ? 0UL : capacity > 45 ? 1UL : (0x5b3dc1UL >> (int)(capacity - 22)) & 1),
            12 => ret + (capacity <= 21 ? 0UL : capacity > 57 ? 0UL : (0xe65522041UL >> (int)(capacity - 22)) & 1),
            13 => ret + (capacity <= 27 ? 0UL : capacity > 55 ? 0UL : (0x8904081UL >> (int)(capacity - 28)) & 1),
            14 => ret + (capacity <= 47 ? 0UL : capacity > 48 ? 0UL : 1UL),
            _ => ret,
        };
    }

    internal static ulong ComputeCapacity(uint bits, ulong maxElements, uint fpBits)
    {
        if (bits == 0) return 0;
        ulong baseFp = BaseFpBits(bits, (uint)maxElements);
        if (baseFp >= fpBits) return maxElements;
        return maxElements + (fpBits - baseFp + bits - 1) / bits;
    }

    internal static ulong ComputeMaxElements(uint bits, ulong capacity, uint fpBits)
    {
        if (bits == 0) return 0;
        ulong maxElements = capacity;
        while (true)
        {
            ulong needed = ComputeCapacity(bits, maxElements, fpBits);
            if (needed <= capacity) return maxElements;
            ulong adjust = needed - capacity;
            if (maxElements < adjust) return 0;
            maxElements -= adjust;
        }
    }
}
