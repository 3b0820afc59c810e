using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain;

/// <summary>Everything that tells one Bitcoin network from another: the wire magic, the default port, the genesis
/// block, the proof-of-work limit and retarget rules, soft-fork heights, checkpoints and DNS seeds.
/// <para>Mirrors btcd chaincfg.Params (chaincfg/params.go and genesis.go, snapshot 2c67bc29, btcd chaincfg/params.go, chaincfg/genesis.go) for the
/// five networks of <see cref="Network"/>. Genesis blocks are built from their fields (<see cref="Genesis"/>);
/// <see cref="GenesisHash"/> is the published hash they must hash to.</para></summary>
public sealed class ChainParams
{
    /// <summary>The network a node joins when none is named.</summary>
    public const Network DefaultNetwork = Network.Signet;

    /// <summary>The challenge script of the default public signet: a 1-of-2 multisig
    /// (btcd DefaultSignetChallenge, BIP325).</summary>
    public static ReadOnlySpan<byte> DefaultSignetChallenge => Convert.FromHexString(
        "512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430" +
        "210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae");

    private ChainParams(Network network, string name, uint magic, ushort defaultPort, Block genesisBlock,
        Hash256 genesisHash)
    {
        Network = network;
        Name = name;
        Magic = magic;
        DefaultPort = defaultPort;
        GenesisBlock = genesisBlock;
        GenesisHash = genesisHash;
    }

    public Network Network { get; }

    /// <summary>btcd's network name: "mainnet", "testnet3", "testnet4", "signet" or "regtest".</summary>
    public string Name { get; }

    /// <summary>The four bytes that start every v1 p2p frame, read as a little-endian uint32
    /// (mainnet 0xD9B4BEF9 = bytes f9 be b4 d9). btcd wire.BitcoinNet.</summary>
    public uint Magic { get; }

    public ushort DefaultPort { get; }

    /// <summary>The genesis block, built from its fields.</summary>
    public Block GenesisBlock { get; }

    /// <summary>The published genesis block hash (btcd chaincfg genesis hashes), to compare the built block with.
    /// </summary>
    public Hash256 GenesisHash { get; }

    /// <summary>The easiest target a block may have.</summary>
    public BigInteger PowLimit { get; private init; }

    /// <summary><see cref="PowLimit"/> in compact form; the bits of a minimum-difficulty block.</summary>
    public uint PowLimitBits { get; private init; }

    /// <summary>No difficulty retargeting at all: every block has <see cref="PowLimitBits"/> (regtest).</summary>
    public bool PoWNoRetargeting { get; private init; }

    /// <summary>The testnet rule: a block more than <see cref="MinDiffReductionTime"/> after its parent may have
    /// minimum difficulty.</summary>
    public bool ReduceMinDifficulty { get; private init; }

    /// <summary>With <see cref="ReduceMinDifficulty"/>: how long after the parent a minimum-difficulty block is
    /// allowed (20 minutes on the test networks, zero on mainnet).</summary>
    public TimeSpan MinDiffReductionTime { get; private init; }

    /// <summary>BIP94 (testnet4): the timewarp rule, and a retarget computed from the first block of the period
    /// rather than the last.</summary>
    public bool EnforceBip94 { get; private init; }

    /// <summary>The time a retarget period should take (14 days).</summary>
    public TimeSpan TargetTimespan { get; private init; } = TimeSpan.FromDays(14);

    /// <summary>The time a block should take (10 minutes).</summary>
    public TimeSpan TargetTimePerBlock { get; private init; } = TimeSpan.FromMinutes(10);

    /// <summary>A retarget changes the target by at most this factor either way (4).</summary>
    public long RetargetAdjustmentFactor { get; private init; } = 4;

    /// <summary>Blocks per retarget period: <see cref="TargetTimespan"/> / <see cref="TargetTimePerBlock"/> (2016).
    /// </summary>
    public int BlocksPerRetarget => (int)(TargetTimespan.Ticks / TargetTimePerBlock.Ticks);

