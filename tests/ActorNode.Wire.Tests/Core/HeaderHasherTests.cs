using System.Collections.ObjectModel;
using System.Security.Cryptography;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Tests.Core;

/// <summary>The batch hasher against an independent route: .NET's one-shot <see cref="SHA256.HashData(ReadOnlySpan{byte})"/>
/// applied twice to the serialised bytes. Every lane width is forced in turn (widths the machine cannot run fall back
/// to the next narrower one, so they still must give the right hashes).</summary>
public class HeaderHasherTests
{
    public static TheoryData<int> Widths => [1, 8, 16];

    private static Hash256 Reference(ReadOnlySpan<byte> header) =>
        new(SHA256.HashData(SHA256.HashData(header)));

    private static BlockHeader RandomHeader(Random random)
    {
        Span<byte> bytes = stackalloc byte[BlockHeader.Size];
        random.NextBytes(bytes);
        return BlockHeader.Parse(bytes);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Hash_RandomHeadersEveryBatchSize0To33_MatchesSha256Twice(int lanes)
    {
        var random = new Random(5 + lanes);
        for (int count = 0; count <= 33; count++)
        {
            for (int round = 0; round < 4; round++)
            {
                var headers = new BlockHeader[count];
                for (int i = 0; i < count; i++) headers[i] = RandomHeader(random);
                var hashes = new Hash256[count + 2]; // longer than needed: the extra entries stay untouched
                HeaderHasher.Hash(headers, hashes, lanes);
                for (int i = 0; i < count; i++)
                    Assert.Equal(Reference(headers[i].ToArray()), hashes[i]);
                Assert.True(hashes[count].IsZero && hashes[count + 1].IsZero);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void HashSerialized_RandomBytesEveryBatchSize0To33_MatchesSha256Twice(int lanes)
    {
        var random = new Random(50 + lanes);
        for (int count = 0; count <= 33; count++)
        {
            var raw = new byte[count * BlockHeader.Size];
            random.NextBytes(raw);
            var hashes = new Hash256[count];
            HeaderHasher.HashSerialized(raw, hashes, lanes);
            for (int i = 0; i < count; i++)
                Assert.Equal(Reference(raw.AsSpan(i * BlockHeader.Size, BlockHeader.Size)), hashes[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Hash_ExtremeWordValues_MatchesSha256Twice(int lanes)
    {
        // All-zero and all-one bytes stress the carries of the 32-bit additions and the constant folding.
        var zeros = new byte[BlockHeader.Size];
        var ones = Enumerable.Repeat((byte)0xff, BlockHeader.Size).ToArray();
        var headers = new[] { BlockHeader.Parse(zeros), BlockHeader.Parse(ones), BlockHeader.Parse(zeros), BlockHeader.Parse(ones) };
        var hashes = new Hash256[headers.Length];
        HeaderHasher.Hash(headers, hashes, lanes);
        Assert.Equal(Reference(zeros), hashes[0]);
        Assert.Equal(Reference(ones), hashes[1]);
        Assert.Equal(hashes[0], hashes[2]);
        Assert.Equal(hashes[1], hashes[3]);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Hash_RealMainnetHeaders1To255_MatchEachOthersPreviousHashAndTheKnownEnds(int lanes)
    {
        var headers = TestData.ReadFramedBlocks(TestData.Blocks1To255)
            .Select(b => BlockHeader.Parse(b.AsSpan(0, BlockHeader.Size))).ToArray();
        var hashes = new Hash256[headers.Length];
        HeaderHasher.Hash(headers, hashes, lanes);

        // Independent of any hashing code: each header names its parent's hash, and shared/data/README.md the ends.
        Assert.Equal(Hash256.Parse("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"), headers[0].PreviousBlock);
        for (int i = 1; i < headers.Length; i++) Assert.Equal(headers[i].PreviousBlock, hashes[i - 1]);
        Assert.Equal(Hash256.Parse("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048"), hashes[0]);
        Assert.Equal(Hash256.Parse("00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c"), hashes[^1]);
        for (int i = 0; i < headers.Length; i++) Assert.Equal(Reference(headers[i].ToArray()), hashes[i]);
    }

    [Fact]
    public void Hash_ListArrayAndOtherReadOnlyList_GiveTheSameHashes()
    {
        var random = new Random(7);
        var list = Enumerable.Range(0, 37).Select(_ => RandomHeader(random)).ToList();
        var fromList = new Hash256[list.Count];
        var fromArray = new Hash256[list.Count];
        var fromOther = new Hash256[list.Count];
        HeaderHasher.Hash(list, fromList);
        HeaderHasher.Hash(list.ToArray(), fromArray);
        HeaderHasher.Hash(new ReadOnlyCollection<BlockHeader>(list), fromOther);
        for (int i = 0; i < list.Count; i++) Assert.Equal(list[i].GetHash(), fromList[i]);
        Assert.Equal(fromList, fromArray);
        Assert.Equal(fromList, fromOther);
    }

    [Fact]
    public void Hash_HashesShorterThanHeaders_Throws()
    {
        var headers = new BlockHeader[5];
        Assert.Throws<ArgumentException>(() => HeaderHasher.Hash(headers, new Hash256[4]));
        Assert.Throws<ArgumentException>(() => HeaderHasher.HashSerialized(new byte[4 * BlockHeader.Size], new Hash256[5]));
    }
}
