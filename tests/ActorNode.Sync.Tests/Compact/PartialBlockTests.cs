using ActorNode.Mempool;
using ActorNode.Sync.Compact;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Sync.Tests.Compact.CompactTestBlocks;
using V = ActorNode.Wire.Tests.Blocks.CompactBlockVectors;

namespace ActorNode.Sync.Tests.Compact;

/// <summary>Rebuilding blocks from a <c>cmpctblock</c> and the relay pool: the cases of Bitcoin Core's
/// blockencodings_tests.cpp (SimpleRoundTripTest, NonCoinbasePreforwardRTTest, SufficientPreforwardRTTest,
/// EmptyBlockRoundTripTest, with Core's test block rebuilt from a seeded random source), rust-bitcoin's BIP152 vector,
/// and mainnet block 574,200 with its transactions in a real <see cref="TxPool"/>.</summary>
public class PartialBlockTests
{
    private static PartialBlock Ok(PartialBlockInit init)
    {
        Assert.True(init.Status == CompactReadStatus.Ok, init.Reason);
        return init.Block!;
    }

    private static ulong ShortId(CompactBlockMessage message, Transaction tx) => message.GetShortIdKeys().Compute(tx.Wtxid);

    [Fact]
    public void SimpleRoundTrip_SecondPaymentInPool_AsksForTheFirstAndRebuildsTheBlock()
    {
        var block = CoreTestBlock();
        var message = RoundTrip(CompactBlockBuilder.Build(block, 7));
        var partial = Ok(PartialBlock.Create(message, [block.Transactions[2]]));

        Assert.True(partial.IsTxAvailable(0));
        Assert.False(partial.IsTxAvailable(1));
        Assert.True(partial.IsTxAvailable(2));
        Assert.Equal([(ushort)1], partial.MissingIndexes);
        Assert.Equal((1, 1), (partial.PrefilledCount, partial.FromPoolCount));

        Assert.Equal(CompactReadStatus.Invalid, partial.Fill([], segwitActive: true).Status); // no transactions
        // The wrong transaction: the block does not match its merkle root (Core: the result differs from the block).
        Assert.Equal(CompactReadStatus.Failed, partial.Fill([block.Transactions[2]], segwitActive: true).Status);
        var filled = partial.Fill([block.Transactions[1]], segwitActive: true);
        Assert.Equal(CompactReadStatus.Ok, filled.Status);
        Assert.Equal(block.GetHash(), filled.Block!.GetHash());
        Assert.Equal(block.ToArray(), filled.Block.ToArray());
    }

    [Fact]
    public void NonCoinbasePrefilled_CoinbaseAsShortId_IsAskedFor()
    {
        var block = CoreTestBlock();
        var keys = CompactBlockBuilder.Build(block, 9);
        // Core NonCoinbasePreforwardRTTest: payment 1 prefilled, coinbase and payment 2 as short ids.
        var message = RoundTrip(keys with
        {
            ShortIds = [ShortId(keys, block.Transactions[0]), ShortId(keys, block.Transactions[2])],
            PrefilledTransactions = [new PrefilledTransaction(1, block.Transactions[1])],
        });
        var partial = Ok(PartialBlock.Create(message, [block.Transactions[2]]));

        Assert.False(partial.IsTxAvailable(0));
        Assert.True(partial.IsTxAvailable(1));
        Assert.True(partial.IsTxAvailable(2));
        Assert.Equal(CompactReadStatus.Invalid, partial.Fill([], segwitActive: true).Status);
        Assert.Equal(CompactReadStatus.Failed, partial.Fill([block.Transactions[1]], segwitActive: true).Status);
        var filled = partial.Fill([block.Transactions[0]], segwitActive: true);
        Assert.Equal(CompactReadStatus.Ok, filled.Status);
        Assert.Equal(block.ToArray(), filled.Block!.ToArray());
    }

    [Fact]
    public void SufficientPrefilled_RestInPool_IsCompleteWithoutAsking()
    {
        var block = CoreTestBlock();
        var keys = CompactBlockBuilder.Build(block, 11);
        // Core SufficientPreforwardRTTest: coinbase and payment 2 prefilled (index 2 is "1 after index 0" on the wire).
        var message = RoundTrip(keys with
        {
            ShortIds = [ShortId(keys, block.Transactions[1])],
            PrefilledTransactions = [new PrefilledTransaction(0, block.Transactions[0]), new PrefilledTransaction(2, block.Transactions[2])],
        });
        var partial = Ok(PartialBlock.Create(message, [block.Transactions[1]]));

        Assert.True(partial.IsComplete);
        Assert.Equal((2, 1), (partial.PrefilledCount, partial.FromPoolCount));
        var filled = partial.Fill([], segwitActive: true);
        Assert.Equal(CompactReadStatus.Ok, filled.Status);
        Assert.Equal(block.GetHash(), filled.Block!.GetHash());
        Assert.Equal(block.ToArray(), filled.Block.ToArray());
    }

