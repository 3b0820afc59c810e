using ActorNode.Chain;
using ActorNode.Interop.Tests.Bcoin;
using ActorNode.Wire.Primitives;
using Xunit.Abstractions;

namespace ActorNode.Interop.Tests;

/// <summary>The fixture's helpers that the sync and relay interop tests will build on: mining, a reorganisation by
/// invalidateblock, and a wallet transaction read back through the RPC and our transaction codec.</summary>
public sealed class BcoinFixtureTests : IClassFixture<BcoinNode>, IDisposable
{
    private readonly BcoinNode _bcoin;
    private readonly IDisposable _bcoinLog;

    public BcoinFixtureTests(BcoinNode bcoin, ITestOutputHelper output)
    {
        _bcoin = bcoin;
        _bcoinLog = bcoin.AttachOutput(output);
    }

    public void Dispose() => _bcoinLog.Dispose();

    [Fact]
    public async Task MineAsync_ReturnsTheNewBlocksInChainOrder()
    {
        int before = await _bcoin.GetBlockCountAsync();
        var mined = await _bcoin.MineAsync(5);

        Assert.Equal(before + 5, await _bcoin.GetBlockCountAsync());
        for (int i = 0; i < mined.Count; i++)
            Assert.Equal(await _bcoin.GetBlockHashAsync(before + 1 + i), mined[i]);
        Assert.Equal(mined[^1], await _bcoin.GetBestBlockHashAsync());
        if (before == 0)
            Assert.Equal(ChainParams.Regtest.GenesisHash, Block.Parse(await _bcoin.GetRawBlockAsync(mined[0])).Header.PreviousBlock);
    }

    [Fact]
    public async Task ReorgAsync_ReplacesTheTopBlocks_WithAHeavierBranch()
    {
        await _bcoin.MineToHeightAsync(20);
        int tip = await _bcoin.GetBlockCountAsync();
        var fork = await _bcoin.GetBlockHashAsync(tip - 3);

        var (disconnected, connected) = await _bcoin.ReorgAsync(depth: 3, newBlocks: 5);

        Assert.Equal(3, disconnected.Count);
        Assert.Equal(5, connected.Count);
        Assert.Equal(tip + 2, await _bcoin.GetBlockCountAsync());
        Assert.Equal(fork, Block.Parse(await _bcoin.GetRawBlockAsync(connected[0])).Header.PreviousBlock);
        for (int i = 0; i < 5; i++)
            Assert.Equal(connected[i], await _bcoin.GetBlockHashAsync(tip - 2 + i));
        Assert.DoesNotContain(await _bcoin.GetBlockHashAsync(tip - 2), disconnected);
    }

    [Fact]
    public async Task SendToAddress_PutsAWalletTransactionInTheMempool_ThatOurCodecParses()
    {
        await _bcoin.MineToHeightAsync(101); // the first coinbase matures at 100 confirmations
        var address = await _bcoin.GetWalletAddressAsync();

        var txid = await _bcoin.SendToAddressAsync(address, 1.5m);

        Assert.Contains(txid, await _bcoin.GetRawMempoolAsync());
        var raw = await _bcoin.GetRawTransactionAsync(txid);
        var tx = Transaction.Parse(raw);
        Assert.Equal(txid, tx.Txid);
        Assert.Equal(raw, tx.ToArray());
        Assert.Contains(tx.Outputs, o => o.Value == 150_000_000);
    }
}