    /// <summary>From this height block version must be ≥ 2 and the coinbase must start with the height (BIP34).
    /// </summary>
    public int Bip34Height { get; private init; }

    /// <summary>From this height block version must be ≥ 4 (BIP65, OP_CHECKLOCKTIMEVERIFY).</summary>
    public int Bip65Height { get; private init; }

    /// <summary>From this height block version must be ≥ 3 (BIP66, strict DER signatures).</summary>
    public int Bip66Height { get; private init; }

    /// <summary>The least cumulative work a headers chain must have before the node stores it: Bitcoin Core's
    /// nMinimumChainWork, its anti-DoS rule against low-work header spam (btcd has none). Values from Core's
    /// src/kernel/chainparams.cpp at commit 284c42a3 (v30 cycle, September 2025): the work of mainnet at about
    /// height 912,683, testnet3 at about 4,550,000, testnet4 at about 91,000, the default signet at about
    /// 267,665; zero on regtest and on a custom signet, where everything is stored.</summary>
    public BigInteger MinimumChainWork { get; private set; }

    /// <summary>Blocks a coinbase output must wait before it can be spent (100).</summary>
    public int CoinbaseMaturity { get; private init; } = 100;

    /// <summary>Blocks between subsidy halvings (210,000; regtest 150).</summary>
    public int SubsidyReductionInterval { get; private init; } = 210_000;

    /// <summary>Known-good blocks in ascending height order (only mainnet and testnet3 have any).</summary>
    public ImmutableArray<Checkpoint> Checkpoints { get; private set; } = [];

    /// <summary>DNS seeds to ask for peer addresses when the address book is empty.</summary>
    public ImmutableArray<DnsSeed> DnsSeeds { get; private init; } = [];

    /// <summary>The block challenge script of a signet; null on other networks.</summary>
    public ImmutableArray<byte>? SignetChallenge { get; private init; }

    /// <summary>The newest checkpoint, or null when the network has none.</summary>
    public Checkpoint? LatestCheckpoint => Checkpoints.IsEmpty ? null : Checkpoints[^1];

    /// <summary>The checkpoint hash at <paramref name="height"/>, if there is one.</summary>
    public bool TryGetCheckpoint(int height, out Hash256 hash)
    {
        foreach (var checkpoint in Checkpoints)
        {
            if (checkpoint.Height == height)
            {
                hash = checkpoint.Hash;
                return true;
            }
        }
        hash = default;
        return false;
    }

    public override string ToString() => Name;

    /// <summary>A copy with other checkpoints (sorted by height): btcd's --addcheckpoint and --nocheckpoints, and
    /// tests that need checkpoints on a regtest chain.</summary>
    public ChainParams WithCheckpoints(IEnumerable<Checkpoint> checkpoints)
    {
        var copy = (ChainParams)MemberwiseClone();
        copy.Checkpoints = [.. checkpoints.OrderBy(c => c.Height)];
        return copy;
    }

