using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Inventory;

/// <summary>Inventory waiting for the next trickle tick (btcd peer.queueHandler's invSendQueue, btcd peer/peer.go, peer/mruinvmap.go).
/// Block announcements never wait: the owner sends those at once. Each tick drains the whole queue into inv messages
/// of at most 1,000 entries, skipping what the peer learnt meanwhile, and records what it sends as known. The queue
/// is bounded: beyond <see cref="MaxQueued"/> the oldest entries are dropped (btcd's is unbounded).</summary>
public sealed class InventoryTrickle(KnownInventory known, int maxQueued = InventoryTrickle.DefaultMaxQueued)
{
    public const int MaxPerInv = 1000;
    public const int DefaultMaxQueued = 50_000;

    private readonly Queue<InvVector> _queue = new();

    public int MaxQueued { get; } = maxQueued;
    public int Count => _queue.Count;
    public long Dropped { get; private set; }

    /// <summary>Queues an entry unless the peer already knows it. False when it was not queued.</summary>
    public bool Enqueue(InvVector item)
    {
        if (known.Contains(item)) return false;
        if (_queue.Count == MaxQueued)
        {
            _queue.Dequeue();
            Dropped++;
        }
        _queue.Enqueue(item);
        return true;
    }

    /// <summary>Empties the queue into inv messages of at most 1,000 entries and marks their entries known.</summary>
    public IReadOnlyList<InvMessage> Drain() => Drain(int.MaxValue);

    /// <summary>Takes at most <paramref name="max"/> entries the peer does not know yet, oldest first, into inv
    /// messages of at most 1,000 entries and marks them known; the rest wait for the next round (Core's capped
    /// round, <see cref="CoreRelayTiming.RoundCap"/>). Entries the peer learnt meanwhile are dropped without
    /// counting against the cap.</summary>
    public IReadOnlyList<InvMessage> Drain(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (_queue.Count == 0 || max == 0) return [];
        var messages = new List<InvMessage>();
        var batch = new List<InvVector>(Math.Min(Math.Min(_queue.Count, max), MaxPerInv));
        int taken = 0;
        while (taken < max && _queue.TryDequeue(out var item))
        {
            if (known.Contains(item)) continue;
            known.Add(item);
            batch.Add(item);
            taken++;
            if (batch.Count == MaxPerInv)
            {
                messages.Add(new InvMessage([.. batch]));
                batch.Clear();
            }
        }
        if (batch.Count > 0) messages.Add(new InvMessage([.. batch]));
        return messages;
    }
}
