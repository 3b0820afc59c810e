using System.Numerics;
using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using static ActorNode.Chain.Tests.Headers.HeaderTestKit;

namespace ActorNode.Chain.Tests.Headers;

/// <summary>Core's minimum chain work: low-work header chains are held per peer and stored only once they reach it.
/// Regtest with a minimum of 42 = the work of genesis and 20 blocks (2 each).</summary>
public class PresyncTests
{
    private static readonly ChainParams Rules = ChainParams.Regtest.WithMinimumChainWork(new BigInteger(42));

    private static (HeaderChain Chain, List<BlockHeader> Headers) Setup(int count)
    {
        var chain = new HeaderChain(Rules, LateClock);
        return (chain, MineChain(chain.Genesis, count));
    }

    [Fact]
    public void ProcessHeaders_BelowMinimumWork_NothingStored()
    {
        var (chain, headers) = Setup(19);

        var result = chain.ProcessHeaders(headers);

        Assert.Equal(HeaderRejectReason.BelowMinimumWork, result.Reason);
        Assert.Equal(0, result.Accepted);
        Assert.Equal(1, chain.Count);
    }

    [Fact]
    public void ProcessHeaders_BatchReachingMinimumWork_StoredDirectly()
    {
        var (chain, headers) = Setup(20);

        var result = chain.ProcessHeaders(headers);

        Assert.True(result.IsSuccess);
        Assert.Equal(20, result.Added);
    }

    [Fact]
    public void Presync_HoldsBatchesUntilMinimumWork_ThenStoresAll()
    {
        var (chain, headers) = Setup(30);
        var presync = new HeaderPresync(chain);

        var first = presync.Process(headers[..10]);
        var second = presync.Process(headers[10..19]);
        Assert.Equal(1, chain.Count);
        Assert.Equal(19, presync.Count);
        Assert.Equal(headers[18].GetHash(), presync.TipHash);
        Assert.Equal(headers[18].GetHash(), presync.GetLocator()[0]);
        var third = presync.Process(headers[19..25]);
        var fourth = presync.Process(headers[25..]);

        Assert.Equal((10, 10, 0), (first.Accepted, first.Buffered, first.Added));
        Assert.Equal((9, 9), (second.Accepted, second.Buffered));
        Assert.True(third.IsSuccess, third.ToString());
        Assert.Equal(6, third.Accepted);
        Assert.Equal(25, third.Added);
        Assert.True(third.NewBestHeader);
        Assert.Equal(0, presync.Count);
        Assert.Equal(5, fourth.Added);
        Assert.Equal(30, chain.BestHeader.Height);
        Assert.Equal(chain.BestHeader.Hash, presync.GetLocator()[0]);
    }

    [Fact]
    public void Presync_InvalidHeader_RefusedWithReason_EarlierHeadersStayHeld()
    {
        var (chain, headers) = Setup(10);
        var presync = new HeaderPresync(chain);
        var bad = Mine(headers[5] with { Bits = 0x203fffff });

        var result = presync.Process([.. headers[..5], bad]);

        Assert.Equal(HeaderRejectReason.BadDifficulty, result.Reason);
        Assert.Equal(5, result.Accepted);
        Assert.Equal(5, presync.Count);
        Assert.Equal(bad.GetHash(), result.RejectedHash);
    }

    [Fact]
    public void Presync_Limit_RefusedWhenFull()
    {
        var (chain, headers) = Setup(10);
        var presync = new HeaderPresync(chain, maxHeaders: 6);

        var result = presync.Process(headers);

        Assert.Equal(HeaderRejectReason.PresyncLimit, result.Reason);
        Assert.False(result.Reason.IsPeerFault());
        Assert.Equal(6, result.Accepted);
        Assert.Equal(1, chain.Count);
    }

    [Fact]
    public void Presync_OverlappingBatch_DuplicatesSkipped()
    {
        var (chain, headers) = Setup(15);
        var presync = new HeaderPresync(chain);
        presync.Process(headers[..10]);

        var fromStart = presync.Process(headers[..12]);
        var overlap = presync.Process(headers[8..15]);

        Assert.True(fromStart.IsSuccess);
        Assert.Equal((12, 2), (fromStart.Accepted, fromStart.Buffered));
        Assert.Equal((7, 3), (overlap.Accepted, overlap.Buffered));
        Assert.Equal(15, presync.Count);
    }

