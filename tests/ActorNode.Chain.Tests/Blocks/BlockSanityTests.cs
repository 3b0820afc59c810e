using ActorNode.Chain.Blocks;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using static ActorNode.Chain.Tests.Blocks.RealBlocks;

namespace ActorNode.Chain.Tests.Blocks;

/// <summary>Core CheckBlock / ContextualCheckBlock / IsBlockMutated rules on real mainnet blocks and on altered
/// copies of them, each breaking one rule.</summary>
public class BlockSanityTests
{
    private static readonly ChainParams Main = ChainParams.Mainnet;

    private static BlockCheckResult Check(Block block, int height) =>
        BlockSanity.Check(block, BlockCheckContext.For(Main, height));

    // ---- Real blocks ----

    [Fact]
    public void Blocks1To255_AtTheirHeights_AllValid()
    {
        for (int i = 0; i < Blocks1To255.Count; i++)
            Assert.Equal(BlockCheckResult.Valid, Check(Blocks1To255[i], i + 1));
    }

    [Fact]
    public void Block277647_WithBip34Active_Valid()
    {
        var context = BlockCheckContext.For(Main, Height277647);

        Assert.True(context.Bip34Active);
        Assert.False(context.SegwitActive);
        Assert.Equal(BlockCheckResult.Valid, BlockSanity.Check(Block277647(), context));
    }

    [Fact]
    public void Block540107_WitnessCommitment_Valid()
    {
        var block = Block540107();

        Assert.Equal(WitnessCommitmentStatus.Valid, WitnessCommitment.Verify(block));
        Assert.Equal(BlockCheckResult.Valid, Check(block, Height540107));
    }

    [Fact]
    public void Block574200_WitnessCommitment_Valid()
    {
        var block = Block574200();

        Assert.Equal(WitnessCommitmentStatus.Valid, WitnessCommitment.Verify(block));
        Assert.Equal(BlockCheckResult.Valid, Check(block, Height574200));
    }

    [Fact]
    public void RealBlocks_WithMedianTimePastJustBelowTheirTimestamps_StillValid()
    {
        // Every transaction in these blocks is final by height or sequence, so a BIP113 cutoff does not matter.
        foreach (var (block, height) in new[] { (Block540107(), Height540107), (Block574200(), Height574200) })
        {
            var context = BlockCheckContext.For(Main, height, block.Header.Timestamp - 3600);
            Assert.True(context.CsvActive);
            Assert.Equal(BlockCheckResult.Valid, BlockSanity.Check(block, context));
        }
    }

    // ---- Mutated: the body does not match the header ----

    [Fact]
    public void DuplicatedLastTransaction_IsMutatedNotInvalid()
    {
        var block = Block277647();
        Assert.Equal(213, block.Transactions.Length); // odd: the last leaf is already paired with itself
        var mutated = new Block(block.Header, Append(block.Transactions, block.Transactions[^1]));

        Assert.Equal(block.Header.MerkleRoot, MerkleTree.ComputeRoot(mutated, out bool duplicated));
        Assert.True(duplicated);
        var result = Check(mutated, Height277647);
        Assert.Equal(BlockCheckError.DuplicateTransactionMutation, result.Error);
        Assert.Equal("bad-txns-duplicate", result.RejectReason);
        Assert.True(result.IsMutated);
        Assert.False(result.InvalidatesBlock);
    }

    [Fact]
    public void DuplicatedLastTransaction_InAWitnessBlock_IsMutated()
    {
        var block = Block574200();
        Assert.Equal(3315, block.Transactions.Length);
        var mutated = new Block(block.Header, Append(block.Transactions, block.Transactions[^1]));

        Assert.Equal(BlockCheckError.DuplicateTransactionMutation, Check(mutated, Height574200).Error);
    }

