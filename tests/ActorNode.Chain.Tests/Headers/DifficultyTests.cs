using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using static ActorNode.Chain.Tests.Headers.HeaderTestKit;

namespace ActorNode.Chain.Tests.Headers;

/// <summary>calcNextRequiredDifficulty / GetNextWorkRequired on constructed chains with real values.</summary>
public class DifficultyTests
{
    private const uint PowLimitBits = 0x1d00ffff;

    /// <summary>Timestamps that run linearly from (firstHeight, firstTime) to (lastHeight, lastTime), 600 s apart
    /// before the first; every block with <paramref name="bits"/>.</summary>
    private static Func<int, (uint, uint)> Linear(int firstHeight, uint firstTime, int lastHeight, uint lastTime,
        uint bits) => h =>
    {
        if (h <= firstHeight) return ((uint)(firstTime - (firstHeight - h) * 600L), bits);
        long t = firstTime + (long)(lastTime - firstTime) * (h - firstHeight) / (lastHeight - firstHeight);
        return ((uint)t, bits);
    };

    /// <summary>Bitcoin Core src/test/pow_tests.cpp: get_next_work (the retarget at 32,256), get_next_work_pow_limit
    /// (the first retarget, capped at the limit), get_next_work_lower_limit_actual (the factor-4 clamp on a fast
    /// period), get_next_work_upper_limit_actual (the clamp on a slow one). Times of the first and last block of the
    /// period are the real mainnet ones (the last test's first time is made up in Core too).</summary>
    [Theory]
    [InlineData(32255, 1261130161u, 1262152739u, 0x1d00ffffu, 0x1d00d86au)]
    [InlineData(2015, 1231006505u, 1233061996u, 0x1d00ffffu, 0x1d00ffffu)]
    [InlineData(68543, 1279008237u, 1279297671u, 0x1c05a3f4u, 0x1c0168fdu)]
    [InlineData(46367, 1263163443u, 1269211443u, 0x1c387f6fu, 0x1d00e1fdu)]
    public void Retarget_CorePowTestVectors_NewBits(int lastHeight, uint firstTime, uint lastTime, uint bits,
        uint expected)
    {
        var chain = Constructed(ChainParams.Mainnet, lastHeight, Linear(lastHeight - 2015, firstTime, lastHeight,
            lastTime, bits));
        var last = chain.BestHeader;
        Assert.Equal(lastTime, last.Timestamp);
        Assert.Equal(firstTime, last.GetAncestor(lastHeight - 2015)!.Timestamp);

        Assert.Equal(expected, chain.GetNextRequiredBits(last, lastTime + 600));
    }

    [Fact]
    public void Retarget_HeaderWithOldBits_BadDifficulty_WithNewBits_Accepted()
    {
        var chain = Constructed(ChainParams.Mainnet, 32255, Linear(30240, 1261130161, 32255, 1262152739, PowLimitBits));
        chain.SkipProofOfWorkForTests = true;
        var parent = chain.BestHeader;
        var stale = new BlockHeader(1, parent.Hash, Hash256.Zero, 1262153464, PowLimitBits, 0);

        Assert.Equal(HeaderRejectReason.BadDifficulty, chain.CheckHeader(stale, parent));
        Assert.Equal(HeaderRejectReason.None, chain.CheckHeader(stale with { Bits = 0x1d00d86a }, parent));
    }

    [Fact]
    public void BetweenRetargets_Mainnet_ParentBitsWhateverTheGap()
    {
        var chain = Constructed(ChainParams.Mainnet, 100, h => ((uint)(1231006505 + h * 600), 0x1c0ffff0));
        var parent = chain.BestHeader;

        Assert.Equal(0x1c0ffff0u, chain.GetNextRequiredBits(parent, parent.Timestamp + 600));
        Assert.Equal(0x1c0ffff0u, chain.GetNextRequiredBits(parent, parent.Timestamp + 100_000));
    }

