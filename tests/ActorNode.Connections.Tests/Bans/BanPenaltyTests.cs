using ActorNode.Connections.Bans;
using ActorNode.Wire;

namespace ActorNode.Connections.Tests.Bans;

/// <summary>The point table of btcd server.go (btcd server.go) and our codec-error additions.</summary>
public sealed class BanPenaltyTests
{
    [Fact]
    public void Mempool_BtcdOnMemPool_ZeroPlus33()
    {
        Assert.Equal(new BanPenalty(BanScoreReason.Mempool, 0, 33, "mempool"), BanPenalty.Mempool());
    }

    [Theory]
    [InlineData(0, 0u)]
    [InlineData(1, 0u)]
    [InlineData(505, 0u)] // 505 * 99 / 50000 = 0.99
    [InlineData(506, 1u)]
    [InlineData(25_000, 49u)]
    [InlineData(50_000, 99u)]
    public void GetData_BtcdOnGetData_FloorOfNTimes99Over50000(int entries, uint transient)
    {
        BanPenalty penalty = BanPenalty.GetData(entries);

        Assert.Equal(BanScoreReason.GetData, penalty.Reason);
        Assert.Equal(0u, penalty.Persistent);
        Assert.Equal(transient, penalty.Transient);
    }

    [Fact]
    public void GetData_MoreThanMaxInv_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BanPenalty.GetData(50_001));
    }

    [Theory]
    [InlineData(1, 20u, "1 block not found")]
    [InlineData(6, 120u, "6 blocks not found")]
    public void NotFoundBlocks_BtcdOnNotFound_TwentyPersistentEach(int blocks, uint persistent, string detail)
    {
        Assert.Equal(new BanPenalty(BanScoreReason.NotFoundBlocks, persistent, 0, detail), BanPenalty.NotFoundBlocks(blocks));
    }

    [Theory]
    [InlineData(1, 10u, "1 transaction not found")]
    [InlineData(11, 110u, "11 transactions not found")]
    public void NotFoundTransactions_BtcdOnNotFound_TenTransientEach(int txs, uint transient, string detail)
    {
        Assert.Equal(new BanPenalty(BanScoreReason.NotFoundTransactions, 0, transient, detail), BanPenalty.NotFoundTransactions(txs));
    }

    [Fact]
    public void NotFoundBlocks_HugeCount_Saturates()
    {
        Assert.Equal(uint.MaxValue, BanPenalty.NotFoundBlocks(int.MaxValue).Persistent);
    }

    [Fact]
    public void BloomWhileDisabled_BtcdEnforceNodeBloomFlag_HundredPersistent()
    {
        Assert.Equal(new BanPenalty(BanScoreReason.BloomWhileDisabled, 100, 0, "filterload"), BanPenalty.BloomWhileDisabled("filterload"));
    }

    [Fact]
    public void ForWireError_EveryReason_HasPointsAndItsOwnReason()
    {
        var reasons = new HashSet<BanScoreReason>();
        foreach (WireError error in Enum.GetValues<WireError>())
        {
            BanPenalty penalty = BanPenalty.ForWireError(error);

            Assert.True(penalty.Persistent + penalty.Transient > 0, $"{error} scores nothing");
            Assert.Equal("Wire" + error, penalty.Reason.ToString());
            Assert.True(reasons.Add(penalty.Reason));
        }
    }

    [Theory]
    [InlineData(WireError.BadMagic, 0u, 10u)]
    [InlineData(WireError.UnsupportedVersion, 0u, 10u)]
    [InlineData(WireError.TrailingBytes, 0u, 10u)]
    [InlineData(WireError.BadChecksum, 0u, 25u)]
    [InlineData(WireError.Oversized, 0u, 25u)]
    [InlineData(WireError.InvalidCommand, 0u, 25u)]
    [InlineData(WireError.Truncated, 0u, 25u)]
    [InlineData(WireError.NonCanonical, 0u, 25u)]
    [InlineData(WireError.Malformed, 0u, 25u)]
    [InlineData(WireError.TooMany, 20u, 0u)]
    public void ForWireError_Table_MatchesDocs(WireError error, uint persistent, uint transient)
    {
        BanPenalty penalty = BanPenalty.ForWireError(error);

        Assert.Equal(persistent, penalty.Persistent);
        Assert.Equal(transient, penalty.Transient);
    }

    [Fact]
    public void ForWireError_Exception_CarriesMessage()
    {
        BanPenalty penalty = BanPenalty.ForWireError(new WireException(WireError.BadChecksum, "checksum 01020304 != 05060708"));

        Assert.Equal(BanScoreReason.WireBadChecksum, penalty.Reason);
        Assert.Contains("checksum 01020304 != 05060708", penalty.Detail);
    }

    [Fact]
    public void ForWireError_UnknownValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BanPenalty.ForWireError((WireError)999));
    }

    [Fact]
    public void Docs_BanScoreTable_ListsEveryReasonWithItsPoints()
    {
        string docs = File.ReadAllText(FindRepoFile("docs/peers.md"));

        foreach (WireError error in Enum.GetValues<WireError>())
        {
            BanPenalty penalty = BanPenalty.ForWireError(error);
            Assert.Contains($"| `{error}` | {penalty.Persistent} | {penalty.Transient} |", docs);
        }
    }

    private static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
