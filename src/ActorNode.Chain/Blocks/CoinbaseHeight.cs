namespace ActorNode.Chain.Blocks;

/// <summary>BIP34: from the activation height a coinbase signature script must begin with the block height, pushed
/// exactly as Bitcoin Core's <c>CScript() &lt;&lt; nHeight</c> writes it (validation.cpp ContextualCheckBlock,
/// "bad-cb-height"): OP_0 for zero, OP_1…OP_16 for 1–16, otherwise a minimal push of the CScriptNum encoding
/// (little-endian magnitude, with a 0x00 byte appended when the top bit is set). btcd blockchain
/// <c>ExtractCoinbaseHeight</c>/<c>checkSerializedHeight</c> reads the same form.</summary>
public static class CoinbaseHeight
{
    private const byte Op0 = 0x00;
    private const byte Op1 = 0x51;

    /// <summary>The script prefix a coinbase at <paramref name="height"/> must start with.</summary>
    public static byte[] Encode(int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (height == 0) return [Op0];
        if (height <= 16) return [(byte)(Op1 + height - 1)];
        Span<byte> number = stackalloc byte[5];
        int length = 0;
        for (uint value = (uint)height; value != 0; value >>= 8) number[length++] = (byte)value;
        if ((number[length - 1] & 0x80) != 0) number[length++] = 0x00; // keep it positive
        var script = new byte[1 + length];
        script[0] = (byte)length; // a direct push: 1–5 bytes is always below OP_PUSHDATA1
        number[..length].CopyTo(script.AsSpan(1));
        return script;
    }

    /// <summary>True when <paramref name="scriptSig"/> starts with the encoding of <paramref name="height"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> scriptSig, int height) => scriptSig.StartsWith(Encode(height));
}
