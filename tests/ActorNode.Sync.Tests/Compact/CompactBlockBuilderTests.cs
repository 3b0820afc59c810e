using ActorNode.Sync.Compact;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Sync.Tests.Compact.CompactTestBlocks;

namespace ActorNode.Sync.Tests.Compact;

/// <summary>Building a <c>cmpctblock</c> (Core <c>CBlockHeaderAndShortTxIDs</c>) and answering <c>getblocktxn</c>.</summary>
public class CompactBlockBuilderTests
{
    [Fact]
    public void Build_Block574200_PrefillsTheCoinbaseAndSendsEveryOtherWtxidAsAShortId()
    {
        var block = Block574200;
        var message = CompactBlockBuilder.Build(block, 0x0123456789abcdefUL);

        Assert.Equal(block.Header, message.Header);
        var prefilled = Assert.Single(message.PrefilledTransactions);
        Assert.Equal(0, prefilled.Index);
        Assert.Same(block.Transactions[0], prefilled.Transaction);
        Assert.Equal(block.Transactions.Length - 1, message.ShortIds.Length);
        // Short ids come from the wtxids (version 2), not the txids: they differ for every witness transaction.
        for (int i = 1; i < block.Transactions.Length; i++)
        {
            var tx = block.Transactions[i];
            Assert.Equal(ShortTxId.Compute(block.Header, message.Nonce, tx.Wtxid), message.ShortIds[i - 1]);
            if (tx.HasWitness) Assert.NotEqual(ShortTxId.Compute(block.Header, message.Nonce, tx.Txid), message.ShortIds[i - 1]);
        }
        // The compact form is a small fraction of the block: 6 bytes per transaction plus the coinbase.
        Assert.True(Payload(message).Length < block.ToArray().Length / 40);
    }

    [Fact]
    public void Build_FromRandom_DrawsANewNonceEachTime()
    {
        var block = CoreTestBlock();
        var random = new Random(42);
        var nonces = Enumerable.Range(0, 8).Select(_ => CompactBlockBuilder.Build(block, random).Nonce).ToHashSet();
        Assert.Equal(8, nonces.Count);
    }

    [Fact]
    public void AnswerRequest_GivesTheNamedTransactionsInOrder()
    {
        var block = Block574200;
        var answer = CompactBlockBuilder.AnswerRequest(block, new GetBlockTransactionsMessage(block.GetHash(), [0, 5, 3314]));
        Assert.NotNull(answer);
        Assert.Equal(block.GetHash(), answer.BlockHash);
        Assert.Equal([block.Transactions[0], block.Transactions[5], block.Transactions[3314]], answer.Transactions);
    }

    [Fact]
    public void AnswerRequest_IndexBeyondTheBlock_IsNull()
    {
        // Core: "getblocktxn with out-of-bounds tx indices" is misbehaviour.
        var block = Block574200;
        Assert.Null(CompactBlockBuilder.AnswerRequest(block, new GetBlockTransactionsMessage(block.GetHash(), [1, 3315])));
    }
}
