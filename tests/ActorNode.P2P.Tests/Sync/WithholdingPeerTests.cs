using System.Net;
using System.Net.Sockets;
using ActorNode.Chain;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using ActorNode.P2P.Tests.Hostile;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Sync;

/// <summary>Issue 5, "a peer that withholds blocks and gets routed around": node C syncs from an honest node A and
/// from a withholding peer W, a raw client (<see cref="RawPeer"/>) that claims A's chain (start height, headers) and
/// never delivers a block. W comes first, so C's first block requests go to it; then C dials A.
/// <para>The stalling rule (Core net_processing, <c>BlockDownloadScheduler</c>) fires only when the 1,024-block
/// download window is full: A has sent everything up to the window's end and sits idle while W holds the window's
/// lowest blocks. Hence a chain longer than the window (1,100 blocks) for the silent W. On a shorter chain nothing is
/// blocked by W but its own 16 blocks, which only the block download timeout frees (one block interval, 10 minutes
/// on regtest as in Core: BLOCK_DOWNLOAD_TIMEOUT_BASE) — too long for a test, and Core's behaviour too.</para></summary>
public sealed class WithholdingPeerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>W's address: not 127.0.0.1 (A's), so W's ban does not touch A.</summary>
    private static readonly IPAddress WithholderAddress = IPAddress.Parse("127.0.0.2");

    private readonly List<string> _dirs = [];
    private readonly List<RawPeer> _clients = [];

    public WithholdingPeerTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output) { }

    private TestNode StartNode(string name)
    {
        var dir = Directory.CreateTempSubdirectory($"withhold-{name}-").FullName;
        _dirs.Add(dir);
        return TestNode.Start(Sys, name, dir);
    }

    private static Task<IPEndPoint> ListenEndpoint(TestNode node) => node.ListenEndpointAsync(Patience);

    private static async Task<ChainTips> Tips(TestNode node) => await node.Sync.Ask<ChainTips>(GetChainTips.Instance, Patience);

    /// <summary>A with a mined chain of <paramref name="height"/> blocks, and the chain's headers (index = height).</summary>
    private async Task<(TestNode A, IPEndPoint Endpoint, BlockHeader[] Headers)> HonestNodeAsync(int height)
    {
        var a = StartNode("a");
        var mined = await a.Sync.Ask<BlocksMined>(new MineBlocks(height), Patience);
        Assert.Null(mined.Error);
        var headers = new BlockHeader[height + 1];
        for (int h = 0; h <= height; h++)
        {
            var info = (await a.Sync.Ask<BlockInfoAnswer>(new GetBlockAtHeight(h), Patience)).Block;
            Assert.NotNull(info);
            headers[h] = info.Header;
        }
        Assert.Equal(mined.Hashes[^1], headers[^1].GetHash());
        return (a, await ListenEndpoint(a), headers);
    }

    [Fact]
    public async Task PeerThatNeverAnswersGetData_StallsTheWindow_IsDisconnected_AndTheNodeSyncsFromTheHonestPeer()
    {
        var (a, endpointA, headers) = await HonestNodeAsync(1100);
        var c = StartNode("c");
        var w = await WithholderAsync(c, headers, WithholdMode.Silent);

        // W holds C's first blocks before A is even known to C.
        var firstAsk = await w.FirstGetData.WaitAsync(Patience);
        Assert.Equal(BlockDownloadLimit, firstAsk.Inventory.Length);
        Assert.Equal(headers[1].GetHash(), firstAsk.Inventory[0].Hash);
        Assert.Equal(0, (await Tips(c)).BestBlock.Height);

        c.Manager.Tell(new AddNode(endpointA));
        await AwaitAssertAsync(async () =>
        {
            var tips = await Tips(c);
            Assert.Equal((1100, headers[^1].GetHash()), (tips.BestBlock.Height, tips.BestBlock.Hash));
        }, Patience, TimeSpan.FromMilliseconds(100));

        // C closed W's connection (the socket ends; the blocks W held were fetched from A meanwhile), without a ban:
        // stalling is no misbehaviour (Core disconnects, btcd neither scores).
        var end = await w.Closed.WaitAsync(Patience);
        Assert.Equal(WithholderEnd.ClosedByNode, end);
        Assert.Empty((await c.Manager.Ask<BanListAnswer>(GetBanList.Instance, Patience)).Bans);
        var peers = (await c.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
        var honest = Assert.Single(peers);
        Assert.Equal(endpointA, honest.Remote);
    }

    [Fact]
    public async Task PeerThatAnswersGetDataWithNotFound_IsScoredAndBanned_AndTheNodeSyncsFromTheHonestPeer()
    {
        var (a, endpointA, headers) = await HonestNodeAsync(300);
        var c = StartNode("c");
        var w = await WithholderAsync(c, headers, WithholdMode.NotFound);

        var firstAsk = await w.FirstGetData.WaitAsync(Patience);
        Assert.Equal(BlockDownloadLimit, firstAsk.Inventory.Length);

        c.Manager.Tell(new AddNode(endpointA));
        await AwaitAssertAsync(async () =>
        {
            var tips = await Tips(c);
            Assert.Equal((300, headers[^1].GetHash()), (tips.BestBlock.Height, tips.BestBlock.Hash));
        }, Patience, TimeSpan.FromMilliseconds(100));

        // btcd OnNotFound: 20 persistent points per block named; W named 16 blocks in its first answer, 320 points,
        // over the threshold of 100: banned (for 24 h, per IP) and disconnected.
        Assert.Equal(WithholderEnd.ClosedByNode, await w.Closed.WaitAsync(Patience));
        var notFound = Assert.IsType<NotFoundMessage>(Assert.Single(w.Sent, m => m is NotFoundMessage));
        var ban = Assert.Single((await c.Manager.Ask<BanListAnswer>(GetBanList.Instance, Patience)).Bans);
        Assert.Equal(WithholderAddress, ban.Address);
        Assert.Contains($"ban score {20 * notFound.Inventory.Length}", ban.Reason);
        Assert.Contains($"{notFound.Inventory.Length} blocks not found", ban.Reason);
        var peers = (await c.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
        Assert.Equal(endpointA, Assert.Single(peers).Remote);
    }

    [Fact]
    public async Task PeerThatAnswersOneBlockWithNotFound_Gets20Points_IsNotAskedForItAgain_AndStallsOut()
    {
        // W denies one block and sits on the other 15: the window (1,024) must fill for those to be freed.
        var (a, endpointA, headers) = await HonestNodeAsync(1100);
        var c = StartNode("c");
        var w = await WithholderAsync(c, headers, WithholdMode.NotFoundFirstBlockOnly);

        var firstAsk = await w.FirstGetData.WaitAsync(Patience);
        var denied = firstAsk.Inventory[0].Hash;
        // 20 persistent points for one block: below the threshold, W stays connected and is told the truth.
        await AwaitAssertAsync(async () =>
        {
            var peers = (await c.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            Assert.Equal(20u, Assert.Single(peers).BanScore);
        }, Patience, TimeSpan.FromMilliseconds(50));

        c.Manager.Tell(new AddNode(endpointA));
        await AwaitAssertAsync(async () =>
        {
            var tips = await Tips(c);
            Assert.Equal((1100, headers[^1].GetHash()), (tips.BestBlock.Height, tips.BestBlock.Hash));
        }, Patience, TimeSpan.FromMilliseconds(100));
        Assert.Equal(WithholderEnd.ClosedByNode, await w.Closed.WaitAsync(Patience));

        // The denied block came from A; W was never asked for it again (it said it does not have it).
        var info = (await c.Sync.Ask<BlockData>(new GetBlockData(denied), Patience));
        Assert.NotNull(info.Raw);
        Assert.Equal(1, w.Sent.Count(m => m is NotFoundMessage));
        Assert.Equal(1, w.Received.OfType<GetDataMessage>().SelectMany(g => g.Inventory).Count(i => i.Hash == denied));
        Assert.Empty((await c.Manager.Ask<BanListAnswer>(GetBanList.Instance, Patience)).Bans);
    }

    /// <summary>Core MAX_BLOCKS_IN_TRANSIT_PER_PEER: the first getdata to a peer that has the whole chain.</summary>
    private const int BlockDownloadLimit = 16;

    private enum WithholdMode { Silent, NotFound, NotFoundFirstBlockOnly }

    private enum WithholderEnd { ClosedByNode, Disposed }

    /// <summary>W: connects to <paramref name="node"/> from 127.0.0.2, handshakes with NODE_NETWORK|NODE_WITNESS and
    /// the chain's height as its start height, announces the chain with an unsolicited headers message, and then
    /// answers getheaders from <paramref name="headers"/> and pings with pongs, and getdata as <paramref name="mode"/>
    /// says (never with a block).</summary>
    private async Task<Withholder> WithholderAsync(TestNode node, BlockHeader[] headers, WithholdMode mode)
    {
        var client = await RawPeer.ConnectAsync(await ListenEndpoint(node), WithholderAddress);
        _clients.Add(client);
        Assert.True(await client.SendAsync(RawPeer.Version() with { StartHeight = headers.Length - 1 }));
        Assert.NotNull(await client.ReceiveAsync<VersionMessage>());
        Assert.True(await client.SendAsync(VerAckMessage.Instance));
        Assert.NotNull(await client.ReceiveAsync<VerAckMessage>());
        var w = new Withholder(client, headers, mode);
        w.Start();
        return w;
    }

    private sealed class Withholder(RawPeer client, BlockHeader[] headers, WithholdMode mode)
    {
        private readonly Dictionary<Hash256, int> _heights =
            headers.Select((h, i) => (h.GetHash(), i)).ToDictionary(p => p.Item1, p => p.i);
        private readonly TaskCompletionSource<GetDataMessage> _firstGetData = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<WithholderEnd> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<IWireMessage> _sent = [];
        private readonly List<IWireMessage> _received = [];

        public Task<GetDataMessage> FirstGetData => _firstGetData.Task;
        public Task<WithholderEnd> Closed => _closed.Task;

        public IReadOnlyList<IWireMessage> Sent { get { lock (_sent) return [.. _sent]; } }
        public IReadOnlyList<IWireMessage> Received { get { lock (_received) return [.. _received]; } }

        public void Start() => _ = Task.Run(RunAsync);

        private async Task RunAsync()
        {
            try
            {
                // A tip announcement as headers (BIP130 style), from genesis: C learns W "has" the chain.
                await SendAsync(new HeadersMessage(headers[1..Math.Min(headers.Length, 2001)]));
                while (true)
                {
                    IWireMessage? message;
                    try
                    {
                        message = await client.ReceiveAsync(TimeSpan.FromSeconds(60));
                    }
                    catch (TimeoutException)
                    {
                        continue;
                    }
                    if (message is null)
                    {
                        _closed.TrySetResult(WithholderEnd.ClosedByNode);
                        return;
                    }
                    lock (_received) _received.Add(message);
                    switch (message)
                    {
                        case PingMessage ping:
                            await SendAsync(new PongMessage(ping.Nonce));
                            break;
                        case GetHeadersMessage getHeaders:
                            await SendAsync(new HeadersMessage(Locate(getHeaders)));
                            break;
                        case GetDataMessage getData:
                            _firstGetData.TrySetResult(getData);
                            if (mode == WithholdMode.NotFound)
                                await SendAsync(new NotFoundMessage(getData.Inventory));
                            else if (mode == WithholdMode.NotFoundFirstBlockOnly && Sent.All(m => m is not NotFoundMessage))
                                await SendAsync(new NotFoundMessage([getData.Inventory[0]]));
                            break;
                    }
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                _closed.TrySetResult(WithholderEnd.Disposed);
            }
            catch (Exception e)
            {
                _closed.TrySetException(e);
                _firstGetData.TrySetException(e);
            }
        }

        private async Task SendAsync(IWireMessage message)
        {
            lock (_sent) _sent.Add(message);
            await client.SendAsync(message);
        }

        /// <summary>getheaders as a full node answers it: after the first locator hash we know, up to 2,000 headers
        /// or the stop hash.</summary>
        private BlockHeader[] Locate(GetHeadersMessage request)
        {
            int from = 0;
            foreach (var hash in request.Locator)
                if (_heights.TryGetValue(hash, out var height)) { from = height; break; }
            var answer = new List<BlockHeader>();
            for (int h = from + 1; h < headers.Length && answer.Count < 2000; h++)
            {
                answer.Add(headers[h]);
                if (headers[h].GetHash() == request.HashStop) break;
            }
            return [.. answer];
        }
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var client in _clients) _ = client.DisposeAsync();
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
