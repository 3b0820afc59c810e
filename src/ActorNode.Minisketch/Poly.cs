namespace ActorNode.Minisketch;

/// <summary>A polynomial over GF(2^bits) as a growable coefficient array, lowest degree first (index i = coefficient
/// of x^i). Like libminisketch's std::vector, a trailing zero is not removed unless an operation says so: the decode
/// steps below depend on the exact lengths.</summary>
internal sealed class Poly
{
    private ulong[] _c;

    public Poly(int capacity = 4) => _c = new ulong[Math.Max(capacity, 4)];

    public int Count { get; private set; }

    public ref ulong this[int i] => ref _c[i];

    public ulong Back => _c[Count - 1];

    public Span<ulong> Span => _c.AsSpan(0, Count);

    public void Clear() => Count = 0;

    public void PopBack() => Count--;

    public void Push(ulong v)
    {
        Resize(Count + 1);
        _c[Count - 1] = v;
    }

    /// <summary>Grows with zeros or shrinks.</summary>
    public void Resize(int n)
    {
        if (n > _c.Length) Array.Resize(ref _c, Math.Max(n, _c.Length * 2));
        if (n > Count) Array.Clear(_c, Count, n - Count);
        Count = n;
    }

    public void CopyFrom(Poly other)
    {
        if (_c.Length < other.Count) _c = new ulong[Math.Max(other.Count, _c.Length * 2)];
        Array.Copy(other._c, _c, other.Count);
        Count = other.Count;
    }

    public void StripZeros()
    {
        while (Count > 0 && _c[Count - 1] == 0) Count--;
    }

    public void SwapContents(Poly other)
    {
        (_c, other._c) = (other._c, _c);
        (Count, other.Count) = (other.Count, Count);
    }

    public void Reverse() => Span.Reverse();
}