    [Fact]
    public void CoinbaseOnlyBlock_IsCompleteFromTheMessageAlone()
    {
        // Core EmptyBlockRoundTripTest.
        var full = CoreTestBlock();
        var coinbase = full.Transactions[0];
        var block = new Block(full.Header with { MerkleRoot = coinbase.Txid }, [coinbase]);
        var message = RoundTrip(CompactBlockBuilder.Build(block, 3));
        Assert.Empty(message.ShortIds);

        var partial = Ok(PartialBlock.Create(message, []));
        Assert.True(partial.IsTxAvailable(0));
        var filled = partial.Fill([], segwitActive: true);
        Assert.Equal(CompactReadStatus.Ok, filled.Status);
        Assert.Equal(block.ToArray(), filled.Block!.ToArray());
    }

    [Fact]
    public void EmptyMessage_IsInvalid()
    {
        var block = CoreTestBlock();
        var init = PartialBlock.Create(new CompactBlockMessage(block.Header, 1, [], []), []);
        Assert.Equal(CompactReadStatus.Invalid, init.Status);
    }

    [Theory]
    [InlineData(new ushort[] { 1, 1 })] // not increasing
    [InlineData(new ushort[] { 2 })]    // beyond the one short id
    public void PrefilledIndexesOutOfOrderOrBeyondTheBlock_AreInvalid(ushort[] indexes)
    {
        var block = CoreTestBlock();
        var message = new CompactBlockMessage(block.Header, 1, [5],
            [.. indexes.Select(i => new PrefilledTransaction(i, block.Transactions[0]))]);
        Assert.Equal(CompactReadStatus.Invalid, PartialBlock.Create(message, []).Status);
    }

    [Fact]
    public void TwoEqualShortIdsInTheMessage_FailSoTheFullBlockIsFetched()
    {
        // Core: "Short ID collision" in InitData is READ_STATUS_FAILED.
        var block = CoreTestBlock();
        var message = CompactBlockBuilder.Build(block, 5);
        var collided = message with { ShortIds = [message.ShortIds[0], message.ShortIds[0]] };
        Assert.Equal(CompactReadStatus.Failed, PartialBlock.Create(collided, block.Transactions).Status);
    }

    [Fact]
    public void TwoCandidatesMatchingOneShortId_LeaveThePositionToAskFor()
    {
        // Core: a second pool transaction with the same short id empties the position ("just request it"). Two
        // distinct transactions with equal 48-bit ids cannot be found in a test's time; the same transaction offered
        // twice takes the same path.
        var block = CoreTestBlock();
        var message = CompactBlockBuilder.Build(block, 5);
        var partial = Ok(PartialBlock.Create(message, [block.Transactions[1], block.Transactions[1], block.Transactions[2]]));
        Assert.Equal([(ushort)1], partial.MissingIndexes);
        Assert.Equal(CompactReadStatus.Ok, partial.Fill([block.Transactions[1]], segwitActive: true).Status);
    }

    [Fact]
    public void TooManyTransactionsInBlockTxn_AreInvalid()
    {
        var block = CoreTestBlock();
        var partial = Ok(PartialBlock.Create(CompactBlockBuilder.Build(block, 5), []));
        Assert.Equal([(ushort)1, (ushort)2], partial.MissingIndexes);
        Assert.Equal(CompactReadStatus.Invalid,
            partial.Fill([block.Transactions[1], block.Transactions[2], block.Transactions[2]], segwitActive: true).Status);
    }

    [Fact]
    public void RustBitcoinVector_RebuildsItsBlockFromThePool()
    {
        var block = Block.Parse(Convert.FromHexString(V.BlockHex));
        var message = RoundTrip(CompactBlockMessage.FromBlock(block, V.Nonce));
        Assert.Equal(Convert.FromHexString(V.CompactHex), Payload(message));

        var partial = Ok(PartialBlock.Create(message, [block.Transactions[1]]));
        Assert.True(partial.IsComplete);
        var filled = partial.Fill([], segwitActive: true);
        Assert.Equal(CompactReadStatus.Ok, filled.Status);
        Assert.Equal(Convert.FromHexString(V.BlockHex), filled.Block!.ToArray());
    }

    // ---- mainnet block 574,200 and a real relay pool ---------------------------------------------------------------

    private static readonly int[] Withheld = [1, 17, 1000, 3314];

    /// <summary>A pool holding the block's transactions but the coinbase and <paramref name="withheld"/>; the
    /// indexes the pool refused on its own (standardness) come back too.</summary>
    private static (TxPool Pool, SortedSet<int> NotInPool) PoolWith574200(IEnumerable<int> withheld)
    {
        var block = Block574200;
        var pool = new TxPool();
        var skip = withheld.ToHashSet();
        var notInPool = new SortedSet<int> { 0 };
        for (int i = 1; i < block.Transactions.Length; i++)
            if (skip.Contains(i) || !pool.TryAdd(block.Transactions[i]).IsAccepted) notInPool.Add(i);
        return (pool, notInPool);
    }

