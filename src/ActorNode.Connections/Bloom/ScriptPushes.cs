namespace ActorNode.Connections.Bloom;

/// <summary>The little script reading a bloom filter needs: the data pushes of a script (Core
/// <c>CScript::GetOp</c>; a truncated push ends the walk, as in Core) and the two output kinds that
/// BLOOM_UPDATE_P2PUBKEY_ONLY adds outpoints for (Core <c>Solver</c>: PUBKEY and MULTISIG).</summary>
public static class ScriptPushes
{
    private const byte OpPushData1 = 0x4c, OpPushData2 = 0x4d, OpPushData4 = 0x4e;
    private const byte Op1 = 0x51, Op16 = 0x60, OpCheckSig = 0xac, OpCheckMultiSig = 0xae;

    /// <summary>One opcode of <paramref name="script"/> at <paramref name="position"/>: false when the script ends or
    /// a push runs past its end. <paramref name="data"/> is the pushed bytes (empty for a non-push opcode).</summary>
    public static bool TryReadOp(ReadOnlySpan<byte> script, ref int position, out byte opcode, out ReadOnlySpan<byte> data)
    {
        data = default;
        opcode = 0;
        if (position >= script.Length) return false;
        opcode = script[position++];
        if (opcode > OpPushData4) return true;
        long size;
        if (opcode < OpPushData1) size = opcode;
        else if (opcode == OpPushData1)
        {
            if (script.Length - position < 1) return false;
            size = script[position];
            position += 1;
        }
        else if (opcode == OpPushData2)
        {
            if (script.Length - position < 2) return false;
            size = script[position] | script[position + 1] << 8;
            position += 2;
        }
        else
        {
            if (script.Length - position < 4) return false;
            size = (uint)(script[position] | script[position + 1] << 8 | script[position + 2] << 16 | script[position + 3] << 24);
            position += 4;
        }
        if (size > script.Length - position) return false;
        data = script.Slice(position, (int)size);
        position += (int)size;
        return true;
    }

    /// <summary>&lt;pubkey&gt; OP_CHECKSIG with a 33- or 65-byte key of a valid prefix (Core MatchPayToPubkey).</summary>
    public static bool IsPayToPubKey(ReadOnlySpan<byte> script) =>
        (script.Length == 35 && script[0] == 33 || script.Length == 67 && script[0] == 65)
        && script[^1] == OpCheckSig && IsPubKeySize(script.Slice(1, script[0]));

    /// <summary>OP_m &lt;pubkey&gt;… OP_n OP_CHECKMULTISIG with 1 ≤ m ≤ n ≤ 16 and n keys (Core MatchMultisig).</summary>
    public static bool IsMultisig(ReadOnlySpan<byte> script)
    {
        if (script.Length < 1 || script[^1] != OpCheckMultiSig) return false;
        int position = 0;
        if (!TryReadOp(script, ref position, out byte first, out _) || first < Op1 || first > Op16) return false;
        int required = first - Op1 + 1, keys = 0;
        while (TryReadOp(script, ref position, out byte op, out var data) && op <= OpPushData4)
        {
            if (!IsPubKeySize(data)) return false;
            keys++;
        }
        // The loop stopped at the first non-push: it must be OP_n, then OP_CHECKMULTISIG ends the script.
        int last = position - 1;
        if (last < 0 || last != script.Length - 2) return false;
        byte n = script[last];
        if (n < Op1 || n > Op16) return false;
        int total = n - Op1 + 1;
        return keys == total && required <= total;
    }

    private static bool IsPubKeySize(ReadOnlySpan<byte> key) => key.Length switch
    {
        33 => key[0] is 0x02 or 0x03,
        65 => key[0] is 0x04 or 0x06 or 0x07,
        _ => false,
    };
}
