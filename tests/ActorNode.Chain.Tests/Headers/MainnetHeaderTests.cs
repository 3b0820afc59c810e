using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;
using static ActorNode.Chain.Tests.Headers.HeaderTestKit;

namespace ActorNode.Chain.Tests.Headers;

/// <summary>The header chain fed with the real mainnet headers of shared/data.</summary>
public class MainnetHeaderTests
{
    private static readonly List<BlockHeader> Real = MainnetHeaders1To255();

    [Fact]
    public void RealHeaders1To255_OneBatch_AllStoredAndBest()
    {
        var chain = new HeaderChain(MainnetNoMinimumWork);

        var result = chain.ProcessHeaders(Real);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(255, result.Added);
        Assert.True(result.NewBestHeader);
        Assert.Equal(255, chain.BestHeader.Height);
        Assert.Equal(Hash256.Parse("00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c"),
            chain.BestHeader.Hash);
        Assert.Same(chain.BestHeader, result.Last);
        // Core reports chainwork 0x100010001 per difficulty-1 block (getblockheader "chainwork" of genesis).
        Assert.Equal(new UInt256(0, 0, 0, 256UL * 0x1_0001_0001UL), chain.BestHeader.ChainWork);
    }

    [Fact]
    public void HeadersFile1To11_SameAsBlockFile_AndAcceptedInSmallBatches()
    {
        var lines = TestData.ReadHexLines(TestData.HeadersMainnet1To11).Select(b => BlockHeader.Parse(b)).ToList();
        Assert.Equal(Real.Take(11), lines);
        var chain = new HeaderChain(MainnetNoMinimumWork);

        Assert.Equal(5, chain.ProcessHeaders(lines[..5]).Added);
        var second = chain.ProcessHeaders(lines[5..]);

        Assert.Equal(6, second.Added);
        Assert.Equal(Hash256.Parse("0000000097be56d606cdd9c54b04d4747e957d3608abe69198c661f2add73073"), chain.BestHeader.Hash);
    }

    [Fact]
    public void RealHeaders_SentTwice_DuplicatesAreFine()
    {
        var chain = new HeaderChain(MainnetNoMinimumWork);
        chain.ProcessHeaders(Real[..20]);

        var again = chain.ProcessHeaders(Real[..20]);

        Assert.True(again.IsSuccess);
        Assert.Equal(20, again.Accepted);
        Assert.Equal(0, again.Added);
        Assert.False(again.NewBestHeader);
        Assert.Equal(21, chain.Count);
    }

    [Fact]
    public void RealHeader_NonceChanged_InvalidProofOfWork()
    {
        var chain = new HeaderChain(MainnetNoMinimumWork);
        var forged = Real[0] with { Nonce = Real[0].Nonce + 1 };

        var result = chain.ProcessHeader(forged);

        Assert.Equal(HeaderRejectReason.InvalidProofOfWork, result.Reason);
        Assert.True(result.Reason.IsPeerFault());
        Assert.Equal(forged.GetHash(), result.RejectedHash);
        Assert.Equal(1, chain.Count);
    }

    [Fact]
    public void RealHeader_ParentUnknown_OrphanAndNothingKept()
    {
        var chain = new HeaderChain(MainnetNoMinimumWork);

        var result = chain.ProcessHeaders(Real[1..5]);

        Assert.Equal(HeaderRejectReason.Orphan, result.Reason);
        Assert.False(result.Reason.IsPeerFault());
        Assert.Equal(0, result.Accepted);
        Assert.Equal(1, chain.Count);
        Assert.Equal(5, chain.ProcessHeaders(Real[..5]).Added);
    }

    [Fact]
    public void RealHeaders_GapInBatch_NonContinuousAndNothingKept()
    {
        var chain = new HeaderChain(MainnetNoMinimumWork);
        List<BlockHeader> batch = [Real[0], Real[1], Real[3]];

        var result = chain.ProcessHeaders(batch);

        Assert.Equal(HeaderRejectReason.NonContinuous, result.Reason);
        Assert.True(result.Reason.IsPeerFault());
        Assert.Equal(0, result.Accepted);
        Assert.Equal(Real[3].GetHash(), result.RejectedHash);
        Assert.Equal(1, chain.Count);
    }

