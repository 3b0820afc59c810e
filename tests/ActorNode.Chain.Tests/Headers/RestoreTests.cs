using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using static ActorNode.Chain.Tests.Headers.HeaderTestKit;

namespace ActorNode.Chain.Tests.Headers;

/// <summary>Rebuilding the index from the block store's (header, height, status) entries.</summary>
public class RestoreTests
{
    private static List<StoredHeader> Snapshot(HeaderChain chain) =>
        chain.Nodes.Where(n => n.Height > 0)
            .OrderBy(n => n.Height)
            .Select(n => new StoredHeader(n.Header, n.Height, n.Status))
            .ToList();

    [Fact]
    public void Restore_SnapshotOfAChainWithForksAndData_SameBestChainsAndStatuses()
    {
        var (chain, a) = Regtest(8);
        var b = MineChain(chain.Node(a[2]), 3, salt: 1);
        chain.ProcessHeaders(b);
        foreach (var h in a[..5]) chain.MarkBlockStored(h.GetHash());
        chain.MarkBlockStored(a[6].GetHash()); // not linked: a[5] is missing
        foreach (var h in b) chain.MarkBlockStored(h.GetHash());
        chain.MarkBlockInvalid(b[1].GetHash());

        var restored = new HeaderChain(ChainParams.Regtest, LateClock);
        var result = restored.Restore(Snapshot(chain));

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(11, result.Restored);
        Assert.Equal(chain.Count, restored.Count);
        Assert.Equal(chain.BestHeader.Hash, restored.BestHeader.Hash);
        Assert.Equal(chain.BestBlock.Hash, restored.BestBlock.Hash);
        Assert.Equal(a[4].GetHash(), restored.BestBlock.Hash);
        foreach (var node in chain.Nodes)
        {
            var twin = restored.Find(node.Hash)!;
            Assert.Equal(node.Status, twin.Status);
            Assert.Equal(node.ChainWork, twin.ChainWork);
            Assert.Equal(node.Height, twin.Height);
        }

        // The unlinked stored block joins the block chain when the gap is filled, as before the restart.
        var change = restored.MarkBlockStored(a[5].GetHash());
        Assert.Equal(new[] { a[5].GetHash(), a[6].GetHash() }, change!.Connected.Select(n => n.Hash));
    }

    [Fact]
    public void Restore_RealMainnetHeaders_NoChecks_ThenNewHeadersChecked()
    {
        var real = MainnetHeaders1To255();
        var chain = new HeaderChain(ChainParams.Mainnet);
        var stored = real[..200].Select((h, i) => new StoredHeader(h, i + 1, BlockStatus.HeaderValid | BlockStatus.DataStored));

        var result = chain.Restore(stored);
        var more = chain.ProcessHeaders(real[200..]);

        Assert.True(result.IsSuccess);
        Assert.Equal(200, chain.BestBlock.Height);
        // Below mainnet's minimum work the new headers are not stored, restored ones stay.
        Assert.Equal(HeaderRejectReason.BelowMinimumWork, more.Reason);
        Assert.Equal(200, chain.BestHeader.Height);
    }

    [Fact]
    public void Restore_EntryWithUnknownParent_StopsThereWithAClearError()
    {
        var (chain, a) = Regtest(5);
        var entries = Snapshot(chain);
        entries.RemoveAt(2); // height 3 lost: height 4 no longer links

        var restored = new HeaderChain(ChainParams.Regtest, LateClock);
        var result = restored.Restore(entries);

        Assert.False(result.IsSuccess);
        Assert.Equal(2, result.Restored);
        Assert.Contains(a[3].GetHash().ToString(), result.Error);
        Assert.Contains("parent", result.Error);
        Assert.Equal(2, restored.BestHeader.Height);
        // The refused entry left nothing in the index (genesis and two restored).
        Assert.Equal(3, restored.Count);
        Assert.False(restored.Contains(a[3].GetHash()));
        Assert.DoesNotContain(null, restored.Nodes);
    }

    [Fact]
    public void Restore_WrongHeight_Refused()
    {
        var (chain, _) = Regtest(3);
        var entries = Snapshot(chain);
        entries[1] = entries[1] with { Height = 7 };

        var restored = new HeaderChain(ChainParams.Regtest, LateClock);
        var result = restored.Restore(entries);

        Assert.False(result.IsSuccess);
        Assert.Equal(1, result.Restored);
        Assert.Contains("height 7", result.Error);
        Assert.Equal(2, restored.Count);
        Assert.DoesNotContain(null, restored.Nodes);
    }

    [Fact]
    public void Restore_GenesisIncluded_Skipped()
    {
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);
        var genesis = new StoredHeader(chain.Genesis.Header, 0, BlockStatus.HeaderValid | BlockStatus.DataStored);

        Assert.True(chain.Restore([genesis]).IsSuccess);
        Assert.Equal(1, chain.Count);
    }

    [Fact]
    public void Restore_IntoAChainInUse_Throws()
    {
        var (chain, _) = Regtest(1);

        Assert.Throws<InvalidOperationException>(() => chain.Restore([]));
    }

    [Fact]
    public void Status_IsOneByte_ValuesStable()
    {
        // Persisted by the block store: the values must never change.
        Assert.Equal(sizeof(byte), sizeof(BlockStatus));
        Assert.Equal(1, (int)BlockStatus.HeaderValid);
        Assert.Equal(2, (int)BlockStatus.DataStored);
        Assert.Equal(4, (int)BlockStatus.Invalid);
        Assert.Equal(8, (int)BlockStatus.InvalidAncestor);
    }
}
