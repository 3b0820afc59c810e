using System.Globalization;
using System.Text.Json.Nodes;
using ActorNode.Chain;
using ActorNode.Host.Commands;
using ActorNode.Host.Node;
using ActorNode.P2P.Sync;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.Host.Rpc;

/// <summary>bitcoind's blockchain, mempool and mining RPCs (src/rpc/blockchain.cpp, mempool.cpp, mining.cpp,
/// rawtransaction.cpp), answered by asking the SyncActor. Shapes follow bitcoind (docs/rpc.md); btcd's
/// <c>generate</c> mines on regtest.</summary>
internal sealed class BlockchainRpcMethods(NodeOptions options, IActorRef sync)
{
    public const string Category = "Blockchain";

    private ChainParams Chain => options.Chain;

    private Task<T> Ask<T>(object message, CancellationToken cancellation) => sync.Ask<T>(message, options.RpcTimeout, cancellation);

    public IEnumerable<RpcMethod> Methods() =>
    [
        new("getblockcount", Category, [], "getblockcount\nReturns the height of the most-work fully-validated chain.", GetBlockCount),
        new("getbestblockhash", Category, [], "getbestblockhash\nReturns the hash of the best (tip) block in the most-work fully-validated chain.", GetBestBlockHash),
        new("getblockhash", Category, ["height"], "getblockhash height\nReturns hash of block in best-block-chain at height provided.", GetBlockHash),
        new("getblockheader", Category, ["blockhash", "verbose?"],
            "getblockheader \"blockhash\" ( verbose )\nIf verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\nIf verbose is true, returns an Object with information about blockheader <hash>.", GetBlockHeader),
        new("getblock", Category, ["blockhash", "verbosity?"],
            "getblock \"blockhash\" ( verbosity )\nverbosity 0: hex-encoded block; 1: an object with the txids; 2: an object with each transaction decoded.", GetBlock),
        new("getchaintips", Category, [], "getchaintips\nReturn information about all known tips in the block tree, including the main chain as well as orphaned branches.", GetChainTipsRpc),
        new("getblockchaininfo", Category, [], "getblockchaininfo\nReturns an object containing various state info regarding blockchain processing.", GetBlockchainInfo),
        new("getrawmempool", "Mempool", ["verbose?"], "getrawmempool ( verbose )\nReturns all transaction ids in memory pool as a json array of string transaction ids.", GetRawMempool),
        new("getmempoolinfo", "Mempool", [], "getmempoolinfo\nReturns details on the active state of the TX memory pool.", GetMempoolInfo),
        new("getrawtransaction", RawTransactionRpcMethods.Category, ["txid", "verbose?"],
            "getrawtransaction \"txid\" ( verbose )\nReturn the raw transaction data of a transaction in the relay pool (there is no transaction index).", GetRawTransaction),
        new("sendrawtransaction", RawTransactionRpcMethods.Category, ["hexstring"],
            "sendrawtransaction \"hexstring\"\nSubmit a raw transaction (serialized, hex-encoded) to the relay pool and announce it to peers.", SendRawTransaction),
        new("submitblock", "Mining", ["hexdata"], "submitblock \"hexdata\"\nAttempts to submit new block to network.", SubmitBlockRpc),
        new("generate", "Mining", ["nblocks"], "generate nblocks\nMine blocks immediately on our best block (regtest only, as btcd), paying an anyone-can-spend output; returns their hashes.", Generate),
    ];

    private async Task<JsonNode?> GetBlockCount(RpcParams p, CancellationToken cancellation) =>
        (await Ask<ChainTips>(GetChainTips.Instance, cancellation)).BestBlock.Height;

    private async Task<JsonNode?> GetBestBlockHash(RpcParams p, CancellationToken cancellation) =>
        (await Ask<ChainTips>(GetChainTips.Instance, cancellation)).BestBlock.Hash.ToString();

    private async Task<JsonNode?> GetBlockHash(RpcParams p, CancellationToken cancellation)
    {
        long height = p.GetInt64(0);
        var block = height is < 0 or > int.MaxValue ? null : (await Ask<BlockInfoAnswer>(new GetBlockAtHeight((int)height), cancellation)).Block;
        return block?.Hash.ToString() ?? throw new RpcException(RpcErrorCode.InvalidParameter, "Block height out of range");
    }

