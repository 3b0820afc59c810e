using System.Numerics;
using ActorNode.Chain.Blocks;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Mining;

/// <summary>Builds and mines blocks where proof of work is cheap (regtest: about two hashes per block), for tests,
/// the lab (issue 7) and the node's own <c>generate</c>: a coinbase with the BIP34 height, the transactions given,
/// a witness commitment when any of them has witness data, the merkle root, then the nonce ground until the header
/// hash meets its target (Core's regtest miner, <c>BlockAssembler</c> and <c>GenerateBlocks</c>).
/// <para>There is no UTXO set here: the coinbase pays the subsidy and no fees, and the transactions are taken as
/// they are.</para></summary>
public static class BlockBuilder
{
    /// <summary>The default payout: an OP_TRUE output script, spendable by anyone (Core's functional tests use it).</summary>
    public static ReadOnlyMemory<byte> AnyoneCanSpend { get; } = new byte[] { 0x51 };

    private const byte Op0 = 0x00;
    private const int MaxNonceTries = 1 << 24;

    /// <summary>Builds a block on <paramref name="parent"/> at <paramref name="height"/> and mines it.</summary>
    /// <param name="chain">For the subsidy schedule and the proof-of-work limit.</param>
    /// <param name="parent">The parent's hash.</param>
    /// <param name="height">The new block's height (parent + 1), written into the coinbase as BIP34 asks.</param>
    /// <param name="timestamp">Header time (Unix seconds); the caller keeps it above the median of the last 11.</param>
    /// <param name="bits">The compact target the header must meet (regtest: <c>0x207fffff</c>).</param>
    /// <param name="transactions">Non-coinbase transactions, in block order.</param>
    /// <param name="payout">The coinbase output script; <see cref="AnyoneCanSpend"/> when null.</param>
    /// <param name="tag">Extra coinbase bytes, so that blocks at one height on two forks differ in their coinbase.</param>
    /// <param name="version">Header version (4: BIP34/65/66 all satisfied; BIP9 top bits as Core sets them).</param>
    public static Block Mine(ChainParams chain, Hash256 parent, int height, uint timestamp, uint bits,
        IReadOnlyList<Transaction>? transactions = null, ReadOnlyMemory<byte>? payout = null, uint tag = 0,
        int version = 0x20000000)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        var others = transactions ?? [];
        bool witness = others.Any(t => t.HasWitness);
        var coinbase = Coinbase(chain, height, payout ?? AnyoneCanSpend, tag, witness ? others : null);
        var all = new Transaction[others.Count + 1];
        all[0] = coinbase;
        for (int i = 0; i < others.Count; i++) all[i + 1] = others[i];

        var merkleRoot = MerkleTree.ComputeRoot(all.Select(t => t.Txid).ToArray());
        var header = new BlockHeader(version, parent, merkleRoot, timestamp, bits, 0);
        return new Block(Solve(header, chain.PowLimit), all);
    }

    /// <summary>The block subsidy at a height (Core <c>GetBlockSubsidy</c>): 50 BTC halved every
    /// <see cref="ChainParams.SubsidyReductionInterval"/> blocks, zero after 64 halvings.</summary>
    public static long Subsidy(ChainParams chain, int height)
    {
        int halvings = height / chain.SubsidyReductionInterval;
        return halvings >= 64 ? 0 : (50 * 100_000_000L) >> halvings;
    }

    /// <summary>The coinbase scriptSig Core's miner writes: the height as BIP34 asks (<see cref="CoinbaseHeight"/>),
    /// then OP_0, then <paramref name="tag"/> as a 4-byte push when it is not zero.</summary>
    public static byte[] CoinbaseScript(int height, uint tag = 0)
    {
        var script = new List<byte>(12);
        script.AddRange(CoinbaseHeight.Encode(height));
        script.Add(Op0);
        if (tag != 0)
        {
            script.Add(4);
            script.AddRange(BitConverter.GetBytes(tag)); // little-endian on every platform .NET runs on here
        }
        return [.. script];
    }

    private static Transaction Coinbase(ChainParams chain, int height, ReadOnlyMemory<byte> payout, uint tag,
        IReadOnlyList<Transaction>? witnessTransactions)
    {
        var outputs = new List<TxOut> { new(Subsidy(chain, height), payout) };
        TxIn input = new(OutPoint.Null, CoinbaseScript(height, tag));
        if (witnessTransactions is not null)
        {
            // BIP141: the coinbase's witness is one 32-byte reserved value (zeros), and an output commits to the
            // witness root (coinbase's wtxid counted as zero) hashed with it.
            var reserved = new byte[WitnessCommitment.ReservedValueSize];
            input = input with { Witness = [reserved] };
            var leaves = new Hash256[witnessTransactions.Count + 1];
            leaves[0] = Hash256.Zero;
            for (int i = 0; i < witnessTransactions.Count; i++) leaves[i + 1] = witnessTransactions[i].Wtxid;
            var commitment = WitnessCommitment.Compute(MerkleTree.ComputeRoot(leaves), reserved);
            var script = new byte[WitnessCommitment.MinScriptSize];
            WitnessCommitment.ScriptPrefix.CopyTo(script);
            commitment.CopyTo(script.AsSpan(WitnessCommitment.ScriptPrefix.Length));
            outputs.Add(new TxOut(0, script));
        }
        return new Transaction(version: 2, inputs: [input], outputs: [.. outputs], lockTime: 0);
    }

    private static BlockHeader Solve(BlockHeader header, BigInteger powLimit)
    {
        for (uint nonce = 0; nonce < MaxNonceTries; nonce++)
        {
            var candidate = header with { Nonce = nonce };
            if (ProofOfWork.CheckProofOfWork(candidate.GetHash(), candidate.Bits, powLimit)) return candidate;
        }
        throw new InvalidOperationException(
            $"no nonce below {MaxNonceTries} meets bits 0x{header.Bits:x8}: mining is only for cheap targets such as regtest's");
    }
}
