using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Blocks.BlockTestSupport;
using V = ActorNode.Wire.Tests.Blocks.CompactBlockVectors;

namespace ActorNode.Wire.Tests.Blocks;

/// <summary>BIP141 witness commitment: real blocks verify; altered ones give the status Core's
/// CheckWitnessMalleation would reject them with.</summary>
public class WitnessCommitmentTests
{
    private static readonly byte[] CommitmentBytes =
        Hex("4a3d9f3343dafcc0d6f6d4310f2ee5ce273ed34edca6c75db3a73e7f36873420");

    private static Block VectorBlock() => Block.Parse(Hex(V.BlockHex));

    private static Transaction WithCoinbase(Transaction coinbase, TxOut[]? outputs = null,
        ReadOnlyMemory<byte>[]? witness = null) =>
        new(coinbase.Version,
            [coinbase.Inputs[0] with { Witness = witness ?? coinbase.Inputs[0].Witness }],
            outputs ?? coinbase.Outputs,
            coinbase.LockTime);

    private static Block Replace(Block block, Transaction coinbase) =>
        new(block.Header, [coinbase, .. block.Transactions[1..]]);

    private static TxOut CommitmentOutput(ReadOnlySpan<byte> commitment) =>
        new(0, (byte[])[.. WitnessCommitment.ScriptPrefix, .. commitment]);

    [Fact]
    public void VectorBlock_Commitment_IsFoundAndValid()
    {
        var block = VectorBlock();
        Assert.True(WitnessCommitment.TryFind(block.Transactions[0], out var commitment));
        Assert.Equal(CommitmentBytes, commitment.ToArray());
        Assert.Equal(1, WitnessCommitment.FindOutputIndex(block.Transactions[0]));
        Assert.True(WitnessCommitment.TryGetReservedValue(block.Transactions[0], out var reserved));
        Assert.Equal(new byte[32], reserved.ToArray());
        Assert.Equal(commitment, WitnessCommitment.Compute(MerkleTree.ComputeWitnessRoot(block), reserved.Span));
        Assert.Equal(WitnessCommitmentStatus.Valid, WitnessCommitment.Verify(block));
    }

    [Theory]
    [InlineData(TestData.Block574200)]
    [InlineData(TestData.Block540107)]
    public void RealSegwitBlock_Commitment_IsValid(string file)
    {
        var block = Block.Parse(TestData.ReadAllBytes(file));
        Assert.True(WitnessCommitment.TryFind(block.Transactions[0], out var commitment));
        Assert.True(WitnessCommitment.TryGetReservedValue(block.Transactions[0], out var reserved));
        Assert.Equal(commitment, WitnessCommitment.Compute(MerkleTree.ComputeWitnessRoot(block), reserved.Span));
        Assert.Equal(WitnessCommitmentStatus.Valid, WitnessCommitment.Verify(block));
    }

    [Fact]
    public void OtherReservedValue_GivesMismatch()
    {
        var block = VectorBlock();
        var reserved = new byte[32];
        reserved[0] = 1;
        var altered = Replace(block, WithCoinbase(block.Transactions[0], witness: [reserved]));
        Assert.Equal(WitnessCommitmentStatus.Mismatch, WitnessCommitment.Verify(altered));
    }

    [Fact]
    public void AlteredWitnessOfSpend_GivesMismatch()
    {
        var block = VectorBlock();
        var spend = block.Transactions[1];
        var input = spend.Inputs[0];
        var witness = input.Witness.ToArray();
        var signature = witness[0].ToArray();
        signature[10] ^= 1;
        witness[0] = signature;
        var inputs = spend.Inputs.ToArray();
        inputs[0] = input with { Witness = witness };
        var altered = new Block(block.Header,
            [block.Transactions[0], new Transaction(spend.Version, inputs, spend.Outputs, spend.LockTime)]);
        Assert.Equal(block.Transactions[1].Txid, altered.Transactions[1].Txid);
        Assert.Equal(WitnessCommitmentStatus.Mismatch, WitnessCommitment.Verify(altered));
    }

