using ActorNode.Wire.Primitives;

namespace ActorNode.Mempool;

/// <summary>A set of at most <c>capacity</c> hashes that forgets the oldest first: an exact stand-in for Core's
/// CRollingBloomFilter (no false positives, about 80 bytes an entry).</summary>
internal sealed class RecentSet(int capacity)
{
    private readonly HashSet<Hash256> _set = [];
    private readonly Queue<Hash256> _order = new();

    public int Count => _set.Count;

    public void Add(Hash256 hash)
    {
        if (capacity <= 0 || !_set.Add(hash)) return;
        _order.Enqueue(hash);
        while (_set.Count > capacity) _set.Remove(_order.Dequeue());
    }

    public bool Contains(Hash256 hash) => _set.Contains(hash);

    public void Clear()
    {
        _set.Clear();
        _order.Clear();
    }
}
