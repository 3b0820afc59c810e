using ActorNode.Chain;
using ActorNode.Interop.Tests.Bcoin;
using ActorNode.Interop.Tests.Raw;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Xunit.Abstractions;

namespace ActorNode.Interop.Tests;

/// <summary>Our wire codec alone (MessageEncoder, FrameDecoder, the message records, BlockHeader, Block, MerkleTree)
/// on a plain socket against a real bcoin 1.0.2 that mined a regtest chain: what it sends decodes, what we send it
/// is understood, and the chain it serves checks out by our own rules (linkage from the genesis block, proof of work,
/// merkle roots) and matches its RPC byte for byte.</summary>
public sealed class RawCodecTests : IClassFixture<BcoinNode>, IDisposable
{
    private const int ChainHeight = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly BcoinNode _bcoin;
    private readonly IDisposable _bcoinLog;

    public RawCodecTests(BcoinNode bcoin, ITestOutputHelper output)
    {
        _bcoin = bcoin;
        _bcoinLog = bcoin.AttachOutput(output);
    }

    public void Dispose() => _bcoinLog.Dispose();

    private async Task<RawPeer> ConnectAndHandshake(CancellationToken cancel)
    {
        var peer = await RawPeer.ConnectAsync(_bcoin.P2PEndpoint, ChainParams.Regtest, cancel);
        var theirs = await peer.HandshakeAsync(cancel);
        Assert.Equal(BcoinNode.UserAgent, theirs.UserAgent);
        Assert.Equal(BcoinNode.ProtocolVersion, theirs.ProtocolVersion);
        Assert.Equal(ServiceFlags.Network | ServiceFlags.Witness, theirs.Services);
        Assert.Equal((uint)BcoinNode.ProtocolVersion, peer.Context.ProtocolVersion);
        return peer;
    }

    [Fact]
    public async Task GetHeaders_FromGenesis_ReturnsTheWholeChain_LinkedAndWithValidProofOfWork()
    {
        int height = await _bcoin.MineToHeightAsync(ChainHeight);
        Assert.InRange(height, ChainHeight, WireLimits.MaxBlockHeadersPerMessage);
        using var cancel = new CancellationTokenSource(Patience);
        await using var peer = await ConnectAndHandshake(cancel.Token);
        Assert.Equal(height, peer.TheirVersion!.StartHeight);

        await peer.SendAsync(new GetHeadersMessage(peer.Context.ProtocolVersion, [ChainParams.Regtest.GenesisHash], Hash256.Zero),
            cancel.Token);
        var headers = (await peer.ReceiveAsync<HeadersMessage>(cancel.Token)).Headers;

        Assert.Equal(height, headers.Length);
        var previous = ChainParams.Regtest.GenesisHash;
        for (int i = 0; i < headers.Length; i++)
        {
            var header = headers[i];
            Assert.Equal(previous, header.PreviousBlock);
            Assert.Equal(ChainParams.Regtest.PowLimitBits, header.Bits);
            Assert.True(ProofOfWork.CheckProofOfWork(header, ChainParams.Regtest), $"header {i + 1} fails proof of work");
            previous = header.GetHash();
            Assert.Equal(await _bcoin.GetBlockHashAsync(i + 1), previous); // an independent route: bcoin's RPC
        }
        Assert.Equal(await _bcoin.GetBestBlockHashAsync(), previous);
        Assert.Empty(_bcoin.MisbehaviourLines);
    }

    [Fact]
    public async Task GetData_WitnessBlocks1To10_DecodeWithMatchingMerkleRoots_AndMatchBcoinsRpcBytes()
    {
        await _bcoin.MineToHeightAsync(ChainHeight);
        var hashes = new List<Hash256>();
        for (int h = 1; h <= 10; h++) hashes.Add(await _bcoin.GetBlockHashAsync(h));
        using var cancel = new CancellationTokenSource(Patience);
        await using var peer = await ConnectAndHandshake(cancel.Token);

        await peer.SendAsync(new GetDataMessage([.. hashes.Select(h => new InvVector(InvType.WitnessBlock, h))]), cancel.Token);
        var blocks = new List<Block>();
        while (blocks.Count < hashes.Count)
            blocks.Add((await peer.ReceiveAsync<BlockMessage>(cancel.Token)).Block);

        for (int i = 0; i < hashes.Count; i++)
        {
            var block = blocks[i];
            Assert.Equal(hashes[i], block.GetHash()); // served in the order asked, as Core and btcd do
            Assert.Equal(i == 0 ? ChainParams.Regtest.GenesisHash : hashes[i - 1], block.Header.PreviousBlock);
            var root = MerkleTree.ComputeRoot(block, out bool mutated);
            Assert.Equal(block.Header.MerkleRoot, root);
            Assert.False(mutated);
            Assert.Single(block.Transactions); // coinbase only: nothing else was mined
            Assert.True(ProofOfWork.CheckProofOfWork(block.Header, ChainParams.Regtest));
            Assert.Equal(await _bcoin.GetRawBlockAsync(hashes[i]), block.ToArray());
        }
        Assert.Empty(_bcoin.MisbehaviourLines);
    }

    [Fact]
    public async Task GetHeaders_FromTheTip_IsAnsweredWithNothing_SoAPingFenceIsNeeded()
    {
        // bcoin sends no empty headers message when it has nothing after the locator (Core does); a ping after the
        // request tells the two apart: its pong comes first. docs/interop.md lists this for the sync layer.
        await _bcoin.MineToHeightAsync(ChainHeight);
        var tip = await _bcoin.GetBestBlockHashAsync();
        using var cancel = new CancellationTokenSource(Patience);
        await using var peer = await ConnectAndHandshake(cancel.Token);

        await peer.SendAsync(new GetHeadersMessage(peer.Context.ProtocolVersion, [tip], Hash256.Zero), cancel.Token);
        await peer.SendAsync(new PingMessage(0x5eed), cancel.Token);
        var answer = await peer.ReceiveAsync(cancel.Token);
        while (answer is not (PongMessage or HeadersMessage)) answer = await peer.ReceiveAsync(cancel.Token);

        Assert.Equal(0x5eedul, Assert.IsType<PongMessage>(answer).Nonce);
        Assert.DoesNotContain(peer.Received, m => m is HeadersMessage);
        Assert.Empty(_bcoin.MisbehaviourLines);
    }
}
