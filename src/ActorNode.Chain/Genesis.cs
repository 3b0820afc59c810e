using System.Text;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain;

/// <summary>Builds genesis blocks from their fields, as btcd chaincfg/genesis.go and Bitcoin Core's
/// CreateGenesisBlock do: one coinbase transaction paying 50 BTC, the merkle root computed from its txid, and the
/// header. <see cref="ChainParams"/> compares each built block's hash with the published genesis hash in tests.
/// </summary>
public static class Genesis
{
    /// <summary>The coinbase message of the mainnet, testnet3, regtest and signet genesis blocks.</summary>
    public const string MainnetMessage = "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks";

    /// <summary>The coinbase message of the testnet4 genesis block (BIP94).</summary>
    public const string Testnet4Message =
        "03/May/2024 000000000000000000001ebd58c244970b3aa9d783bb001011fbe8ea8e98e00e";

    /// <summary>The uncompressed public key that the mainnet genesis output pays to (pay-to-pubkey).</summary>
    public const string MainnetOutputKeyHex =
        "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61de" +
        "b649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f";

    /// <summary>The genesis reward: 50 BTC in satoshis.</summary>
    public const long Reward = 50 * 100_000_000L;

    private const byte OpPushData1 = 0x4c;
    private const byte OpPushData2 = 0x4d;
    private const byte OpCheckSig = 0xac;

    /// <summary>The genesis coinbase scriptSig: pushes of 486604799 (0x1d00ffff as a 4-byte script number),
    /// of the number 4, and of the message (Core: <c>CScript() &lt;&lt; 486604799 &lt;&lt; CScriptNum(4)
    /// &lt;&lt; message</c>).</summary>
    public static byte[] CoinbaseScript(string message)
    {
        var script = new List<byte>();
        Push(script, [0xff, 0xff, 0x00, 0x1d]);
        Push(script, [0x04]);
        Push(script, Encoding.ASCII.GetBytes(message));
        return [.. script];
    }

    /// <summary>A pay-to-pubkey output script: a push of <paramref name="publicKey"/> then OP_CHECKSIG.</summary>
    public static byte[] PayToPubKeyScript(ReadOnlySpan<byte> publicKey)
    {
        var script = new List<byte>();
        Push(script, publicKey);
        script.Add(OpCheckSig);
        return [.. script];
    }

    /// <summary>The single-input, single-output coinbase transaction of a genesis block (version 1, lock time 0).
    /// </summary>
    public static Transaction CreateCoinbase(string message, byte[] outputScript, long reward = Reward) => new(
        version: 1,
        inputs: [new TxIn(OutPoint.Null, CoinbaseScript(message))],
        outputs: [new TxOut(reward, outputScript)],
        lockTime: 0);

    /// <summary>A version-1 genesis block: no parent, the merkle root computed over the coinbase's txid.</summary>
    public static Block CreateBlock(Transaction coinbase, uint timestamp, uint bits, uint nonce)
    {
        var merkleRoot = MerkleTree.ComputeRoot([coinbase.Txid]);
        var header = new BlockHeader(1, Hash256.Zero, merkleRoot, timestamp, bits, nonce);
        return new Block(header, [coinbase]);
    }

    /// <summary>The coinbase shared by mainnet, testnet3, regtest and signet.</summary>
    public static Transaction MainnetCoinbase() =>
        CreateCoinbase(MainnetMessage, PayToPubKeyScript(Convert.FromHexString(MainnetOutputKeyHex)));

    /// <summary>The testnet4 coinbase: its own message, paying to a 33-byte all-zero "public key".</summary>
    public static Transaction Testnet4Coinbase() =>
        CreateCoinbase(Testnet4Message, PayToPubKeyScript(new byte[33]));

    /// <summary>Appends a minimal data push (Core's <c>CScript &lt;&lt; std::vector</c>): a length byte below
    /// OP_PUSHDATA1, else OP_PUSHDATA1/OP_PUSHDATA2 with the length.</summary>
    private static void Push(List<byte> script, ReadOnlySpan<byte> data)
    {
        if (data.Length < OpPushData1)
        {
            script.Add((byte)data.Length);
        }
        else if (data.Length <= byte.MaxValue)
        {
            script.Add(OpPushData1);
            script.Add((byte)data.Length);
        }
        else if (data.Length <= ushort.MaxValue)
        {
            script.Add(OpPushData2);
            script.Add((byte)data.Length);
            script.Add((byte)(data.Length >> 8));
        }
        else
        {
            throw new ArgumentException("genesis script pushes are short", nameof(data));
        }
        script.AddRange(data);
    }
}
