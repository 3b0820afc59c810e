using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorNode.Minisketch;

/// <summary>A PinSketch set sketch, byte for byte what libminisketch (github.com/sipa/minisketch, generic
/// implementation) serialises: the capacity odd power sums s1, s3, …, s(2c−1) of the elements in GF(2^bits), each as a
/// little-endian integer of bits/8 bytes. Fields of 16, 32 (BIP330's) and 64 bits. Not thread-safe.</summary>
/// <remarks>Sketches of two sets merge (XOR) into the sketch of their symmetric difference, which
/// <see cref="TryDecode(int, out ulong[])"/> recovers whenever it has at most <see cref="Capacity"/> elements.</remarks>
public sealed class Minisketch
{
    /// <summary>Largest capacity this class accepts. libminisketch has no limit; callers facing peers bound capacity
    /// far lower (BIP330: 2^13 sketch elements, see docs/erlay.md).</summary>
    public const int MaxCapacity = 1 << 16;

    private readonly ulong[] _syndromes;
    private ulong _basis;

    private Minisketch(int bits, int capacity)
    {
        Bits = bits;
        _syndromes = new ulong[capacity];
        SetSeed(RandomSeed());
    }

    /// <summary>The odd syndromes s1, s3, … (for benchmarks and tests).</summary>
    internal ReadOnlySpan<ulong> Syndromes => _syndromes;

    /// <summary>The root-finding basis the seed chose.</summary>
    internal ulong Basis => _basis;

    /// <summary>Field size in bits: 16, 32 or 64.</summary>
    public int Bits { get; }

    /// <summary>Number of syndromes: the most differences a decode is guaranteed to find.</summary>
    public int Capacity => _syndromes.Length;

    /// <summary>Bytes of <see cref="Serialize()"/>: ceil(bits·capacity/8).</summary>
    public int SerializedSize => SerializedSizeOf(Bits, Capacity);

    /// <summary>Whether <paramref name="bits"/> is a field size this class implements.</summary>
    public static bool IsSupported(int bits) => bits is 16 or 32 or 64;

    public static int SerializedSizeOf(int bits, int capacity) => (bits * capacity + 7) / 8;

    /// <summary>An empty sketch (all syndromes zero), like minisketch_create(bits, 0, capacity).</summary>
    public static Minisketch Create(int bits, int capacity)
    {
        if (!IsSupported(bits)) throw new ArgumentOutOfRangeException(nameof(bits), bits, "field size must be 16, 32 or 64");
        if (capacity is < 1 or > MaxCapacity)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity must be 1..{MaxCapacity}");
        return new Minisketch(bits, capacity);
    }

    /// <summary>A sketch read from <paramref name="data"/>, whose length must be exactly
    /// <see cref="SerializedSizeOf"/>(bits, capacity).</summary>
    public static Minisketch Deserialize(int bits, int capacity, ReadOnlySpan<byte> data)
    {
        var sketch = Create(bits, capacity);
        sketch.Load(data);
        return sketch;
    }

    /// <summary>Toggles <paramref name="element"/> (its low <see cref="Bits"/> bits) in the sketched set: adding an
    /// element twice removes it. Zero is not an element (it changes nothing).</summary>
    public void Add(ulong element)
    {
        switch (Bits)
        {
            case 16: PinSketch<Field16>.AddToOddSyndromes(_syndromes, element & Field16.Mask); break;
            case 32: PinSketch<Field32>.AddToOddSyndromes(_syndromes, element & Field32.Mask); break;
            default: PinSketch<Field64>.AddToOddSyndromes(_syndromes, element); break;
        }
    }

