using ActorNode.Storage.Blocks;
using ActorNode.Wire.Primitives;

namespace ActorNode.Storage.CrashHost;

/// <summary>A deterministic chain of fake blocks: block <c>h</c> is an 80-byte header whose merkle-root field is the
/// double-SHA-256 of the body that follows, and a body of pseudo-random bytes whose length (100 B to 60 KB) and
/// content depend on the height only. A reader can thus check any block it gets back without the writer's help.
/// The store looks at nothing but the header, so fake bodies test it as well as real ones.</summary>
public static class SyntheticChain
{
    public const uint Magic = 0xDAB5BFFA; // regtest's

    /// <summary>The flush policy of the child's batched mode: 50 blocks or 1 MiB (about 35 of these blocks, which
    /// average 30 KB) or 200 ms, whichever first. A kill may lose at most <see cref="BlockFlushPolicy.MaxBlocks"/>.</summary>
    public static BlockFlushPolicy BatchedPolicy { get; } = new()
    {
        MaxBlocks = 50,
        MaxBytes = 1024 * 1024,
        MaxInterval = TimeSpan.FromMilliseconds(200),
    };

    public static byte[] Body(int height)
    {
        var random = new Random(height);
        var body = new byte[random.Next(100, 60_000)];
        random.NextBytes(body);
        return body;
    }

    public static (Hash256 Hash, BlockHeader Header, byte[] Raw) Block(int height, Hash256 previous)
    {
        byte[] body = Body(height);
        var header = new BlockHeader(1, previous, Hash256.DoubleSha256(body), (uint)height, 0x207fffff, (uint)height);
        var raw = new byte[BlockHeader.Size + body.Length];
        header.CopyTo(raw);
        body.CopyTo(raw.AsSpan(BlockHeader.Size));
        return (header.GetHash(), header, raw);
    }
}
