using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ActorNode.Chain;

namespace ActorNode.Host.Rpc;

/// <summary>How bitcoind shows a script in decoderawtransaction: its asm (core_write.cpp ScriptToAsmStr, without
/// the signature-hash decoding of scriptSig), its type (script/solver.cpp Solver names) and, for the standard
/// output forms, its address (base58check or bech32/bech32m, key_io.cpp).</summary>
internal static class ScriptFormat
{
    private static readonly Dictionary<byte, string> Names = BuildNames();

    private static Dictionary<byte, string> BuildNames()
    {
        string[] from61 =
        [
            "OP_NOP", "OP_VER", "OP_IF", "OP_NOTIF", "OP_VERIF", "OP_VERNOTIF", "OP_ELSE", "OP_ENDIF", "OP_VERIFY", "OP_RETURN",
            "OP_TOALTSTACK", "OP_FROMALTSTACK", "OP_2DROP", "OP_2DUP", "OP_3DUP", "OP_2OVER", "OP_2ROT", "OP_2SWAP", "OP_IFDUP",
            "OP_DEPTH", "OP_DROP", "OP_DUP", "OP_NIP", "OP_OVER", "OP_PICK", "OP_ROLL", "OP_ROT", "OP_SWAP", "OP_TUCK", "OP_CAT",
            "OP_SUBSTR", "OP_LEFT", "OP_RIGHT", "OP_SIZE", "OP_INVERT", "OP_AND", "OP_OR", "OP_XOR", "OP_EQUAL", "OP_EQUALVERIFY",
            "OP_RESERVED1", "OP_RESERVED2", "OP_1ADD", "OP_1SUB", "OP_2MUL", "OP_2DIV", "OP_NEGATE", "OP_ABS", "OP_NOT",
            "OP_0NOTEQUAL", "OP_ADD", "OP_SUB", "OP_MUL", "OP_DIV", "OP_MOD", "OP_LSHIFT", "OP_RSHIFT", "OP_BOOLAND", "OP_BOOLOR",
            "OP_NUMEQUAL", "OP_NUMEQUALVERIFY", "OP_NUMNOTEQUAL", "OP_LESSTHAN", "OP_GREATERTHAN", "OP_LESSTHANOREQUAL",
            "OP_GREATERTHANOREQUAL", "OP_MIN", "OP_MAX", "OP_WITHIN", "OP_RIPEMD160", "OP_SHA1", "OP_SHA256", "OP_HASH160",
            "OP_HASH256", "OP_CODESEPARATOR", "OP_CHECKSIG", "OP_CHECKSIGVERIFY", "OP_CHECKMULTISIG", "OP_CHECKMULTISIGVERIFY",
            "OP_NOP1", "OP_CHECKLOCKTIMEVERIFY", "OP_CHECKSEQUENCEVERIFY", "OP_NOP4", "OP_NOP5", "OP_NOP6", "OP_NOP7", "OP_NOP8",
            "OP_NOP9", "OP_NOP10", "OP_CHECKSIGADD",
        ];
        var names = new Dictionary<byte, string> { [0x00] = "0", [0x4f] = "-1", [0x50] = "OP_RESERVED" };
        for (int i = 1; i <= 16; i++) names[(byte)(0x50 + i)] = i.ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < from61.Length; i++) names[(byte)(0x61 + i)] = from61[i];
        return names;
    }

    /// <summary>Walks a script: each opcode with its pushed data (null for a non-push); false at a truncated push.</summary>
    private static bool TryWalk(ReadOnlySpan<byte> script, List<(byte Op, byte[]? Data)> ops)
    {
        int i = 0;
        while (i < script.Length)
        {
            byte op = script[i++];
            int length = -1;
            if (op is >= 1 and <= 75) length = op;
            else if (op == 0x4c && i + 1 <= script.Length) { length = script[i]; i += 1; }
            else if (op == 0x4d && i + 2 <= script.Length) { length = BinaryPrimitives.ReadUInt16LittleEndian(script[i..]); i += 2; }
            else if (op == 0x4e && i + 4 <= script.Length)
            {
                uint n = BinaryPrimitives.ReadUInt32LittleEndian(script[i..]);
                i += 4;
                length = n > int.MaxValue ? int.MaxValue : (int)n;
            }
            else if (op is 0x4c or 0x4d or 0x4e) return false;
            if (length >= 0)
            {
                if (length > script.Length - i) return false;
                ops.Add((op, script.Slice(i, length).ToArray()));
                i += length;
            }
            else
            {
                ops.Add((op, op == 0 ? [] : null));
            }
        }
        return true;
    }

    public static string Asm(ReadOnlySpan<byte> script)
    {
        var ops = new List<(byte Op, byte[]? Data)>();
        bool complete = TryWalk(script, ops);
        var parts = new List<string>(ops.Count + 1);
        foreach (var (op, data) in ops)
        {
            if (data is not null && op != 0)
                parts.Add(data.Length <= 4 ? ScriptNum(data).ToString(CultureInfo.InvariantCulture) : Convert.ToHexStringLower(data));
            else
                parts.Add(Names.TryGetValue(op, out var name) ? name : "OP_UNKNOWN");
        }
        if (!complete) parts.Add("[error]");
        return string.Join(' ', parts);
    }

    /// <summary>A minimal little-endian sign-magnitude number (CScriptNum without the minimality check).</summary>
    private static long ScriptNum(byte[] data)
    {
        if (data.Length == 0) return 0;
        long value = 0;
        for (int i = 0; i < data.Length; i++) value |= (long)data[i] << (8 * i);
        if ((data[^1] & 0x80) != 0) return -(value & ~(0x80L << (8 * (data.Length - 1))));
        return value;
    }

    /// <summary>The Solver's name for an output script, and its address where there is one.</summary>
    public static (string Type, string? Address) Classify(ReadOnlySpan<byte> s, ChainParams chain)
    {
        var (pkh, sh, hrp) = Prefixes(chain);
        if (s.Length == 25 && s[0] == 0x76 && s[1] == 0xa9 && s[2] == 20 && s[23] == 0x88 && s[24] == 0xac)
            return ("pubkeyhash", Base58Check(pkh, s.Slice(3, 20)));
        if (s.Length == 23 && s[0] == 0xa9 && s[1] == 20 && s[22] == 0x87)
            return ("scripthash", Base58Check(sh, s.Slice(2, 20)));
        if (s.Length >= 4 && s.Length <= 42 && (s[0] == 0 || s[0] is >= 0x51 and <= 0x60) && s[1] + 2 == s.Length && s[1] is >= 2 and <= 40)
        {
            int version = s[0] == 0 ? 0 : s[0] - 0x50;
            var program = s[2..];
            if (version == 0 && program.Length == 20) return ("witness_v0_keyhash", Bech32.Encode(hrp, 0, program));
            if (version == 0 && program.Length == 32) return ("witness_v0_scripthash", Bech32.Encode(hrp, 0, program));
            if (version == 1 && program.Length == 32) return ("witness_v1_taproot", Bech32.Encode(hrp, 1, program));
            if (version == 1 && program.Length == 2 && program[0] == 0x4e && program[1] == 0x73) return ("anchor", Bech32.Encode(hrp, 1, program));
            if (version != 0) return ("witness_unknown", Bech32.Encode(hrp, version, program));
            return ("nonstandard", null);
        }
        if (s.Length >= 1 && s[0] == 0x6a) return ("nulldata", null);
        if ((s.Length == 35 && s[0] == 33 || s.Length == 67 && s[0] == 65) && s[^1] == 0xac) return ("pubkey", null);
        if (s.Length >= 37 && s[^1] == 0xae && s[0] is >= 0x51 and <= 0x60 && s[^2] is >= 0x51 and <= 0x60) return ("multisig", null);
        return ("nonstandard", null);
    }

    private static (byte Pkh, byte Sh, string Hrp) Prefixes(ChainParams chain) => chain.Name switch
    {
        "mainnet" => (0x00, 0x05, "bc"),
        "regtest" => (0x6f, 0xc4, "bcrt"),
        _ => (0x6f, 0xc4, "tb"),
    };

    private static string Base58Check(byte version, ReadOnlySpan<byte> payload)
    {
        var data = new byte[1 + payload.Length + 4];
        data[0] = version;
        payload.CopyTo(data.AsSpan(1));
        var checksum = SHA256.HashData(SHA256.HashData(data.AsSpan(0, 1 + payload.Length)));
        checksum.AsSpan(0, 4).CopyTo(data.AsSpan(1 + payload.Length));
        const string alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        var number = new System.Numerics.BigInteger(data, isUnsigned: true, isBigEndian: true);
        var text = new StringBuilder();
        while (number > 0)
        {
            number = System.Numerics.BigInteger.DivRem(number, 58, out var remainder);
            text.Insert(0, alphabet[(int)remainder]);
        }
        foreach (byte b in data)
        {
            if (b != 0) break;
            text.Insert(0, '1');
        }
        return text.ToString();
    }

    /// <summary>BIP173 bech32 (witness v0) and BIP350 bech32m (v1+) segwit addresses.</summary>
    private static class Bech32
    {
        private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

        public static string Encode(string hrp, int version, ReadOnlySpan<byte> program)
        {
            var data = new List<byte> { (byte)version };
            int acc = 0, bits = 0;
            foreach (byte b in program)
            {
                acc = (acc << 8) | b;
                bits += 8;
                while (bits >= 5)
                {
                    bits -= 5;
                    data.Add((byte)((acc >> bits) & 31));
                }
            }
            if (bits > 0) data.Add((byte)((acc << (5 - bits)) & 31));
            uint constant = version == 0 ? 1u : 0x2bc830a3u;
            var values = new List<byte>();
            foreach (char c in hrp) values.Add((byte)(c >> 5));
            values.Add(0);
            foreach (char c in hrp) values.Add((byte)(c & 31));
            values.AddRange(data);
            values.AddRange(new byte[6]);
            uint polymod = Polymod(values) ^ constant;
            var text = new StringBuilder(hrp).Append('1');
            foreach (byte d in data) text.Append(Charset[d]);
            for (int i = 0; i < 6; i++) text.Append(Charset[(int)((polymod >> (5 * (5 - i))) & 31)]);
            return text.ToString();
        }

        private static uint Polymod(IEnumerable<byte> values)
        {
            uint[] generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
            uint chk = 1;
            foreach (byte v in values)
            {
                uint top = chk >> 25;
                chk = ((chk & 0x1ffffff) << 5) ^ v;
                for (int i = 0; i < 5; i++)
                    if (((top >> i) & 1) != 0) chk ^= generator[i];
            }
            return chk;
        }
    }
}
