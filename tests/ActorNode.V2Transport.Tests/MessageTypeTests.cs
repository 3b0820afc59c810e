namespace ActorNode.V2Transport.Tests;

public class MessageTypeTests
{
    [Fact]
    public void The_short_ids_are_the_bips_table()
    {
        string[] table =
        [
            "addr", "block", "blocktxn", "cmpctblock", "feefilter", "filteradd", "filterclear", "filterload",
            "getblocks", "getblocktxn", "getdata", "getheaders", "headers", "inv", "mempool", "merkleblock",
            "notfound", "ping", "pong", "sendcmpct", "tx", "getcfilters", "cfilter", "getcfheaders", "cfheaders",
            "getcfcheckpt", "cfcheckpt", "addrv2",
        ];
        Assert.Equal(28, V2MessageTypes.MaxShortId);
        for (int id = 1; id <= 28; id++)
        {
            Assert.Equal(table[id - 1], V2MessageTypes.CommandOf((byte)id));
            Assert.Equal((byte)id, V2MessageTypes.ShortIdOf(table[id - 1]));
        }
        Assert.Null(V2MessageTypes.CommandOf(0));
        for (int id = 29; id <= 255; id++) Assert.Null(V2MessageTypes.CommandOf((byte)id));
        foreach (var longForm in new[] { "version", "verack", "sendheaders", "sendaddrv2", "wtxidrelay", "getaddr", "reject" })
            Assert.Null(V2MessageTypes.ShortIdOf(longForm));
    }

    [Fact]
    public void Both_encodings_of_a_command_read_the_same()
    {
        Assert.True(V2MessageTypes.TryRead([10, 1, 2], out var shortForm, out int shortLength));
        Assert.Equal(("getblocktxn", 1), (shortForm, shortLength));
        var longForm = new byte[13];
        Assert.Equal(13, V2MessageTypes.Write("version", longForm));
        "getblocktxn"u8.CopyTo(longForm.AsSpan(1));
        Assert.True(V2MessageTypes.TryRead(longForm, out var command, out int length));
        Assert.Equal(("getblocktxn", 13), (command, length));
        Assert.Same(shortForm, command); // interned
    }

    [Theory]
    [InlineData("")]                                  // empty contents
    [InlineData("1d")]                                // id 29: undefined
    [InlineData("ff")]                                // id 255
    [InlineData("0070696e67")]                        // long form shorter than 13 bytes
    [InlineData("00000000000000000000000000")]        // empty command
    [InlineData("0070696e6700000000000000ff")]        // non-NUL after the NUL padding
    [InlineData("0070691f6700000000000000000000")]    // control character
    public void Undecodable_types_are_refused(string hex)
    {
        Assert.False(V2MessageTypes.TryRead(Convert.FromHexString(hex), out _, out _));
    }

    [Fact]
    public void Short_ids_save_twelve_bytes()
    {
        Assert.Equal(1, V2MessageTypes.EncodedLength("inv"));
        Assert.Equal(13, V2MessageTypes.EncodedLength("version"));
    }
}
