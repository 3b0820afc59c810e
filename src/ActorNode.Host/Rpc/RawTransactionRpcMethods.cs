using System.Text.Json.Nodes;
using ActorNode.Chain;
using ActorNode.Host.Commands;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Host.Rpc;

/// <summary>bitcoind's decoderawtransaction (src/rpc/rawtransaction.cpp, core_write.cpp TxToUniv) on our wire codec.
/// The sync layer adds the mempool and block methods of this group later.</summary>
internal sealed class RawTransactionRpcMethods(ChainParams chain)
{
    public const string Category = "Rawtransactions";

    public IEnumerable<RpcMethod> Methods() =>
    [
        new("decoderawtransaction", Category, ["hexstring", "iswitness?"],
            "decoderawtransaction \"hexstring\" ( iswitness )\nReturn a JSON object representing the serialized, hex-encoded transaction.\n" +
            "iswitness: whether the transaction hex is a serialized witness transaction (default: try both).", Decode),
    ];

    private Task<JsonNode?> Decode(RpcParams p, CancellationToken cancellation)
    {
        var hex = p.GetString(0);
        if (!Hex.TryParse(hex, out var bytes, out _) || hex.Trim().StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            throw new RpcException(RpcErrorCode.DeserializationError, "TX decode failed");
        bool? witness = p.Has(1) ? p.GetBool(1) : null;
        Transaction tx;
        try
        {
            tx = Transaction.Parse(bytes, witness == false ? WireEncoding.Base : WireEncoding.Witness);
        }
        catch (WireException)
        {
            throw new RpcException(RpcErrorCode.DeserializationError, "TX decode failed");
        }
        if (witness == true && !tx.HasWitness) throw new RpcException(RpcErrorCode.DeserializationError, "TX decode failed");
        return Task.FromResult<JsonNode?>(ToJson(tx, chain));
    }

    internal static JsonObject ToJson(Transaction tx, ChainParams chain)
    {
        var vin = new JsonArray();
        foreach (var input in tx.Inputs)
        {
            var json = new JsonObject();
            if (tx.IsCoinbase)
            {
                json["coinbase"] = Convert.ToHexStringLower(input.ScriptSig.Span);
            }
            else
            {
                json["txid"] = input.PreviousOutput.Hash.ToString();
                json["vout"] = input.PreviousOutput.Index;
                json["scriptSig"] = new JsonObject
                {
                    ["asm"] = ScriptFormat.Asm(input.ScriptSig.Span),
                    ["hex"] = Convert.ToHexStringLower(input.ScriptSig.Span),
                };
            }
            if (input.HasWitness)
            {
                var items = new JsonArray();
                foreach (var item in input.Witness!) items.Add(Convert.ToHexStringLower(item.Span));
                json["txinwitness"] = items;
            }
            json["sequence"] = input.Sequence;
            vin.Add(json);
        }
        var vout = new JsonArray();
        for (int n = 0; n < tx.Outputs.Length; n++)
        {
            var output = tx.Outputs[n];
            var (type, address) = ScriptFormat.Classify(output.PkScript.Span, chain);
            var script = new JsonObject
            {
                ["asm"] = ScriptFormat.Asm(output.PkScript.Span),
                ["hex"] = Convert.ToHexStringLower(output.PkScript.Span),
            };
            if (address is not null) script["address"] = address;
            script["type"] = type;
            vout.Add(new JsonObject
            {
                ["value"] = output.Value / 100_000_000m,
                ["n"] = n,
                ["scriptPubKey"] = script,
            });
        }
        return new JsonObject
        {
            ["txid"] = tx.Txid.ToString(),
            ["hash"] = tx.Wtxid.ToString(),
            ["version"] = tx.Version,
            ["size"] = tx.TotalSize,
            ["vsize"] = (tx.Weight + 3) / 4,
            ["weight"] = tx.Weight,
            ["locktime"] = tx.LockTime,
            ["vin"] = vin,
            ["vout"] = vout,
        };
    }
}
