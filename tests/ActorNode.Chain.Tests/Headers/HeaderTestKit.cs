using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;

namespace ActorNode.Chain.Tests.Headers;

/// <summary>A clock that stands still at a chosen instant.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public static FixedClock At(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Builders for header chains: regtest headers mined for real (target 0x207fffff: about one nonce in
/// two), constructed mainnet/testnet chains loaded through <see cref="HeaderChain.Restore"/> (no proof-of-work
/// check there), and the real mainnet headers of shared/data.</summary>
internal static class HeaderTestKit
{
    public const uint RegtestBits = 0x207fffff;

    /// <summary>A clock far enough ahead that no constructed header is "too new".</summary>
    public static FixedClock LateClock => FixedClock.At(4_000_000_000);

    /// <summary>Raises the nonce until the header meets its own target.</summary>
    public static BlockHeader Mine(BlockHeader header)
    {
        var target = ProofOfWork.CompactToBig(header.Bits);
        while (header.GetHash().ToBigInteger() > target) header = header with { Nonce = header.Nonce + 1 };
        return header;
    }

    /// <summary><paramref name="count"/> mined regtest headers on <paramref name="parent"/>, 600 s apart, version
    /// 4. <paramref name="salt"/> goes into the merkle root so that forks from the same parent differ.</summary>
    public static List<BlockHeader> MineChain(BlockNode parent, int count, uint salt = 0, int spacing = 600) =>
        MineChain(parent.Hash, parent.Timestamp, count, salt, spacing);

    public static List<BlockHeader> MineChain(Hash256 parentHash, uint parentTime, int count, uint salt = 0,
        int spacing = 600)
    {
        var headers = new List<BlockHeader>(count);
        var prev = parentHash;
        uint time = parentTime;
        for (int i = 0; i < count; i++)
        {
            time = (uint)(time + spacing);
            var header = Mine(new BlockHeader(4, prev, Salt(salt, i), time, RegtestBits, 0));
            headers.Add(header);
            prev = header.GetHash();
        }
        return headers;
    }

    private static Hash256 Salt(uint salt, int i)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes, salt);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), i);
        bytes[31] = 0x5a;
        return new Hash256(bytes);
    }

    /// <summary>A regtest chain with a clock that accepts everything, and <paramref name="count"/> mined headers on
    /// genesis.</summary>
    public static (HeaderChain Chain, List<BlockHeader> Headers) Regtest(int count, ChainParams? chain = null)
    {
        var c = new HeaderChain(chain ?? ChainParams.Regtest, LateClock);
        var headers = MineChain(c.Genesis, count);
        if (count > 0) Assert.Equal(count, c.ProcessHeaders(headers).Added);
        return (c, headers);
    }

    /// <summary>Constructed headers from genesis up to <paramref name="tipHeight"/> that link by hash, with
    /// timestamps and bits from <paramref name="shape"/> (height → (time, bits)); loaded without checks.</summary>
    public static HeaderChain Constructed(ChainParams chain, int tipHeight, Func<int, (uint Time, uint Bits)> shape,
        TimeProvider? clock = null, int version = 0x20000000)
    {
        var c = new HeaderChain(chain, clock ?? LateClock);
        var result = c.Restore(ConstructedHeaders(chain.GenesisHash, 1, tipHeight, shape, version));
        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(tipHeight, c.BestHeader.Height);
        return c;
    }

    public static IEnumerable<StoredHeader> ConstructedHeaders(Hash256 parent, int fromHeight, int toHeight,
        Func<int, (uint Time, uint Bits)> shape, int version = 0x20000000)
    {
        var prev = parent;
        for (int h = fromHeight; h <= toHeight; h++)
        {
            var (time, bits) = shape(h);
            var header = new BlockHeader(version, prev, Hash256.Zero, time, bits, (uint)h);
            prev = header.GetHash();
            yield return new StoredHeader(header, h, BlockStatus.HeaderValid);
        }
    }

    /// <summary>The real mainnet headers of heights 1–255 (blocks1-256.bz2).</summary>
    public static List<BlockHeader> MainnetHeaders1To255() =>
        TestData.ReadFramedBlocks(TestData.Blocks1To255)
            .Select(b => BlockHeader.Parse(b.AsSpan(0, BlockHeader.Size)))
            .ToList();

    /// <summary>Mainnet rules without the minimum chain work, so that early real headers are stored.</summary>
    public static ChainParams MainnetNoMinimumWork => ChainParams.Mainnet.WithMinimumChainWork(0);

    public static BlockNode Node(this HeaderChain chain, BlockHeader header) =>
        chain.Find(header.GetHash()) ?? throw new KeyNotFoundException(header.GetHash().ToString());
}
