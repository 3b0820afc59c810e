using ActorNode.Chain.Blocks;
using ActorNode.Wire.Primitives;
using static ActorNode.Chain.Tests.Blocks.RealBlocks;

namespace ActorNode.Chain.Tests.Blocks;

/// <summary>Core CheckTransaction rules, one broken at a time on block 170's payment (the first ever
/// non-coinbase transaction, f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16).</summary>
public class TransactionSanityTests
{
    private static Transaction Payment => Block170().Transactions[1];

    /// <summary>Block 170's payment (or any one-input, two-output payment) with one rule broken.</summary>
    internal static Transaction Break(Transaction payment, string how)
    {
        var input = payment.Inputs[0];
        var outputs = payment.Outputs;
        return how switch
        {
            "no inputs" => new Transaction(payment.Version, [], outputs, payment.LockTime),
            "no outputs" => new Transaction(payment.Version, payment.Inputs, [], payment.LockTime),
            "negative output" => WithOutput(payment, 0, outputs[0] with { Value = -1 }),
            "output over 21M BTC" => WithOutput(payment, 0, outputs[0] with { Value = ConsensusLimits.MaxMoney + 1 }),
            "outputs together over 21M BTC" => new Transaction(payment.Version, payment.Inputs,
                [outputs[0] with { Value = ConsensusLimits.MaxMoney }, outputs[1] with { Value = 1 }],
                payment.LockTime),
            "same input twice" => new Transaction(payment.Version, [input, input], outputs, payment.LockTime),
            "null prevout" => new Transaction(payment.Version,
                [input, input with { PreviousOutput = OutPoint.Null }], outputs, payment.LockTime),
            _ => throw new ArgumentException(how),
        };
    }

    [Fact]
    public void RealTransactions_AllPass()
    {
        foreach (var tx in Block277647().Transactions.Concat(Block574200().Transactions))
            Assert.Equal(TxCheckError.None, TransactionSanity.Check(tx));
    }

    [Fact]
    public void Block170Payment_IsTheKnownOne()
    {
        Assert.Equal("f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16", Payment.Txid.ToString());
        Assert.Equal(2, Payment.Outputs.Length);
    }

    [Theory]
    [MemberData(nameof(BlockSanityTests.BrokenPayments), MemberType = typeof(BlockSanityTests))]
    public void BrokenPayment_RefusedForThatReason(string how, TxCheckError expected)
    {
        Assert.Equal(expected, TransactionSanity.Check(Break(Payment, how)));
    }

    [Fact]
    public void OutputsOfExactly21MillionBtc_Pass()
    {
        var tx = new Transaction(1, Payment.Inputs,
            [Payment.Outputs[0] with { Value = ConsensusLimits.MaxMoney - 5 }, Payment.Outputs[1] with { Value = 5 }], 0);

        Assert.Equal(TxCheckError.None, TransactionSanity.Check(tx));
    }

    [Fact]
    public void StrippedSizeOverOneMegabyte_Oversize()
    {
        var tx = Spend(1, pkScript: new byte[ConsensusLimits.MaxBlockBaseSize]);

        Assert.Equal(TxCheckError.Oversize, TransactionSanity.Check(tx));
        Assert.Equal("bad-txns-oversize", TxCheckError.Oversize.RejectReason());
    }

    [Fact]
    public void LargeWitness_IsNotOversize()
    {
        // Only the stripped size counts for this consensus rule; weight limits are the block's and the pool's.
        var tx = Spend(1);
        tx = WithInput(tx, 0, tx.Inputs[0] with { Witness = [new byte[ConsensusLimits.MaxBlockBaseSize]] });

        Assert.Equal(TxCheckError.None, TransactionSanity.Check(tx));
    }

    [Fact]
    public void IsFinal_FollowsCoreIsFinalTx()
    {
        var zero = Spend(1, lockTime: 0, sequence: 0);
        var height = Spend(1, lockTime: 100, sequence: 0);
        var time = Spend(1, lockTime: 1_500_000_000, sequence: 0);
        var sealedTime = Spend(1, lockTime: 1_500_000_000);

        Assert.True(TransactionSanity.IsFinal(zero, 0, 0));
        Assert.False(TransactionSanity.IsFinal(height, 100, long.MaxValue)); // strictly below the height
        Assert.True(TransactionSanity.IsFinal(height, 101, 0));
        Assert.False(TransactionSanity.IsFinal(time, int.MaxValue, 1_500_000_000));
        Assert.True(TransactionSanity.IsFinal(time, 0, 1_500_000_001));
        Assert.True(TransactionSanity.IsFinal(sealedTime, 0, 0)); // every sequence final
    }
}
