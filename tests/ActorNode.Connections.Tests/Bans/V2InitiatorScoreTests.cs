using ActorNode.Connections.Bans;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;

namespace ActorNode.Connections.Tests.Bans;

/// <summary>Issue 16, fault 2, scored: what a v1-only node makes of a BIP324 initiator's first 64 (random) bytes
/// is the lenient <see cref="BanScoreReason.WireBadMagic"/> (10 transient), not garbage (25), so a Core node that
/// tries v2 before v1 on each reconnection is never banned, nor are other peers on its IP.</summary>
public class V2InitiatorScoreTests
{
    private const uint Regtest = 0xDAB5BFFA;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(324)]
    [InlineData(65_537)]
    public void EllswiftBytes_ScoreAsBadMagic_TenTransientPoints(int seed)
    {
        var bytes = new byte[64];
        new Random(seed).NextBytes(bytes);
        var decoder = new FrameDecoder(Regtest, WireContext.Latest);

        var error = Assert.Throws<WireException>(() =>
        {
            ReadOnlySpan<byte> input = bytes;
            while (decoder.TryRead(ref input, out _)) { }
        });
        var penalty = BanPenalty.ForWireError(error);

        Assert.Equal((BanScoreReason.WireBadMagic, 0u, BanPenalty.LenientWirePoints), (penalty.Reason, penalty.Persistent, penalty.Transient));
    }

    [Fact]
    public void TenV2AttemptsFromOneIp_InQuickSuccession_DoNotBan()
    {
        // Ten reconnections within a second reach 100, which does not exceed btcd's threshold; with the old
        // InvalidCommand (25) the fifth banned.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T00:00:00Z"));
        var score = new DynamicBanScore(time);
        for (int seed = 0; seed < 10; seed++)
        {
            var bytes = new byte[64];
            new Random(seed).NextBytes(bytes);
            var decoder = new FrameDecoder(Regtest, WireContext.Latest);
            var error = Assert.Throws<WireException>(() =>
            {
                ReadOnlySpan<byte> input = bytes;
                while (decoder.TryRead(ref input, out _)) { }
            });
            var penalty = BanPenalty.ForWireError(error);
            score.Increase(penalty.Persistent, penalty.Transient);
        }
        Assert.Equal(100u, score.Int());
    }
}
