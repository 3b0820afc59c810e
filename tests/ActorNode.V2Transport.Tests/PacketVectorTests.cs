using ActorNode.V2Transport.Crypto;

namespace ActorNode.V2Transport.Tests;

/// <summary>Every row of the official packet-encoding vectors, every mid_* and out_* value, in order: key
/// agreement, HKDF outputs, then the packet after in_idx empty ones (the rekeys at 224, 448, ...), and the same
/// packet decrypted by the other side's cipher.</summary>
public class PacketVectorTests
{
    private const uint MainNetMagic = 0xD9B4BEF9;

    public static TheoryData<int> Rows()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < VectorFiles.Read(VectorFiles.Packets).Count; i++) data.Add(i);
        return data;
    }

    [Fact]
    public void The_file_has_seven_rows() => Assert.Equal(7, VectorFiles.Read(VectorFiles.Packets).Count);

    [Theory]
    [MemberData(nameof(Rows))]
    public void Row_matches_every_intermediate_and_output(int index)
    {
        var row = VectorFiles.Read(VectorFiles.Packets)[index];
        byte[] H(string name) => VectorFiles.Hex(row[name]);
        string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

        var priv = H("in_priv_ours");
        var ours = H("in_ellswift_ours");
        var theirs = H("in_ellswift_theirs");
        bool initiating = row["in_initiating"] == "1";

        Assert.Equal(row["mid_x_ours"], Hex(ElligatorSwift.PublicKeyX(priv)));
        Assert.Equal(row["mid_x_ours"], Hex(ElligatorSwift.Decode(ours)));
        Assert.Equal(row["mid_x_theirs"], Hex(ElligatorSwift.Decode(theirs)));
        Assert.Equal(row["mid_x_shared"], Hex(ElligatorSwift.XOnlyEcdh(theirs, priv)));
        var secret = V2KeyDerivation.SharedSecret(priv, theirs, ours, initiating);
        Assert.Equal(row["mid_shared_secret"], Hex(secret));

        var keys = V2KeyDerivation.Derive(secret, MainNetMagic);
        Assert.Equal(row["mid_initiator_l"], Hex(keys.InitiatorL));
        Assert.Equal(row["mid_initiator_p"], Hex(keys.InitiatorP));
        Assert.Equal(row["mid_responder_l"], Hex(keys.ResponderL));
        Assert.Equal(row["mid_responder_p"], Hex(keys.ResponderP));

        using var cipher = new V2PacketCipher(keys, initiating);
        using var peer = new V2PacketCipher(keys, !initiating);
        Assert.Equal(row["mid_send_garbage_terminator"], Hex(cipher.SendGarbageTerminator));
        Assert.Equal(row["mid_recv_garbage_terminator"], Hex(cipher.ReceiveGarbageTerminator));
        Assert.Equal(peer.ReceiveGarbageTerminator, cipher.SendGarbageTerminator);
        Assert.Equal(row["out_session_id"], Hex(cipher.SessionId));

        int skip = int.Parse(row["in_idx"]);
        var empty = new byte[V2PacketCipher.Overhead];
        var emptyPlain = new byte[V2PacketCipher.HeaderLength];
        for (int i = 0; i < skip; i++)
        {
            cipher.Encrypt([], [], false, empty);
            Assert.Equal(0, peer.DecryptLength(empty.AsSpan(0, 3)));
            Assert.True(peer.Decrypt(empty.AsSpan(3), [], emptyPlain));
        }

        var unit = H("in_contents");
        int multiply = int.Parse(row["in_multiply"]);
        var contents = new byte[unit.Length * multiply];
        for (int i = 0; i < multiply; i++) unit.CopyTo(contents, i * unit.Length);
        var aad = H("in_aad");
        bool ignore = row["in_ignore"] == "1";
        var packet = new byte[contents.Length + V2PacketCipher.Overhead];
        cipher.Encrypt(contents, aad, ignore, packet);

        if (row["out_ciphertext"].Length > 0)
            Assert.Equal(row["out_ciphertext"], Hex(packet));
        else
            Assert.Equal(row["out_ciphertext_endswith"], Hex(packet[^128..]));

        // The other side reads it back: length, then header and contents under the same AAD.
        Assert.Equal(contents.Length, peer.DecryptLength(packet.AsSpan(0, 3)));
        var plaintext = new byte[contents.Length + 1];
        Assert.True(peer.Decrypt(packet.AsSpan(3), aad, plaintext));
        Assert.Equal(ignore ? V2PacketCipher.IgnoreBit : 0, plaintext[0]);
        Assert.True(plaintext.AsSpan(1).SequenceEqual(contents));
    }

    [Fact]
    public void A_flipped_bit_fails_the_tag()
    {
        var keys = V2KeyDerivation.Derive(new byte[32], MainNetMagic);
        using var a = new V2PacketCipher(keys, true);
        using var b = new V2PacketCipher(keys, false);
        var packet = new byte[5 + V2PacketCipher.Overhead];
        a.Encrypt("hello"u8, [], false, packet);
        packet[10] ^= 1;
        Assert.Equal(5, b.DecryptLength(packet.AsSpan(0, 3)));
        Assert.False(b.Decrypt(packet.AsSpan(3), [], new byte[6]));
    }

    [Fact]
    public void The_aad_is_authenticated()
    {
        var keys = V2KeyDerivation.Derive(new byte[32], MainNetMagic);
        using var a = new V2PacketCipher(keys, false);
        using var b = new V2PacketCipher(keys, true);
        var packet = new byte[V2PacketCipher.Overhead];
        a.Encrypt([], "garbage"u8, false, packet);
        b.DecryptLength(packet.AsSpan(0, 3));
        Assert.False(b.Decrypt(packet.AsSpan(3), "garbagf"u8, new byte[1]));
    }
}