    [Fact]
    public void Testnet3_MoreThan20MinutesAfterParent_MinimumDifficulty()
    {
        var chain = Constructed(ChainParams.Testnet3, 100, h => ((uint)(1296688602 + h * 600), 0x1c0ffff0));
        var parent = chain.BestHeader;

        Assert.Equal(0x1c0ffff0u, chain.GetNextRequiredBits(parent, parent.Timestamp + 1200));
        Assert.Equal(PowLimitBits, chain.GetNextRequiredBits(parent, parent.Timestamp + 1201));
    }

    [Fact]
    public void Testnet3_AfterMinimumDifficultyBlocks_WalksBackToTheLastRealBits()
    {
        // Heights 99 and 100 used the 20-minute exception; 98 carries the real difficulty.
        var chain = Constructed(ChainParams.Testnet3, 100,
            h => ((uint)(1296688602 + h * 600), h >= 99 ? PowLimitBits : 0x1c0ffff0u));
        var parent = chain.BestHeader;

        Assert.Equal(0x1c0ffff0u, chain.GetNextRequiredBits(parent, parent.Timestamp + 60));
    }

    [Fact]
    public void Testnet3_WalkBack_StopsAtTheRetargetBlock()
    {
        // The retarget block 2016 itself has the limit as its real difficulty; 2017..2020 are exceptions.
        var chain = Constructed(ChainParams.Testnet3, 2020,
            h => ((uint)(1296688602 + h * 600), h >= 2016 ? PowLimitBits : 0x1c0ffff0u));
        var other = Constructed(ChainParams.Testnet3, 2020,
            h => ((uint)(1296688602 + h * 600), h >= 2017 ? PowLimitBits : 0x1c0ffff0u));

        Assert.Equal(PowLimitBits, chain.GetNextRequiredBits(chain.BestHeader, chain.BestHeader.Timestamp + 60));
        Assert.Equal(0x1c0ffff0u, other.GetNextRequiredBits(other.BestHeader, other.BestHeader.Timestamp + 60));
    }

    [Fact]
    public void Testnet3_MinimumDifficultyHeaderTooSoon_BadDifficulty()
    {
        var chain = Constructed(ChainParams.Testnet3, 100, h => ((uint)(1296688602 + h * 600), 0x1c0ffff0));
        chain.SkipProofOfWorkForTests = true;
        var parent = chain.BestHeader;
        var soon = new BlockHeader(4, parent.Hash, Hash256.Zero, parent.Timestamp + 1200, PowLimitBits, 0);
        var late = soon with { Timestamp = parent.Timestamp + 1201 };

        Assert.Equal(HeaderRejectReason.BadDifficulty, chain.CheckHeader(soon, parent));
        Assert.Equal(HeaderRejectReason.None, chain.CheckHeader(soon with { Bits = 0x1c0ffff0 }, parent));
        Assert.Equal(HeaderRejectReason.None, chain.CheckHeader(late, parent));
    }

    /// <summary>Period 2016..4031 took exactly two weeks, its first block has real bits 0x1c400000 and its last
    /// block used the minimum-difficulty exception.</summary>
    private static HeaderChain PeriodChain(ChainParams chain, uint lastTimeOffset) =>
        Constructed(chain, 4031, h =>
        {
            const uint first = 1714777860 + 2016 * 600;
            uint time = h <= 2016 ? (uint)(first - (2016 - h) * 600) : (uint)(first + (long)lastTimeOffset * (h - 2016) / 2015);
            return (time, h == 2016 ? 0x1c400000u : PowLimitBits);
        });

    [Fact]
    public void Bip94_Retarget_ScalesTheFirstBlocksBits()
    {
        var testnet4 = PeriodChain(ChainParams.Testnet4, 1_209_600);
        var testnet3 = PeriodChain(ChainParams.Testnet3, 1_209_600);

        // Exactly the target timespan: BIP94 keeps the first block's target; testnet3 keeps the last block's.
        Assert.Equal(0x1c400000u, testnet4.GetNextRequiredBits(testnet4.BestHeader, testnet4.BestHeader.Timestamp + 1));
        Assert.Equal(PowLimitBits, testnet3.GetNextRequiredBits(testnet3.BestHeader, testnet3.BestHeader.Timestamp + 1));
    }

