using System.Security.Cryptography;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Tests.Addresses;

/// <summary>The building blocks of address names: base32 (RFC 4648 §10 vectors, lowercase without padding) and
/// SHA3-256 (FIPS 202 / NIST CAVP example values), checked for the managed fallback on every machine.</summary>
public class AddressTextTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "my")]
    [InlineData("fo", "mzxq")]
    [InlineData("foo", "mzxw6")]
    [InlineData("foob", "mzxw6yq")]
    [InlineData("fooba", "mzxw6ytb")]
    [InlineData("foobar", "mzxw6ytboi")]
    public void Base32_Rfc4648Vectors_LowercaseUnpadded(string input, string expected)
    {
        Assert.Equal(expected, AddressText.Base32(System.Text.Encoding.ASCII.GetBytes(input)));
    }

    public static TheoryData<byte[], string> Sha3Vectors => new()
    {
        { [], "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a" },
        { "abc"u8.ToArray(), "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532" },
        {
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8.ToArray(),
            "41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376"
        },
        { Enumerable.Repeat((byte)0xa3, 200).ToArray(), "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787" },
    };

    [Theory]
    [MemberData(nameof(Sha3Vectors))]
    public void Sha3_NistVectors_ManagedAndPlatform(byte[] input, string expectedHex)
    {
        var hash = new byte[32];
        Sha3.ManagedHashData(input, hash);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(hash));
        Sha3.HashData(input, hash);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Sha3_ManagedAgreesWithPlatform_AcrossBlockBoundaries()
    {
        if (!SHA3_256.IsSupported) return; // nothing to compare with; the NIST vectors above still run
        var data = new byte[3 * 136 + 5];
        new Random(155).NextBytes(data);
        var managed = new byte[32];
        for (int length = 0; length <= data.Length; length++)
        {
            Sha3.ManagedHashData(data.AsSpan(0, length), managed);
            Assert.Equal(SHA3_256.HashData(data.AsSpan(0, length)), managed);
        }
    }
}
