using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.Interop.Tests.Bcoin;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorNode.Interop.Tests;

/// <summary>BIP324 negotiation against a real v1-only peer (bcoin 1.0.2): our node dials bcoin with v2 (a --connect
/// peer, v2 on), bcoin cannot parse our 64-byte key and garbage (a reject per 24 bytes and, at ban score 100, a
/// close), our node redials once with v1, remembering the address, and the handshake completes.</summary>
public sealed class V2FallbackInteropTests : Akka.TestKit.Xunit2.TestKit, IClassFixture<BcoinNode>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly BcoinNode _bcoin;
    private readonly IDisposable _bcoinLog;
    private readonly List<string> _dirs = [];

    public V2FallbackInteropTests(BcoinNode bcoin, ITestOutputHelper output) : base("akka.loglevel = WARNING", output)
    {
        _bcoin = bcoin;
        _bcoinLog = bcoin.AttachOutput(output);
    }

    [Fact]
    public async Task WeDialBcoinWithV2_ItCannotSpeakIt_WeRedialWithV1_AndTheHandshakeCompletes()
    {
        var dir = Directory.CreateTempSubdirectory("interop-v2-").FullName;
        _dirs.Add(dir);
        var book = Sys.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(dir)), "v2-addrbook");
        var settings = new ConnManagerSettings
        {
            Chain = ChainParams.Regtest,
            DataDirectory = dir,
            TargetOutbound = 0,
            RetryDuration = TimeSpan.FromMilliseconds(300),
            // bcoin closes at its ban score of 100, i.e. after 240 bytes; with less garbage it just keeps replying
            // with rejects, and our handshake deadline ends the attempt.
            HandshakeTimeout = TimeSpan.FromSeconds(5),
            V2Transport = true,
            Connect = [_bcoin.P2PEndpoint],
        };
        var manager = Sys.ActorOf(ConnManagerActor.Props(settings, book, ActorRefs.Nobody), "v2-connmanager");

        PeerStats? peer = null;
        await AwaitAssertAsync(async () =>
        {
            var peers = (await manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            peer = Assert.Single(peers);
            Assert.True(peer.Ready);
        }, Patience, TimeSpan.FromMilliseconds(100));
        Assert.Equal("v1", peer!.TransportProtocolType);
        Assert.Equal("", peer.SessionId);
        Assert.Equal(BcoinNode.UserAgent, peer.UserAgent);
        // The v2 attempt, then the v1 connection: exactly two.
        Assert.Equal(2L, (await manager.Ask<PeersStarted>(GetPeersStarted.Instance, Patience)).Count);

        // A ping from bcoin's side goes through the v1 connection.
        await _bcoin.RpcAsync("ping");
        await _bcoin.WaitUntilAsync(async () =>
            (await _bcoin.GetPeerInfoAsync()).Any(p => p.SubVersion == PeerSettings.DefaultUserAgent
                && p.Raw.GetProperty("pingtime").GetDouble() >= 0),
            Patience, "bcoin's ping answered over v1");
        await _bcoin.ClearBannedAsync(); // its ban of 127.0.0.1 for our v2 bytes (not remembered: ForgetBans)
    }

    protected override void Dispose(bool disposing)
    {
        _bcoinLog.Dispose();
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
