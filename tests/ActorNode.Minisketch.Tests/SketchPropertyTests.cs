using CsCheck;

namespace ActorNode.Minisketch.Tests;

/// <summary>The set properties PinSketch promises, on random sets in every field.</summary>
public class SketchPropertyTests
{
    private static ulong MaskOf(int bits) => bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;

    /// <summary>Distinct nonzero elements of the field.</summary>
    private static Gen<ulong[]> SetOf(int bits, int maxSize) =>
        Gen.ULong.Select(v => v & MaskOf(bits)).Where(v => v != 0).HashSet[0, maxSize].Select(s => s.ToArray());

    private static Minisketch SketchOf(int bits, int capacity, IEnumerable<ulong> elements)
    {
        var s = Minisketch.Create(bits, capacity);
        foreach (var e in elements) s.Add(e);
        return s;
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void Merge_is_the_sketch_of_the_symmetric_difference(int bits)
    {
        Gen.Select(SetOf(bits, 40), SetOf(bits, 40), Gen.Int[1, 48]).Sample((a, b, capacity) =>
        {
            var merged = SketchOf(bits, capacity, a);
            merged.Merge(SketchOf(bits, capacity, b));
            var diff = new HashSet<ulong>(a);
            diff.SymmetricExceptWith(b);
            Assert.Equal(SketchOf(bits, capacity, diff).Serialize(), merged.Serialize());
        }, iter: 200);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void Any_set_within_capacity_decodes_to_exactly_itself(int bits)
    {
        Gen.Int[1, 70].SelectMany(capacity => SetOf(bits, capacity).Select(set => (capacity, set))).Sample(t =>
        {
            var (capacity, set) = t;
            Assert.True(SketchOf(bits, capacity, set).TryDecode(out var decoded), $"capacity {capacity}, {set.Length} elements");
            Assert.Equal(set.Order(), decoded.Order());
        }, iter: 150);
    }

    [Fact]
    public void Two_sets_reconcile_through_merged_sketches_at_capacity()
    {
        // Alice and Bob share most of a set; Bob learns exactly what differs from Alice's sketch alone.
        Gen.Select(SetOf(32, 200), SetOf(32, 16), SetOf(32, 16)).Sample((common, onlyA, onlyB) =>
        {
            var a = common.Concat(onlyA).Distinct().ToArray();
            var b = common.Concat(onlyB).Distinct().ToArray();
            var expected = new HashSet<ulong>(a);
            expected.SymmetricExceptWith(b);
            var fromAlice = Minisketch.Deserialize(32, 32, SketchOf(32, 32, a).Serialize());
            var bob = SketchOf(32, 32, b);
            bob.Merge(fromAlice);
            Assert.True(bob.TryDecode(out var diff));
            Assert.Equal(expected.Order(), diff.Order());
        }, iter: 100);
    }

    [Fact]
    public void Adding_an_element_twice_removes_it()
    {
        Gen.Select(SetOf(32, 20), Gen.UInt.Where(v => v != 0)).Sample((set, extra) =>
        {
            var s = SketchOf(32, 24, set);
            var before = s.Serialize();
            s.Add(extra);
            s.Add(extra);
            Assert.Equal(before, s.Serialize());
        });
    }

    [Fact]
    public void Decode_with_a_lower_limit_refuses_a_larger_set()
    {
        SetOf(32, 30).Where(s => s.Length >= 2).Sample(set =>
        {
            var s = SketchOf(32, 32, set);
            Assert.False(s.TryDecode(set.Length - 1, out _));
            Assert.True(s.TryDecode(set.Length, out var all));
            Assert.Equal(set.Order(), all.Order());
        }, iter: 100);
    }

    [Fact]
    public void Truncated_sketch_is_the_sketch_of_lower_capacity()
    {
        Gen.Select(SetOf(32, 50), Gen.Int[1, 40]).Sample((set, low) =>
        {
            Assert.Equal(SketchOf(32, low, set).Serialize(), SketchOf(32, 40, set).Truncated(low).Serialize());
        });
    }

    [Fact]
    public void Random_bytes_never_crash_decode()
    {
        // Hostile sketches: any bytes deserialise and decode to an answer (often a failure), never an exception.
        Gen.Int[1, 64].SelectMany(c => Gen.Byte.Array[c * 4].Select(bytes => (c, bytes))).Sample(t =>
        {
            var s = Minisketch.Deserialize(32, t.c, t.bytes);
            if (s.TryDecode(out var elements))
            {
                Assert.True(elements.Length <= t.c);
                Assert.Equal(elements.Length, elements.Distinct().Count());
                Assert.DoesNotContain(0UL, elements);
            }
        }, iter: 300);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Minisketch.Create(31, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => Minisketch.Create(32, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Minisketch.Create(32, Minisketch.MaxCapacity + 1));
        Assert.Throws<ArgumentException>(() => Minisketch.Deserialize(32, 8, new byte[31]));
        Assert.Throws<ArgumentException>(() => Minisketch.Create(32, 8).Merge(Minisketch.Create(64, 8)));
        Assert.Throws<ArgumentException>(() => Minisketch.Create(32, 8).Merge(Minisketch.Create(32, 4)));
    }

    [Fact]
    public void Capacity_functions_keep_libminisketchs_invariants()
    {
        // libminisketch's TestComputeFunctions, for the three fields and fpbits 0..64.
        foreach (int bits in new[] { 16, 32, 64 })
        {
            for (int fp = 0; fp <= 64; fp++)
            {
                var maxElements = new int[257];
                for (int c = 0; c <= 256; c++)
                {
                    maxElements[c] = Minisketch.ComputeMaxElements(bits, c, fp);
                    Assert.True(maxElements[c] <= c);
                    Assert.True(maxElements[c] == 0 || c - maxElements[c] <= (fp + bits - 1) / bits);
                    if (c > 0) Assert.True(maxElements[c] == 0 || maxElements[c] > maxElements[c - 1]);
                }
                for (int m = 0; m <= 128; m++)
                {
                    int cap = Minisketch.ComputeCapacity(bits, m, fp);
                    Assert.True(cap >= m);
                    Assert.True(bits * cap >= fp);
                    Assert.True(cap - m <= (fp + bits - 1) / bits);
                    if (m > 0)
                    {
                        int prev = Minisketch.ComputeCapacity(bits, m - 1, fp);
                        Assert.True(cap == prev || cap == prev + 1);
                    }
                    Assert.True(maxElements[cap] == 0 || maxElements[cap] >= m);
                }
                for (int c = 0; c <= 128; c++)
                    Assert.True(maxElements[c] == 0 || Minisketch.ComputeCapacity(bits, maxElements[c], fp) == c);
            }
        }
    }

    [Fact]
    public void Log2_factorial_never_overestimates()
    {
        double exact = 0;
        for (uint x = 1; x <= 5000; x++)
        {
            exact += Math.Log2(x);
            Assert.True(FalsePositives.Log2Factorial(x) <= exact + 1e-9, $"x={x}");
            Assert.True(FalsePositives.Log2Factorial(x) >= 0.99 * exact - 2, $"x={x}"); // a close underestimate
        }
    }

    [Fact]
    public void Seeded_bases_are_nonzero_field_elements()
    {
        // A zero basis would make root finding return nothing (libminisketch: FromSeed skips zero).
        for (ulong seed = 0; seed < 1000; seed++)
        {
            Assert.NotEqual(0UL, Minisketch.FromSeed(32, seed));
            Assert.True(Minisketch.FromSeed(32, seed) <= uint.MaxValue);
            Assert.True(Minisketch.FromSeed(16, seed) <= ushort.MaxValue);
        }
    }

    [Fact]
    public void SipHash_of_one_word_matches_the_reference_vector()
    {
        // SipHash-2-4 paper vectors: key 00..0f, message 00..07 -> 62 24 93 9a 79 f5 f5 93.
        Assert.Equal(0x93f5f5799a932462UL, Minisketch.SipHash64(0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL, 0x0706050403020100UL));
    }
}
