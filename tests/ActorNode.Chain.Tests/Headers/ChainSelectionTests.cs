using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using static ActorNode.Chain.Tests.Headers.HeaderTestKit;

namespace ActorNode.Chain.Tests.Headers;

/// <summary>Best header chain and best block chain by work, reorganisations, invalidation (constructed regtest
/// chains: every regtest block has work 2).</summary>
public class ChainSelectionTests
{
    private static List<Hash256> Hashes(IEnumerable<BlockNode> nodes) => nodes.Select(n => n.Hash).ToList();
    private static List<Hash256> Hashes(IEnumerable<BlockHeader> headers) => headers.Select(h => h.GetHash()).ToList();

    [Fact]
    public void RegtestWork_TwoPerBlock()
    {
        var (chain, _) = Regtest(3);

        // 2^256 / (0x7fffff·2^232 + 1) = 2.0000002… → 2.
        Assert.Equal(new UInt256(0, 0, 0, 2), chain.WorkOf(RegtestBits));
        Assert.Equal(new UInt256(0, 0, 0, 8), chain.BestHeader.ChainWork);
    }

    [Fact]
    public void HeavierFork_BecomesBestHeader_HeaderViewRewritten()
    {
        var (chain, a) = Regtest(5);
        var b = MineChain(chain.Node(a[1]), 4, salt: 1); // heights 3..6

        var result = chain.ProcessHeaders(b);

        Assert.True(result.NewBestHeader);
        Assert.Equal(b[^1].GetHash(), chain.BestHeader.Hash);
        Assert.Equal(6, chain.Headers.Height);
        Assert.Equal(b[0].GetHash(), chain.Headers[3]!.Hash);
        Assert.Equal(a[1].GetHash(), chain.Headers[2]!.Hash);
        Assert.False(chain.Headers.Contains(chain.Node(a[4])));
    }

    [Fact]
    public void EqualWorkFork_FirstSeenStaysBest()
    {
        var (chain, a) = Regtest(5);
        var b = MineChain(chain.Node(a[1]), 3, salt: 1); // heights 3..5, as much work as a

        var result = chain.ProcessHeaders(b);

        Assert.True(result.IsSuccess);
        Assert.Equal(3, result.Added);
        Assert.False(result.NewBestHeader);
        Assert.Equal(a[^1].GetHash(), chain.BestHeader.Hash);
    }

    [Fact]
    public void BlocksStoredInOrder_BlockTipFollows_ConnectedOneByOne()
    {
        var (chain, a) = Regtest(3);

        var changes = a.Select(h => chain.MarkBlockStored(h.GetHash())).ToList();

        Assert.All(changes, c => Assert.NotNull(c));
        Assert.Equal(Hashes(a), changes.Select(c => c!.Connected.Single().Hash));
        Assert.All(changes, c => Assert.Empty(c!.Disconnected));
        Assert.Equal(a[^1].GetHash(), chain.BestBlock.Hash);
        Assert.Equal(3, chain.Blocks.Height);
    }

    [Fact]
    public void BlocksStoredOutOfOrder_TipMovesWhenTheGapCloses()
    {
        var (chain, a) = Regtest(4);

        Assert.Null(chain.MarkBlockStored(a[2].GetHash()));
        Assert.Null(chain.MarkBlockStored(a[1].GetHash()));
        Assert.Same(chain.Genesis, chain.BestBlock);
        var change = chain.MarkBlockStored(a[0].GetHash());

        Assert.NotNull(change);
        Assert.Equal(Hashes(a[..3]), Hashes(change.Connected));
        Assert.Same(chain.Genesis, change.Fork);
        Assert.Same(chain.Genesis, change.OldTip);
        Assert.Equal(a[2].GetHash(), change.NewTip.Hash);
        Assert.Null(chain.MarkBlockStored(a[0].GetHash()));
    }

    [Fact]
    public void HeavierStoredFork_Reorganises_DisconnectedAndConnectedFromTheForkPoint()
    {
        var (chain, a) = Regtest(5);
        foreach (var h in a) chain.MarkBlockStored(h.GetHash());
        var b = MineChain(chain.Node(a[1]), 4, salt: 1); // heights 3..6 on a2
        chain.ProcessHeaders(b);

        Assert.Null(chain.MarkBlockStored(b[0].GetHash()));
        Assert.Null(chain.MarkBlockStored(b[1].GetHash()));
        Assert.Null(chain.MarkBlockStored(b[2].GetHash())); // height 5: same work as a5, first seen stays
        var change = chain.MarkBlockStored(b[3].GetHash());

        Assert.NotNull(change);
        Assert.True(change.IsReorganisation);
        Assert.Equal(a[1].GetHash(), change.Fork.Hash);
        Assert.Equal(Hashes([a[4], a[3], a[2]]), Hashes(change.Disconnected));
        Assert.Equal(Hashes(b), Hashes(change.Connected));
        Assert.Equal(b[^1].GetHash(), chain.BestBlock.Hash);
        Assert.Equal(b[0].GetHash(), chain.Blocks[3]!.Hash);
    }

