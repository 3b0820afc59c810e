using ActorNode.Lab.Experiments;
using ActorNode.Wire.Primitives;

namespace ActorNode.Lab.Tests.Plans;

public class LabLoadTests
{
    [Fact]
    public void SizedTransactions_HaveExactlyTheAskedSize_AndRoundTrip()
    {
        for (int size = LabTransactions.MinSize; size <= 1200; size++) Check(size);
        foreach (int size in new[] { 17_096, 60_000, LabTransactions.MaxSize }) Check(size);
        Assert.Throws<ArgumentOutOfRangeException>(() => LabTransactions.Create(1, 1, LabTransactions.MaxSize + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabTransactions.Create(1, 1, LabTransactions.MinSize - 1));

        static void Check(int size)
        {
            var tx = LabTransactions.Create(4, size, size);
            var bytes = tx.ToArray(ActorNode.Wire.WireEncoding.Witness);
            Assert.True(bytes.Length == size, $"asked {size}, made {bytes.Length}");
            var back = Transaction.Parse(bytes);
            Assert.Equal(tx.Txid, back.Txid);
        }
    }

    [Fact]
    public void TheUnsizedTransaction_IsTheSmallestSizedOne() =>
        Assert.Equal(LabTransactions.Create(1, 2).Txid, LabTransactions.Create(1, 2, LabTransactions.MinSize).Txid);

    [Fact]
    public void SizedTransactions_AreDistinctPerIndexAndSize()
    {
        var hashes = new HashSet<Hash256>();
        for (int i = 0; i < 50; i++)
        {
            Assert.True(hashes.Add(LabTransactions.Create(1, i, 300).Txid));
            Assert.True(hashes.Add(LabTransactions.Create(1, i, 301).Txid));
        }
    }

    [Fact]
    public void MainnetSizes_AreThoseOfBlock574200_AsTheCodecReadsThem()
    {
        string path = Path.Combine(SharedDataDirectory(), "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk");
        var block = Block.Parse(File.ReadAllBytes(path));
        var expected = block.Transactions.Skip(1).Select(t => t.TotalSize).ToArray();
        Assert.Equal(expected, MainnetTxSizes.All);
        Assert.Equal(3314, MainnetTxSizes.All.Count);
        Assert.InRange(MainnetTxSizes.Mean, 375, 376);
    }

    [Fact]
    public void MainnetSizeDraws_FollowTheTable()
    {
        var random = new Random(11);
        var draws = Enumerable.Range(0, 100_000).Select(_ => MainnetTxSizes.Draw(random)).ToArray();
        Assert.InRange(draws.Average(), MainnetTxSizes.Mean * 0.97, MainnetTxSizes.Mean * 1.03);
        Assert.All(draws, d => Assert.Contains(d, MainnetTxSizes.All));
    }

    // ../shared/data beside the repository (the README's prerequisite), found from the test binary upwards.
    private static string SharedDataDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/data was not found beside the repository (README: prerequisites)");
    }
}