    private async Task<BlockInfo> Known(RpcParams p, CancellationToken cancellation)
    {
        var hash = ParseHash(p.GetString(0), "blockhash");
        return (await Ask<BlockInfoAnswer>(new GetBlockInfo(hash), cancellation)).Block
               ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey, "Block not found");
    }

    private async Task<JsonNode?> GetBlockHeader(RpcParams p, CancellationToken cancellation)
    {
        var info = await Known(p, cancellation);
        if (p.Has(1) && !p.GetBool(1)) return Convert.ToHexStringLower(HeaderBytes(info.Header));
        var tips = await Ask<ChainTips>(GetChainTips.Instance, cancellation);
        var json = HeaderJson(info, tips);
        return json;
    }

    private async Task<JsonNode?> GetBlock(RpcParams p, CancellationToken cancellation)
    {
        var hash = ParseHash(p.GetString(0), "blockhash");
        int verbosity = 1;
        if (p.Has(1)) verbosity = TryBool(p, 1, out bool b) ? (b ? 1 : 0) : (int)p.GetInt64(1);
        var data = await Ask<BlockData>(new GetBlockData(hash), cancellation);
        if (data.Info is null) throw new RpcException(RpcErrorCode.InvalidAddressOrKey, "Block not found");
        if (data.Raw is null) throw new RpcException(RpcErrorCode.MiscError, "Block not available (not fully downloaded)");
        if (verbosity <= 0) return Convert.ToHexStringLower(data.Raw);

        var block = Block.Parse(data.Raw);
        var tips = await Ask<ChainTips>(GetChainTips.Instance, cancellation);
        var json = HeaderJson(data.Info, tips);
        int stripped = block.ToArray(WireEncoding.Base).Length;
        json["size"] = data.Raw.Length;
        json["strippedsize"] = stripped;
        json["weight"] = stripped * 3 + data.Raw.Length;
        var txs = new JsonArray();
        foreach (var tx in block.Transactions)
            txs.Add(verbosity >= 2 ? RawTransactionRpcMethods.ToJson(tx, Chain) : JsonValue.Create(tx.Txid.ToString()));
        json["tx"] = txs;
        return json;
    }

    private static bool TryBool(RpcParams p, int index, out bool value)
    {
        try
        {
            value = p.GetBool(index);
            return true;
        }
        catch (RpcException)
        {
            value = false;
            return false;
        }
    }

    private JsonObject HeaderJson(BlockInfo info, ChainTips tips)
    {
        var header = info.Header;
        var json = new JsonObject
        {
            ["hash"] = info.Hash.ToString(),
            ["confirmations"] = info.OnBestChain ? tips.BestBlock.Height - info.Height + 1 : -1,
            ["height"] = info.Height,
            ["version"] = header.Version,
            ["versionHex"] = header.Version.ToString("x8", CultureInfo.InvariantCulture),
            ["merkleroot"] = header.MerkleRoot.ToString(),
            ["time"] = header.Timestamp,
            ["mediantime"] = info.MedianTimePast,
            ["nonce"] = header.Nonce,
            ["bits"] = header.Bits.ToString("x8", CultureInfo.InvariantCulture),
            ["difficulty"] = Difficulty(header.Bits),
            ["chainwork"] = info.ChainWork,
        };
        if (info.Height > 0) json["previousblockhash"] = header.PreviousBlock.ToString();
        if (info.Next is { } next) json["nextblockhash"] = next.ToString();
        return json;
    }

    private async Task<JsonNode?> GetChainTipsRpc(RpcParams p, CancellationToken cancellation)
    {
        var tips = await Ask<ChainTips>(GetChainTips.WithAllForks, cancellation);
        var result = new JsonArray { Tip(tips.BestBlock, "active") };
        foreach (var tip in tips.OtherTips.Append(tips.BestHeader).Where(t => t.Hash != tips.BestBlock.Hash).DistinctBy(t => t.Hash))
            result.Add(Tip(tip, tip.Invalid ? "invalid" : tip.HasData ? "valid-fork" : "headers-only"));
        return result;
    }

    private static JsonObject Tip(BlockInfo tip, string status) => new()
    {
        ["height"] = tip.Height,
        ["hash"] = tip.Hash.ToString(),
        ["branchlen"] = tip.BranchLength,
        ["status"] = status,
    };

    private async Task<JsonNode?> GetBlockchainInfo(RpcParams p, CancellationToken cancellation)
    {
        var tips = await Ask<ChainTips>(GetChainTips.Instance, cancellation);
        var progress = await Ask<ActorNode.Sync.SyncProgress>(GetSyncProgress.Instance, cancellation);
        var best = tips.BestBlock;
        return new JsonObject
        {
            ["chain"] = Chain.Network switch
            {
                Network.Mainnet => "main",
                Network.Testnet3 => "test",
                Network.Testnet4 => "testnet4",
                Network.Signet => "signet",
                _ => "regtest",
            },
            ["blocks"] = best.Height,
            ["headers"] = tips.BestHeader.Height,
            ["bestblockhash"] = best.Hash.ToString(),
            ["bits"] = best.Header.Bits.ToString("x8", CultureInfo.InvariantCulture),
            ["difficulty"] = Difficulty(best.Header.Bits),
            ["time"] = best.Header.Timestamp,
            ["mediantime"] = best.MedianTimePast,
            ["verificationprogress"] = progress.Fraction,
            ["initialblockdownload"] = best.Hash != tips.BestHeader.Hash
                || DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(best.Header.Timestamp) > TimeSpan.FromHours(24),
            ["chainwork"] = best.ChainWork,
            ["pruned"] = false,
            ["warnings"] = new JsonArray("ActorNode checks headers, proof of work and block structure, not scripts or the UTXO set"),
        };
    }

    private async Task<JsonNode?> GetRawMempool(RpcParams p, CancellationToken cancellation)
    {
        var pool = await Ask<MempoolContent>(GetMempool.Instance, cancellation);
        if (!(p.Has(0) && p.GetBool(0))) return new JsonArray([.. pool.Items.Select(i => JsonValue.Create(i.Txid.ToString()))]);
        var result = new JsonObject();
        foreach (var item in pool.Items)
            result[item.Txid.ToString()] = new JsonObject
            {
                ["vsize"] = item.VirtualSize,
                ["weight"] = item.Weight,
                ["time"] = item.Arrival.ToUnixTimeSeconds(),
                ["wtxid"] = item.Wtxid.ToString(),
            };
        return result;
    }

    private async Task<JsonNode?> GetMempoolInfo(RpcParams p, CancellationToken cancellation)
    {
        var pool = await Ask<MempoolContent>(GetMempool.Instance, cancellation);
        return new JsonObject
        {
            ["loaded"] = true,
            ["size"] = pool.Items.Count,
            ["bytes"] = pool.Items.Sum(i => (long)i.VirtualSize),
            ["usage"] = pool.Bytes,
            ["maxmempool"] = pool.MaxBytes,
        };
    }

    private async Task<JsonNode?> GetRawTransaction(RpcParams p, CancellationToken cancellation)
    {
        var txid = ParseHash(p.GetString(0), "txid");
        var tx = (await Ask<TransactionAnswer>(new GetPoolTransaction(txid), cancellation)).Transaction
                 ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey,
                     "No such mempool transaction. ActorNode keeps no transaction index.");
        bool verbose = p.Has(1) && (TryBool(p, 1, out bool b) ? b : p.GetInt64(1) != 0);
        if (!verbose) return Convert.ToHexStringLower(tx.ToArray());
        var json = RawTransactionRpcMethods.ToJson(tx, Chain);
        json["hex"] = Convert.ToHexStringLower(tx.ToArray());
        return json;
    }

    private async Task<JsonNode?> SendRawTransaction(RpcParams p, CancellationToken cancellation)
    {
        var tx = Decode(p.GetString(0), "TX", bytes => Transaction.Parse(bytes));
        var result = await Ask<TransactionSubmitted>(new SubmitTransaction(tx), cancellation);
        if (result.Error is { } error && error != "txn-already-in-mempool")
            throw new RpcException(RpcErrorCode.VerifyRejected, error);
        return tx.Txid.ToString();
    }

    private async Task<JsonNode?> SubmitBlockRpc(RpcParams p, CancellationToken cancellation)
    {
        var block = Decode(p.GetString(0), "Block", bytes => Block.Parse(bytes));
        var result = await Ask<BlockSubmitted>(new SubmitBlock(block), cancellation);
        return result.Error; // bitcoind: null when accepted, else a reason string
    }

    /// <summary>Hex, then the wire codec; either failing is bitcoind's -22 "... decode failed".</summary>
    private static T Decode<T>(string hex, string what, Func<byte[], T> parse)
    {
        if (!Hex.TryParse(hex, out var bytes, out _)) throw new RpcException(RpcErrorCode.DeserializationError, $"{what} decode failed");
        try
        {
            return parse(bytes);
        }
        catch (WireException)
        {
            throw new RpcException(RpcErrorCode.DeserializationError, $"{what} decode failed");
        }
    }

    private async Task<JsonNode?> Generate(RpcParams p, CancellationToken cancellation)
    {
        long count = p.GetInt64(0);
        if (count is < 1 or > 10_000) throw new RpcException(RpcErrorCode.InvalidParameter, "nblocks must be between 1 and 10000");
        var mined = await sync.Ask<BlocksMined>(new MineBlocks((int)count), options.RpcTimeout + TimeSpan.FromSeconds(count / 50), cancellation);
        if (mined.Error is not null && mined.Hashes.Count == 0) throw new RpcException(RpcErrorCode.MiscError, mined.Error);
        return new JsonArray([.. mined.Hashes.Select(h => JsonValue.Create(h.ToString()))]);
    }

    private static Hash256 ParseHash(string text, string name)
    {
        if (text.Length != 64 || !Hex.TryParse(text, out _, out _))
            throw new RpcException(RpcErrorCode.InvalidParameter, $"{name} must be of length 64 (not {text.Length}, for '{text}')");
        return Hash256.Parse(text);
    }

    private static byte[] HeaderBytes(BlockHeader header)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(80);
        header.Write(new ActorNode.Wire.Encoding.WireWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>bitcoind GetDifficulty: the difficulty-1 target over this target.</summary>
    private static double Difficulty(uint bits)
    {
        int shift = (int)((bits >> 24) & 0xff);
        double diff = 0x0000ffff / (double)(bits & 0x00ffffff);
        while (shift < 29) { diff *= 256.0; shift++; }
        while (shift > 29) { diff /= 256.0; shift--; }
        return diff;
    }
}
