using ActorNode.Chain.Blocks;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Microsoft.Extensions.Time.Testing;
using static ActorNode.Mempool.Tests.RealTransactions;

namespace ActorNode.Mempool.Tests;

public class TxPoolTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2019, 5, 2, 0, 0, 0, TimeSpan.Zero));

    private TxPool NewPool(TxPoolOptions? options = null) => new(options, _clock);

    private static long Accounted(Transaction tx) => tx.TotalSize + TxPool.EstimateOverhead(tx);

    // ---- Acceptance and lookups ----

    [Fact]
    public void WitnessTx_Accepted_FoundByTxidAndByWtxid()
    {
        var pool = NewPool();
        var tx = WitnessTxs.First();
        Assert.NotEqual(tx.Txid, tx.Wtxid);

        Assert.True(pool.TryAdd(tx).IsAccepted);

        Assert.True(pool.Contains(tx.Txid));
        Assert.True(pool.ContainsWtxid(tx.Wtxid));
        Assert.False(pool.Contains(tx.Wtxid));
        Assert.False(pool.ContainsWtxid(tx.Txid));
        Assert.True(pool.TryGetByTxid(tx.Txid, out var byTxid));
        Assert.True(pool.TryGetByWtxid(tx.Wtxid, out var byWtxid));
        Assert.Same(byTxid, byWtxid);
        Assert.Equal(tx.ToArray(), byTxid.Transaction.ToArray());
    }

    [Fact]
    public void Getdata_TxAndWitnessTxByTxid_WtxByWtxid()
    {
        var pool = NewPool();
        var tx = WitnessTxs.First();
        pool.TryAdd(tx);

        Assert.True(pool.TryGet(new InvVector(InvType.Tx, tx.Txid), out _));
        Assert.True(pool.TryGet(new InvVector(InvType.WitnessTx, tx.Txid), out _));
        Assert.True(pool.TryGet(new InvVector(InvType.Wtx, tx.Wtxid), out var entry));
        Assert.Equal(tx.Txid, entry.Txid);
        Assert.False(pool.TryGet(new InvVector(InvType.Wtx, tx.Txid), out _));
        Assert.False(pool.TryGet(new InvVector(InvType.Tx, tx.Wtxid), out _));
        Assert.False(pool.TryGet(new InvVector(InvType.Block, tx.Txid), out _));
    }

    [Fact]
    public void AllPaymentsOfBlock574200_Accepted_BytesAreSizesPlusOverhead()
    {
        var pool = NewPool();
        var txs = Block574200.Transactions.Skip(1).ToList();

        foreach (var tx in txs) Assert.Equal(TxAcceptResult.Accepted, pool.TryAdd(tx));

        Assert.Equal(3314, pool.Count);
        Assert.Equal(txs.Sum(Accounted), pool.Bytes);
        Assert.Equal(txs.Sum(tx => (long)tx.TotalSize) + txs.Sum(TxPool.EstimateOverhead), pool.Bytes);
    }

    [Fact]
    public void SameTxTwice_AlreadyInPool()
    {
        var pool = NewPool();
        var tx = LegacyTxs.First();
        pool.TryAdd(tx);

        Assert.Equal(TxPoolError.AlreadyInPool, pool.TryAdd(tx).Error);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void PoolKeepsItsOwnCopy_NotTheBlockBuffer()
    {
        var pool = NewPool();
        var tx = WitnessTxs.First();
        pool.TryAdd(tx);

        pool.TryGetByTxid(tx.Txid, out var entry);

        Assert.NotSame(tx, entry.Transaction);
        Assert.Equal(tx.Wtxid, entry.Transaction.Wtxid);
    }

    [Fact]
    public void Snapshot_OldestFirst_WithIdsSizesAndArrival()
    {
        var pool = NewPool();
        var first = WitnessTxs.First();
        var second = LegacyTxs.First();
        var t0 = _clock.GetUtcNow();
        pool.TryAdd(first);
        _clock.Advance(TimeSpan.FromSeconds(30));
        pool.TryAdd(second);

        var snapshot = pool.Snapshot();

        Assert.Equal([first.Txid, second.Txid], snapshot.Select(e => e.Txid));
        Assert.Equal(first.Wtxid, snapshot[0].Wtxid);
        Assert.Equal(first.TotalSize, snapshot[0].Size);
        Assert.Equal(first.Weight, snapshot[0].Weight);
        Assert.Equal((first.Weight + 3) / 4, snapshot[0].VirtualSize);
        Assert.True(snapshot[0].VirtualSize < snapshot[0].Size); // witness bytes are discounted
        Assert.Equal(t0, snapshot[0].Arrival);
        Assert.Equal(t0.AddSeconds(30), snapshot[1].Arrival);
    }

    // ---- Refusals ----

    [Fact]
    public void Coinbase_Refused()
    {
        var pool = NewPool();

        var result = pool.TryAdd(Block574200.Transactions[0]);

        Assert.Equal(TxPoolError.Coinbase, result.Error);
        Assert.Equal("coinbase", result.RejectReason);
        Assert.False(result.IsConsensusInvalid);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void NegativeOutput_InvalidAndRememberedUntilTheNextBlock()
    {
        var pool = NewPool();
        var bad = WithOutput(LegacyTxs.First(), 0, LegacyTxs.First().Outputs[0] with { Value = -1 });

        var result = pool.TryAdd(bad);

        Assert.Equal(TxPoolError.Invalid, result.Error);
        Assert.Equal(TxCheckError.NegativeOutput, result.CheckError);
        Assert.Equal("bad-txns-vout-negative", result.RejectReason);
        Assert.True(result.IsConsensusInvalid);
        Assert.True(pool.IsRecentlyRejected(bad.Txid));
        Assert.True(pool.AlreadyHave(new InvVector(InvType.Tx, bad.Txid)));
        Assert.Equal(TxPoolError.RecentlyRejected, pool.TryAdd(bad).Error);

        pool.BlockConnected(Block540107);

        Assert.False(pool.IsRecentlyRejected(bad.Txid));
        Assert.False(pool.AlreadyHave(new InvVector(InvType.Tx, bad.Txid)));
        Assert.Equal(TxPoolError.Invalid, pool.TryAdd(bad).Error); // checked again, refused again
    }

    [Theory]
    [InlineData("no inputs", TxCheckError.NoInputs)]
    [InlineData("no outputs", TxCheckError.NoOutputs)]
    [InlineData("duplicate inputs", TxCheckError.DuplicateInputs)]
    [InlineData("null prevout", TxCheckError.NullPrevout)]
    [InlineData("too much money", TxCheckError.OutputTooLarge)]
    public void StructurallyBroken_Invalid(string how, TxCheckError expected)
    {
        var tx = LegacyTxs.First(t => t.Inputs.Length == 1);
        var input = tx.Inputs[0];
        var broken = how switch
        {
            "no inputs" => new Transaction(tx.Version, [], tx.Outputs, tx.LockTime),
            "no outputs" => new Transaction(tx.Version, tx.Inputs, [], tx.LockTime),
            "duplicate inputs" => new Transaction(tx.Version, [input, input], tx.Outputs, tx.LockTime),
            "null prevout" => new Transaction(tx.Version, [input, input with { PreviousOutput = OutPoint.Null }],
                tx.Outputs, tx.LockTime),
            _ => WithOutput(tx, 0, tx.Outputs[0] with { Value = ConsensusLimits.MaxMoney + 1 }),
        };

        var result = NewPool().TryAdd(broken);

        Assert.Equal(TxPoolError.Invalid, result.Error);
        Assert.Equal(expected, result.CheckError);
    }

    [Fact]
    public void WeightOver400000_TooLarge_OnlyTheWtxidIsRemembered()
    {
        var pool = NewPool();
        var tx = WitnessTxs.First();
        int inputIndex = Array.FindIndex(tx.Inputs, i => i.HasWitness);
        var input = tx.Inputs[inputIndex];
        var padded = WithInput(tx, inputIndex, input with { Witness = [.. input.Witness, new byte[400_000]] });
        Assert.Equal(tx.Txid, padded.Txid);

        var result = pool.TryAdd(padded);

        Assert.Equal(TxPoolError.TooLarge, result.Error);
        Assert.Equal("tx-size", result.RejectReason);
        Assert.True(pool.AlreadyHave(new InvVector(InvType.Wtx, padded.Wtxid)));
        // The txid may belong to a valid transaction with another witness: a peer announcing it is still asked.
        Assert.False(pool.AlreadyHave(new InvVector(InvType.Tx, tx.Txid)));
        Assert.True(pool.TryAdd(tx).IsAccepted);
    }

    [Fact]
    public void WeightExactly400000_Accepted()
    {
        var tx = Made(1, scriptSize: 0);
        int script = (TxPool.MaxStandardTxWeight - tx.Weight) / 4;
        // The script's CompactSize grows from 1 to 5 bytes (script ≥ 65,536): take the 4 extra bytes back.
        var exact = Made(1, scriptSize: script - 4);
        Assert.Equal(TxPool.MaxStandardTxWeight, exact.Weight);
        var over = Made(2, scriptSize: script - 3);

        var pool = NewPool();
        Assert.True(pool.TryAdd(exact).IsAccepted);
        Assert.Equal(TxPoolError.TooLarge, pool.TryAdd(over).Error);
    }

    [Fact]
    public void StrippedSizeBelow65_TooSmall()
    {
        var small = Made(1, scriptSize: 4); // 4+1+42+1+9+4+4 = 65 bytes, the minimum
        var tiny = Made(2, scriptSize: 3);  // 64 bytes: could pass for a merkle node
        Assert.Equal(65, small.GetSerializedSize(WireEncoding.Base));

        var pool = NewPool();
        Assert.True(pool.TryAdd(small).IsAccepted);
        var result = pool.TryAdd(tiny);
        Assert.Equal(TxPoolError.TooSmall, result.Error);
        Assert.Equal("tx-size-small", result.RejectReason);
    }

    [Fact]
    public void SameTxidOtherWitness_SameNonWitnessData()
    {
        var pool = NewPool();
        var tx = WitnessTxs.First();
        int inputIndex = Array.FindIndex(tx.Inputs, i => i.HasWitness);
        var input = tx.Inputs[inputIndex];
        var malleated = WithInput(tx, inputIndex, input with { Witness = [.. input.Witness, new byte[] { 1 }] });
        pool.TryAdd(tx);

        var result = pool.TryAdd(malleated);

        Assert.Equal(TxPoolError.SameNonWitnessData, result.Error);
        Assert.True(pool.TryGetByTxid(tx.Txid, out var kept));
        Assert.Equal(tx.Wtxid, kept.Wtxid);
    }

    [Fact]
    public void DoubleSpend_FirstSeenKept_SecondRefused()
    {
        var pool = NewPool();
        var first = LegacyTxs.First();
        var second = DoubleSpend(first);

        Assert.True(pool.TryAdd(first).IsAccepted);
        var result = pool.TryAdd(second);

        Assert.Equal(TxPoolError.Conflict, result.Error);
        Assert.Equal("txn-mempool-conflict", result.RejectReason);
        Assert.False(result.IsConsensusInvalid);
        Assert.True(pool.Contains(first.Txid));
        Assert.False(pool.Contains(second.Txid));
        Assert.True(pool.IsRecentlyRejected(second.Wtxid));
    }

    [Fact]
    public void DoubleSpendOfOneInputAmongMany_Refused()
    {
        var pool = NewPool();
        var first = LegacyTxs.First(tx => tx.Inputs.Length >= 2);
        var other = Made(7);
        var sneaky = new Transaction(2, [other.Inputs[0], first.Inputs[^1]], [new TxOut(5, new byte[25])], 0);
        pool.TryAdd(first);

        Assert.Equal(TxPoolError.Conflict, pool.TryAdd(sneaky).Error);
    }

    [Fact]
    public void TxLargerThanThePool_PoolFull_NotRemembered()
    {
        var tx = LegacyTxs.First();
        var pool = NewPool(new TxPoolOptions { MaxBytes = Accounted(tx) - 1 });

        Assert.Equal(TxPoolError.PoolFull, pool.TryAdd(tx).Error);
        Assert.False(pool.IsRecentlyRejected(tx.Wtxid));
    }

    // ---- Byte limit ----

    [Fact]
    public void Full_OldestEvictedFirst_BytesStayWithinTheLimit()
    {
        var txs = LegacyTxs.Take(50).ToList();
        long limit = txs.Take(20).Sum(Accounted);
        var pool = NewPool(new TxPoolOptions { MaxBytes = limit });

        foreach (var tx in txs)
        {
            Assert.True(pool.TryAdd(tx).IsAccepted);
            Assert.InRange(pool.Bytes, 0, limit);
        }

        Assert.True(pool.Contains(txs[^1].Txid));
        Assert.False(pool.Contains(txs[0].Txid));
        // What is left is the newest run that fits, in arrival order.
        var kept = pool.Snapshot().Select(e => e.Txid).ToList();
        Assert.Equal(txs.Select(t => t.Txid).TakeLast(kept.Count), kept);
        Assert.True(pool.Bytes + Accounted(txs[^(kept.Count + 1)]) > limit);
    }

    [Fact]
    public void EvictingAParent_TakesItsChildrenToo()
    {
        var parent = LegacyTxs.First();
        var child = Child(parent, 0);
        var grandchild = Child(child, 0);
        var unrelated = Made(1);
        var newcomer = Made(2);
        long limit = Accounted(parent) + Accounted(child) + Accounted(grandchild) + Accounted(unrelated);
        var pool = NewPool(new TxPoolOptions { MaxBytes = limit });
        foreach (var tx in new[] { parent, unrelated, child, grandchild }) Assert.True(pool.TryAdd(tx).IsAccepted);

        Assert.True(pool.TryAdd(newcomer).IsAccepted);

        Assert.Equal([unrelated.Txid, newcomer.Txid], pool.Snapshot().Select(e => e.Txid));
        Assert.Equal(Accounted(unrelated) + Accounted(newcomer), pool.Bytes);
    }

    // ---- Expiry ----

    [Fact]
    public void After14Days_Expired()
    {
        var pool = NewPool();
        var old = LegacyTxs.First();
        var young = LegacyTxs.Skip(1).First();
        pool.TryAdd(old);
        _clock.Advance(TimeSpan.FromDays(7));
        pool.TryAdd(young);

        _clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(0, pool.Expire()); // exactly 14 days: not yet (Core removes strictly older)

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, pool.Expire());
        Assert.False(pool.Contains(old.Txid));
        Assert.True(pool.Contains(young.Txid));
        Assert.Equal(Accounted(young), pool.Bytes);

        _clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(1, pool.Expire());
        Assert.Equal(0, pool.Count);
        Assert.Equal(0, pool.Bytes);
    }

    [Fact]
    public void Expiry_TakesYoungerDescendantsToo_AndRunsOnAdd()
    {
        var pool = NewPool();
        var parent = LegacyTxs.First();
        pool.TryAdd(parent);
        _clock.Advance(TimeSpan.FromDays(10));
        var child = Child(parent);
        pool.TryAdd(child);

        _clock.Advance(TimeSpan.FromDays(5));
        Assert.True(pool.TryAdd(Made(1)).IsAccepted);

        Assert.False(pool.Contains(parent.Txid));
        Assert.False(pool.Contains(child.Txid));
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void ExpiryFromOptions_IsHonoured()
    {
        var pool = NewPool(new TxPoolOptions { Expiry = TimeSpan.FromHours(1) });
        pool.TryAdd(LegacyTxs.First());

        _clock.Advance(TimeSpan.FromMinutes(61));

        Assert.Equal(1, pool.Expire());
    }

    // ---- Blocks ----

    [Fact]
    public void BlockConnected_RemovesItsTxsAndConflicts_KeepsTheRest()
    {
        var pool = NewPool();
        var block = Block574200;
        var included = block.Transactions.Skip(1).Take(100).ToList();
        foreach (var tx in included) pool.TryAdd(tx);
        var conflict = DoubleSpend(block.Transactions[200]);  // spends what the block's tx 200 spends
        var conflictChild = Child(conflict);
        var childOfIncluded = Child(included[0]);              // now spends a confirmed output
        var unrelated = Block540107.Transactions[1];
        foreach (var tx in new[] { conflict, conflictChild, childOfIncluded, unrelated })
            Assert.True(pool.TryAdd(tx).IsAccepted);

        pool.BlockConnected(block);

        Assert.Equal([childOfIncluded.Txid, unrelated.Txid], pool.Snapshot().Select(e => e.Txid));
        Assert.Equal(Accounted(childOfIncluded) + Accounted(unrelated), pool.Bytes);
    }

    [Fact]
    public void BlockConnected_ItsTxsAreKnownAndNotTakenAgain()
    {
        var pool = NewPool();
        var block = Block574200;
        var witnessTx = WitnessTxs.First();

        pool.BlockConnected(block);

        Assert.True(pool.AlreadyHave(new InvVector(InvType.Tx, witnessTx.Txid)));
        Assert.True(pool.AlreadyHave(new InvVector(InvType.Wtx, witnessTx.Wtxid)));
        Assert.Equal(TxPoolError.RecentlyConfirmed, pool.TryAdd(witnessTx).Error);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void BlockDisconnected_PutsBackItsPaymentsNotTheCoinbase()
    {
        var pool = NewPool();
        var block = Block540107;
        var expected = block.Transactions.Skip(1)
            .Where(tx => tx.Weight <= TxPool.MaxStandardTxWeight).Select(tx => tx.Txid).ToList();

        int restored = pool.BlockDisconnected(block);

        Assert.Equal(expected.Count, restored);
        Assert.Equal(expected, pool.Snapshot().Select(e => e.Txid));
        Assert.False(pool.Contains(block.Transactions[0].Txid));
        Assert.Equal(block.Transactions.Skip(1).Where(tx => expected.Contains(tx.Txid)).Sum(Accounted), pool.Bytes);
    }

    [Fact]
    public void ConnectThenDisconnect_TheBlocksTxsReturn_AndAreNoLongerRecentlyConfirmed()
    {
        var pool = NewPool();
        var block = Block540107;
        foreach (var tx in block.Transactions.Skip(1)) pool.TryAdd(tx);
        int before = pool.Count;

        pool.BlockConnected(block);
        Assert.Equal(0, pool.Count);
        pool.BlockDisconnected(block);

        Assert.Equal(before, pool.Count);
        pool.BlockConnected(block);
        Assert.Equal(0, pool.Count);
        Assert.Equal(0, pool.Bytes);
    }

    [Fact]
    public void BlockDisconnected_ItsTxBeatsAPoolDoubleSpend()
    {
        var pool = NewPool();
        var block = Block540107;
        var original = block.Transactions[1];
        var doubleSpend = DoubleSpend(original);
        var child = Child(doubleSpend);
        pool.TryAdd(doubleSpend);
        pool.TryAdd(child);

        pool.BlockDisconnected(block);

        Assert.True(pool.Contains(original.Txid));
        Assert.False(pool.Contains(doubleSpend.Txid));
        Assert.False(pool.Contains(child.Txid));
    }

    [Fact]
    public void BlockDisconnected_RespectsTheByteLimit()
    {
        var block = Block540107;
        long limit = block.Transactions.Skip(1).Take(10).Sum(Accounted);
        var pool = NewPool(new TxPoolOptions { MaxBytes = limit });

        pool.BlockDisconnected(block);

        Assert.InRange(pool.Bytes, 1, limit);
        Assert.True(pool.Contains(block.Transactions[^1].Txid) || block.Transactions[^1].Weight > TxPool.MaxStandardTxWeight);
    }

    [Fact]
    public void RecentRejects_ForgetTheOldestBeyondCapacity()
    {
        var pool = NewPool(new TxPoolOptions { RecentRejectsCapacity = 2 });
        var bad = Enumerable.Range(0, 3).Select(i => WithOutput(Made(i), 0, new TxOut(-1, new byte[25]))).ToList();

        foreach (var tx in bad) pool.TryAdd(tx);

        Assert.False(pool.IsRecentlyRejected(bad[0].Txid));
        Assert.True(pool.IsRecentlyRejected(bad[1].Txid));
        Assert.True(pool.IsRecentlyRejected(bad[2].Txid));
    }
}