    [Fact]
    public void BlockChain_StaysBehindHeaderChain_UntilDataArrives()
    {
        var (chain, a) = Regtest(6);
        chain.MarkBlockStored(a[0].GetHash());
        chain.MarkBlockStored(a[2].GetHash());

        var missing = chain.GetBlocksToDownload(10);
        var window = chain.GetBlocksToDownload(10, maxHeight: 4);
        var few = chain.GetBlocksToDownload(2);

        Assert.Equal(1, chain.BestBlock.Height);
        Assert.Equal(6, chain.BestHeader.Height);
        Assert.Equal(Hashes([a[1], a[3], a[4], a[5]]), Hashes(missing));
        Assert.Equal(Hashes([a[1], a[3]]), Hashes(window));
        Assert.Equal(Hashes([a[1], a[3]]), Hashes(few));
    }

    [Fact]
    public void BlocksToDownload_AfterHeaderReorg_StartAtTheForkPoint()
    {
        var (chain, a) = Regtest(4);
        foreach (var h in a) chain.MarkBlockStored(h.GetHash());
        var b = MineChain(chain.Node(a[1]), 4, salt: 1); // heights 3..6 on a2
        chain.ProcessHeaders(b);

        Assert.Equal(Hashes(b), Hashes(chain.GetBlocksToDownload(10)));
    }

    [Fact]
    public void InvalidBlockOnBestChains_BothChainsFallBack()
    {
        var (chain, a) = Regtest(5);
        foreach (var h in a) chain.MarkBlockStored(h.GetHash());
        var b = MineChain(chain.Node(a[1]), 4, salt: 1); // heights 3..6 on a2
        chain.ProcessHeaders(b);
        foreach (var h in b) chain.MarkBlockStored(h.GetHash());
        Assert.Equal(b[^1].GetHash(), chain.BestBlock.Hash);

        var change = chain.MarkBlockInvalid(b[1].GetHash());

        Assert.NotNull(change);
        Assert.Equal(Hashes([b[3], b[2], b[1], b[0]]), Hashes(change.Disconnected));
        Assert.Equal(Hashes(a[2..]), Hashes(change.Connected));
        Assert.Equal(a[^1].GetHash(), chain.BestHeader.Hash);
        Assert.Equal(a[^1].GetHash(), chain.BestBlock.Hash);
        Assert.Equal(BlockStatus.Invalid, chain.Node(b[1]).Status & BlockStatus.Invalid);
        Assert.True(chain.Node(b[3]).Status.HasFlag(BlockStatus.InvalidAncestor));
        Assert.False(chain.Node(b[0]).IsInvalid);
    }

    [Fact]
    public void InvalidBlockOffTheBestChains_NoChange()
    {
        var (chain, a) = Regtest(5);
        var b = MineChain(chain.Node(a[1]), 2, salt: 1);
        chain.ProcessHeaders(b);

        Assert.Null(chain.MarkBlockInvalid(b[0].GetHash()));
        Assert.Equal(a[^1].GetHash(), chain.BestHeader.Hash);
        Assert.True(chain.Node(b[1]).IsInvalid);
    }

    [Fact]
    public void InvalidBestHeader_EqualWorkForks_FirstSeenOfTheRestWins()
    {
        var (chain, a) = Regtest(3);
        var b = MineChain(chain.Node(a[0]), 2, salt: 1);
        var c = MineChain(chain.Node(a[0]), 2, salt: 2);
        chain.ProcessHeaders(b);
        chain.ProcessHeaders(c);

        chain.MarkBlockInvalid(a[1].GetHash());

        Assert.Equal(b[^1].GetHash(), chain.BestHeader.Hash);
    }

    [Fact]
    public void StoredBlockUnderInvalidAncestor_NeverBecomesTip()
    {
        var (chain, a) = Regtest(3);
        chain.MarkBlockInvalid(a[1].GetHash());

        foreach (var h in a) chain.MarkBlockStored(h.GetHash());

        Assert.Equal(a[0].GetHash(), chain.BestBlock.Hash);
        Assert.Equal(a[0].GetHash(), chain.BestHeader.Hash);
    }

    [Fact]
    public void MarkUnknownBlock_Throws()
    {
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);

        Assert.Throws<ArgumentException>(() => chain.MarkBlockStored(Hash256.Parse(new string('1', 64))));
        Assert.Throws<ArgumentException>(() => chain.MarkBlockInvalid(chain.Genesis.Hash));
    }

    [Fact]
    public void GetAncestor_DeepChain_MatchesParentWalk()
    {
        var (chain, _) = Regtest(300);
        var tip = chain.BestHeader;

        for (int h = 0; h <= 300; h += 7)
        {
            var walk = tip;
            while (walk.Height > h) walk = walk.Parent!;
            Assert.Same(walk, tip.GetAncestor(h));
        }
        Assert.Null(tip.GetAncestor(301));
        Assert.Null(tip.GetAncestor(-1));
    }
}
