using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorNode.Wire.Primitives;

/// <summary>Block hashes (double-SHA-256 of the 80 serialised bytes) of many headers at once: a multi-buffer SHA-256
/// that runs 16 headers side by side in the lanes of a <see cref="Vector512{T}"/> (AVX-512) or 8 in a
/// <see cref="Vector256{T}"/>, falling back to <see cref="BlockHeader.GetHash"/> (OpenSSL, one header at a time)
/// when neither is hardware-accelerated or the batch is too small to fill a vector usefully.
/// <para>Why: .NET has no x86 SHA intrinsics, and the one-shot OpenSSL call costs more in per-call overhead than in
/// hashing for 80 + 32 bytes. A <c>headers</c> message carries up to 2,000 headers, all hashed before any is
/// checked. The same idea as Bitcoin Core's crypto/sha256_avx2.cpp and sha256_x86_shani.cpp (Transform_8way,
/// TransformD64), specialised for 80-byte inputs: of the three compressions per header (two for the 80 bytes, one
/// for the 32-byte first digest) the second and third end in a constant padding, so K[t] + W[t] of their constant
/// words (rounds 4–15 and 8–15) is precomputed. Tried and dropped: unrolling the rounds by 8 over a 64-word schedule
/// kept in memory (2.2 times slower than this 16-word ring on AVX-512).</para></summary>
public static class HeaderHasher
{
    /// <summary>Below this many headers the scalar path is used (a vector pass costs as much as a few scalar
    /// hashes).</summary>
    internal const int MinVectorBatch = 3;

