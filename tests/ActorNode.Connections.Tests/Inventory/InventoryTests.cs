using ActorNode.Connections.Inventory;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Tests.Inventory;

public class InventoryTests
{
    private static InvVector Tx(int n)
    {
        var bytes = new byte[32];
        BitConverter.GetBytes(n).CopyTo(bytes, 0);
        return new InvVector(InvType.WitnessTx, new Hash256(bytes));
    }

    [Fact]
    public void KnownInventory_AtCapacity_EvictsTheOldestAdded()
    {
        var known = new KnownInventory(capacity: 3);
        known.Add(Tx(1));
        known.Add(Tx(2));
        known.Add(Tx(3));
        known.Add(Tx(1)); // re-adding refreshes: 2 is now the oldest
        known.Add(Tx(4));
        Assert.False(known.Contains(Tx(2)));
        Assert.True(known.Contains(Tx(1)));
        Assert.True(known.Contains(Tx(3)));
        Assert.True(known.Contains(Tx(4)));
        Assert.Equal(3, known.Count);
    }

    [Fact]
    public void KnownInventory_DefaultsToBtcdsThousand()
    {
        var known = new KnownInventory();
        for (int i = 0; i < 1001; i++) known.Add(Tx(i));
        Assert.Equal(1000, known.Count);
        Assert.False(known.Contains(Tx(0)));
        Assert.True(known.Contains(Tx(1000)));
    }

    [Fact]
    public void KnownInventory_New_AllocatesNoTableForItsCapacity()
    {
        // Every peer has one, most stay nearly empty: sized for 1,000 up front it cost ~66 KB per idle peer.
        new KnownInventory().Add(Tx(0)); // JIT and statics first
        long before = GC.GetAllocatedBytesForCurrentThread();
        var known = new KnownInventory();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 1, 1024);
        GC.KeepAlive(known);
    }

    [Fact]
    public void Trickle_DrainsIntoInvsOfAtMostAThousandAndMarksThemKnown()
    {
        var known = new KnownInventory(5000);
        var trickle = new InventoryTrickle(known);
        for (int i = 0; i < 2500; i++) Assert.True(trickle.Enqueue(Tx(i)));

        var invs = trickle.Drain();
        Assert.Equal([1000, 1000, 500], invs.Select(m => m.Inventory.Length));
        Assert.Equal(0, trickle.Count);
        Assert.True(known.Contains(Tx(2499)));
        Assert.False(trickle.Enqueue(Tx(7))); // known now: never announced twice
        Assert.Empty(trickle.Drain());
    }

    [Fact]
    public void Trickle_SkipsEntriesLearntWhileQueued()
    {
        var known = new KnownInventory();
        var trickle = new InventoryTrickle(known);
        trickle.Enqueue(Tx(1));
        trickle.Enqueue(Tx(2));
        known.Add(Tx(1)); // the peer announced it to us meanwhile
        var inv = Assert.Single(trickle.Drain());
        Assert.Equal([Tx(2)], inv.Inventory);
    }

    [Fact]
    public void Trickle_IsBoundedAndDropsTheOldest()
    {
        var trickle = new InventoryTrickle(new KnownInventory(), maxQueued: 3);
        for (int i = 0; i < 5; i++) trickle.Enqueue(Tx(i));
        Assert.Equal(3, trickle.Count);
        Assert.Equal(2, trickle.Dropped);
        Assert.Equal([Tx(2), Tx(3), Tx(4)], Assert.Single(trickle.Drain()).Inventory);
    }
}
