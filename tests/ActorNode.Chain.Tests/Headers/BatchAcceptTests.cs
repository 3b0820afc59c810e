using System.Collections.ObjectModel;
using System.Numerics;
using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using static ActorNode.Chain.Tests.Headers.HeaderTestKit;

namespace ActorNode.Chain.Tests.Headers;

/// <summary>The fast path of <see cref="HeaderChain.ProcessHeaders"/>: batch hashing, one index lookup per header
/// (a slot reserved before the rules run and dropped when they refuse), and headers read from a span whatever list
/// type the caller passes.</summary>
public class BatchAcceptTests
{
    [Fact]
    public void ProcessHeaders_RefusedHeaderMidBatch_LeavesNoTraceInTheIndex()
    {
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);
        var headers = MineChain(chain.Genesis, 10);
        // Header 6 claims other bits than regtest's: refused (bad proof of work or difficulty), 7.. not linked then.
        var bad = Mine(headers[6] with { Bits = 0x207ffffe });
        var batch = headers.Take(6).Append(bad).ToList();

        var result = chain.ProcessHeaders(batch);

        Assert.False(result.IsSuccess);
        Assert.Equal(6, result.Added);
        Assert.Equal(bad.GetHash(), result.RejectedHash);
        Assert.Equal(7, chain.Count);
        Assert.False(chain.Contains(bad.GetHash()));
        Assert.Null(chain.Find(bad.GetHash()));
        Assert.DoesNotContain(null, chain.Nodes);
        Assert.Equal(7, chain.Nodes.Count());
    }

    [Fact]
    public void ProcessHeaders_OrphanAlone_LeavesNoTraceInTheIndex()
    {
        var chain = new HeaderChain(ChainParams.Regtest, LateClock);
        var orphan = MineChain(Hash256.Parse(new string('1', 64)), 1_600_000_000, 1);

        var result = chain.ProcessHeaders(orphan);

        Assert.Equal(HeaderRejectReason.Orphan, result.Reason);
        Assert.Equal(1, chain.Count);
        Assert.False(chain.Contains(orphan[0].GetHash()));
    }

    [Fact]
    public void ProcessHeader_SingleHeaderBelowMinimumWork_IsRefusedAndNotStored()
    {
        // The minimum-work test skips a batch whose last header is already stored; the header being checked must
        // not count as stored (work of genesis + 1 block = 4 < 42).
        var chain = new HeaderChain(ChainParams.Regtest.WithMinimumChainWork(new BigInteger(42)), LateClock);
        var header = MineChain(chain.Genesis, 1)[0];

        var result = chain.ProcessHeader(header);

        Assert.Equal(HeaderRejectReason.BelowMinimumWork, result.Reason);
        Assert.Equal(1, chain.Count);
        Assert.False(chain.Contains(header.GetHash()));
    }

    [Fact]
    public void ProcessHeaders_ArrayListAndReadOnlyCollection_SameResult()
    {
        var reference = new HeaderChain(ChainParams.Regtest, LateClock);
        var headers = MineChain(reference.Genesis, 40);
        var viaList = reference.ProcessHeaders(headers);

        var viaArray = new HeaderChain(ChainParams.Regtest, LateClock);
        var arrayResult = viaArray.ProcessHeaders(headers.ToArray());
        var viaOther = new HeaderChain(ChainParams.Regtest, LateClock);
        var otherResult = viaOther.ProcessHeaders(new ReadOnlyCollection<BlockHeader>(headers));

        Assert.Equal(40, viaList.Added);
        Assert.Equal(viaList.LastHash, arrayResult.LastHash);
        Assert.Equal(viaList.LastHash, otherResult.LastHash);
        Assert.Equal(headers[^1].GetHash(), viaList.LastHash);
        Assert.Equal(reference.BestHeader.ChainWork, viaOther.BestHeader.ChainWork);
    }

    [Fact]
    public void ProcessHeaders_KnownPrefixThenNew_CountsBothAndIndexesEachOnce()
    {
        var (chain, headers) = Regtest(30);
        var more = MineChain(chain.BestHeader, 5);

        var result = chain.ProcessHeaders(headers.Skip(20).Concat(more).ToList());

        Assert.True(result.IsSuccess);
        Assert.Equal(15, result.Accepted);
        Assert.Equal(5, result.Added);
        Assert.Equal(36, chain.Count);
        Assert.Equal(35, chain.BestHeader.Height);
    }
}

/// <summary><see cref="BlockNode.GetMedianTimePast"/> against the definition (btcd CalcPastMedianTime, Core
/// GetMedianTimePast): sort the timestamps of the node and up to ten ancestors, take the one at index count / 2.
/// </summary>
public class MedianTimePastTests
{
    [Fact]
    public void GetMedianTimePast_JitteredTimesAtEveryHeight_MatchesSortAndTakeMiddle()
    {
        var random = new Random(11);
        var jitter = Enumerable.Range(0, 41).Select(_ => random.Next(-3000, 3000)).ToArray();
        var chain = Constructed(ChainParams.Regtest, 40, h => ((uint)(1_600_000_000 + h * 600 + jitter[h]), RegtestBits));

        for (int height = 0; height <= 40; height++)
        {
            var node = chain.Headers[height]!;
            var window = new List<uint>();
            for (var n = node; n is not null && window.Count < 11; n = n.Parent) window.Add(n.Timestamp);
            var sorted = window.Order().ToList();
            Assert.Equal(sorted[sorted.Count / 2], node.GetMedianTimePast());
        }
    }

    [Fact]
    public void GetMedianTimePast_FourBlocks_TakesTheUpperMiddle()
    {
        var (chain, _) = Regtest(3);

        // Genesis and three blocks 600 s apart: sorted [t, t+600, t+1200, t+1800], index 4 / 2 = 2.
        Assert.Equal(chain.Genesis.Timestamp + 1200, chain.BestHeader.GetMedianTimePast());
    }
}

/// <summary>Restore hashes its entries in chunks of 2,000: chains longer than a chunk, and errors past the first
/// chunk.</summary>
public class RestoreChunkTests
{
    [Fact]
    public void Restore_MoreThanOneChunk_SameIndexAsProcessHeaders()
    {
        var (source, headers) = Regtest(4500);
        var entries = headers.Select((h, i) => new StoredHeader(h, i + 1, BlockStatus.HeaderValid)).ToList();

        var restored = new HeaderChain(ChainParams.Regtest, LateClock);
        var result = restored.Restore(entries);

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(4500, result.Restored);
        Assert.Equal(source.Count, restored.Count);
        Assert.Equal(source.BestHeader.Hash, restored.BestHeader.Hash);
        Assert.Equal(source.BestHeader.ChainWork, restored.BestHeader.ChainWork);
        Assert.Equal(source.Headers[2001]!.Hash, restored.Headers[2001]!.Hash);
    }

    [Fact]
    public void Restore_BrokenLinkInTheThirdChunk_StopsThere()
    {
        var (_, headers) = Regtest(4500);
        var entries = headers.Select((h, i) => new StoredHeader(h, i + 1, BlockStatus.HeaderValid)).ToList();
        entries.RemoveAt(4100); // height 4101 lost: 4102 no longer links

        var restored = new HeaderChain(ChainParams.Regtest, LateClock);
        var result = restored.Restore(entries);

        Assert.False(result.IsSuccess);
        Assert.Equal(4100, result.Restored);
        Assert.Contains(headers[4101].GetHash().ToString(), result.Error);
        Assert.Equal(4101, restored.Count);
        Assert.Equal(4100, restored.BestHeader.Height);
    }
}