    private static IEnumerable<Transaction> Candidates(TxPool pool) => pool.Snapshot().Select(e => e.Transaction);

    [Fact]
    public void Block574200_PoolMissingFour_AsksForExactlyThoseAndRebuildsTheBlockByteForByte()
    {
        var block = Block574200;
        var (pool, notInPool) = PoolWith574200(Withheld);
        Assert.Superset(new SortedSet<int>(Withheld), notInPool);
        var message = RoundTrip(CompactBlockBuilder.Build(block, new Random(574200)));
        Assert.Equal(block.Transactions.Length - 1, message.ShortIds.Length);

        var partial = Ok(PartialBlock.Create(message, Candidates(pool)));
        var expectedMissing = notInPool.Where(i => i != 0).Select(i => (ushort)i).ToArray();
        Assert.Equal(expectedMissing, partial.MissingIndexes);
        Assert.Equal(pool.Count, partial.FromPoolCount);

        // What the peer answers to our getblocktxn, through the wire.
        var request = new GetBlockTransactionsMessage(block.GetHash(), [.. partial.MissingIndexes]);
        var answer = CompactBlockBuilder.AnswerRequest(block, request)!;
        answer = RoundTrip(answer, bytes =>
        {
            var reader = new Wire.Encoding.WireReader(bytes);
            return BlockTransactionsMessage.Decode(ref reader, new WireContext(ProtocolVersion.Current));
        });
        var filled = partial.Fill(answer.Transactions, segwitActive: true);
        Assert.Equal(CompactReadStatus.Ok, filled.Status);
        Assert.Equal(TestDataBytes(), filled.Block!.ToArray());
    }

    private static byte[] TestDataBytes() =>
        Wire.Tests.TestData.ReadAllBytes(Wire.Tests.TestData.Block574200);

    [Fact]
    public void Block574200_WholeBlockInPool_IsCompleteAtOnce()
    {
        var (pool, notInPool) = PoolWith574200([]);
        var block = Block574200;
        var partial = Ok(PartialBlock.Create(CompactBlockBuilder.Build(block, 1), Candidates(pool)));
        Assert.Equal(notInPool.Where(i => i != 0).Select(i => (ushort)i), partial.MissingIndexes);
        if (partial.IsComplete) Assert.Equal(block.ToArray(), partial.Fill([], segwitActive: true).Block!.ToArray());
    }

    [Fact]
    public void Block574200_AnswerInTheWrongOrder_FailsTheMerkleCheck()
    {
        var block = Block574200;
        var (pool, _) = PoolWith574200(Withheld);
        var partial = Ok(PartialBlock.Create(CompactBlockBuilder.Build(block, 2), Candidates(pool)));
        var answer = partial.MissingIndexes.Select(i => block.Transactions[i]).Reverse().ToArray();
        var filled = partial.Fill(answer, segwitActive: true);
        Assert.Equal(CompactReadStatus.Failed, filled.Status);
        Assert.Contains("bad-txnmrklroot", filled.Reason);
    }

    [Fact]
    public void Block574200_RightTxidWrongWitness_FailsTheWitnessCommitment()
    {
        // A transaction whose witness differs has the same txid (the merkle root still matches) but another wtxid:
        // only the witness commitment catches it (Core IsBlockMutated with check_witness_root).
        var block = Block574200;
        int index = Enumerable.Range(1, block.Transactions.Length - 1).First(i => block.Transactions[i].HasWitness);
        var (pool, _) = PoolWith574200([index]);
        var partial = Ok(PartialBlock.Create(CompactBlockBuilder.Build(block, 3), Candidates(pool)));
        Assert.Contains((ushort)index, partial.MissingIndexes);

        var real = block.Transactions[index];
        var inputs = real.Inputs.ToArray();
        var first = inputs.Select((input, i) => (input, i)).First(x => x.input.HasWitness);
        inputs[first.i] = first.input with { Witness = [.. first.input.Witness, new byte[] { 0x01 }] };
        var tampered = new Transaction(real.Version, inputs, real.Outputs, real.LockTime);
        Assert.Equal(real.Txid, tampered.Txid);
        Assert.NotEqual(real.Wtxid, tampered.Wtxid);

        var answer = partial.MissingIndexes.Select(i => i == index ? tampered : block.Transactions[i]).ToArray();
        var filled = partial.Fill(answer, segwitActive: true);
        Assert.Equal(CompactReadStatus.Failed, filled.Status);
        Assert.Contains("bad-witness-merkle-match", filled.Reason);
        Assert.Equal(CompactReadStatus.Ok,
            partial.Fill([.. partial.MissingIndexes.Select(i => block.Transactions[i])], segwitActive: true).Status);
    }
}
