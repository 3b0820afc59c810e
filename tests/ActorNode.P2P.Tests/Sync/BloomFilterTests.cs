using System.Net;
using ActorNode.Chain;
using ActorNode.Connections.Bloom;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using ActorNode.P2P.Tests.Hostile;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Sync;

/// <summary>BIP37 end to end: a node with <see cref="ConnManagerSettings.PeerBloomFilters"/> on, a raw client that
/// loads a filter, and real mainnet transactions (block 574,200) mined into a regtest block. With the setting off,
/// today's rules hold: filterload disconnects and a filtered block is not found.</summary>
public sealed class BloomFilterTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<string> _dirs = [];

    public BloomFilterTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output) { }

    private sealed record Node(IActorRef Manager, IActorRef Sync, IPEndPoint Endpoint);

    private static readonly Lazy<Transaction[]> RealTransactions = new(() => Block.Parse(File.ReadAllBytes(
        ActorNode.Wire.Tests.TestData.PathOf(ActorNode.Wire.Tests.TestData.Block574200))).Transactions.Skip(1).Take(40).ToArray());

    private async Task<Node> StartNodeAsync(string name, bool bloom)
    {
        var dir = Directory.CreateTempSubdirectory($"bloom-{name}-").FullName;
        _dirs.Add(dir);
        var node = TestNode.Start(Sys, name, dir, s => s with { TrickleInterval = TimeSpan.FromMilliseconds(100), PeerBloomFilters = bloom });
        return new Node(node.Manager, node.Sync, await node.ListenEndpointAsync(Patience));
    }

    private static async Task SubmitAsync(Node node, params Transaction[] transactions)
    {
        foreach (var tx in transactions)
            Assert.Null((await node.Sync.Ask<TransactionSubmitted>(new SubmitTransaction(tx), Patience)).Error);
    }

    private static async Task<Block> MineAsync(Node node)
    {
        var mined = await node.Sync.Ask<BlocksMined>(new MineBlocks(1), Patience);
        Assert.Null(mined.Error);
        var data = await node.Sync.Ask<BlockData>(new GetBlockData(Assert.Single(mined.Hashes)), Patience);
        return Block.Parse(data.Raw!);
    }

    private static async Task<RawPeer> ClientAsync(Node node, bool expectBloom)
    {
        var client = await RawPeer.ConnectAsync(node.Endpoint, IPAddress.Loopback);
        var version = await client.HandshakeAsync();
        Assert.Equal(expectBloom, version.Services.HasFlag(ServiceFlags.Bloom));
        return client;
    }

    private static FilterLoadMessage FilterFor(Hash256 txid)
    {
        var filter = new BloomFilter(10, 0.000001, 0x5eed, BloomUpdate.None);
        filter.Insert(txid);
        return filter.ToMessage();
    }

    [Fact]
    public async Task FilteredBlock_IsAMerkleBlockProvingTheMatchedTransaction_FollowedByIt()
    {
        var node = await StartNodeAsync("fb", bloom: true);
        var txs = RealTransactions.Value;
        await SubmitAsync(node, txs[0], txs[1], txs[2], txs[3]);
        var block = await MineAsync(node);
        Assert.Equal(5, block.Transactions.Length);
        var target = txs[2];
        int index = Array.FindIndex(block.Transactions, t => t.Txid == target.Txid);
        Assert.True(index > 0);

        await using var client = await ClientAsync(node, expectBloom: true);
        Assert.True(await client.SendAsync(FilterFor(target.Txid)));
        Assert.True(await client.SendAsync(new GetDataMessage([new InvVector(InvType.FilteredBlock, block.GetHash())])));

        var merkle = await client.ReceiveAsync<MerkleBlockMessage>();
        Assert.NotNull(merkle);
        Assert.Equal(block.GetHash(), merkle.Header.GetHash());
        Assert.Equal(5u, merkle.TotalTransactions);
        var root = PartialMerkleTree.Parse(merkle).ExtractMatches(out var matches);
        Assert.Equal(block.Header.MerkleRoot, root);
        Assert.Equal((index, target.Txid), Assert.Single(matches));
        // Core: the matched transactions follow the merkleblock, without witness.
        var next = await client.ReceiveAsync();
        var tx = Assert.IsType<TxMessage>(next);
        Assert.Equal(target.Txid, tx.Transaction.Txid);
        Assert.False(tx.Transaction.HasWitness);
    }

    [Fact]
    public async Task Mempool_AndRelay_TellAFilteredPeerOnlyOfMatchingTransactions()
    {
        var node = await StartNodeAsync("mp", bloom: true);
        var txs = RealTransactions.Value;
        await SubmitAsync(node, txs[10], txs[11], txs[12]);

        await using var client = await ClientAsync(node, expectBloom: true);
        Assert.True(await client.SendAsync(FilterFor(txs[11].Txid)));
        Assert.True(await client.SendAsync(new FilterAddMessage(txs[12].Txid.ToArray())));
        Assert.True(await client.SendAsync(MemPoolMessage.Instance));
        var inv = await client.ReceiveAsync<InvMessage>();
        Assert.NotNull(inv);
        Assert.Equal([new InvVector(InvType.Tx, txs[11].Txid), new InvVector(InvType.Tx, txs[12].Txid)], inv.Inventory);

        // New transactions: the one the filter does not match goes first, so it would come in the same or an earlier
        // inv than the match if it were announced.
        await SubmitAsync(node, txs[20]);
        Assert.True(await client.SendAsync(new FilterAddMessage(txs[21].Txid.ToArray())));
        await client.PingAsync(); // the filteradd is in before the next transaction is relayed
        await SubmitAsync(node, txs[21]);
        var announced = await client.ReceiveAsync<InvMessage>();
        Assert.NotNull(announced);
        Assert.Equal([new InvVector(InvType.Tx, txs[21].Txid)], announced.Inventory);
        Assert.DoesNotContain(client.Received.OfType<InvMessage>().SelectMany(m => m.Inventory), i => i.Hash == txs[20].Txid);
    }

    [Fact]
    public async Task FilterAdd_WithoutAFilter_Disconnects()
    {
        var node = await StartNodeAsync("fa", bloom: true);
        await using var client = await ClientAsync(node, expectBloom: true);
        Assert.True(await client.SendAsync(new FilterAddMessage(new byte[20])));
        await client.ReadUntilClosedAsync();
    }

    [Fact]
    public async Task Off_FilterLoadDisconnects_AndAFilteredBlockIsNotFound()
    {
        var node = await StartNodeAsync("off", bloom: false);
        var block = await MineAsync(node);

        await using var asker = await ClientAsync(node, expectBloom: false);
        var item = new InvVector(InvType.FilteredBlock, block.GetHash());
        Assert.True(await asker.SendAsync(new GetDataMessage([item])));
        var notFound = await asker.ReceiveAsync<NotFoundMessage>();
        Assert.NotNull(notFound);
        Assert.Equal([item], notFound.Inventory);

        await using var loader = await ClientAsync(node, expectBloom: false);
        Assert.True(await loader.SendAsync(FilterFor(block.Transactions[0].Txid)));
        Assert.Empty((await loader.ReadUntilClosedAsync()).OfType<MerkleBlockMessage>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
