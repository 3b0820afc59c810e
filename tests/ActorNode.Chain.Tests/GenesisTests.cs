using System.Text;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Tests;

public class GenesisTests
{
    // Published genesis hashes (btcd chaincfg/genesis.go; btcd chaincfg/params.go, chaincfg/genesis.go).
    [Theory]
    [InlineData(Network.Mainnet, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")]
    [InlineData(Network.Testnet3, "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943")]
    [InlineData(Network.Testnet4, "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043")]
    [InlineData(Network.Signet, "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6")]
    [InlineData(Network.Regtest, "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206")]
    public void GenesisBlock_BuiltFromFields_HashesToPublishedHash(Network network, string expectedHash)
    {
        var chain = ChainParams.Get(network);

        Assert.Equal(expectedHash, chain.GenesisBlock.GetHash().ToString());
        Assert.Equal(expectedHash, chain.GenesisHash.ToString());
    }

    [Theory]
    [InlineData(Network.Mainnet, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")]
    [InlineData(Network.Testnet3, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")]
    [InlineData(Network.Testnet4, "7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e")]
    [InlineData(Network.Signet, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")]
    [InlineData(Network.Regtest, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")]
    public void GenesisBlock_MerkleRoot_IsCoinbaseTxid(Network network, string expectedRoot)
    {
        var genesis = ChainParams.Get(network).GenesisBlock;

        Assert.Equal(expectedRoot, genesis.Header.MerkleRoot.ToString());
        Assert.Equal(expectedRoot, genesis.Transactions[0].Txid.ToString());
        Assert.Equal(expectedRoot, MerkleTree.ComputeRoot(genesis, out _).ToString());
    }

    // Serialised genesis blocks from btcd chaincfg/genesis_test.go (genesisBlockBytes, testNet3GenesisBlockBytes,
    // testNet4GenesisBlockBytes, sigNetGenesisBlockBytes, regTestGenesisBlockBytes).
    private const string MainnetCoinbaseHex =
        "0101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d010445" +
        "5468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64" +
        "206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105c" +
        "d6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

    [Theory]
    [InlineData(Network.Mainnet,
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c"
        + MainnetCoinbaseHex)]
    [InlineData(Network.Testnet3,
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff001d1aa4ae18"
        + MainnetCoinbaseHex)]
    [InlineData(Network.Signet,
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a008f4d5fae77031e8ad22203"
        + MainnetCoinbaseHex)]
    [InlineData(Network.Regtest,
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000"
        + MainnetCoinbaseHex)]
    [InlineData(Network.Testnet4,
        "0100000000000000000000000000000000000000000000000000000000000000000000004e7b2b9128fe0291db0693af2ae418b767e657cd407e80cb1434221eaea7a07a046f3566ffff001dbb0c7817"
        + "0101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff5504ffff001d01044c"
        + "4c30332f4d61792f323032342030303030303030303030303030303030303030303165626435386332343439373062336161"
        + "396437383362623030313031316662653865613865393865303065ffffffff0100f2052a01000000232100000000000000000000"
        + "0000000000000000000000000000000000000000000000ac00000000")]
    public void GenesisBlock_Serialised_MatchesBtcdBytes(Network network, string expectedHex)
    {
        var genesis = ChainParams.Get(network).GenesisBlock;

        Assert.Equal(expectedHex, Convert.ToHexStringLower(genesis.ToArray()));
        var reparsed = Block.Parse(Convert.FromHexString(expectedHex));
        Assert.Equal(genesis.Header, reparsed.Header);
    }

    [Theory]
    [InlineData(Network.Mainnet, Genesis.MainnetMessage)]
    [InlineData(Network.Testnet4, Genesis.Testnet4Message)]
    public void GenesisCoinbase_ScriptSig_EndsWithTheMessage(Network network, string message)
    {
        var coinbase = ChainParams.Get(network).GenesisBlock.Transactions[0];

        Assert.True(coinbase.IsCoinbase);
        var script = coinbase.Inputs[0].ScriptSig.Span;
        Assert.Equal(message, Encoding.ASCII.GetString(script[^message.Length..]));
        Assert.Equal(Genesis.Reward, coinbase.Outputs[0].Value);
    }

    [Fact]
    public void MainnetGenesisCoinbase_ScriptSig_IsTheTimesHeadline()
    {
        var script = ChainParams.Mainnet.GenesisBlock.Transactions[0].Inputs[0].ScriptSig.Span;
        Assert.Equal("The Times 03/Jan/2009 Chancellor on brink of second bailout for banks",
            Encoding.ASCII.GetString(script[8..]));
        Assert.Equal("04ffff001d010445", Convert.ToHexStringLower(script[..8]));
    }

    [Theory]
    [InlineData(Network.Mainnet, 1231006505u, 0x1d00ffffu, 2083236893u)]
    [InlineData(Network.Testnet3, 1296688602u, 0x1d00ffffu, 414098458u)]
    [InlineData(Network.Testnet4, 1714777860u, 0x1d00ffffu, 393743547u)]
    [InlineData(Network.Signet, 1598918400u, 0x1e0377aeu, 52613770u)]
    [InlineData(Network.Regtest, 1296688602u, 0x207fffffu, 2u)]
    public void GenesisHeader_Fields_AreThePublishedOnes(Network network, uint time, uint bits, uint nonce)
    {
        var header = ChainParams.Get(network).GenesisBlock.Header;

        Assert.Equal(1, header.Version);
        Assert.True(header.PreviousBlock.IsZero);
        Assert.Equal(time, header.Timestamp);
        Assert.Equal(bits, header.Bits);
        Assert.Equal(nonce, header.Nonce);
    }

    [Theory]
    [InlineData(Network.Mainnet)]
    [InlineData(Network.Testnet3)]
    [InlineData(Network.Testnet4)]
    [InlineData(Network.Signet)]
    [InlineData(Network.Regtest)]
    public void GenesisBlock_MeetsItsOwnProofOfWork(Network network)
    {
        var chain = ChainParams.Get(network);

        Assert.Equal(chain.PowLimitBits, chain.GenesisBlock.Header.Bits);
        Assert.True(ProofOfWork.CheckProofOfWork(chain.GenesisBlock.Header, chain));
    }
}
