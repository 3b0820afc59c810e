namespace ActorNode.Minisketch;

/// <summary>PinSketch over a binary field: syndromes, Berlekamp–Massey and root finding, step for step as
/// libminisketch's sketch_impl.h does them (so that decodes beyond capacity fail, or give the same wrong set, exactly
/// where libminisketch's do).</summary>
internal static class PinSketch<TField> where TField : IBinaryField
{
    /// <summary>Adds element <paramref name="data"/> to the odd power sums s1, s3, s5, …</summary>
    public static void AddToOddSyndromes(Span<ulong> odd, ulong data)
    {
        ulong sqr = TField.Sqr(data);
        for (int i = 0; i < odd.Length; i++)
        {
            odd[i] ^= data;
            data = TField.Mul(data, sqr);
        }
    }

    /// <summary>s1..s(2c) from the odd ones: s(2k) = s(k)².</summary>
    public static ulong[] ReconstructAllSyndromes(ReadOnlySpan<ulong> odd)
    {
        var all = new ulong[odd.Length * 2];
        for (int i = 0; i < odd.Length; i++)
        {
            all[i * 2] = odd[i];
            all[i * 2 + 1] = TField.Sqr(all[i]);
        }
        return all;
    }

    /// <summary>val mod mod (monic), into val; then drops val's trailing zeros. Leaves val untouched (zeros too) when
    /// it is already shorter than mod.</summary>
    public static void PolyMod(Poly mod, Poly val)
    {
        int modSize = mod.Count;
        if (val.Count < modSize) return;
        while (val.Count >= modSize)
        {
            ulong term = val.Back;
            val.PopBack();
            if (term != 0)
            {
                int baseIndex = val.Count - modSize + 1;
                for (int x = 0; x < modSize - 1; x++) val[baseIndex + x] ^= TField.Mul(term, mod[x]);
            }
        }
        val.StripZeros();
    }

    /// <summary>Quotient of val by mod (monic) into div, remainder left in val (not stripped).</summary>
    public static void DivMod(Poly mod, Poly val, Poly div)
    {
        int modSize = mod.Count;
        if (val.Count < modSize)
        {
            div.Clear();
            return;
        }
        div.Resize(val.Count - modSize + 1);
        while (val.Count >= modSize)
        {
            ulong term = val.Back;
            div[val.Count - modSize] = term;
            val.PopBack();
            if (term != 0)
            {
                int baseIndex = val.Count - modSize + 1;
                for (int x = 0; x < modSize - 1; x++) val[baseIndex + x] ^= TField.Mul(term, mod[x]);
            }
        }
    }

    public static void MakeMonic(Poly a)
    {
        ulong top = a.Back;
        if (top == 1) return;
        ulong inv = Gf2.Inv<TField>(top);
        a[a.Count - 1] = 1;
        for (int i = 0; i < a.Count - 1; i++) a[i] = TField.Mul(a[i], inv);
    }

    /// <summary>gcd(a, b) into a; b is scratch.</summary>
    public static void Gcd(Poly a, Poly b)
    {
        if (a.Count < b.Count) a.SwapContents(b);
        while (b.Count > 0)
        {
            if (b.Count == 1)
            {
                a.Resize(1);
                a[0] = 1;
                return;
            }
            MakeMonic(b);
            PolyMod(b, a);
            a.SwapContents(b);
        }
    }

    /// <summary>Squares a polynomial (coefficient-wise Frobenius: odd coefficients become zero).</summary>
    public static void Sqr(Poly p)
    {
        if (p.Count == 0) return;
        p.Resize(p.Count * 2 - 1);
        for (int x = p.Count - 1; x >= 0; x--) p[x] = (x & 1) != 0 ? 0 : TField.Sqr(p[x / 2]);
    }

    /// <summary>Trace(param·x) mod mod: param·x + (param·x)² + … + (param·x)^(2^(bits−1)), reduced.</summary>
    public static void TraceMod(Poly mod, Poly output, ulong param)
    {
        output.Resize(2);
        output[0] = 0;
        output[1] = param;
        for (int i = 0; i < TField.Bits - 1; i++)
        {
            Sqr(output);
            if (output.Count < 2) output.Resize(2);
            output[1] = param;
            PolyMod(mod, output);
        }
    }