    /// <summary>XORs <paramref name="other"/> into this sketch: this becomes the sketch of the symmetric difference.
    /// <paramref name="other"/> must have at least this capacity; its higher syndromes are ignored (libminisketch
    /// would shrink this sketch instead: take <see cref="Truncated"/> first for that). Returns the capacity.</summary>
    public int Merge(Minisketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Bits != Bits) throw new ArgumentException($"cannot merge a {other.Bits}-bit sketch into a {Bits}-bit one", nameof(other));
        int n = Math.Min(Capacity, other.Capacity);
        if (n < Capacity) throw new ArgumentException("merging a smaller sketch would shrink this one; use Truncated", nameof(other));
        for (int i = 0; i < n; i++) _syndromes[i] ^= other._syndromes[i];
        return n;
    }

    /// <summary>A copy holding only the first <paramref name="capacity"/> syndromes (a sketch of lower capacity of
    /// the same set).</summary>
    public Minisketch Truncated(int capacity)
    {
        if (capacity < 1 || capacity > Capacity) throw new ArgumentOutOfRangeException(nameof(capacity));
        var copy = new Minisketch(Bits, capacity) { _basis = _basis };
        Array.Copy(_syndromes, copy._syndromes, capacity);
        return copy;
    }

    public Minisketch Clone() => Truncated(Capacity);

    public byte[] Serialize()
    {
        var bytes = new byte[SerializedSize];
        Serialize(bytes);
        return bytes;
    }

    public void Serialize(Span<byte> destination)
    {
        if (destination.Length < SerializedSize) throw new ArgumentException("destination too small", nameof(destination));
        int width = Bits / 8;
        for (int i = 0; i < _syndromes.Length; i++)
        {
            var slot = destination.Slice(i * width, width);
            switch (width)
            {
                case 2: BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)_syndromes[i]); break;
                case 4: BinaryPrimitives.WriteUInt32LittleEndian(slot, (uint)_syndromes[i]); break;
                default: BinaryPrimitives.WriteUInt64LittleEndian(slot, _syndromes[i]); break;
            }
        }
    }

    private void Load(ReadOnlySpan<byte> data)
    {
        if (data.Length != SerializedSize)
            throw new ArgumentException($"a {Bits}-bit sketch of capacity {Capacity} is {SerializedSize} bytes, not {data.Length}", nameof(data));
        int width = Bits / 8;
        for (int i = 0; i < _syndromes.Length; i++)
        {
            var slot = data.Slice(i * width, width);
            _syndromes[i] = width switch
            {
                2 => BinaryPrimitives.ReadUInt16LittleEndian(slot),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(slot),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(slot),
            };
        }
    }

    /// <summary>Seeds the randomised root finding (minisketch_set_seed). ulong.MaxValue selects the fixed basis 1.
    /// Results do not depend on the seed; only the time an adversarial sketch takes does.</summary>
    public void SetSeed(ulong seed) => _basis = seed == ulong.MaxValue ? 1 : FromSeed(Bits, seed);

    /// <summary>minisketch_decode(sketch, maxElements): the sketched set if it has at most
    /// <paramref name="maxElements"/> elements and decodes; false otherwise. Beyond capacity the answer may be a wrong
    /// set, exactly as libminisketch's (see <see cref="ComputeCapacity"/> for a false-positive margin).</summary>
    public bool TryDecode(int maxElements, out ulong[] elements)
    {
        if (maxElements < 0) throw new ArgumentOutOfRangeException(nameof(maxElements));
        ulong[]? result = Bits switch
        {
            16 => PinSketch<Field16>.Decode(_syndromes, maxElements, _basis),
            32 => PinSketch<Field32>.Decode(_syndromes, maxElements, _basis),
            _ => PinSketch<Field64>.Decode(_syndromes, maxElements, _basis),
        };
        elements = result ?? Array.Empty<ulong>();
        return result is not null;
    }

    /// <summary><see cref="TryDecode(int, out ulong[])"/> with maxElements = <see cref="Capacity"/>.</summary>
    public bool TryDecode(out ulong[] elements) => TryDecode(Capacity, out elements);

    /// <summary>minisketch_compute_capacity: the capacity with which decoding up to <paramref name="maxElements"/>
    /// differences has a false-positive probability (a wrong set accepted) below 2^−fpBits.</summary>
    public static int ComputeCapacity(int bits, int maxElements, int fpBits) =>
        (int)FalsePositives.ComputeCapacity((uint)bits, (ulong)maxElements, (uint)fpBits);

    /// <summary>minisketch_compute_max_elements: the inverse of <see cref="ComputeCapacity"/>.</summary>
    public static int ComputeMaxElements(int bits, int capacity, int fpBits) =>
        (int)FalsePositives.ComputeMaxElements((uint)bits, (ulong)capacity, (uint)fpBits);

    private static ulong RandomSeed()
    {
        Span<byte> b = stackalloc byte[8];
        RandomNumberGenerator.Fill(b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>libminisketch's Field::FromSeed: SipHash-2-4 keyed ("IntField", seed) of a counter starting at
    /// bits·2^32, masked, the first nonzero value.</summary>
    internal static ulong FromSeed(int bits, ulong seed)
    {
        const ulong k0 = 0x496e744669656c64UL; // "IntField"
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        ulong count = (ulong)bits << 32;
        ulong ret;
        do
        {
            ret = SipHash64(k0, seed, count++) & mask;
        } while (ret == 0);
        return ret;
    }

    /// <summary>SipHash-2-4 of one 64-bit little-endian word.</summary>
    internal static ulong SipHash64(ulong k0, ulong k1, ulong data)
    {
        ulong v0 = 0x736f6d6570736575UL ^ k0;
        ulong v1 = 0x646f72616e646f6dUL ^ k1;
        ulong v2 = 0x6c7967656e657261UL ^ k0;
        ulong v3 = 0x7465646279746573UL ^ k1 ^ data;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= data;
        const ulong lengthWord = 8UL << 56;
        v3 ^= lengthWord;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= lengthWord;
        v2 ^= 0xFF;
        for (int i = 0; i < 4; i++) Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;

        static void Round(ref ulong a, ref ulong b, ref ulong c, ref ulong d)
        {
            a += b; b = ulong.RotateLeft(b, 13); b ^= a; a = ulong.RotateLeft(a, 32);
            c += d; d = ulong.RotateLeft(d, 16); d ^= c;
            a += d; d = ulong.RotateLeft(d, 21); d ^= a;
            c += b; b = ulong.RotateLeft(b, 17); b ^= c; c = ulong.RotateLeft(c, 32);
        }
    }
}