    /// <summary>Writes the block hash of <c>headers[i]</c> to <c>hashes[i]</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="hashes"/> is shorter than the header list.</exception>
    public static void Hash(IReadOnlyList<BlockHeader> headers, Span<Hash256> hashes)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers is BlockHeader[] array) Hash(array.AsSpan(), hashes);
        else if (headers is List<BlockHeader> list) Hash(CollectionsMarshal.AsSpan(list), hashes);
        else Hash(new HeaderList(headers), hashes, DefaultLanes);
    }

    /// <summary>Writes the block hash of <c>headers[i]</c> to <c>hashes[i]</c>.</summary>
    public static void Hash(ReadOnlySpan<BlockHeader> headers, Span<Hash256> hashes) =>
        Hash(new HeaderSpan(headers), hashes, DefaultLanes);

    /// <summary>The block hashes of consecutive serialised 80-byte headers (<paramref name="serialized"/> holds
    /// <c>hashes.Length</c> of them, or more).</summary>
    public static void HashSerialized(ReadOnlySpan<byte> serialized, Span<Hash256> hashes)
    {
        if (serialized.Length / BlockHeader.Size < hashes.Length)
            throw new ArgumentException("fewer serialised headers than hashes", nameof(serialized));
        Hash(new RawSpan(serialized), hashes, DefaultLanes);
    }

    /// <summary>The widest vector this machine accelerates: 16, 8, or 1 (scalar).</summary>
    internal static int DefaultLanes { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? 16 : Vector256.IsHardwareAccelerated ? 8 : 1;

    /// <summary>The same hashes with the lane count forced (for tests: every path on the machine that runs them).
    /// </summary>
    internal static void Hash(ReadOnlySpan<BlockHeader> headers, Span<Hash256> hashes, int lanes) =>
        Hash(new HeaderSpan(headers), hashes, lanes);

    internal static void HashSerialized(ReadOnlySpan<byte> serialized, Span<Hash256> hashes, int lanes) =>
        Hash(new RawSpan(serialized), hashes, lanes);

    private static void Hash<TSource>(TSource source, Span<Hash256> hashes, int lanes)
        where TSource : struct, IHeaderSource, allows ref struct
    {
        int count = source.Count;
        if (hashes.Length < count) throw new ArgumentException("fewer hashes than headers", nameof(hashes));
        if (lanes > 1 && count >= MinVectorBatch)
        {
            if (lanes == 16 && Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                HashVector<TSource, Lanes512, Vector512<uint>>(source, hashes[..count]);
                return;
            }
            if (lanes >= 8 && Vector256.IsHardwareAccelerated)
            {
                HashVector<TSource, Lanes256, Vector256<uint>>(source, hashes[..count]);
                return;
            }
        }
        Span<byte> bytes = stackalloc byte[BlockHeader.Size];
        for (int i = 0; i < count; i++)
        {
            source.Write(i, bytes);
            hashes[i] = Hash256.DoubleSha256(bytes);
        }
    }

    // ---- the vector path ----

    private static void HashVector<TSource, TOps, TV>(TSource source, Span<Hash256> hashes)
        where TSource : struct, IHeaderSource, allows ref struct
        where TOps : struct, ILanes<TV>
        where TV : struct
    {
        int lanes = TOps.Count;
        // The message words of a group, transposed: word j of lane i at [j * lanes + i].
        Span<uint> words = stackalloc uint[20 * 16];
        Span<uint> digest = stackalloc uint[8 * 16];
        Span<byte> bytes = stackalloc byte[BlockHeader.Size];
        int count = hashes.Length;
        for (int start = 0; start < count; start += lanes)
        {
            int n = Math.Min(lanes, count - start);
            for (int lane = 0; lane < lanes; lane++)
            {
                // Lanes past the end hash the group's last header again; their results are dropped.
                source.Write(start + Math.Min(lane, n - 1), bytes);
                for (int j = 0; j < 20; j++)
                    words[j * lanes + lane] = BinaryPrimitives.ReadUInt32BigEndian(bytes[(j * 4)..]);
            }
            DoubleSha256Header<TOps, TV>(words, digest);
            for (int lane = 0; lane < n; lane++)
            {
                hashes[start + lane] = new Hash256(
                    Swap(digest[lane], digest[lanes + lane]),
                    Swap(digest[2 * lanes + lane], digest[3 * lanes + lane]),
                    Swap(digest[4 * lanes + lane], digest[5 * lanes + lane]),
                    Swap(digest[6 * lanes + lane], digest[7 * lanes + lane]));
            }
        }

        // Two big-endian digest words as the little-endian 64-bit limb Hash256 stores.
        static ulong Swap(uint first, uint second) =>
            BinaryPrimitives.ReverseEndianness(first) | (ulong)BinaryPrimitives.ReverseEndianness(second) << 32;
    }

    /// <summary>SHA-256(SHA-256(80 bytes)) of every lane: <paramref name="words"/> holds the 20 big-endian message
    /// words transposed, <paramref name="digest"/> receives the 8 digest words transposed.</summary>
    private static void DoubleSha256Header<TOps, TV>(ReadOnlySpan<uint> words, Span<uint> digest)
        where TOps : struct, ILanes<TV>
        where TV : struct
    {
        int lanes = TOps.Count;
        Schedule<TV> w = default;
        ref uint wordRef = ref MemoryMarshal.GetReference(words);

        // Block 1: the first 64 bytes, from the initial state.
        for (int j = 0; j < 16; j++) w[j] = TOps.Load(ref Unsafe.Add(ref wordRef, j * lanes));
        var state = State<TV>.Initial<TOps>();
        var mid = state;
        Compress<TOps, TV>(ref mid, ref w);
        mid = State<TV>.Sum<TOps>(mid, state);

        // Block 2: the last 16 bytes, then the padding (0x80, zeros, length 640 bits).
        for (int j = 0; j < 4; j++) w[j] = TOps.Load(ref Unsafe.Add(ref wordRef, (16 + j) * lanes));
        var first = mid;
        CompressBlock2<TOps, TV>(ref first, ref w);
        first = State<TV>.Sum<TOps>(first, mid);

        // Block 3: the 32-byte first digest, then the padding (0x80, zeros, length 256 bits).
        w[0] = first.A; w[1] = first.B; w[2] = first.C; w[3] = first.D;
        w[4] = first.E; w[5] = first.F; w[6] = first.G; w[7] = first.H;
        var second = State<TV>.Initial<TOps>();
        CompressBlock3<TOps, TV>(ref second, ref w);
        second = State<TV>.Sum<TOps>(second, State<TV>.Initial<TOps>());

        ref uint outRef = ref MemoryMarshal.GetReference(digest);
        TOps.Store(second.A, ref Unsafe.Add(ref outRef, 0 * lanes));
        TOps.Store(second.B, ref Unsafe.Add(ref outRef, 1 * lanes));
        TOps.Store(second.C, ref Unsafe.Add(ref outRef, 2 * lanes));
        TOps.Store(second.D, ref Unsafe.Add(ref outRef, 3 * lanes));
        TOps.Store(second.E, ref Unsafe.Add(ref outRef, 4 * lanes));
        TOps.Store(second.F, ref Unsafe.Add(ref outRef, 5 * lanes));
        TOps.Store(second.G, ref Unsafe.Add(ref outRef, 6 * lanes));
        TOps.Store(second.H, ref Unsafe.Add(ref outRef, 7 * lanes));
    }

    /// <summary>The SHA-256 compression of one block whose 16 message words are all variable (FIPS 180-4 §6.2.2).
    /// <paramref name="state"/> is updated without the final feed-forward addition.</summary>
    private static void Compress<TOps, TV>(ref State<TV> state, ref Schedule<TV> w)
        where TOps : struct, ILanes<TV>
        where TV : struct
    {
        TV a = state.A, b = state.B, c = state.C, d = state.D, e = state.E, f = state.F, g = state.G, h = state.H;
        for (int t = 0; t < 16; t++)
            Round<TOps, TV>(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, TOps.Add(TOps.Broadcast(K[t]), w[t]));
        for (int t = 16; t < 64; t++)
        {
            var wt = NextWord<TOps, TV>(ref w, t);
            Round<TOps, TV>(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, TOps.Add(TOps.Broadcast(K[t]), wt));
        }
        state = new State<TV>(a, b, c, d, e, f, g, h);
    }

    /// <summary>The second block of an 80-byte message: words 0–3 variable, word 4 = 0x80000000, words 5–14 zero,
    /// word 15 = 640 (the length in bits). Rounds 4–15 add constants only.</summary>
    private static void CompressBlock2<TOps, TV>(ref State<TV> state, ref Schedule<TV> w)
        where TOps : struct, ILanes<TV>
        where TV : struct
    {
        TV a = state.A, b = state.B, c = state.C, d = state.D, e = state.E, f = state.F, g = state.G, h = state.H;
        for (int t = 0; t < 4; t++)
            Round<TOps, TV>(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, TOps.Add(TOps.Broadcast(K[t]), w[t]));
        for (int t = 4; t < 16; t++)
            Round<TOps, TV>(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, TOps.Broadcast(Block2KW[t - 4]));
        // The constant words into the rolling schedule, then the schedule as usual.
        w[4] = TOps.Broadcast(0x80000000);
        for (int t = 5; t < 15; t++) w[t] = default;
        w[15] = TOps.Broadcast(640);
        for (int t = 16; t < 64; t++)
        {
            var wt = NextWord<TOps, TV>(ref w, t);
            Round<TOps, TV>(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, TOps.Add(TOps.Broadcast(K[t]), wt));
        }
        state = new State<TV>(a, b, c, d, e, f, g, h);
    }

    /// <summary>The block of a 32-byte message: words 0–7 variable, word 8 = 0x80000000, words 9–14 zero, word 15 =
    /// 256. Rounds 8–15 add constants only.</summary>
    private static void CompressBlock3<TOps, TV>(ref State<TV> state, ref Schedule<TV> w)
        where TOps : struct, ILanes<TV>
        where TV : struct
    {
        TV a = state.A, b = state.B, c = state.C, d = state.D, e = state.E, f = state.F, g = state.G, h = state.H;
        for (int t = 0; t < 8; t++)
            Round<TOps, TV>(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, TOps.Add(TOps.Broadcast(K[t]), w[t]));
        for (int t = 8; t < 16; t++)
            Round<TOps, TV>(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, TOps.Broadcast(Block3KW[t - 8]));
        w[8] = TOps.Broadcast(0x80000000);
        for (int t = 9; t < 15; t++) w[t] = default;
        w[15] = TOps.Broadcast(256);
        for (int t = 16; t < 64; t++)
        {
            var wt = NextWord<TOps, TV>(ref w, t);
            Round<TOps, TV>(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, TOps.Add(TOps.Broadcast(K[t]), wt));
        }
        state = new State<TV>(a, b, c, d, e, f, g, h);
    }

    /// <summary>W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], kept in a ring of 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV NextWord<TOps, TV>(ref Schedule<TV> w, int t)
        where TOps : struct, ILanes<TV>
        where TV : struct
    {
        var wt = TOps.Add(
            TOps.Add(TOps.SmallSigma1(w[(t - 2) & 15]), w[(t - 7) & 15]),
            TOps.Add(TOps.SmallSigma0(w[(t - 15) & 15]), w[t & 15]));
        w[t & 15] = wt;
        return wt;
    }

    /// <summary>One round with K[t] + W[t] given; the eight working variables shift by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round<TOps, TV>(ref TV a, ref TV b, ref TV c, ref TV d, ref TV e, ref TV f, ref TV g,
        ref TV h, TV kw)
        where TOps : struct, ILanes<TV>
        where TV : struct
    {
        var t1 = TOps.Add(TOps.Add(h, TOps.BigSigma1(e)), TOps.Add(TOps.Choose(e, f, g), kw));
        var t2 = TOps.Add(TOps.BigSigma0(a), TOps.Majority(a, b, c));
        h = g;
        g = f;
        f = e;
        e = TOps.Add(d, t1);
        d = c;
        c = b;
        b = a;
        a = TOps.Add(t1, t2);
    }

    /// <summary>The SHA-256 round constants (FIPS 180-4 §4.2.2).</summary>
    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>K[t] + W[t] for rounds 4–15 of the second block of an 80-byte message (W4 = 0x80000000, W5–W14 = 0,
    /// W15 = 640).</summary>
    private static readonly uint[] Block2KW = BuildKW(4, 0x80000000, 640);

    /// <summary>K[t] + W[t] for rounds 8–15 of the block of a 32-byte message (W8 = 0x80000000, W9–W14 = 0, W15 =
    /// 256).</summary>
    private static readonly uint[] Block3KW = BuildKW(8, 0x80000000, 256);

    private static uint[] BuildKW(int firstConstant, uint paddingWord, uint lengthBits)
    {
        var kw = new uint[16 - firstConstant];
        for (int t = firstConstant; t < 16; t++)
        {
            uint word = t == firstConstant ? paddingWord : t == 15 ? lengthBits : 0;
            kw[t - firstConstant] = K[t] + word;
        }
        return kw;
    }

    /// <summary>The SHA-256 initial hash value (FIPS 180-4 §5.3.3).</summary>
    private static ReadOnlySpan<uint> InitialHash =>
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    // ---- vector operations, one implementation per width ----

    /// <summary>The operations the rounds need, over a vector of 32-bit lanes.</summary>
    private interface ILanes<TV> where TV : struct
    {
        static abstract int Count { get; }
        static abstract TV Broadcast(uint value);
        static abstract TV Load(ref uint source);
        static abstract void Store(TV value, ref uint destination);
        static abstract TV Add(TV x, TV y);
        static abstract TV BigSigma0(TV x);
        static abstract TV BigSigma1(TV x);
        static abstract TV SmallSigma0(TV x);
        static abstract TV SmallSigma1(TV x);
        static abstract TV Choose(TV e, TV f, TV g);
        static abstract TV Majority(TV a, TV b, TV c);
    }

    /// <summary>16 lanes with AVX-512F: native rotates (vprord) and three-input logic (vpternlogd).</summary>
    private struct Lanes512 : ILanes<Vector512<uint>>
    {
        public static int Count => 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<uint> Broadcast(uint value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<uint> Load(ref uint source) => Vector512.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<uint> value, ref uint destination) => value.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<uint> Add(Vector512<uint> x, Vector512<uint> y) => x + y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<uint> BigSigma0(Vector512<uint> x) =>
            Xor3(Avx512F.RotateRight(x, 2), Avx512F.RotateRight(x, 13), Avx512F.RotateRight(x, 22));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<uint> BigSigma1(Vector512<uint> x) =>
            Xor3(Avx512F.RotateRight(x, 6), Avx512F.RotateRight(x, 11), Avx512F.RotateRight(x, 25));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<uint> SmallSigma0(Vector512<uint> x) =>
            Xor3(Avx512F.RotateRight(x, 7), Avx512F.RotateRight(x, 18), Vector512.ShiftRightLogical(x, 3));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<uint> SmallSigma1(Vector512<uint> x) =>
            Xor3(Avx512F.RotateRight(x, 17), Avx512F.RotateRight(x, 19), Vector512.ShiftRightLogical(x, 10));

        // vpternlogd truth tables: bit (a<<2 | b<<1 | c) of the immediate is f(a, b, c).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<uint> Xor3(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z) =>
            Avx512F.TernaryLogic(x, y, z, 0x96);

        /// <summary>(e AND f) XOR (NOT e AND g).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<uint> Choose(Vector512<uint> e, Vector512<uint> f, Vector512<uint> g) =>
            Avx512F.TernaryLogic(e, f, g, 0xCA);

        /// <summary>(a AND b) XOR (a AND c) XOR (b AND c).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<uint> Majority(Vector512<uint> a, Vector512<uint> b, Vector512<uint> c) =>
            Avx512F.TernaryLogic(a, b, c, 0xE8);
    }

    /// <summary>8 lanes with whatever Vector256 offers (AVX2: rotates as two shifts and an OR).</summary>
    private struct Lanes256 : ILanes<Vector256<uint>>
    {
        public static int Count => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<uint> Broadcast(uint value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<uint> Load(ref uint source) => Vector256.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<uint> value, ref uint destination) => value.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<uint> Add(Vector256<uint> x, Vector256<uint> y) => x + y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<uint> Rotr(Vector256<uint> x, byte n) =>
            Vector256.ShiftRightLogical(x, n) | Vector256.ShiftLeft(x, 32 - n);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<uint> BigSigma0(Vector256<uint> x) => Rotr(x, 2) ^ Rotr(x, 13) ^ Rotr(x, 22);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<uint> BigSigma1(Vector256<uint> x) => Rotr(x, 6) ^ Rotr(x, 11) ^ Rotr(x, 25);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<uint> SmallSigma0(Vector256<uint> x) =>
            Rotr(x, 7) ^ Rotr(x, 18) ^ Vector256.ShiftRightLogical(x, 3);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<uint> SmallSigma1(Vector256<uint> x) =>
            Rotr(x, 17) ^ Rotr(x, 19) ^ Vector256.ShiftRightLogical(x, 10);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<uint> Choose(Vector256<uint> e, Vector256<uint> f, Vector256<uint> g) =>
            g ^ (e & (f ^ g));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<uint> Majority(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c) =>
            (a & b) | (c & (a | b));
    }

    /// <summary>The eight working variables.</summary>
    private readonly struct State<TV>(TV a, TV b, TV c, TV d, TV e, TV f, TV g, TV h) where TV : struct
    {
        public readonly TV A = a, B = b, C = c, D = d, E = e, F = f, G = g, H = h;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static State<TV> Initial<TOps>() where TOps : struct, ILanes<TV> => new(
            TOps.Broadcast(InitialHash[0]), TOps.Broadcast(InitialHash[1]), TOps.Broadcast(InitialHash[2]),
            TOps.Broadcast(InitialHash[3]), TOps.Broadcast(InitialHash[4]), TOps.Broadcast(InitialHash[5]),
            TOps.Broadcast(InitialHash[6]), TOps.Broadcast(InitialHash[7]));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static State<TV> Sum<TOps>(in State<TV> x, in State<TV> y) where TOps : struct, ILanes<TV> => new(
            TOps.Add(x.A, y.A), TOps.Add(x.B, y.B), TOps.Add(x.C, y.C), TOps.Add(x.D, y.D),
            TOps.Add(x.E, y.E), TOps.Add(x.F, y.F), TOps.Add(x.G, y.G), TOps.Add(x.H, y.H));
    }

    /// <summary>The 16-word ring of the message schedule.</summary>
    [InlineArray(16)]
    private struct Schedule<TV> where TV : struct
    {
        private TV _element;
    }

    // ---- where the 80 bytes of header i come from ----

    private interface IHeaderSource
    {
        int Count { get; }
        void Write(int index, scoped Span<byte> destination);
    }

    private readonly ref struct HeaderSpan(ReadOnlySpan<BlockHeader> headers) : IHeaderSource
    {
        private readonly ReadOnlySpan<BlockHeader> _headers = headers;
        public int Count => _headers.Length;
        public void Write(int index, scoped Span<byte> destination) => _headers[index].CopyTo(destination);
    }

    private readonly struct HeaderList(IReadOnlyList<BlockHeader> headers) : IHeaderSource
    {
        public int Count => headers.Count;
        public void Write(int index, scoped Span<byte> destination) => headers[index].CopyTo(destination);
    }

    private readonly ref struct RawSpan(ReadOnlySpan<byte> serialized) : IHeaderSource
    {
        private readonly ReadOnlySpan<byte> _bytes = serialized;
        public int Count => _bytes.Length / BlockHeader.Size;
        public void Write(int index, scoped Span<byte> destination) =>
            _bytes.Slice(index * BlockHeader.Size, BlockHeader.Size).CopyTo(destination);
    }
}