    /// <summary>Berlekamp trace algorithm on stack[pos] (monic, assumed square-free), with libminisketch's early test
    /// for factors of degree &gt; 1. Appends roots; false when the polynomial does not split into distinct linear
    /// factors. Entries above pos are scratch.</summary>
    public static bool RecFindRoots(List<Poly> stack, int pos, List<ulong> roots, bool fullyFactorizable, int depth,
        ulong randv)
    {
        Poly ppoly = stack[pos];
        if (ppoly.Count == 2)
        {
            roots.Add(ppoly[0]);
            return true;
        }
        if (ppoly.Count == 3)
        {
            if (ppoly[1] == 0) return false; // x² + a: a double root, not square-free
            ulong input = TField.Mul(ppoly[0], TField.Sqr(Gf2.Inv<TField>(ppoly[1])));
            ulong root = TField.Qrt(input);
            if ((TField.Sqr(root) ^ root) != input) return false; // irreducible quadratic
            ulong sol = TField.Mul(root, ppoly[1]);
            roots.Add(sol);
            roots.Add(sol ^ ppoly[1]);
            return true;
        }
        while (stack.Count < pos + 3) stack.Add(new Poly());
        Poly poly = stack[pos];
        Poly tmp = stack[pos + 1];
        Poly trace = stack[pos + 2];
        trace.Clear();
        tmp.Clear();
        for (int iter = 0; ; iter++)
        {
            TraceMod(poly, trace, randv);

            if (iter >= 1 && !fullyFactorizable)
            {
                // trace + trace² ≡ randv·(x + x^(2^bits)) mod poly, which is 0 exactly when poly divides
                // x^(2^bits) + x, i.e. splits into distinct linear factors.
                tmp.CopyFrom(trace);
                Sqr(tmp);
                for (int i = 0; i < trace.Count; i++) tmp[i] ^= trace[i];
                tmp.StripZeros();
                PolyMod(poly, tmp);
                if (tmp.Count != 0) return false;
                fullyFactorizable = true;
            }

            if (fullyFactorizable)
            {
                // After depth independent splits a factor holds at most 2^(bits−depth) roots.
                int shift = TField.Bits - depth;
                if (!(shift >= 64 || ((ulong)(poly.Count - 2) >> shift) == 0)) return false;
            }

            depth++;
            randv = TField.Mul2(randv);
            tmp.CopyFrom(poly);
            Gcd(trace, tmp);
            if (trace.Count != poly.Count && trace.Count > 1) break;
        }
        MakeMonic(trace);
        DivMod(trace, poly, tmp);
        // stack: [... poly tmp trace]; put the factor trace in poly's slot, then split tmp and trace.
        poly.SwapContents(trace);
        if (!RecFindRoots(stack, pos + 1, roots, fullyFactorizable, depth, randv)) return false;
        return RecFindRoots(stack, pos, roots, true, depth, randv);
    }

    /// <summary>The roots of a square-free polynomial, or empty when it does not have as many distinct roots as its
    /// degree.</summary>
    public static List<ulong> FindRoots(Poly poly, ulong basis)
    {
        var roots = new List<ulong>();
        if (poly.Count == 0 || basis == 0) return roots;
        if (poly.Count == 1) return roots;
        var first = new Poly(poly.Count);
        first.CopyFrom(poly);
        var stack = new List<Poly> { first };
        if (!RecFindRoots(stack, 0, roots, false, 0, basis)) return new List<ulong>();
        if (poly.Count - 1 != roots.Count) return new List<ulong>();
        return roots;
    }

    /// <summary>The shortest LFSR (connection polynomial, constant term 1) generating the syndromes, or an empty
    /// polynomial when its degree would exceed <paramref name="maxDegree"/> (or it ends in a zero).</summary>
    public static Poly BerlekampMassey(ulong[] syndromes, int maxDegree)
    {
        var current = new Poly(syndromes.Length / 2 + 1);
        var prev = new Poly(syndromes.Length / 2 + 1);
        var tmp = new Poly(syndromes.Length / 2 + 1);
        current.Push(1);
        prev.Push(1);
        ulong b = 1, bInv = 1;
        bool bHaveInv = true;

        for (int n = 0; n < syndromes.Length; n++)
        {
            ulong discrepancy = syndromes[n];
            for (int i = 1; i < current.Count; i++) discrepancy ^= TField.Mul(syndromes[n - i], current[i]);
            if (discrepancy == 0) continue;

            int x = n + 1 - (current.Count - 1) - (prev.Count - 1);
            if (!bHaveInv)
            {
                bInv = Gf2.Inv<TField>(b);
                bHaveInv = true;
            }
            bool swap = 2 * (current.Count - 1) <= n;
            if (swap)
            {
                if (prev.Count + x - 1 > maxDegree) return new Poly(); // would exceed the maximum degree
                tmp.CopyFrom(current);
                current.Resize(prev.Count + x);
            }
            ulong mul = TField.Mul(discrepancy, bInv);
            for (int i = 0; i < prev.Count; i++) current[i + x] ^= TField.Mul(mul, prev[i]);
            if (swap)
            {
                prev.SwapContents(tmp);
                b = discrepancy;
                bHaveInv = false;
            }
        }
        if (current.Count == 0 || current.Back == 0) return new Poly();
        return current;
    }

    /// <summary>libminisketch's Decode: null for failure (its −1), else the elements.</summary>
    public static ulong[]? Decode(ReadOnlySpan<ulong> oddSyndromes, int maxCount, ulong basis)
    {
        var all = ReconstructAllSyndromes(oddSyndromes);
        var poly = BerlekampMassey(all, maxCount);
        if (poly.Count == 0) return null;
        if (poly.Count == 1) return Array.Empty<ulong>();
        if (poly.Count > 1 + maxCount) return null;
        poly.Reverse();
        var roots = FindRoots(poly, basis);
        if (roots.Count == 0) return null;
        return roots.ToArray();
    }
}
