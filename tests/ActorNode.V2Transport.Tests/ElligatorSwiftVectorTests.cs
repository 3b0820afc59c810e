using ActorNode.V2Transport.Crypto;

namespace ActorNode.V2Transport.Tests;

/// <summary>Every row of the official ElligatorSwift decode and inverse vector files.</summary>
public class ElligatorSwiftVectorTests
{
    [Fact]
    public void Every_decode_row_gives_its_x()
    {
        var rows = VectorFiles.Read(VectorFiles.Decode);
        Assert.Equal(76, rows.Count);
        var failures = new List<string>();
        foreach (var row in rows)
        {
            var x = ElligatorSwift.Decode(VectorFiles.Hex(row["ellswift"]));
            if (Convert.ToHexStringLower(x) != row["x"]) failures.Add($"{row["ellswift"]} ({row["comment"]})");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void Every_inverse_case_gives_its_t_or_none_and_each_t_decodes_back()
    {
        var rows = VectorFiles.Read(VectorFiles.Inverse);
        Assert.Equal(32, rows.Count);
        int checks = 0, some = 0;
        var failures = new List<string>();
        foreach (var row in rows)
        {
            var u = VectorFiles.Hex(row["u"]);
            var x = VectorFiles.Hex(row["x"]);
            for (int c = 0; c < 8; c++)
            {
                checks++;
                var expected = row[$"case{c}_t"];
                var t = ElligatorSwift.Inverse(x, u, c);
                string got = t is null ? "" : Convert.ToHexStringLower(t);
                if (got != expected) failures.Add($"u={row["u"]} case {c}: expected '{expected}', got '{got}'");
                if (t is null) continue;
                some++;
                var decoded = ElligatorSwift.Decode([.. u, .. t]);
                if (!decoded.AsSpan().SequenceEqual(x)) failures.Add($"u={row["u"]} case {c}: t does not decode to x");
            }
        }
        Assert.Empty(failures);
        Assert.Equal(256, checks);
        Assert.True(some > 0);
    }

    [Fact]
    public void Created_keys_decode_to_the_public_key_x()
    {
        using var rng = System.Security.Cryptography.RandomNumberGenerator.Create();
        for (int i = 0; i < 20; i++)
        {
            var (priv, pub) = ElligatorSwift.Create(rng);
            Assert.Equal(ElligatorSwift.PublicKeyX(priv), ElligatorSwift.Decode(pub));
        }
    }

    [Fact]
    public void Ecdh_is_symmetric()
    {
        using var rng = System.Security.Cryptography.RandomNumberGenerator.Create();
        var (a, aPub) = ElligatorSwift.Create(rng);
        var (b, bPub) = ElligatorSwift.Create(rng);
        Assert.Equal(ElligatorSwift.XOnlyEcdh(bPub, a), ElligatorSwift.XOnlyEcdh(aPub, b));
    }
}