    [Fact]
    public void RealHeader_ClockAtGenesis_TimeTooNewUntilTheClockCatchesUp()
    {
        // Block 1 was mined at 1231469665, more than 2 h after genesis (1231006505).
        var clock = FixedClock.At(1231006505);
        var chain = new HeaderChain(MainnetNoMinimumWork, clock);

        var early = chain.ProcessHeader(Real[0]);
        clock.Now = DateTimeOffset.FromUnixTimeSeconds(Real[0].Timestamp - HeaderChain.MaxFutureBlockTimeSeconds);
        var onTheEdge = chain.ProcessHeader(Real[0]);

        Assert.Equal(HeaderRejectReason.TimeTooNew, early.Reason);
        Assert.False(early.Reason.IsPeerFault());
        Assert.True(onTheEdge.IsSuccess);
    }

    [Fact]
    public void RealHeader_NetworkTimeOffset_MovesTheFutureLimit()
    {
        var clock = FixedClock.At(Real[0].Timestamp - HeaderChain.MaxFutureBlockTimeSeconds - 60);
        var chain = new HeaderChain(MainnetNoMinimumWork, clock);

        Assert.Equal(HeaderRejectReason.TimeTooNew, chain.ProcessHeader(Real[0]).Reason);
        chain.NetworkTimeOffset = TimeSpan.FromMinutes(1);
        Assert.True(chain.ProcessHeader(Real[0]).IsSuccess);
    }

    [Fact]
    public void RealHeaders_RealMainnetParams_BelowMinimumWorkAndNotStored()
    {
        var chain = new HeaderChain(ChainParams.Mainnet);

        var result = chain.ProcessHeaders(Real);

        Assert.Equal(HeaderRejectReason.BelowMinimumWork, result.Reason);
        Assert.False(result.Reason.IsPeerFault());
        Assert.Equal(0, result.Accepted);
        Assert.Equal(1, chain.Count);
    }

    [Fact]
    public void RealHeaders_RealMainnetParams_PresyncChecksAndHoldsThem()
    {
        var chain = new HeaderChain(ChainParams.Mainnet);
        var presync = new HeaderPresync(chain);

        var result = presync.Process(Real);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(255, result.Buffered);
        Assert.Equal(255, presync.Count);
        Assert.Equal(Real[^1].GetHash(), presync.TipHash);
        Assert.Equal(1, chain.Count);
        Assert.Equal(Real[^1].GetHash(), presync.GetLocator()[0]);
        Assert.Equal(chain.Genesis.Hash, presync.GetLocator()[^1]);
    }

    [Fact]
    public void RealHeaders_PresyncWithForgedHeader_RefusedAtIt()
    {
        var chain = new HeaderChain(ChainParams.Mainnet);
        var presync = new HeaderPresync(chain);
        var batch = Real[..10].ToList();
        batch[9] = batch[9] with { Nonce = batch[9].Nonce ^ 1 };

        var result = presync.Process(batch);

        Assert.Equal(HeaderRejectReason.InvalidProofOfWork, result.Reason);
        Assert.Equal(9, result.Accepted);
        Assert.Equal(9, presync.Count);
    }

    [Fact]
    public void RealHeaders_MedianTimePast_OfBlock11IsTheSixthTimestamp()
    {
        var chain = new HeaderChain(MainnetNoMinimumWork);
        chain.ProcessHeaders(Real[..11]);
        // The 11 blocks 1..11 have increasing timestamps, so the median is block 6's.
        var times = Real[..11].Select(h => h.Timestamp).Order().ToList();

        Assert.Equal(times[5], chain.BestHeader.GetMedianTimePast());
        Assert.Equal(Real[5].Timestamp, chain.BestHeader.GetMedianTimePast());
    }
}
