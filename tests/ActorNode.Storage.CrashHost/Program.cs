using ActorNode.Storage.Blocks;
using ActorNode.Storage.CrashHost;
using ActorNode.Wire.Primitives;

// dotnet ActorNode.Storage.CrashHost.dll <directory>
// Extends the synthetic chain from the store's tip, forever: one block at a time (header, block, tip), and every
// fifth step three at once (one header batch, one StoreBlocks, tip). After each tip commit it prints
// "committed <height>"; the test kills it with SIGKILL at a random moment and checks the store.
var openClock = System.Diagnostics.Stopwatch.StartNew();
using var store = BlockStore.Open(args[0], SyntheticChain.Magic, new BlockStoreOptions { MaxFileSize = 256 * 1024 });
int height = 0;
Hash256 previous = Hash256.Zero;
if (store.Tip is { } tip)
{
    store.TryGetHeader(tip, out var top);
    height = top.Height + 1;
    previous = tip;
}
Console.WriteLine($"ready {height} (open took {openClock.ElapsedMilliseconds} ms)");
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
