using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using static ActorNode.Chain.Tests.Headers.HeaderTestKit;

namespace ActorNode.Chain.Tests.Headers;

/// <summary>Median time, version floors and checkpoints (btcd blockchain/validate.go).</summary>
public class HeaderRuleTests
{
    /// <summary>A constructed mainnet chain up to the BIP65 height, version 1 throughout (the store does not check
    /// versions), built once.</summary>
    private static readonly Lazy<HeaderChain> LongMainnet = new(() =>
    {
        var chain = Constructed(ChainParams.Mainnet, 388380, h => ((uint)(1231006505 + h * 600L), 0x1d00ffff),
            version: 1);
        chain.SkipProofOfWorkForTests = true;
        return chain;
    });

    [Theory]
    [InlineData(227930, 1, HeaderRejectReason.None)]
    [InlineData(227931, 1, HeaderRejectReason.VersionTooOld)] // BIP34
    [InlineData(227931, 2, HeaderRejectReason.None)]
    [InlineData(363724, 2, HeaderRejectReason.None)]
    [InlineData(363725, 2, HeaderRejectReason.VersionTooOld)] // BIP66
    [InlineData(363725, 3, HeaderRejectReason.None)]
    [InlineData(388380, 3, HeaderRejectReason.None)]
    [InlineData(388381, 3, HeaderRejectReason.VersionTooOld)] // BIP65
    [InlineData(388381, 4, HeaderRejectReason.None)]
    [InlineData(388381, -1, HeaderRejectReason.VersionTooOld)]
    [InlineData(388381, 0x20000000, HeaderRejectReason.None)]
    public void Mainnet_VersionFloors_AtTheirHeights(int height, int version, HeaderRejectReason expected)
    {
        var chain = LongMainnet.Value;
        var parent = chain.Headers[height - 1]!;
        var header = new BlockHeader(version, parent.Hash, Hash256.Zero, parent.Timestamp + 600, 0x1d00ffff, 0);

        Assert.Equal(expected, chain.CheckHeader(header, parent));
    }

    [Fact]
    public void Mainnet_HeaderAtCheckpointHeightWithOtherHash_CheckpointMismatch()
    {
        var chain = LongMainnet.Value;
        var parent = chain.Headers[11110]!;
        var header = new BlockHeader(1, parent.Hash, Hash256.Zero, parent.Timestamp + 600, 0x1d00ffff, 0);

        Assert.Equal(HeaderRejectReason.CheckpointMismatch, chain.CheckHeader(header, parent));
        Assert.Equal(HeaderRejectReason.None, chain.CheckHeader(header, chain.Headers[11109]!));
    }

    [Theory]
    [InlineData(1, 4, HeaderRejectReason.None)]
    [InlineData(1, 3, HeaderRejectReason.VersionTooOld)]
    [InlineData(1, 2, HeaderRejectReason.VersionTooOld)]
    [InlineData(1, 1, HeaderRejectReason.VersionTooOld)]
    public void Regtest_VersionFloors_AllFromHeightOne(int height, int version, HeaderRejectReason expected)
    {
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);
        var parent = chain.Headers[height - 1]!;
        var header = Mine(new BlockHeader(version, parent.Hash, Hash256.Zero, parent.Timestamp + 600, RegtestBits, 0));

