using System.Text.Json.Nodes;
using ActorNode.Chain;
using ActorNode.Host.Rpc;

namespace ActorNode.Host.Tests.Rpc;

/// <summary>decoderawtransaction's shape and the script formats. Vectors: the mainnet genesis coinbase (its decode is
/// the best-known bitcoind output there is), BIP173 and BIP350 segwit addresses, and the genesis key's P2PKH address
/// (1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa).</summary>
public sealed class DecodeRawTransactionTests
{
    private static async Task<JsonNode?> Decode(ChainParams chain, params object[] args)
    {
        var table = new RpcMethodTable();
        table.Register(new RawTransactionRpcMethods(chain).Methods());
        var request = new JsonObject { ["method"] = "decoderawtransaction", ["params"] = new JsonArray([.. args.Select(a => JsonValue.Create(a))]), ["id"] = 1 };
        var reply = await new RpcDispatcher(table).HandleAsync(request.ToJsonString(), CancellationToken.None);
        return JsonNode.Parse(reply.Body!);
    }

    [Fact]
    public async Task GenesisCoinbase_DecodesAsBitcoindShowsIt()
    {
        var hex = Convert.ToHexStringLower(ChainParams.Mainnet.GenesisBlock.Transactions[0].ToArray());
        var tx = (await Decode(ChainParams.Mainnet, hex))!["result"]!;
        Assert.Equal("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", tx["txid"]!.GetValue<string>());
        Assert.Equal(tx["txid"]!.GetValue<string>(), tx["hash"]!.GetValue<string>());
        Assert.Equal(204, tx["size"]!.GetValue<int>());
        Assert.Equal(204, tx["vsize"]!.GetValue<int>());
        Assert.Equal(816, tx["weight"]!.GetValue<int>());
        var vin = Assert.Single(tx["vin"]!.AsArray())!;
        Assert.Equal("04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73",
            vin["coinbase"]!.GetValue<string>());
        Assert.Equal(4294967295u, vin["sequence"]!.GetValue<uint>());
        var vout = Assert.Single(tx["vout"]!.AsArray())!;
        Assert.Equal(50m, vout["value"]!.GetValue<decimal>());
        Assert.Equal("04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f OP_CHECKSIG",
            vout["scriptPubKey"]!["asm"]!.GetValue<string>());
        Assert.Equal("pubkey", vout["scriptPubKey"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("0100")]
    [InlineData("")]
    public async Task Garbage_IsTxDecodeFailed(string hex)
    {
        var error = (await Decode(ChainParams.Regtest, hex))!["error"]!;
        Assert.Equal(-22, error["code"]!.GetValue<int>());
        Assert.Equal("TX decode failed", error["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("mainnet", "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac", "pubkeyhash", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")]
    [InlineData("mainnet", "0014751e76e8199196d454941c45d1b3a323f1433bd6", "witness_v0_keyhash", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")]
    [InlineData("testnet3", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262", "witness_v0_scripthash", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")]
    [InlineData("mainnet", "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "witness_v1_taproot", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")]
    [InlineData("mainnet", "6002751e", "witness_unknown", "bc1sw50qgdz25j")]
    [InlineData("mainnet", "5210751e76e8199196d454941c45d1b3a323", "witness_unknown", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs")]
    [InlineData("mainnet", "6a0b68656c6c6f20776f726c64", "nulldata", null)]
    [InlineData("mainnet", "51", "nonstandard", null)]
    public void Classify_NamesTheTypeAndAddress(string network, string script, string type, string? address)
    {
        ChainParams.TryParse(network, out var chain);
        var (gotType, gotAddress) = ScriptFormat.Classify(Convert.FromHexString(script), chain!);
        Assert.Equal(type, gotType);
        Assert.Equal(address, gotAddress);
    }

    [Theory]
    [InlineData("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac", "OP_DUP OP_HASH160 62e907b15cbf27d5425399ebf6f0fb50ebb88f18 OP_EQUALVERIFY OP_CHECKSIG")]
    [InlineData("0102", "2")]
    [InlineData("0181", "-1")]
    [InlineData("00514f60", "0 1 -1 16")]
    [InlineData("6a0b68656c6c6f20776f726c64", "OP_RETURN 68656c6c6f20776f726c64")]
    [InlineData("4c05aabbccddee", "aabbccddee")]
    [InlineData("0203", "[error]")]
    [InlineData("ff", "OP_UNKNOWN")]
    public void Asm_IsBitcoindsScriptToAsmStr(string script, string asm) =>
        Assert.Equal(asm, ScriptFormat.Asm(Convert.FromHexString(script)));
}