    [Fact]
    public void ChangedOutputValue_MerkleRootMismatch_IsMutated()
    {
        var block = Block277647();
        var txs = block.Transactions.ToArray();
        txs[5] = WithOutput(txs[5], 0, txs[5].Outputs[0] with { Value = txs[5].Outputs[0].Value - 1 });

        var result = Check(new Block(block.Header, txs), Height277647);

        Assert.Equal(BlockCheckError.MerkleRootMismatch, result.Error);
        Assert.Equal("bad-txnmrklroot", result.RejectReason);
        Assert.Equal(BlockFault.Mutated, result.Fault);
    }

    [Fact]
    public void DroppedTransaction_MerkleRootMismatch()
    {
        var block = Block277647();

        var result = Check(new Block(block.Header, block.Transactions[..^1]), Height277647);

        Assert.Equal(BlockCheckError.MerkleRootMismatch, result.Error);
    }

    [Fact]
    public void EmptyBody_MerkleRootMismatch()
    {
        var block = Block277647();

        Assert.Equal(BlockCheckError.MerkleRootMismatch, Check(new Block(block.Header, []), Height277647).Error);
    }

    [Fact]
    public void ChangedWitnessItem_CommitmentMismatch_IsMutated()
    {
        var block = Block574200();
        var txs = block.Transactions.ToArray();
        int index = Array.FindIndex(txs, 1, tx => tx.HasWitness);
        int inputIndex = Array.FindIndex(txs[index].Inputs, i => i.HasWitness);
        var input = txs[index].Inputs[inputIndex];
        var witness = input.Witness.ToArray();
        var item = witness[^1].ToArray(); // the last item: a public key or a script, never empty here
        item[^1] ^= 1;
        witness[^1] = item;
        txs[index] = WithInput(txs[index], inputIndex, input with { Witness = witness });

        Assert.Equal(block.Transactions[index].Txid, txs[index].Txid); // the txid does not cover the witness
        var result = Check(new Block(block.Header, txs), Height574200);
        Assert.Equal(BlockCheckError.WitnessCommitmentMismatch, result.Error);
        Assert.Equal("bad-witness-merkle-match", result.RejectReason);
        Assert.True(result.IsMutated);
    }