    [Fact]
    public void Presync_PeerSwitchesToAnotherFork_HeldChainReplaced()
    {
        var (chain, headers) = Setup(10);
        var presync = new HeaderPresync(chain);
        presync.Process(headers);
        var other = MineChain(chain.Genesis, 4, salt: 9);

        var result = presync.Process(other);

        Assert.True(result.IsSuccess);
        Assert.Equal(4, presync.Count);
        Assert.Equal(other[^1].GetHash(), presync.TipHash);
    }

    [Fact]
    public void Presync_BranchInsideHeldChain_TailReplaced()
    {
        var (chain, headers) = Setup(10);
        var presync = new HeaderPresync(chain);
        presync.Process(headers);
        var branch = MineChain(headers[4].GetHash(), headers[4].Timestamp, 3, salt: 5);

        var result = presync.Process(branch);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(8, presync.Count);
        Assert.Equal(branch[^1].GetHash(), presync.TipHash);
    }

    [Fact]
    public void Presync_HeadersWithEnoughWork_GoStraightToTheIndex()
    {
        var (chain, headers) = Setup(25);
        chain.ProcessHeaders(headers[..20]);
        var presync = new HeaderPresync(chain);

        var result = presync.Process(headers[20..]);

        Assert.Equal(5, result.Added);
        Assert.Equal(0, presync.Count);
    }

    [Fact]
    public void Presync_PeerMovesToAChainWithEnoughWork_HeldChainDropped()
    {
        var (chain, headers) = Setup(25);
        var presync = new HeaderPresync(chain);
        presync.Process(MineChain(chain.Genesis, 5, salt: 4));
        Assert.Equal(5, presync.Count);

        var result = presync.Process(headers);

        Assert.Equal(25, result.Added);
        Assert.Equal(0, presync.Count);
    }

    [Fact]
    public void Presync_Orphan_ReportedAsOrphan()
    {
        var (chain, headers) = Setup(10);
        var presync = new HeaderPresync(chain);

        Assert.Equal(HeaderRejectReason.Orphan, presync.Process(headers[3..]).Reason);
        Assert.Equal(HeaderRejectReason.NonContinuous, presync.Process([headers[0], headers[2]]).Reason);
        Assert.Equal(0, presync.Count);
    }

    [Fact]
    public void ChainParams_MinimumChainWork_CoreValues()
    {
        // Bitcoin Core src/kernel/chainparams.cpp (commit 284c42a3), nMinimumChainWork.
        Assert.Equal("0000000000000000000000000000000000000000dee8e2a309ad8a9820433c68",
            UInt256.FromBigInteger(ChainParams.Mainnet.MinimumChainWork).ToString());
        Assert.Equal("0000000000000000000000000000000000000000000016dd270dd94fac1d7632",
            UInt256.FromBigInteger(ChainParams.Testnet3.MinimumChainWork).ToString());
        Assert.Equal("00000000000000000000000000000000000000000000034a4690fe592dc49c7c",
            UInt256.FromBigInteger(ChainParams.Testnet4.MinimumChainWork).ToString());
        Assert.Equal("0000000000000000000000000000000000000000000000000000067d328e681a",
            UInt256.FromBigInteger(ChainParams.Signet.MinimumChainWork).ToString());
        Assert.Equal(BigInteger.Zero, ChainParams.Regtest.MinimumChainWork);
        Assert.Equal(BigInteger.Zero, ChainParams.CreateSignet(
            ChainParams.DefaultSignetChallenge, []).MinimumChainWork);
    }

    [Fact]
    public void ChainParams_WithCopies_LeaveTheOriginalAlone()
    {
        var copy = ChainParams.Mainnet.WithMinimumChainWork(5).WithCheckpoints([]);

        Assert.Equal(new BigInteger(5), copy.MinimumChainWork);
        Assert.Empty(copy.Checkpoints);
        Assert.Equal(35, ChainParams.Mainnet.Checkpoints.Length);
        Assert.NotEqual(BigInteger.Zero, ChainParams.Mainnet.MinimumChainWork);
        Assert.Equal(ChainParams.Mainnet.GenesisHash, copy.GenesisHash);
    }
}