        Assert.Equal(expected, chain.ProcessHeader(header).Reason);
    }

    [Fact]
    public void MedianTimePast_TimestampEqualToMedian_TimeTooOld_OneMore_Accepted()
    {
        // Eleven blocks with timestamps out of order (each still after the median before it); the median is computed
        // here independently by sorting.
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);
        uint t0 = chain.Genesis.Timestamp;
        int[] offsets = [1000, 2000, 1500, 3000, 2500, 4000, 3500, 5000, 4500, 6000];
        var prev = chain.Genesis;
        foreach (int offset in offsets)
        {
            var h = Mine(new BlockHeader(4, prev.Hash, Hash256.Zero, (uint)(t0 + offset), RegtestBits, 0));
            var r = chain.ProcessHeader(h);
            Assert.True(r.IsSuccess, r.ToString());
            prev = r.Last!;
        }
        var window = offsets.Select(o => (uint)(t0 + o)).Append(t0).Order().ToList();
        uint median = window[5];
        Assert.Equal(median, prev.GetMedianTimePast());

        var atMedian = Mine(new BlockHeader(4, prev.Hash, Hash256.Zero, median, RegtestBits, 0));
        var after = Mine(new BlockHeader(4, prev.Hash, Hash256.Zero, median + 1, RegtestBits, 0));

        Assert.Equal(HeaderRejectReason.TimeTooOld, chain.ProcessHeader(atMedian).Reason);
        Assert.True(chain.ProcessHeader(after).IsSuccess);
    }

    [Fact]
    public void Checkpoint_HeaderAtCheckpointHeightWithOtherHash_Refused()
    {
        var probe = MineChain(ChainParams.Regtest.GenesisHash, ChainParams.Regtest.GenesisBlock.Header.Timestamp, 6);
        var other = MineChain(ChainParams.Regtest.GenesisHash, ChainParams.Regtest.GenesisBlock.Header.Timestamp, 6, salt: 7);
        var rules = ChainParams.Regtest.WithCheckpoints([new Checkpoint(5, probe[4].GetHash())]);
        var chain = new HeaderChain(rules, LateClock);

        var refused = chain.ProcessHeaders(other);
        var accepted = chain.ProcessHeaders(probe);

        Assert.Equal(HeaderRejectReason.CheckpointMismatch, refused.Reason);
        Assert.Equal(4, refused.Accepted);
        Assert.Equal(other[4].GetHash(), refused.RejectedHash);
        Assert.True(accepted.IsSuccess);
        Assert.Equal(new Checkpoint(5, probe[4].GetHash()), chain.LastCheckpoint);
    }

    [Fact]
    public void Checkpoint_ForkBelowPassedCheckpoint_ForkTooOld_ForkAboveIt_Accepted()
    {
        var main = MineChain(ChainParams.Regtest.GenesisHash, ChainParams.Regtest.GenesisBlock.Header.Timestamp, 10);
        var rules = ChainParams.Regtest.WithCheckpoints([new Checkpoint(5, main[4].GetHash())]);
        var chain = new HeaderChain(rules, LateClock);
        Assert.Null(chain.LastCheckpoint);
        chain.ProcessHeaders(main);

        var below = MineChain(chain.Node(main[2]), 8, salt: 1); // heights 4.. forking at 3
        var above = MineChain(chain.Node(main[4]), 2, salt: 2); // heights 6, 7 forking at 5

        var belowResult = chain.ProcessHeaders(below);
        Assert.Equal(HeaderRejectReason.ForkTooOld, belowResult.Reason);
        Assert.True(belowResult.Reason.IsPeerFault());
        Assert.Equal(0, belowResult.Accepted);
        Assert.True(chain.ProcessHeaders(above).IsSuccess);
        Assert.Equal(main[^1].GetHash(), chain.BestHeader.Hash);
    }

    [Fact]
    public void Checkpoint_BeforeItIsPassed_ForksBelowAreAllowed()
    {
        var main = MineChain(ChainParams.Regtest.GenesisHash, ChainParams.Regtest.GenesisBlock.Header.Timestamp, 10);
        var rules = ChainParams.Regtest.WithCheckpoints([new Checkpoint(8, main[7].GetHash())]);
        var chain = new HeaderChain(rules, LateClock);
        chain.ProcessHeaders(main[..6]);

        var fork = MineChain(chain.Node(main[1]), 2, salt: 3);

        Assert.True(chain.ProcessHeaders(fork).IsSuccess);
    }

    [Fact]
    public void KnownInvalidHeader_SentAgainOrBuiltOn_KnownInvalid()
    {
        var (chain, headers) = Regtest(5);
        chain.MarkBlockInvalid(headers[2].GetHash());

        var again = chain.ProcessHeaders(headers[2..]);
        var child = MineChain(chain.Node(headers[4]), 1);

        Assert.Equal(HeaderRejectReason.KnownInvalid, again.Reason);
        Assert.Equal(HeaderRejectReason.KnownInvalid, chain.ProcessHeaders(child).Reason);
        Assert.True(again.Reason.IsPeerFault());
    }

    [Fact]
    public void EmptyBatch_NothingHappens()
    {
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);

        var result = chain.ProcessHeaders([]);

        Assert.True(result.IsSuccess);
        Assert.Equal(0, result.Accepted);
        Assert.Null(result.Last);
    }

    [Fact]
    public void BatchStoppedMidway_HeadersBeforeTheBadOneStay()
    {
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);
        var headers = MineChain(chain.Genesis, 6);
        // Header 4 gets a timestamp before the median of its ancestors, re-mined so its pow holds.
        var bad = Mine(headers[3] with { Timestamp = chain.Genesis.Timestamp });
        var batch = headers[..3].Append(bad).ToList();

        var result = chain.ProcessHeaders(batch);

        Assert.Equal(HeaderRejectReason.TimeTooOld, result.Reason);
        Assert.Equal(3, result.Accepted);
        Assert.Equal(3, result.Added);
        Assert.True(result.NewBestHeader);
        Assert.Equal(headers[2].GetHash(), result.LastHash);
        Assert.Equal(3, chain.BestHeader.Height);
    }
}
