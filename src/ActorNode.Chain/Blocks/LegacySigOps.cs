using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Blocks;

/// <summary>The legacy signature-operation count, Bitcoin Core <c>GetLegacySigOpCount</c> (script.cpp
/// <c>CScript::GetSigOpCount(false)</c>; btcd txscript <c>GetSigOpCount</c>): OP_CHECKSIG and OP_CHECKSIGVERIFY count
/// one, OP_CHECKMULTISIG and OP_CHECKMULTISIGVERIFY count twenty, over every signature script and output script.
/// Counting stops at the first push that runs past the end of the script, as Core's <c>GetOp</c> loop does. P2SH and
/// witness sigops need the spent outputs and are not counted here.</summary>
public static class LegacySigOps
{
    private const byte OpPushData1 = 0x4c, OpPushData2 = 0x4d, OpPushData4 = 0x4e;
    private const byte OpCheckSig = 0xac, OpCheckSigVerify = 0xad;
    private const byte OpCheckMultiSig = 0xae, OpCheckMultiSigVerify = 0xaf;

    public static int Count(Transaction tx)
    {
        int count = 0;
        foreach (var input in tx.Inputs) count += Count(input.ScriptSig.Span);
        foreach (var output in tx.Outputs) count += Count(output.PkScript.Span);
        return count;
    }

    public static int Count(ReadOnlySpan<byte> script)
    {
        int count = 0;
        int i = 0;
        while (i < script.Length)
        {
            byte op = script[i++];
            long push;
            if (op < OpPushData1) push = op;
            else if (op == OpPushData1)
            {
                if (script.Length - i < 1) break;
                push = script[i];
                i += 1;
            }
            else if (op == OpPushData2)
            {
                if (script.Length - i < 2) break;
                push = script[i] | script[i + 1] << 8;
                i += 2;
            }
            else if (op == OpPushData4)
            {
                if (script.Length - i < 4) break;
                push = (uint)(script[i] | script[i + 1] << 8 | script[i + 2] << 16 | script[i + 3] << 24);
                i += 4;
            }
            else
            {
                if (op is OpCheckSig or OpCheckSigVerify) count++;
                else if (op is OpCheckMultiSig or OpCheckMultiSigVerify) count += ConsensusLimits.MaxPubKeysPerMultisig;
                continue;
            }
            if (push > script.Length - i) break;
            i += (int)push;
        }
        return count;
    }
}
