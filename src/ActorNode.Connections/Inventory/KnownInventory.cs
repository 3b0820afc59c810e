using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Inventory;

/// <summary>The inventory a peer is known to have, so nothing is announced to it twice: a least-recently-added
/// set of at most <see cref="Capacity"/> entries (btcd peer.knownInventory, maxKnownInventory = 1000). Adding an
/// entry already present makes it the newest; looking one up does not.
/// <para>The index starts empty and grows with what is added: sized for the capacity up front, it cost about 66 KB
/// per peer before a single entry (a 1,000-entry hash table of 36-byte keys), 3.5 times all else an idle peer holds
/// (docs/benchmarks.md, "Peers at scale").</para></summary>
public sealed class KnownInventory(int capacity = KnownInventory.DefaultCapacity)
{
    public const int DefaultCapacity = 1000;

    private readonly Dictionary<InvVector, LinkedListNode<InvVector>> _index = [];
    private readonly LinkedList<InvVector> _order = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));
    public int Count => _index.Count;

    public bool Contains(InvVector item) => _index.ContainsKey(item);

    public void Add(InvVector item)
    {
        if (_index.TryGetValue(item, out var node))
        {
            _order.Remove(node);
            _order.AddLast(node);
            return;
        }
        if (_index.Count == Capacity)
        {
            var oldest = _order.First!;
            _order.RemoveFirst();
            _index.Remove(oldest.Value);
        }
        _index[item] = _order.AddLast(item);
    }
}
