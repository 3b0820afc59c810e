using System.Net;
using ActorNode.Chain;
using ActorNode.Chain.Mining;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using ActorNode.P2P.Tests.Sync;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Hostile;

/// <summary>Core's answers to bad blocks (net_processing <c>MaybePunishNodeForBlock</c>; docs/peers.md "Core's peer
/// behaviours"), checked with a hand-made peer over a real socket against a whole regtest node (address book, sync
/// actor, connection manager). Each bad block is sent unasked, as a hostile peer would push it; each is refused and
/// scored as Core scores it; then a valid block is still taken, from another address where the first was
/// disconnected (so that a block accepted there proves the node did not mark the good hash invalid).</summary>
[Collection(HostileCollection.Name)]
public sealed class CoreBlockRejectionTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly IPAddress Hostile = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Neighbour = IPAddress.Parse("127.0.0.3");
    private const uint RegtestBits = 0x207fffff;

    private readonly List<string> _dirs = [];
    private readonly List<RawPeer> _clients = [];
    private TestNode _node = null!;
    private IPEndPoint _endpoint = null!;

    public CoreBlockRejectionTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output) { }

    private async Task StartAsync(int blocks = 3)
    {
        var dir = Directory.CreateTempSubdirectory("core-blocks-").FullName;
        _dirs.Add(dir);
        _node = TestNode.Start(Sys, "n", dir);
        _endpoint = await _node.ListenEndpointAsync(Patience);
        var mined = await _node.Sync.Ask<BlocksMined>(new MineBlocks(blocks), Patience);
        Assert.Null(mined.Error);
    }

    private async Task<RawPeer> PeerAsync(IPAddress from)
    {
        var client = await RawPeer.ConnectAsync(_endpoint, from);
        _clients.Add(client);
        await client.HandshakeAsync();
        return client;
    }

    private async Task<BlockInfo> TipAsync() => (await _node.TipsAsync(Patience)).BestBlock;

    /// <summary>The score the node keeps for <paramref name="from"/>: of its connected peer there, or of a probe.</summary>
    private async Task<uint> ScoreOfAsync(IPAddress from)
    {
        var peers = (await _node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
        var there = peers.FirstOrDefault(p => p.Remote.Address.Equals(from) && p.Ready);
        if (there is not null) return there.BanScore;
        var probe = await PeerAsync(from);
        uint score = 0;
        await AwaitAssertAsync(async () =>
        {
            var all = (await _node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            score = Assert.Single(all, p => p.Remote.Equals(probe.Local) && p.Ready).BanScore;
        }, Patience, TimeSpan.FromMilliseconds(20));
        return score;
    }

    /// <summary>A valid block on our tip (its own coinbase tag, so each call differs).</summary>
    private static Block NextBlock(BlockInfo tip, IReadOnlyList<Transaction>? transactions = null, uint tag = 1,
        int? coinbaseHeight = null, uint? time = null) =>
        BlockBuilder.Mine(ChainParams.Regtest, tip.Hash, coinbaseHeight ?? tip.Height + 1,
            time ?? Math.Max((uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds(), tip.Header.Timestamp + 1), RegtestBits,
            transactions, tag: tag);

    /// <summary>A transaction that passes the context-free checks (the node keeps no UTXO set).</summary>
    private static Transaction Spend(byte seed, ReadOnlyMemory<byte>[]? witness = null) => new(2,
        [new TxIn(new OutPoint(new Hash256(Enumerable.Repeat(seed, 32).ToArray()), 0), new byte[] { 0x51 }, TxIn.MaxSequence, witness ?? [])],
        [new TxOut(1000, new byte[] { 0x51 })], 0);

    /// <summary>Sends <paramref name="block"/> from a fresh peer at <paramref name="from"/> and asserts the node
    /// closes the connection.</summary>
    private async Task SendAndExpectDisconnectAsync(IPAddress from, Block block)
    {
        var client = await PeerAsync(from);
        Assert.True(await client.SendAsync(new BlockMessage(block)));
        await client.ReadUntilClosedAsync();
    }

    /// <summary>A valid block on the current tip, from <paramref name="from"/>, becomes the tip.</summary>
    private async Task AssertValidBlockAcceptedAsync(IPAddress from, Block? block = null)
    {
        var tip = await TipAsync();
        block ??= NextBlock(tip, tag: 77);
        var client = await PeerAsync(from);
        Assert.True(await client.SendAsync(new BlockMessage(block)));
        await AwaitAssertAsync(async () => Assert.Equal(block.GetHash(), (await TipAsync()).Hash), Patience,
            TimeSpan.FromMilliseconds(20));
        await client.PingAsync();
    }

    [Fact]
    public async Task UnsolicitedBlock_ThatExtendsOurChain_IsTaken_AStaleOne_ScoresTwentyTransient_WithoutDisconnect()
    {
        await StartAsync();
        var tip = await TipAsync();
        var peer = await PeerAsync(Hostile);

        // Core: an unrequested block with more work than our tip is processed (AcceptBlock fRequested=false).
        var next = NextBlock(tip);
        Assert.True(await peer.SendAsync(new BlockMessage(next)));
        await AwaitAssertAsync(async () => Assert.Equal(next.GetHash(), (await TipAsync()).Hash), Patience, TimeSpan.FromMilliseconds(20));

        // A sibling of the new tip (no more work): Core ignores it; we score 20 transient (docs/peers.md), no disconnect.
        var stale = NextBlock(tip, tag: 2);
        Assert.True(await peer.SendAsync(new BlockMessage(stale)));
        await peer.PingAsync();
        Assert.Equal(next.GetHash(), (await TipAsync()).Hash);
        Assert.InRange(await ScoreOfAsync(Hostile), 19u, 20u);
        await peer.PingAsync(); // still connected
    }

    [Fact]
    public async Task BlockWithBadProofOfWork_ScoresOneHundred_AndDisconnects_ThenAValidBlockIsTaken()
    {
        await StartAsync();
        var tip = await TipAsync();
        var good = NextBlock(tip);
        // Regtest's target admits about half of all hashes: find a nonce whose hash is above it (Core "high-hash").
        var header = good.Header;
        for (uint nonce = 0; ProofOfWork.CheckProofOfWork(header.GetHash(), header.Bits, ChainParams.Regtest.PowLimit); nonce++)
            header = header with { Nonce = nonce };
        var bad = new Block(header, good.Transactions);

        await SendAndExpectDisconnectAsync(Hostile, bad);

        Assert.Equal(100u, await ScoreOfAsync(Hostile));
        Assert.Equal(tip.Hash, (await TipAsync()).Hash);
        await AssertValidBlockAcceptedAsync(Neighbour);
    }

    [Fact]
    public async Task MutatedMerkleTree_Cve20122459_ScoresOneHundred_AndTheGenuineBlockIsStillTaken()
    {
        await StartAsync();
        var tip = await TipAsync();
        // Three transactions: the root of [cb, a, b] equals the root of [cb, a, b, b] (the last is paired with itself).
        var genuine = NextBlock(tip, [Spend(1), Spend(2)]);
        var mutated = new Block(genuine.Header, [.. genuine.Transactions, genuine.Transactions[^1]]);
        Assert.Equal(genuine.GetHash(), mutated.GetHash());

        await SendAndExpectDisconnectAsync(Hostile, mutated);

        Assert.Equal(100u, await ScoreOfAsync(Hostile));
        Assert.Equal(tip.Hash, (await TipAsync()).Hash);
        // Core IsBlockMutated: the hash is not marked invalid, so the genuine copy is taken.
        await AssertValidBlockAcceptedAsync(Neighbour, genuine);
    }

    [Fact]
    public async Task BadWitnessCommitment_ScoresOneHundred_AndTheGenuineBlockIsStillTaken()
    {
        await StartAsync();
        var tip = await TipAsync();
        var genuine = NextBlock(tip, [Spend(3, [new byte[] { 0x01 }])]);
        // The same header and txids, another witness: the coinbase's commitment no longer matches ("bad-witness-merkle-match").
        var witnessless = genuine.Transactions[1];
        var other = new Transaction(witnessless.Version,
            [witnessless.Inputs[0] with { Witness = [new byte[] { 0x02 }] }], witnessless.Outputs, witnessless.LockTime);
        Assert.Equal(witnessless.Txid, other.Txid);
        var mutated = new Block(genuine.Header, [genuine.Transactions[0], other]);

        await SendAndExpectDisconnectAsync(Hostile, mutated);

        Assert.Equal(100u, await ScoreOfAsync(Hostile));
        await AssertValidBlockAcceptedAsync(Neighbour, genuine);
    }

    [Fact]
    public async Task BadBip34Height_ScoresOneHundred_AndAValidBlockAtThatHeightIsTaken()
    {
        await StartAsync();
        var tip = await TipAsync();
        var bad = NextBlock(tip, coinbaseHeight: tip.Height + 7); // "bad-cb-height"

        await SendAndExpectDisconnectAsync(Hostile, bad);

        Assert.Equal(100u, await ScoreOfAsync(Hostile));
        var invalid = (await _node.Sync.Ask<BlockInfoAnswer>(new GetBlockInfo(bad.GetHash()), Patience)).Block;
        Assert.True(invalid is { Invalid: true }, "a consensus-invalid block is marked invalid");
        await AssertValidBlockAcceptedAsync(Neighbour);
    }

    [Fact]
    public async Task OversizeBlock_OverAMillionBaseBytes_ScoresOneHundred_ThenAValidBlockIsTaken()
    {
        await StartAsync();
        var tip = await TipAsync();
        var big = new Transaction(2, [new TxIn(new OutPoint(new Hash256(Enumerable.Repeat((byte)9, 32).ToArray()), 0), new byte[] { 0x51 })],
            [new TxOut(0, new byte[1_000_001])], 0);
        var oversize = NextBlock(tip, [big]); // "bad-blk-length": base size above 1,000,000 bytes (weight above 4M)

        await SendAndExpectDisconnectAsync(Hostile, oversize);

        Assert.Equal(100u, await ScoreOfAsync(Hostile));
        await AssertValidBlockAcceptedAsync(Neighbour);
    }

    [Fact]
    public async Task BlockTimestampTooFarAhead_IsIgnored_WithoutScoreOrDisconnect_ThenAValidBlockIsTaken()
    {
        await StartAsync();
        var tip = await TipAsync();
        var peer = await PeerAsync(Hostile);
        // Core "time-too-new" (more than 2 h ahead of our clock): BLOCK_TIME_FUTURE, which Core never punishes (our
        // clock may be the wrong one).
        var future = NextBlock(tip, time: (uint)DateTimeOffset.UtcNow.AddHours(2).AddMinutes(10).ToUnixTimeSeconds());

        Assert.True(await peer.SendAsync(new BlockMessage(future)));
        await peer.PingAsync();

        Assert.Equal(tip.Hash, (await TipAsync()).Hash);
        Assert.Equal(0u, await ScoreOfAsync(Hostile));
        // The same peer's valid block is taken.
        var valid = NextBlock(tip, tag: 5);
        Assert.True(await peer.SendAsync(new BlockMessage(valid)));
        await AwaitAssertAsync(async () => Assert.Equal(valid.GetHash(), (await TipAsync()).Hash), Patience, TimeSpan.FromMilliseconds(20));
        await peer.PingAsync();
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var client in _clients) _ = client.DisposeAsync();
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
