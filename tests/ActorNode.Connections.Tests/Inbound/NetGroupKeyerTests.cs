using System.Text;
using ActorNode.Connections.Inbound;

namespace ActorNode.Connections.Tests.Inbound;

public sealed class NetGroupKeyerTests
{
    // Key 00 01 .. 0f read as two little-endian words, as Core's crypto_tests (CSipHasher(0x0706050403020100,
    // 0x0F0E0D0C0B0A0908)) and the SipHash paper's Appendix A use it.
    private static readonly NetGroupKeyer PaperKey = new(0x0706050403020100UL, 0x0F0E0D0C0B0A0908UL);

    [Fact]
    public void Key_EmptyGroup_SipHashVector()
    {
        Assert.Equal(0x726fdb47dd0e0e31UL, PaperKey.Key(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Key_FifteenBytes_SipHashPaperVector()
    {
        byte[] message = Enumerable.Range(0, 15).Select(i => (byte)i).ToArray();

        Assert.Equal(0xa129ca6149be45e5UL, PaperKey.Key(message));
    }

    [Fact]
    public void Key_String_HashesUtf8()
    {
        Assert.Equal(PaperKey.Key(Encoding.UTF8.GetBytes("198.51.0.0/16")), PaperKey.Key("198.51.0.0/16"));
    }

    [Fact]
    public void Key_FreshSecrets_DifferPerNode()
    {
        Assert.NotEqual(new NetGroupKeyer().Key("198.51.0.0/16"), new NetGroupKeyer().Key("198.51.0.0/16"));
    }
}