    [Fact]
    public void StrippedWitnessOfOneTransaction_CommitmentMismatch()
    {
        var block = Block540107();
        var txs = block.Transactions.ToArray();
        int index = Array.FindIndex(txs, 1, tx => tx.HasWitness);
        txs[index] = Transaction.Parse(txs[index].ToArray(WireEncoding.Base), WireEncoding.Base);

        Assert.Equal(BlockCheckError.WitnessCommitmentMismatch, Check(new Block(block.Header, txs), Height540107).Error);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    public void CoinbaseReservedValueNot32Bytes_IsMutated(int size)
    {
        var block = Block574200();
        var txs = block.Transactions.ToArray();
        txs[0] = WithInput(txs[0], 0, txs[0].Inputs[0] with { Witness = [new byte[size]] });

        var result = Check(new Block(block.Header, txs), Height574200);

        Assert.Equal(BlockCheckError.BadWitnessReservedValue, result.Error);
        Assert.Equal("bad-witness-nonce-size", result.RejectReason);
        Assert.True(result.IsMutated);
    }

    [Fact]
    public void WitnessBlockWithoutCommitment_UnexpectedWitness()
    {
        var block = Block574200();
        var txs = block.Transactions.ToArray();
        int index = WitnessCommitment.FindOutputIndex(txs[0]);
        txs[0] = new Transaction(txs[0].Version, txs[0].Inputs,
            txs[0].Outputs.Where((_, i) => i != index).ToArray(), txs[0].LockTime);

        var result = Check(WithTransactions(block, txs), Height574200);

        Assert.Equal(BlockCheckError.UnexpectedWitness, result.Error);
        Assert.True(result.IsMutated);
    }

    [Fact]
    public void WitnessBlock_BeforeSegwitActivation_UnexpectedWitness()
    {
        var context = BlockCheckContext.For(Main, Deployments.SegwitHeight(Network.Mainnet) - 1);

        var result = BlockSanity.Check(Block574200(), context);

        Assert.Equal(BlockCheckError.UnexpectedWitness, result.Error);
        Assert.Equal(0, result.TxIndex); // the coinbase carries the reserved value
    }

    [Fact]
    public void WitnessAddedToPreSegwitBlock_UnexpectedWitness()
    {
        var block = Block277647();
        var txs = block.Transactions.ToArray();
        txs[7] = WithInput(txs[7], 0, txs[7].Inputs[0] with { Witness = [new byte[] { 1, 2, 3 }] });

        var result = Check(new Block(block.Header, txs), Height277647);

        Assert.Equal(BlockCheckError.UnexpectedWitness, result.Error);
        Assert.Equal(7, result.TxIndex);
    }

    [Fact]
    public void SixtyFourByteTransactionAndNoCoinbase_IsMutated()
    {
        var tx = Spend(1, pkScript: [0x51, 0x51, 0x51]);
        Assert.Equal(64, tx.GetSerializedSize(WireEncoding.Base));

        var result = Check(WithTransactions(Block170(), tx), 170);

        Assert.Equal(BlockCheckError.SixtyFourByteTransaction, result.Error);
        Assert.True(result.IsMutated);
    }

    // ---- Invalid: the header commits to a bad block ----

    [Fact]
    public void NoTransactionsAndZeroRoot_NoTransactions_IsInvalid()
    {
        var block = new Block(Block170().Header with { MerkleRoot = Hash256.Zero }, []);

        var result = Check(block, 170);

        Assert.Equal(BlockCheckError.NoTransactions, result.Error);
        Assert.Equal("bad-blk-length", result.RejectReason);
        Assert.True(result.InvalidatesBlock);
    }

    [Fact]
    public void CoinbaseMovedToSecondPlace_FirstNotCoinbase()
    {
        var block = Block277647();
        var txs = block.Transactions.ToArray();
        (txs[0], txs[1]) = (txs[1], txs[0]);

        var result = Check(WithTransactions(block, txs), Height277647);

        Assert.Equal(BlockCheckError.FirstNotCoinbase, result.Error);
        Assert.Equal("bad-cb-missing", result.RejectReason);
        Assert.True(result.InvalidatesBlock);
    }

    [Fact]
    public void CoinbaseMovedToTheEnd_FirstNotCoinbase()
    {
        var block = Block277647();
        var txs = Append(block.Transactions[1..], block.Transactions[0]);

        Assert.Equal(BlockCheckError.FirstNotCoinbase, Check(WithTransactions(block, txs), Height277647).Error);
    }

    [Fact]
    public void SecondCoinbase_MultipleCoinbases()
    {
        var block = Block277647();
        var coinbase = block.Transactions[0];
        var second = WithInput(coinbase, 0, coinbase.Inputs[0] with { ScriptSig = new byte[] { 0x01, 0x02, 0x03 } });
        var txs = Append(block.Transactions, second);

        var result = Check(WithTransactions(block, txs), Height277647);

        Assert.Equal(BlockCheckError.MultipleCoinbases, result.Error);
        Assert.Equal("bad-cb-multiple", result.RejectReason);
        Assert.Equal(213, result.TxIndex);
    }

    [Fact]
    public void StrippedSizeOverOneMegabyte_BaseSizeTooLarge()
    {
        var block = Block277647();
        var big = Spend(9, pkScript: new byte[ConsensusLimits.MaxBlockBaseSize - 100_000]); // OP_0s: no sigops
        var txs = Append(block.Transactions, big);
        Assert.InRange(new Block(block.Header, txs).GetSerializedSize(WireEncoding.Base),
            ConsensusLimits.MaxBlockBaseSize + 1, int.MaxValue);

        var result = Check(WithTransactions(block, txs), Height277647);

        Assert.Equal(BlockCheckError.BaseSizeTooLarge, result.Error);
        Assert.True(result.InvalidatesBlock);
    }

    [Fact]
    public void StrippedSizeJustUnderOneMegabyte_Valid()
    {
        var block = Block277647();
        int room = ConsensusLimits.MaxBlockBaseSize - block.GetSerializedSize(WireEncoding.Base);
        var filler = Spend(9, pkScript: []);
        // CompactSize for the script (5 bytes from 65,536) and the transaction count grow with it.
        int script = room - filler.GetSerializedSize(WireEncoding.Base) - 4;
        var txs = Append(block.Transactions, Spend(9, pkScript: new byte[script]));
        var grown = WithTransactions(block, txs);
        Assert.Equal(ConsensusLimits.MaxBlockBaseSize, grown.GetSerializedSize(WireEncoding.Base));

        Assert.Equal(BlockCheckResult.Valid, Check(grown, Height277647));
        var over = WithTransactions(block, Append(block.Transactions, Spend(9, pkScript: new byte[script + 1])));
        Assert.Equal(BlockCheckError.BaseSizeTooLarge, Check(over, Height277647).Error);
    }

    [Fact]
    public void WitnessPushesWeightOverFourMillion_WeightTooHigh()
    {
        var block = Block540107();
        Assert.InRange(block.Weight, 3_000_000, ConsensusLimits.MaxBlockWeight);
        var heavy = Spend(9);
        heavy = WithInput(heavy, 0, heavy.Inputs[0] with { Witness = [new byte[1_000_000]] });
        var grown = WithCommittedTransactions(block, Append(block.Transactions, heavy));
        Assert.True(grown.Weight > ConsensusLimits.MaxBlockWeight);
        Assert.True(grown.GetSerializedSize(WireEncoding.Base) <= ConsensusLimits.MaxBlockBaseSize);

        var result = Check(grown, Height540107);

        Assert.Equal(BlockCheckError.WeightTooHigh, result.Error);
        Assert.Equal("bad-blk-weight", result.RejectReason);
        Assert.True(result.InvalidatesBlock);
    }

    [Fact]
    public void WitnessTransactionAddedWithRecommitment_Valid()
    {
        // The same construction as above under the limit: the re-commitment itself is right.
        var block = Block540107();
        var light = Spend(9);
        light = WithInput(light, 0, light.Inputs[0] with { Witness = [new byte[100]] });

        Assert.Equal(BlockCheckResult.Valid,
            Check(WithCommittedTransactions(block, Append(block.Transactions, light)), Height540107));
    }

    [Fact]
    public void WrongBip34Height_CoinbaseHeightMismatch_IsInvalid()
    {
        var block = Block277647();
        var coinbase = block.Transactions[0];
        var script = coinbase.Inputs[0].ScriptSig.ToArray();
        Assert.Equal(CoinbaseHeight.Encode(Height277647), script[..4]);
        CoinbaseHeight.Encode(Height277647 - 1).CopyTo(script, 0);
        var txs = block.Transactions.ToArray();
        txs[0] = WithInput(coinbase, 0, coinbase.Inputs[0] with { ScriptSig = script });

        var result = Check(WithTransactions(block, txs), Height277647);

        Assert.Equal(BlockCheckError.CoinbaseHeightMismatch, result.Error);
        Assert.Equal("bad-cb-height", result.RejectReason);
        Assert.True(result.InvalidatesBlock);
    }

    [Fact]
    public void RealBlock_CheckedAtAnotherHeight_CoinbaseHeightMismatch()
    {
        Assert.Equal(BlockCheckError.CoinbaseHeightMismatch, Check(Block277647(), Height277647 + 1).Error);
        Assert.Equal(BlockCheckError.CoinbaseHeightMismatch, Check(Block574200(), Height574200 + 1).Error);
    }

    [Fact]
    public void EarlyBlock_BelowBip34Height_NoHeightNeeded_ButRegtestWouldWantIt()
    {
        // Block 1's coinbase script is 04ffff001d0104: fine before BIP34, wrong where BIP34 is active from 1.
        var block = Blocks1To255[0];
        Assert.Equal(BlockCheckResult.Valid, Check(block, 1));

        var regtest = BlockCheckContext.For(ChainParams.Regtest, 1);
        Assert.True(regtest.Bip34Active);
        Assert.Equal(BlockCheckError.CoinbaseHeightMismatch, BlockSanity.Check(block, regtest).Error);
    }

    [Fact]
    public void RegtestBlockAtHeight1_CoinbaseStartingWithOp1_Valid()
    {
        var block = Blocks1To255[0];
        var coinbase = block.Transactions[0];
        var fixedCoinbase = WithInput(coinbase, 0,
            coinbase.Inputs[0] with { ScriptSig = new byte[] { 0x51, 0x00 } }); // OP_1 OP_0 (Core's miner)

        var result = BlockSanity.Check(WithTransactions(block, fixedCoinbase), BlockCheckContext.For(ChainParams.Regtest, 1));

        Assert.Equal(BlockCheckResult.Valid, result);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(101)]
    public void CoinbaseScriptOutside2To100_BadTransaction(int length)
    {
        var block = Blocks1To255[0];
        var coinbase = block.Transactions[0];
        var changed = WithInput(coinbase, 0, coinbase.Inputs[0] with { ScriptSig = new byte[length] });

        var result = Check(WithTransactions(block, changed), 1);

        Assert.Equal(BlockCheckError.BadTransaction, result.Error);
        Assert.Equal(TxCheckError.CoinbaseScriptLength, result.TxError);
        Assert.Equal("bad-cb-length", result.RejectReason);
        Assert.Equal(0, result.TxIndex);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(100)]
    public void CoinbaseScriptAtTheBounds_Valid(int length)
    {
        var block = Blocks1To255[0];
        var coinbase = block.Transactions[0];
        var changed = WithInput(coinbase, 0, coinbase.Inputs[0] with { ScriptSig = new byte[length] });

        Assert.Equal(BlockCheckResult.Valid, Check(WithTransactions(block, changed), 1));
    }

    public static TheoryData<string, TxCheckError> BrokenPayments => new()
    {
        { "no inputs", TxCheckError.NoInputs },
        { "no outputs", TxCheckError.NoOutputs },
        { "negative output", TxCheckError.NegativeOutput },
        { "output over 21M BTC", TxCheckError.OutputTooLarge },
        { "outputs together over 21M BTC", TxCheckError.OutputTotalTooLarge },
        { "same input twice", TxCheckError.DuplicateInputs },
        { "null prevout", TxCheckError.NullPrevout },
    };

    [Theory]
    [MemberData(nameof(BrokenPayments))]
    public void Block170WithBrokenPayment_BadTransaction(string how, TxCheckError expected)
    {
        var block = Block170();
        var payment = block.Transactions[1];
        var broken = TransactionSanityTests.Break(payment, how);

        var result = Check(WithTransactions(block, block.Transactions[0], broken), 170);

        Assert.Equal(BlockCheckError.BadTransaction, result.Error);
        Assert.Equal(expected, result.TxError);
        Assert.Equal(1, result.TxIndex);
        Assert.True(result.InvalidatesBlock);
    }

    [Fact]
    public void SameTransactionTwiceApart_DuplicateTransaction_IsInvalid()
    {
        var block = Block277647();
        var txs = Append(block.Transactions, block.Transactions[1]);
        var rebuilt = WithTransactions(block, txs);
        MerkleTree.ComputeRoot(rebuilt, out bool duplicated);
        Assert.False(duplicated); // not the CVE-2012-2459 shape: the copies are not siblings

        var result = Check(rebuilt, Height277647);

        Assert.Equal(BlockCheckError.DuplicateTransaction, result.Error);
        Assert.Equal(213, result.TxIndex);
        Assert.True(result.InvalidatesBlock);
    }

    [Fact]
    public void MoreThan20000LegacySigOps_TooManySigOps()
    {
        var block = Block170();
        int existing = block.Transactions.Sum(LegacySigOps.Count);
        // OP_CHECKMULTISIG counts 20: enough of them to pass 20,000 with what the block has.
        int multisigs = (20_000 - existing) / 20 + 1;
        var heavy = Spend(9, pkScript: Enumerable.Repeat((byte)0xae, multisigs).ToArray());

        var result = Check(WithTransactions(block, Append(block.Transactions, heavy)), 170);

        Assert.Equal(BlockCheckError.TooManySigOps, result.Error);
        Assert.Equal("bad-blk-sigops", result.RejectReason);
    }

    [Fact]
    public void Exactly20000LegacySigOps_Valid()
    {
        var block = Block170();
        int existing = block.Transactions.Sum(LegacySigOps.Count);
        var heavy = Spend(9, pkScript: Enumerable.Repeat((byte)0xac, 20_000 - existing).ToArray());

        Assert.Equal(BlockCheckResult.Valid, Check(WithTransactions(block, Append(block.Transactions, heavy)), 170));
    }

    [Fact]
    public void LockTimeAtTheBlockHeightWithOpenSequence_NonFinal()
    {
        var block = Block170();
        var pending = Spend(9, lockTime: 170, sequence: 0);

        var result = Check(WithTransactions(block, Append(block.Transactions, pending)), 170);

        Assert.Equal(BlockCheckError.NonFinalTransaction, result.Error);
        Assert.Equal("bad-txns-nonfinal", result.RejectReason);
    }

    [Fact]
    public void LockTimeBelowTheHeight_OrFinalSequence_Valid()
    {
        var block = Block170();
        var byHeight = Spend(9, lockTime: 169, sequence: 0);
        var bySequence = Spend(10, lockTime: 1_000_000);

        Assert.Equal(BlockCheckResult.Valid,
            Check(WithTransactions(block, Append(block.Transactions, byHeight, bySequence)), 170));
    }

    [Fact]
    public void TimeLock_JudgedByMedianTimePastOnceCsvIsActive()
    {
        var block = Block574200();
        uint time = block.Header.Timestamp;
        var pending = Spend(9, lockTime: time - 10, sequence: 0); // passed by the block time, not by the median
        var grown = WithTransactions(block, Append(block.Transactions, pending));
        grown = WithCommittedTransactions(grown, grown.Transactions);

        Assert.Equal(BlockCheckResult.Valid, BlockSanity.Check(grown, BlockCheckContext.For(Main, Height574200)));
        var withMedian = BlockCheckContext.For(Main, Height574200, previousMedianTimePast: time - 600);
        Assert.Equal(BlockCheckError.NonFinalTransaction, BlockSanity.Check(grown, withMedian).Error);
    }

    // ---- Classification ----

    [Fact]
    public void EveryError_HasOneFaultAndAReason()
    {
        var mutated = new[]
        {
            BlockCheckError.MerkleRootMismatch, BlockCheckError.DuplicateTransactionMutation,
            BlockCheckError.SixtyFourByteTransaction, BlockCheckError.BadWitnessReservedValue,
            BlockCheckError.WitnessCommitmentMismatch, BlockCheckError.UnexpectedWitness,
        };
        foreach (var error in Enum.GetValues<BlockCheckError>().Where(e => e != BlockCheckError.None))
        {
            Assert.Equal(mutated.Contains(error) ? BlockFault.Mutated : BlockFault.Invalid, error.Fault());
            Assert.NotEqual("", error.RejectReason());
        }
        Assert.Equal(BlockFault.None, BlockCheckError.None.Fault());
    }
}
