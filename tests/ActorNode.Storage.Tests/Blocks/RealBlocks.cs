using ActorNode.Storage.Blocks;
using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;

namespace ActorNode.Storage.Tests.Blocks;

/// <summary>Real mainnet blocks from shared/data (README there): heights 1–255 (215–492 bytes each), 277,647
/// (149 KB), 540,107 (2.26 MB, mostly witness) and 574,200 (1.25 MB, witness).</summary>
internal static class RealBlocks
{
    public sealed record Item(Hash256 Hash, BlockHeader Header, int Height, byte[] Raw)
    {
        public HeaderEntry Entry(byte status = 1) => new(Hash, Header, Height, status);
    }

    private static readonly Lazy<IReadOnlyList<Item>> small = new(() =>
        TestData.ReadFramedBlocks(TestData.Blocks1To255).Select((raw, i) => Make(raw, i + 1)).ToList());

    private static readonly Lazy<IReadOnlyList<Item>> large = new(() =>
    [
        Make(TestData.ReadFramedBlocks(TestData.Block277647).Single(), 277_647),
        Make(TestData.ReadAllBytes(TestData.Block540107), 540_107),
        Make(TestData.ReadAllBytes(TestData.Block574200), 574_200),
    ]);

    /// <summary>Mainnet blocks 1 to 255, in height order.</summary>
    public static IReadOnlyList<Item> Small => small.Value;

    /// <summary>Blocks 277,647, 540,107 and 574,200.</summary>
    public static IReadOnlyList<Item> Large => large.Value;

    public static IEnumerable<Item> All => Small.Concat(Large);

    private static Item Make(byte[] raw, int height)
    {
        var header = BlockHeader.Parse(raw.AsSpan(0, BlockHeader.Size));
        return new Item(header.GetHash(), header, height, raw);
    }
}
