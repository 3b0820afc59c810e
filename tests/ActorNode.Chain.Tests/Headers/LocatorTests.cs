using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using static ActorNode.Chain.Tests.Headers.HeaderTestKit;

namespace ActorNode.Chain.Tests.Headers;

/// <summary>Block locators and locate-headers/locate-blocks, ported from btcd blockchain/chainview_test.go
/// (TestChainView, TestChainViewNil's locator) and blockchain/chain_test.go TestLocateInventory, on mined regtest
/// chains of the same shape.</summary>
public class LocatorTests
{
    [Fact]
    public void Locator_Tip49_BtcdExpectedHeights()
    {
        var (chain, _) = Regtest(49);

        var locator = chain.Headers.GetLocator();

        // btcd chainview_test.go: locatorHashes(branchNodes, 49, 48, ..., 38, 36, 32, 24, 8, 0).
        int[] heights = [49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 36, 32, 24, 8, 0];
        Assert.Equal(heights.Select(h => chain.Headers[h]!.Hash), locator);
    }

    [Fact]
    public void Locator_SideBranchTip_WalksItsOwnAncestors()
    {
        // btcd TestChainView "chain1-chain2" shape: 0 -> 1 -> 2 -> 3 -> 4 (main, heavier after we extend it)
        // and a branch from 1 with 25 blocks (heights 2..26); the locator of the branch tip from the other view.
        var (chain, main) = Regtest(30);
        var branch = MineChain(chain.Node(main[0]), 25, salt: 1);
        chain.ProcessHeaders(branch);
        var tip = chain.Node(branch[^1]);
        Assert.False(chain.Headers.Contains(tip));

        var locator = chain.Headers.GetLocator(tip);

        // btcd: branch1Nodes 24..13, 11, 7, then branch0Nodes 1, 0 (branch1Nodes[i] is height i + 2).
        int[] branchIndexes = [24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 11, 7];
        var expected = branchIndexes.Select(i => branch[i].GetHash())
            .Append(main[0].GetHash()).Append(chain.Genesis.Hash);
        Assert.Equal(expected, locator);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(12, 13)]
    [InlineData(13, 13)]
    [InlineData(1000, 21)]
    public void Locator_Length_BtcdCapacityFormula(int height, int expected)
    {
        var (chain, _) = Regtest(height);

        // btcd: height + 1 up to 12, then 12 + floor(log2(height - 10)).
        Assert.Equal(expected, chain.Headers.GetLocator().Count);
        Assert.Equal(chain.Genesis.Hash, chain.Headers.GetLocator()[^1]);
    }

    /// <summary>btcd TestLocateInventory: genesis -> 1 -> ... -> 18 and 15 -> 16a -> 17a; branch0[i] is height
    /// i + 1, branch1[i] is height 16 + i.</summary>
    private sealed class Inventory
    {
        public HeaderChain Chain { get; }
        public List<BlockHeader> Branch0 { get; }
        public List<BlockHeader> Branch1 { get; }

        public Inventory()
        {
            (Chain, Branch0) = Regtest(18);
            Branch1 = MineChain(Chain.Node(Branch0[14]), 2, salt: 1);
            Assert.True(Chain.ProcessHeaders(Branch1).IsSuccess);
        }

        public Hash256 B0(int i) => Branch0[i].GetHash();
        public IReadOnlyList<Hash256> RemoteLocator => Chain.Headers.GetLocator(Chain.Node(Branch1[^1]));
        public IReadOnlyList<Hash256> LocalLocator(int i) => Chain.Headers.GetLocator(Chain.Node(Branch0[i]));
        public IReadOnlyList<Hash256> Unrelated => [Hash256.Parse(new string('a', 64)), Hash256.Parse(new string('b', 64))];
    }