    [Fact]
    public void Bip94_Retarget_TwiceAsSlow_TargetDoubles()
    {
        var testnet4 = PeriodChain(ChainParams.Testnet4, 2 * 1_209_600);

        // 0x400000·256^25 doubled is 0x800000·256^25 = 0x008000·256^26 in compact form.
        Assert.Equal(0x1d008000u, testnet4.GetNextRequiredBits(testnet4.BestHeader, testnet4.BestHeader.Timestamp + 1));
    }

    [Theory]
    [InlineData(-601, true)]
    [InlineData(-600, false)]
    [InlineData(0, false)]
    public void Bip94_FirstBlockOfPeriod_NotMoreThan600SecondsBeforeParent(int offset, bool refused)
    {
        var testnet4 = Constructed(ChainParams.Testnet4, 4031, h => ((uint)(1714777860 + h * 600), PowLimitBits));
        var testnet3 = Constructed(ChainParams.Testnet3, 4031, h => ((uint)(1296688602 + h * 600), PowLimitBits));
        testnet4.SkipProofOfWorkForTests = testnet3.SkipProofOfWorkForTests = true;

        var on4 = Header(testnet4, testnet4.BestHeader, offset);
        var on3 = Header(testnet3, testnet3.BestHeader, offset);

        Assert.Equal(refused ? HeaderRejectReason.TimewarpAttack : HeaderRejectReason.None,
            testnet4.CheckHeader(on4, testnet4.BestHeader));
        Assert.Equal(HeaderRejectReason.None, testnet3.CheckHeader(on3, testnet3.BestHeader));
    }

    [Fact]
    public void Bip94_NotFirstBlockOfPeriod_EarlyTimestampAllowed()
    {
        var testnet4 = Constructed(ChainParams.Testnet4, 4032, h => ((uint)(1714777860 + h * 600), PowLimitBits));
        testnet4.SkipProofOfWorkForTests = true;

        Assert.Equal(HeaderRejectReason.None,
            testnet4.CheckHeader(Header(testnet4, testnet4.BestHeader, -601), testnet4.BestHeader));
    }

    private static BlockHeader Header(HeaderChain chain, BlockNode parent, int offset)
    {
        uint time = (uint)(parent.Timestamp + offset);
        return new BlockHeader(4, parent.Hash, Hash256.Zero, time, chain.GetNextRequiredBits(parent, time), 0);
    }

    [Fact]
    public void Regtest_NoRetargeting_AcrossThePeriodBoundary()
    {
        // On mainnet rules height 2016 would be a retarget; regtest keeps the limit.
        var (chain, headers) = Regtest(2017);

        Assert.Equal(2017, chain.BestHeader.Height);
        Assert.All(headers, h => Assert.Equal(RegtestBits, h.Bits));
        Assert.Equal(RegtestBits, chain.GetNextRequiredBits(chain.BestHeader, chain.BestHeader.Timestamp + 1));
    }

    [Fact]
    public void Regtest_HarderBitsThanRequired_BadDifficulty()
    {
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);
        var genesis = chain.Genesis;
        var header = Mine(new BlockHeader(4, genesis.Hash, Hash256.Zero, genesis.Timestamp + 600, 0x203fffff, 0));

        var result = chain.ProcessHeader(header);

        Assert.Equal(HeaderRejectReason.BadDifficulty, result.Reason);
        Assert.True(result.Reason.IsPeerFault());
    }

    [Theory]
    [InlineData(0x217fffffu)] // above the regtest limit 2^255 - 1
    [InlineData(0x20800000u)] // negative
    [InlineData(0x00000000u)] // zero
    [InlineData(0xff123456u)] // overflows 256 bits
    public void Regtest_TargetOutOfRange_InvalidProofOfWork(uint bits)
    {
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);
        var header = new BlockHeader(4, chain.Genesis.Hash, Hash256.Zero, chain.Genesis.Timestamp + 600, bits, 0);

        Assert.Equal(HeaderRejectReason.InvalidProofOfWork, chain.ProcessHeader(header).Reason);
    }
}