    /// <summary>A copy with another minimum chain work: Core's -minimumchainwork.</summary>
    public ChainParams WithMinimumChainWork(BigInteger minimumChainWork)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumChainWork);
        var copy = (ChainParams)MemberwiseClone();
        copy.MinimumChainWork = minimumChainWork;
        return copy;
    }

    public static ChainParams Mainnet { get; } = CreateMainnet();
    public static ChainParams Testnet3 { get; } = CreateTestnet3();
    public static ChainParams Testnet4 { get; } = CreateTestnet4();
    public static ChainParams Signet { get; } = CreateSignet(DefaultSignetChallenge, DefaultSignetSeeds(),
        Work("0000000000000000000000000000000000000000000000000000067d328e681a"));
    public static ChainParams Regtest { get; } = CreateRegtest();

    /// <summary>The parameters of the <see cref="DefaultNetwork"/> (signet).</summary>
    public static ChainParams Default => Get(DefaultNetwork);

    public static IReadOnlyList<ChainParams> All { get; } = [Mainnet, Testnet3, Testnet4, Signet, Regtest];

    public static ChainParams Get(Network network) => network switch
    {
        Network.Mainnet => Mainnet,
        Network.Testnet3 => Testnet3,
        Network.Testnet4 => Testnet4,
        Network.Signet => Signet,
        Network.Regtest => Regtest,
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, "unknown network"),
    };

    /// <summary>Finds a network by name, ignoring case: "mainnet", "testnet3" (or "testnet"), "testnet4",
    /// "signet", "regtest".</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out ChainParams? chain)
    {
        chain = name?.Trim().ToLowerInvariant() switch
        {
            "mainnet" => Mainnet,
            "testnet3" or "testnet" => Testnet3,
            "testnet4" => Testnet4,
            "signet" => Signet,
            "regtest" => Regtest,
            _ => null,
        };
        return chain is not null;
    }

    /// <summary>The wire magic of a signet with this challenge: the first four bytes of
    /// dsha(CompactSize(length) ‖ challenge), read little-endian (BIP325; btcd CustomSignetParams, which writes the
    /// length as one byte, the same for any challenge under 253 bytes).</summary>
    public static uint SignetMagic(ReadOnlySpan<byte> challenge)
    {
        var buffer = new byte[CompactSize.SizeOf((ulong)challenge.Length) + challenge.Length];
        int prefix = CompactSize.Write(buffer, (ulong)challenge.Length);
        challenge.CopyTo(buffer.AsSpan(prefix));
        Span<byte> hash = stackalloc byte[Hash256.Size];
        Hash256.DoubleSha256(buffer).CopyTo(hash);
        return BinaryPrimitives.ReadUInt32LittleEndian(hash);
    }

    /// <summary>The parameters of a custom signet: the public signet's rules and genesis block with its own
    /// challenge, magic (<see cref="SignetMagic"/>) and seeds (btcd CustomSignetParams).</summary>
    public static ChainParams CreateSignet(ReadOnlySpan<byte> challenge, IEnumerable<DnsSeed> dnsSeeds) =>
        CreateSignet(challenge, dnsSeeds, BigInteger.Zero);

    private static ChainParams CreateSignet(ReadOnlySpan<byte> challenge, IEnumerable<DnsSeed> dnsSeeds,
        BigInteger minimumChainWork) =>
        new(Network.Signet, "signet", SignetMagic(challenge), 38333,
            Genesis.CreateBlock(Genesis.MainnetCoinbase(), timestamp: 1598918400, bits: 0x1e0377ae, nonce: 52613770),
            Hash256.Parse("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"))
        {
            PowLimit = new BigInteger(0x0377ae) << 216,
            PowLimitBits = 0x1e0377ae,
            MinDiffReductionTime = TimeSpan.FromMinutes(20),
            Bip34Height = 1,
            Bip65Height = 1,
            Bip66Height = 1,
            DnsSeeds = [.. dnsSeeds],
            SignetChallenge = ImmutableArray.Create(challenge),
            MinimumChainWork = minimumChainWork,
        };

    /// <summary>The public signet's seeds: one DNS seed and three literal addresses (btcd DefaultSignetDNSSeeds).
    /// </summary>
    public static ImmutableArray<DnsSeed> DefaultSignetSeeds() =>
    [
        new("seed.signet.bitcoin.sprovoost.nl", true),
        new("178.128.221.177", false),
        new("2a01:7c8:d005:390::5", false),
        new("v7ajjeirttkbnt32wpy3c6w3emwnfr3fkla7hpxcfokr3ysd3kqtzmqd.onion:38333", false),
    ];

    /// <summary>2^224 − 1: the proof-of-work limit of mainnet, testnet3 and testnet4.</summary>
    private static BigInteger Pow224Limit => (BigInteger.One << 224) - 1;

    /// <summary>2^255 − 1: the proof-of-work limit of regtest.</summary>
    private static BigInteger Pow255Limit => (BigInteger.One << 255) - 1;

    /// <summary>A chain work written as Core writes it: 64 hex digits, most significant first.</summary>
    private static BigInteger Work(string hex) => BigInteger.Parse("0" + hex, System.Globalization.NumberStyles.HexNumber);

    private static Checkpoint Cp(int height, string hash) => new(height, Hash256.Parse(hash));

    private static ChainParams CreateMainnet() => new(Network.Mainnet, "mainnet", 0xD9B4BEF9, 8333,
        Genesis.CreateBlock(Genesis.MainnetCoinbase(), timestamp: 1231006505, bits: 0x1d00ffff, nonce: 2083236893),
        Hash256.Parse("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"))
    {
        PowLimit = Pow224Limit,
        PowLimitBits = 0x1d00ffff,
        Bip34Height = 227931,
        Bip65Height = 388381,
        Bip66Height = 363725,
        MinimumChainWork = Work("0000000000000000000000000000000000000000dee8e2a309ad8a9820433c68"),
        // btcd chaincfg/params.go MainNetParams.Checkpoints at 2c67bc29.
        Checkpoints =
        [
            Cp(11111, "0000000069e244f73d78e8fd29ba2fd2ed618bd6fa2ee92559f542fdb26e7c1d"),
            Cp(33333, "000000002dd5588a74784eaa7ab0507a18ad16a236e7b1ce69f00d7ddfb5d0a6"),
            Cp(74000, "0000000000573993a3c9e41ce34471c079dcf5f52a0e824a81e7f953b8661a20"),
            Cp(105000, "00000000000291ce28027faea320c8d2b054b2e0fe44a773f3eefb151d6bdc97"),
            Cp(134444, "00000000000005b12ffd4cd315cd34ffd4a594f430ac814c91184a0d42d2b0fe"),
            Cp(168000, "000000000000099e61ea72015e79632f216fe6cb33d7899acb35b75c8303b763"),
            Cp(193000, "000000000000059f452a5f7340de6682a977387c17010ff6e6c3bd83ca8b1317"),
            Cp(210000, "000000000000048b95347e83192f69cf0366076336c639f9b7228e9ba171342e"),
            Cp(216116, "00000000000001b4f4b433e81ee46494af945cf96014816a4e2370f11b23df4e"),
            Cp(225430, "00000000000001c108384350f74090433e7fcf79a606b8e797f065b130575932"),
            Cp(250000, "000000000000003887df1f29024b06fc2200b55f8af8f35453d7be294df2d214"),
            Cp(267300, "000000000000000a83fbd660e918f218bf37edd92b748ad940483c7c116179ac"),
            Cp(279000, "0000000000000001ae8c72a0b0c301f67e3afca10e819efa9041e458e9bd7e40"),
            Cp(300255, "0000000000000000162804527c6e9b9f0563a280525f9d08c12041def0a0f3b2"),
            Cp(319400, "000000000000000021c6052e9becade189495d1c539aa37c58917305fd15f13b"),
            Cp(343185, "0000000000000000072b8bf361d01a6ba7d445dd024203fafc78768ed4368554"),
            Cp(352940, "000000000000000010755df42dba556bb72be6a32f3ce0b6941ce4430152c9ff"),
            Cp(382320, "00000000000000000a8dc6ed5b133d0eb2fd6af56203e4159789b092defd8ab2"),
            Cp(400000, "000000000000000004ec466ce4732fe6f1ed1cddc2ed4b328fff5224276e3f6f"),
            Cp(430000, "000000000000000001868b2bb3a285f3cc6b33ea234eb70facf4dcdf22186b87"),
            Cp(460000, "000000000000000000ef751bbce8e744ad303c47ece06c8d863e4d417efc258c"),
            Cp(490000, "000000000000000000de069137b17b8d5a3dfbd5b145b2dcfb203f15d0c4de90"),
            Cp(520000, "0000000000000000000d26984c0229c9f6962dc74db0a6d525f2f1640396f69c"),
            Cp(550000, "000000000000000000223b7a2298fb1c6c75fb0efc28a4c56853ff4112ec6bc9"),
            Cp(560000, "0000000000000000002c7b276daf6efb2b6aa68e2ce3be67ef925b3264ae7122"),
            Cp(563378, "0000000000000000000f1c54590ee18d15ec70e68c8cd4cfbadb1b4f11697eee"),
            Cp(597379, "00000000000000000005f8920febd3925f8272a6a71237563d78c2edfdd09ddf"),
            Cp(623950, "0000000000000000000f2adce67e49b0b6bdeb9de8b7c3d7e93b21e7fc1e819d"),
            Cp(654683, "0000000000000000000b9d2ec5a352ecba0592946514a92f14319dc2b367fc72"),
            Cp(691719, "00000000000000000008a89e854d57e5667df88f1cdef6fde2fbca1de5b639ad"),
            Cp(724466, "000000000000000000052d314a259755ca65944e68df6b12a067ea8f1f5a7091"),
            Cp(751565, "00000000000000000009c97098b5295f7e5f183ac811fb5d1534040adb93cabd"),
            Cp(781565, "00000000000000000002b8c04999434c33b8e033f11a977b288f8411766ee61c"),
            Cp(800000, "00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054"),
            Cp(810000, "000000000000000000028028ca82b6aa81ce789e4eb9e0321b74c3cbaf405dd1"),
        ],
        DnsSeeds =
        [
            new("seed.bitcoin.sipa.be", true),
            new("dnsseed.bluematt.me", true),
            new("dnsseed.bitcoin.dashjr.org", false),
            new("seed.bitnodes.io", false),
            new("seed.bitcoin.jonasschnelli.ch", true),
            new("seed.btc.petertodd.net", true),
            new("seed.bitcoin.sprovoost.nl", true),
            new("seed.bitcoin.wiz.biz", true),
        ],
    };

    private static ChainParams CreateTestnet3() => new(Network.Testnet3, "testnet3", 0x0709110B, 18333,
        Genesis.CreateBlock(Genesis.MainnetCoinbase(), timestamp: 1296688602, bits: 0x1d00ffff, nonce: 414098458),
        Hash256.Parse("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"))
    {
        PowLimit = Pow224Limit,
        PowLimitBits = 0x1d00ffff,
        ReduceMinDifficulty = true,
        MinDiffReductionTime = TimeSpan.FromMinutes(20),
        Bip34Height = 21111,
        Bip65Height = 581885,
        Bip66Height = 330776,
        MinimumChainWork = Work("0000000000000000000000000000000000000000000016dd270dd94fac1d7632"),
        // btcd chaincfg/params.go TestNet3Params.Checkpoints at 2c67bc29.
        Checkpoints =
        [
            Cp(546, "000000002a936ca763904c3c35fce2f3556c559c0214345d31b1bcebf76acb70"),
            Cp(100000, "00000000009e2958c15ff9290d571bf9459e93b19765c6801ddeccadbb160a1e"),
            Cp(200000, "0000000000287bffd321963ef05feab753ebe274e1d78b2fd4e2bfe9ad3aa6f2"),
            Cp(300001, "0000000000004829474748f3d1bc8fcf893c88be255e6d7f571c548aff57abf4"),
            Cp(400002, "0000000005e2c73b8ecb82ae2dbc2e8274614ebad7172b53528aba7501f5a089"),
            Cp(500011, "00000000000929f63977fbac92ff570a9bd9e7715401ee96f2848f7b07750b02"),
            Cp(600002, "000000000001f471389afd6ee94dcace5ccc44adc18e8bff402443f034b07240"),
            Cp(700000, "000000000000406178b12a4dea3b27e13b3c4fe4510994fd667d7c1e6a3f4dc1"),
            Cp(800010, "000000000017ed35296433190b6829db01e657d80631d43f5983fa403bfdb4c1"),
            Cp(900000, "0000000000356f8d8924556e765b7a94aaebc6b5c8685dcfa2b1ee8b41acd89b"),
            Cp(1000007, "00000000001ccb893d8a1f25b70ad173ce955e5f50124261bbbc50379a612ddf"),
            Cp(1100007, "00000000000abc7b2cd18768ab3dee20857326a818d1946ed6796f42d66dd1e8"),
            Cp(1200007, "00000000000004f2dc41845771909db57e04191714ed8c963f7e56713a7b6cea"),
            Cp(1300007, "0000000072eab69d54df75107c052b26b0395b44f77578184293bf1bb1dbd9fa"),
            Cp(1354312, "0000000000000037a8cd3e06cd5edbfe9dd1dbcc5dacab279376ef7cfc2b4c75"),
            Cp(1580000, "00000000000000b7ab6ce61eb6d571003fbe5fe892da4c9b740c49a07542462d"),
            Cp(1692000, "000000000000056c49030c174179b52a928c870e6e8a822c75973b7970cfbd01"),
            Cp(1864000, "000000000000006433d1efec504c53ca332b64963c425395515b01977bd7b3b0"),
            Cp(2010000, "0000000000004ae2f3896ca8ecd41c460a35bf6184e145d91558cece1c688a76"),
            Cp(2143398, "00000000000163cfb1f97c4e4098a3692c8053ad9cab5ad9c86b338b5c00b8b7"),
            Cp(2344474, "0000000000000004877fa2d36316398528de4f347df2f8a96f76613a298ce060"),
        ],
        DnsSeeds =
        [
            new("testnet-seed.bitcoin.jonasschnelli.ch", true),
            new("seed.tbtc.petertodd.net", true),
            new("seed.testnet.bitcoin.sprovoost.nl", true),
            new("testnet-seed.bluematt.me", false),
        ],
    };

    private static ChainParams CreateTestnet4() => new(Network.Testnet4, "testnet4", 0x283F161C, 48333,
        Genesis.CreateBlock(Genesis.Testnet4Coinbase(), timestamp: 1714777860, bits: 0x1d00ffff, nonce: 393743547),
        Hash256.Parse("00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043"))
    {
        PowLimit = Pow224Limit,
        PowLimitBits = 0x1d00ffff,
        EnforceBip94 = true,
        ReduceMinDifficulty = true,
        MinDiffReductionTime = TimeSpan.FromMinutes(20),
        Bip34Height = 1,
        Bip65Height = 1,
        Bip66Height = 1,
        MinimumChainWork = Work("00000000000000000000000000000000000000000000034a4690fe592dc49c7c"),
        DnsSeeds =
        [
            new("seed.testnet4.bitcoin.sprovoost.nl", true),
            new("seed.testnet4.wiz.biz", true),
        ],
    };

    private static ChainParams CreateRegtest() => new(Network.Regtest, "regtest", 0xDAB5BFFA, 18444,
        Genesis.CreateBlock(Genesis.MainnetCoinbase(), timestamp: 1296688602, bits: 0x207fffff, nonce: 2),
        Hash256.Parse("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"))
    {
        PowLimit = Pow255Limit,
        PowLimitBits = 0x207fffff,
        PoWNoRetargeting = true,
        ReduceMinDifficulty = true,
        MinDiffReductionTime = TimeSpan.FromMinutes(20),
        Bip34Height = 1,
        Bip65Height = 1,
        Bip66Height = 1,
        SubsidyReductionInterval = 150,
    };
}