    public static TheoryData<string> Cases => new()
    {
        "no locators, no stop", "no locators, stop in side", "no locators, stop in main",
        "remote side chain, unknown stop", "remote side chain, stop in side", "remote side chain, stop in main before",
        "remote side chain, stop in main exact", "remote side chain, stop in main after",
        "remote side chain, stop in main after more", "remote main chain past, unknown stop",
        "remote main chain past, stop in side", "remote main chain past, stop in main before",
        "remote main chain past, stop in main exact", "remote main chain past, stop in main after",
        "remote main chain past, stop in main after more", "remote main chain same, unknown stop",
        "remote main chain same, stop same point", "remote unrelated chain", "remote genesis",
        "weak locator, single known side block", "weak locator, multiple known side blocks, stop in main",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LocateInventory_BtcdCases(string name)
    {
        var inv = new Inventory();
        var unknown = Hash256.Parse("0000000000000000000000000000000000000000000000000000000000000001");
        var side = inv.Branch1[^1].GetHash();
        var all = Enumerable.Range(0, 18).ToArray();
        (IReadOnlyList<Hash256> locator, Hash256 stop, int max, IEnumerable<Hash256> expected) c = name switch
        {
            "no locators, no stop" => ([], Hash256.Zero, 2000, []),
            "no locators, stop in side" => ([], side, 2000, [side]),
            "no locators, stop in main" => ([], inv.B0(12), 2000, [inv.B0(12)]),
            "remote side chain, unknown stop" => (inv.RemoteLocator, unknown, 2000, Range(inv, 15, 16, 17)),
            "remote side chain, stop in side" => (inv.RemoteLocator, side, 2000, Range(inv, 15, 16, 17)),
            "remote side chain, stop in main before" => (inv.RemoteLocator, inv.B0(13), 2000, Range(inv, 15, 16, 17)),
            "remote side chain, stop in main exact" => (inv.RemoteLocator, inv.B0(14), 2000, Range(inv, 15, 16, 17)),
            "remote side chain, stop in main after" => (inv.RemoteLocator, inv.B0(15), 2000, Range(inv, 15)),
            "remote side chain, stop in main after more" => (inv.RemoteLocator, inv.B0(16), 2000, Range(inv, 15, 16)),
            "remote main chain past, unknown stop" => (inv.LocalLocator(12), unknown, 2000, Range(inv, 13, 14, 15, 16, 17)),
            "remote main chain past, stop in side" => (inv.LocalLocator(12), side, 2000, Range(inv, 13, 14, 15, 16, 17)),
            "remote main chain past, stop in main before" => (inv.LocalLocator(12), inv.B0(11), 2000, Range(inv, 13, 14, 15, 16, 17)),
            "remote main chain past, stop in main exact" => (inv.LocalLocator(12), inv.B0(12), 2000, Range(inv, 13, 14, 15, 16, 17)),
            "remote main chain past, stop in main after" => (inv.LocalLocator(12), inv.B0(13), 2000, Range(inv, 13)),
            "remote main chain past, stop in main after more" => (inv.LocalLocator(12), inv.B0(15), 2000, Range(inv, 13, 14, 15)),
            "remote main chain same, unknown stop" => (inv.Chain.Headers.GetLocator(), unknown, 2000, []),
            "remote main chain same, stop same point" => (inv.Chain.Headers.GetLocator(), inv.B0(17), 2000, []),
            "remote unrelated chain" => (inv.Unrelated, Hash256.Zero, 2000, Range(inv, all)),
            "remote genesis" => ([inv.B0(0)], Hash256.Zero, 3, Range(inv, 1, 2, 3)),
            "weak locator, single known side block" => ([inv.Branch1[0].GetHash()], Hash256.Zero, 2000, Range(inv, all)),
            "weak locator, multiple known side blocks, stop in main" =>
                ([inv.Branch1[1].GetHash(), inv.Branch1[0].GetHash()], inv.B0(5), 2000, Range(inv, 0, 1, 2, 3, 4, 5)),
            _ => throw new ArgumentException(name),
        };

        var headers = inv.Chain.Headers.LocateHeaders(c.locator, c.stop, c.max);
        var blocks = inv.Chain.Headers.LocateBlocks(c.locator, c.stop, Math.Min(c.max, ChainView.MaxBlocksPerMessage));

        Assert.Equal(c.expected, headers.Select(h => h.GetHash()));
        Assert.Equal(c.expected, blocks);
    }

    private static IEnumerable<Hash256> Range(Inventory inv, params int[] indexes) => indexes.Select(inv.B0);

    [Fact]
    public void LocateHeaders_LongChain_CappedAt2000_AndBlocksAt500()
    {
        var (chain, _) = Regtest(2100);
        IReadOnlyList<Hash256> fromGenesis = [chain.Genesis.Hash];

        var headers = chain.Headers.LocateHeaders(fromGenesis, Hash256.Zero);
        var blocks = chain.Headers.LocateBlocks(fromGenesis, Hash256.Zero);

        Assert.Equal(2000, headers.Count);
        Assert.Equal(chain.Headers[1]!.Header, headers[0]);
        Assert.Equal(chain.Headers[2000]!.Hash, headers[^1].GetHash());
        Assert.Equal(500, blocks.Count);
        Assert.Equal(chain.Headers[500]!.Hash, blocks[^1]);
    }

    [Fact]
    public void LocateOnBlockChain_OnlyStoredBlocksServed()
    {
        var (chain, a) = Regtest(10);
        foreach (var h in a[..4]) chain.MarkBlockStored(h.GetHash());

        var fromBlocks = chain.Blocks.LocateHeaders([chain.Genesis.Hash], Hash256.Zero);
        var fromHeaders = chain.Headers.LocateHeaders([chain.Genesis.Hash], Hash256.Zero);

        Assert.Equal(a[..4], fromBlocks);
        Assert.Equal(a, fromHeaders);
    }

    [Fact]
    public void RealMainnetHeaders_LocateFromBlock100_Next155()
    {
        var real = MainnetHeaders1To255();
        var chain = new HeaderChain(MainnetNoMinimumWork);
        chain.ProcessHeaders(real);
        var locator = chain.Headers.GetLocator(chain.Headers[100]);

        var headers = chain.Headers.LocateHeaders(locator, Hash256.Zero);

        Assert.Equal(real[100..], headers);
        Assert.Equal(real[98].GetHash(), locator[1]); // height 99
    }
}
