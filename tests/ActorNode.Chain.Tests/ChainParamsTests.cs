using System.Buffers.Binary;
using System.Numerics;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Tests;

public class ChainParamsTests
{
    // Magics and ports: btcd wire/protocol.go BitcoinNet constants and chaincfg DefaultPort (btcd chaincfg/params.go, chaincfg/genesis.go).
    [Theory]
    [InlineData(Network.Mainnet, "mainnet", 0xD9B4BEF9u, "f9beb4d9", 8333)]
    [InlineData(Network.Testnet3, "testnet3", 0x0709110Bu, "0b110907", 18333)]
    [InlineData(Network.Testnet4, "testnet4", 0x283F161Cu, "1c163f28", 48333)]
    [InlineData(Network.Signet, "signet", 0x40CF030Au, "0a03cf40", 38333)]
    [InlineData(Network.Regtest, "regtest", 0xDAB5BFFAu, "fabfb5da", 18444)]
    public void Network_MagicNameAndPort_AreBtcds(Network network, string name, uint magic, string wireBytes, int port)
    {
        var chain = ChainParams.Get(network);

        Assert.Equal(network, chain.Network);
        Assert.Equal(name, chain.Name);
        Assert.Equal(magic, chain.Magic);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, chain.Magic);
        Assert.Equal(wireBytes, Convert.ToHexStringLower(bytes));
        Assert.Equal(port, chain.DefaultPort);
    }

    [Fact]
    public void SignetMagic_DefaultChallenge_Is0x40CF030A()
    {
        Assert.Equal(0x40CF030Au, ChainParams.SignetMagic(ChainParams.DefaultSignetChallenge));
    }

    [Fact]
    public void CreateSignet_OtherChallenge_HasOwnMagicAndSameGenesis()
    {
        byte[] challenge = [0x51]; // OP_TRUE
        var custom = ChainParams.CreateSignet(challenge, []);

        Assert.NotEqual(ChainParams.Signet.Magic, custom.Magic);
        Assert.Equal(ChainParams.SignetMagic(challenge), custom.Magic);
        Assert.Equal(ChainParams.Signet.GenesisHash, custom.GenesisBlock.GetHash());
        Assert.Empty(custom.DnsSeeds);
        Assert.Equal(challenge, custom.SignetChallenge!.Value.ToArray());
    }

    [Theory]
    [InlineData("mainnet", Network.Mainnet)]
    [InlineData("testnet3", Network.Testnet3)]
    [InlineData("testnet", Network.Testnet3)]
    [InlineData("testnet4", Network.Testnet4)]
    [InlineData("signet", Network.Signet)]
    [InlineData("regtest", Network.Regtest)]
    [InlineData("RegTest", Network.Regtest)]
    public void TryParse_KnownName_ReturnsNetwork(string name, Network expected)
    {
        Assert.True(ChainParams.TryParse(name, out var chain));
        Assert.Equal(expected, chain.Network);
        Assert.Same(ChainParams.Get(expected), chain);
    }

    [Theory]
    [InlineData("simnet")]
    [InlineData("main")]
    [InlineData("testnet5")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnknownName_ReturnsFalse(string? name)
    {
        Assert.False(ChainParams.TryParse(name, out var chain));
        Assert.Null(chain);
    }

    [Fact]
    public void Default_IsSignet()
    {
        Assert.Equal(Network.Signet, ChainParams.DefaultNetwork);
        Assert.Same(ChainParams.Signet, ChainParams.Default);
    }

    [Fact]
    public void Get_UndefinedNetwork_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChainParams.Get((Network)99));
    }

    [Fact]
    public void All_HoldsEachNetworkOnce()
    {
        Assert.Equal(Enum.GetValues<Network>(), ChainParams.All.Select(c => c.Network));
    }

    // Proof-of-work limits (btcd chaincfg/params.go mainPowLimit, testNet3PowLimit, regressionPowLimit,
    // sigNetPowLimit) and their compact forms.
    [Theory]
    [InlineData(Network.Mainnet, "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0x1d00ffffu)]
    [InlineData(Network.Testnet3, "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0x1d00ffffu)]
    [InlineData(Network.Testnet4, "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0x1d00ffffu)]
    [InlineData(Network.Signet, "00000377ae000000000000000000000000000000000000000000000000000000", 0x1e0377aeu)]
    [InlineData(Network.Regtest, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0x207fffffu)]
    public void PowLimit_ValueAndBits_AreBtcds(Network network, string limitHex, uint bits)
    {
        var chain = ChainParams.Get(network);

        Assert.Equal(BigInteger.Parse("0" + limitHex, System.Globalization.NumberStyles.HexNumber), chain.PowLimit);
        Assert.Equal(bits, chain.PowLimitBits);
        Assert.Equal(bits, ProofOfWork.BigToCompact(chain.PowLimit));
        Assert.True(ProofOfWork.CompactToBig(bits) <= chain.PowLimit);
    }

    // Retarget and soft-fork parameters (btcd chaincfg/params.go, chaincfg/genesis.go table).
    [Theory]
    [InlineData(Network.Mainnet, false, false, 0, false, 227931, 388381, 363725, 210000)]
    [InlineData(Network.Testnet3, false, true, 20, false, 21111, 581885, 330776, 210000)]
    [InlineData(Network.Testnet4, false, true, 20, true, 1, 1, 1, 210000)]
    [InlineData(Network.Signet, false, false, 20, false, 1, 1, 1, 210000)]
    [InlineData(Network.Regtest, true, true, 20, false, 1, 1, 1, 150)]
    public void ConsensusParams_AreBtcds(Network network, bool noRetargeting, bool reduceMinDifficulty,
        int minDiffMinutes, bool bip94, int bip34, int bip65, int bip66, int halving)
    {
        var chain = ChainParams.Get(network);

        Assert.Equal(noRetargeting, chain.PoWNoRetargeting);
        Assert.Equal(reduceMinDifficulty, chain.ReduceMinDifficulty);
        Assert.Equal(TimeSpan.FromMinutes(minDiffMinutes), chain.MinDiffReductionTime);
        Assert.Equal(bip94, chain.EnforceBip94);
        Assert.Equal(bip34, chain.Bip34Height);
        Assert.Equal(bip65, chain.Bip65Height);
        Assert.Equal(bip66, chain.Bip66Height);
        Assert.Equal(halving, chain.SubsidyReductionInterval);
        Assert.Equal(100, chain.CoinbaseMaturity);
        Assert.Equal(TimeSpan.FromDays(14), chain.TargetTimespan);
        Assert.Equal(TimeSpan.FromMinutes(10), chain.TargetTimePerBlock);
        Assert.Equal(4, chain.RetargetAdjustmentFactor);
        Assert.Equal(2016, chain.BlocksPerRetarget);
    }

    [Fact]
    public void MainnetCheckpoints_AreBtcds35()
    {
        var checkpoints = ChainParams.Mainnet.Checkpoints;

        Assert.Equal(35, checkpoints.Length);
        Assert.Equal(new Checkpoint(11111,
            Hash256.Parse("0000000069e244f73d78e8fd29ba2fd2ed618bd6fa2ee92559f542fdb26e7c1d")), checkpoints[0]);
        Assert.True(ChainParams.Mainnet.TryGetCheckpoint(210000, out var halving));
        Assert.Equal("000000000000048b95347e83192f69cf0366076336c639f9b7228e9ba171342e", halving.ToString());
        Assert.True(ChainParams.Mainnet.TryGetCheckpoint(400000, out var h400k));
        Assert.Equal("000000000000000004ec466ce4732fe6f1ed1cddc2ed4b328fff5224276e3f6f", h400k.ToString());
        Assert.Equal(new Checkpoint(810000,
            Hash256.Parse("000000000000000000028028ca82b6aa81ce789e4eb9e0321b74c3cbaf405dd1")),
            ChainParams.Mainnet.LatestCheckpoint);
        Assert.False(ChainParams.Mainnet.TryGetCheckpoint(11112, out _));
    }

    [Fact]
    public void Testnet3Checkpoints_AreBtcds21()
    {
        var checkpoints = ChainParams.Testnet3.Checkpoints;

        Assert.Equal(21, checkpoints.Length);
        Assert.Equal(new Checkpoint(546,
            Hash256.Parse("000000002a936ca763904c3c35fce2f3556c559c0214345d31b1bcebf76acb70")), checkpoints[0]);
        Assert.True(ChainParams.Testnet3.TryGetCheckpoint(1000007, out var million));
        Assert.Equal("00000000001ccb893d8a1f25b70ad173ce955e5f50124261bbbc50379a612ddf", million.ToString());
        Assert.Equal(new Checkpoint(2344474,
            Hash256.Parse("0000000000000004877fa2d36316398528de4f347df2f8a96f76613a298ce060")),
            ChainParams.Testnet3.LatestCheckpoint);
    }

    [Theory]
    [InlineData(Network.Mainnet)]
    [InlineData(Network.Testnet3)]
    public void Checkpoints_AscendAndMeetTheProofOfWorkLimit(Network network)
    {
        var chain = ChainParams.Get(network);
        for (int i = 1; i < chain.Checkpoints.Length; i++)
            Assert.True(chain.Checkpoints[i - 1].Height < chain.Checkpoints[i].Height);
        // A real block hash is at most the network's easiest target.
        Assert.All(chain.Checkpoints, c => Assert.True(c.Hash.ToBigInteger() <= chain.PowLimit));
    }

    [Theory]
    [InlineData(Network.Testnet4)]
    [InlineData(Network.Signet)]
    [InlineData(Network.Regtest)]
    public void Checkpoints_OtherNetworks_None(Network network)
    {
        var chain = ChainParams.Get(network);
        Assert.Empty(chain.Checkpoints);
        Assert.Null(chain.LatestCheckpoint);
    }

    [Fact]
    public void DnsSeeds_Mainnet_AreBtcdsEightWithFilteringFlags()
    {
        var seeds = ChainParams.Mainnet.DnsSeeds;

        Assert.Equal(8, seeds.Length);
        Assert.Equal(new DnsSeed("seed.bitcoin.sipa.be", true), seeds[0]);
        Assert.Equal(new DnsSeed("dnsseed.bitcoin.dashjr.org", false), seeds[2]);
        Assert.Equal(new DnsSeed("seed.bitnodes.io", false), seeds[3]);
        Assert.Equal(new DnsSeed("seed.bitcoin.wiz.biz", true), seeds[7]);
        Assert.Equal(6, seeds.Count(s => s.HasFiltering));
    }

    [Theory]
    [InlineData(Network.Testnet3, 4, "testnet-seed.bitcoin.jonasschnelli.ch")]
    [InlineData(Network.Testnet4, 2, "seed.testnet4.bitcoin.sprovoost.nl")]
    [InlineData(Network.Signet, 4, "seed.signet.bitcoin.sprovoost.nl")]
    [InlineData(Network.Regtest, 0, null)]
    public void DnsSeeds_OtherNetworks_AreBtcds(Network network, int count, string? first)
    {
        var seeds = ChainParams.Get(network).DnsSeeds;

        Assert.Equal(count, seeds.Length);
        if (first is not null) Assert.Equal(first, seeds[0].Host);
    }

    [Fact]
    public void DnsSeeds_Testnet3Bluematt_HasNoFiltering()
    {
        Assert.Equal(new DnsSeed("testnet-seed.bluematt.me", false), ChainParams.Testnet3.DnsSeeds[3]);
    }
}
