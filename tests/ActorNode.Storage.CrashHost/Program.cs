using ActorNode.Storage.Blocks;
using ActorNode.Storage.CrashHost;
using ActorNode.Wire.Primitives;

// dotnet ActorNode.Storage.CrashHost.dll <directory> [batched]
// Extends the synthetic chain from the store's tip, forever, until the test kills it with SIGKILL.
// Default: one block at a time (header, block, tip), and every fifth step three at once (one header batch, one
// StoreBlocks, tip); after each tip commit it prints "committed <height>".
// batched: as a sync does with a BlockWriteBuffer (BatchedPolicy): headers in batches of 100 ahead of the blocks,
// then each block accepted ("accepted <height>") and the tip moved in memory; when the policy says so, one flush
// writes the waiting blocks and the tip ("durable <height>").
var openClock = System.Diagnostics.Stopwatch.StartNew();
using var store = BlockStore.Open(args[0], SyntheticChain.Magic, new BlockStoreOptions { MaxFileSize = 256 * 1024 });
bool batched = args.Length > 1 && args[1] == "batched";
int height = 0;
Hash256 previous = Hash256.Zero;
if (store.Tip is { } tip)
{
    store.TryGetHeader(tip, out var top);
    height = top.Height + 1;
    previous = tip;
}
Console.WriteLine($"ready {height} (open took {openClock.ElapsedMilliseconds} ms)");
if (batched)
{
    RunBatched(store, height, previous);
    return;
}
for (int step = 0; ; step++)
{
    int count = step % 5 == 4 ? 3 : 1;
    var made = new List<(Hash256 Hash, BlockHeader Header, byte[] Raw)>();
    for (int i = 0; i < count; i++)
    {
        var block = SyntheticChain.Block(height + i, previous);
        made.Add(block);
        previous = block.Hash;
    }
    store.PutHeaders(made.Select((b, i) => new HeaderEntry(b.Hash, b.Header, height + i, 1)));
    if (count == 1)
        store.StoreBlock(made[0].Hash, made[0].Raw);
    else
        store.StoreBlocks(made.Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)));
    store.SetTip(previous);
    height += count;
    Console.WriteLine($"committed {height - 1}");
}

static void RunBatched(BlockStore store, int height, Hash256 previous)
{
    var buffer = new BlockWriteBuffer(store, SyntheticChain.BatchedPolicy);
    var queue = new Queue<(Hash256 Hash, byte[] Raw, int Height)>();
    for (; ; )
    {
        if (queue.Count == 0)
        {
            // The header batch first (a headers message), as the sync does; the blocks follow one by one.
            var made = new List<HeaderEntry>();
            for (int i = 0; i < 100; i++)
            {
                var block = SyntheticChain.Block(height + i, previous);
                made.Add(new HeaderEntry(block.Hash, block.Header, height + i, 1));
                queue.Enqueue((block.Hash, block.Raw, height + i));
                previous = block.Hash;
            }
            store.PutHeaders(made);
            height += made.Count;
        }
        var next = queue.Dequeue();
        buffer.Add(next.Hash, next.Raw);
        buffer.MoveTip(next.Hash);
        Console.WriteLine($"accepted {next.Height}");
        if (buffer.FlushIfDue() is not null)
            Console.WriteLine($"durable {next.Height}");
    }
}
