using System.Net;
using System.Text;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Hostile;

/// <summary>Issue 16, fault 2, end to end: a BIP324 initiator dialling a v1-only node (this node has no v2
/// transport; the test must stay true when one exists and is off) sends 64 random bytes (its ellswift key) and waits.
/// The node reads them as a frame header of another network: BadMagic, 10 transient points on the IP, not the 25
/// of garbage, so other peers on that IP keep a low score.</summary>
[Collection(HostileCollection.Name)]
public sealed class V2InitiatorTests(Xunit.Abstractions.ITestOutputHelper output) : ScoredTestKit(output)
{
    private static byte[] Ellswift(int seed)
    {
        var bytes = new byte[64];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Sends <paramref name="bytes"/> from <paramref name="from"/> and asserts the node closes without a byte.</summary>
    private async Task SendAndExpectCloseAsync(Node node, IPAddress from, byte[] bytes)
    {
        await using var client = await RawPeer.ConnectAsync(node.Endpoint, from);
        Assert.True(await client.SendAsync(bytes));
        Assert.Empty(await client.ReadUntilClosedAsync());
        Assert.Equal(0, client.BytesReceived); // inbound: the node waits for our version before it sends anything
    }

    [Fact]
    public async Task V2InitiatorBytes_FromSeveralSeeds_ScoreTenEach_AsBadMagic()
    {
        var node = await StartNodeAsync(configure: s => s with { V2Transport = false });
        var honest = await HonestPeerAsync(node);

        int[] seeds = [3, 16, 324];
        foreach (int seed in seeds)
            await SendAndExpectCloseAsync(node, Hostile, Ellswift(seed));

        // 3 × 10 transient points (a second or two of decay at most); InvalidCommand would have been 3 × 25 = 75.
        uint score = await ScoreOfAsync(node, Hostile);
        Assert.InRange(score, 27u, 30u);
        await AssertNoBansAsync(node);
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }

    [Fact]
    public async Task TenV2Attempts_DoNotBan_TheEleventhDoes_WithTheBadMagicReason()
    {
        var node = await StartNodeAsync(configure: s => s with { V2Transport = false });
        var honest = await HonestPeerAsync(node);

        for (int seed = 1; seed <= 11; seed++)
        {
            await SendAndExpectCloseAsync(node, Hostile, Ellswift(seed));
            if (seed < 11) await AssertNoBansAsync(node);
        }

        await AssertBannedAsync(node, Hostile, "is not this network's");
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task HttpRequest_IsBadMagic_TenPoints()
    {
        var node = await StartNodeAsync(configure: s => s with { V2Transport = false });
        var honest = await HonestPeerAsync(node);

        await SendAndExpectCloseAsync(node, Hostile,
            Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n"));

        Assert.InRange(await ScoreOfAsync(node, Hostile), 9u, 10u);
        await AssertUndisturbedAsync(node, honest, inbound: 2);
    }
}