    [Theory]
    [InlineData(0, 0)]  // no witness item
    [InlineData(1, 31)] // one item, too short
    [InlineData(1, 33)] // one item, too long
    [InlineData(2, 32)] // two items
    public void ReservedValueNotOne32ByteItem_GivesBadReservedValue(int items, int size)
    {
        var block = VectorBlock();
        var witness = Enumerable.Range(0, items).Select(_ => (ReadOnlyMemory<byte>)new byte[size]).ToArray();
        var altered = Replace(block, WithCoinbase(block.Transactions[0], witness: witness));
        Assert.Equal(WitnessCommitmentStatus.BadReservedValue, WitnessCommitment.Verify(altered));
    }

    [Fact]
    public void NoCommitmentButWitnessData_GivesUnexpectedWitness()
    {
        var block = VectorBlock();
        var coinbase = block.Transactions[0];
        var altered = Replace(block, WithCoinbase(coinbase, outputs: [coinbase.Outputs[0]]));
        Assert.False(WitnessCommitment.TryFind(altered.Transactions[0], out _));
        Assert.Equal(WitnessCommitmentStatus.UnexpectedWitness, WitnessCommitment.Verify(altered));
    }

    [Fact]
    public void LastMatchingOutput_Wins()
    {
        var block = VectorBlock();
        var coinbase = block.Transactions[0];
        var right = CommitmentOutput(CommitmentBytes);
        var wrong = CommitmentOutput(new byte[32]);

        var rightLast = Replace(block, WithCoinbase(coinbase, outputs: [coinbase.Outputs[0], wrong, right]));
        Assert.Equal(2, WitnessCommitment.FindOutputIndex(rightLast.Transactions[0]));
        Assert.Equal(WitnessCommitmentStatus.Valid, WitnessCommitment.Verify(rightLast));

        var wrongLast = Replace(block, WithCoinbase(coinbase, outputs: [coinbase.Outputs[0], right, wrong]));
        Assert.Equal(WitnessCommitmentStatus.Mismatch, WitnessCommitment.Verify(wrongLast));
    }

    [Fact]
    public void ShortOrDifferentlyTaggedScript_IsNotACommitment()
    {
        var block = VectorBlock();
        var coinbase = block.Transactions[0];
        var tooShort = new TxOut(0, (byte[])[.. WitnessCommitment.ScriptPrefix, .. new byte[31]]);
        var otherTag = new TxOut(0, Hex("6a24aa21a9ee" + Convert.ToHexString(CommitmentBytes)));
        var right = CommitmentOutput(CommitmentBytes);

        // A valid commitment followed by non-matching scripts is still found.
        var altered = Replace(block, WithCoinbase(coinbase, outputs: [right, tooShort, otherTag]));
        Assert.Equal(0, WitnessCommitment.FindOutputIndex(altered.Transactions[0]));
        Assert.Equal(WitnessCommitmentStatus.Valid, WitnessCommitment.Verify(altered));

        // Longer scripts (extra bytes after the commitment) still count.
        var longer = new TxOut(0, (byte[])[.. WitnessCommitment.ScriptPrefix, .. CommitmentBytes, 0x01]);
        altered = Replace(block, WithCoinbase(coinbase, outputs: [tooShort, longer]));
        Assert.Equal(WitnessCommitmentStatus.Valid, WitnessCommitment.Verify(altered));
    }

    [Fact]
    public void LegacyBlock_GivesNotPresent()
    {
        var record = TestData.ReadFramedBlocks(TestData.Block277647)[0];
        Assert.Equal(WitnessCommitmentStatus.NotPresent, WitnessCommitment.Verify(Block.Parse(record)));
        Assert.Equal(WitnessCommitmentStatus.NotPresent,
            WitnessCommitment.Verify(new Block(Block.Parse(record).Header, [])));
    }

    [Fact]
    public void Compute_ReservedValueOfWrongSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => WitnessCommitment.Compute(Hash256.Zero, new byte[31]));
    }
}
