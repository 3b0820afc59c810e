using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorNode.Host.Tests;

/// <summary>The node syncing as a user runs it: two <c>actornode run</c> processes on regtest, one mining through
/// RPC, the other following it; the follower is killed with SIGKILL in the middle of its sync again and again and
/// each time restarts from what its block store made durable.</summary>
public sealed class SyncProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actornode-sync-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static async Task<int> Height(NodeProcess node) => (await node.Call("getblockcount"))!.GetValue<int>();

    [Fact]
    public async Task AFollowerKilledWithSigkillDuringSync_RestartsFromItsStore_AndCatchesUp()
    {
        const int Blocks = 1000;
        await using var miner = NodeProcess.Start(Path.Combine(_root, "miner"));
        await miner.WaitForRpc();
        var mined = (await miner.Call("generate", Blocks))!.AsArray();
        Assert.Equal(Blocks, mined.Count);
        var tip = (await miner.Call("getbestblockhash"))!.GetValue<string>();
        Assert.Equal(mined[^1]!.GetValue<string>(), tip);

        string dir = Path.Combine(_root, "follower");
        int durable = 0;
        var random = new Random(7);
        for (int round = 0; round < 3; round++)
        {
            await using var follower = NodeProcess.Start(dir, "--connect", $"127.0.0.1:{miner.Port}");
            try
            {
                await follower.WaitForRpc();
                int atStart = await Height(follower);
                Assert.True(atStart >= durable, $"round {round}: restarted at {atStart}, below the {durable} seen before the kill");
                // Let it sync a little further, then kill it at a random moment.
                int target = Math.Min(Blocks - 1, atStart + random.Next(20, 150));
                await NodeProcess.Eventually(async () => await Height(follower) >= target, $"height {target}");
                await Task.Delay(random.Next(0, 200));
                durable = await Height(follower); // what RPC showed was on disk: the tip is written before it moves
                await follower.Kill();
                output.WriteLine($"round {round}: started at {atStart}, killed at or after {durable}");
            }
            catch
            {
                output.WriteLine(follower.Output);
                throw;
            }
        }

        await using var last = NodeProcess.Start(dir, "--connect", $"127.0.0.1:{miner.Port}");
        try
        {
            await last.WaitForRpc();
            Assert.True(await Height(last) >= durable);
            await NodeProcess.Eventually(async () => (await last.Call("getbestblockhash"))!.GetValue<string>() == tip, "the miner's tip");
            // Every block of the chain is there and matches the miner's, spot-checked through getblock.
            foreach (int height in new[] { 1, Blocks / 2, Blocks })
            {
                var hash = (await miner.Call("getblockhash", height))!.GetValue<string>();
                Assert.Equal((await miner.Call("getblock", hash, 0))!.GetValue<string>(), (await last.Call("getblock", hash, 0))!.GetValue<string>());
            }
            var info = (await last.Call("getblockchaininfo"))!;
            Assert.Equal(Blocks, info["blocks"]!.GetValue<int>());
            Assert.Equal("regtest", info["chain"]!.GetValue<string>());
            last.Terminate();
            Assert.Equal(0, await last.WaitForExit());
        }
        finally
        {
            output.WriteLine("--- last follower ---\n" + last.Output);
        }
        miner.Terminate();
        Assert.Equal(0, await miner.WaitForExit());
    }

    [Fact]
    public async Task ChainRpc_AnswersAsBitcoind()
    {
        await using var node = NodeProcess.Start(Path.Combine(_root, "rpc"));
        await node.WaitForRpc();
        Assert.Equal(0, await Height(node));
        var genesis = (await node.Call("getblockhash", 0))!.GetValue<string>();
        Assert.Equal("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206", genesis);

        var hashes = (await node.Call("generate", 3))!.AsArray();
        Assert.Equal(3, await Height(node));
        var best = (await node.Call("getbestblockhash"))!.GetValue<string>();
        Assert.Equal(hashes[2]!.GetValue<string>(), best);

        var header = (await node.Call("getblockheader", best))!;
        Assert.Equal(3, header["height"]!.GetValue<int>());
        Assert.Equal(1, header["confirmations"]!.GetValue<int>());
        Assert.Equal(hashes[1]!.GetValue<string>(), header["previousblockhash"]!.GetValue<string>());
        Assert.Equal("207fffff", header["bits"]!.GetValue<string>());
        Assert.Equal(160, (await node.Call("getblockheader", best, false))!.GetValue<string>().Length);

        var block = (await node.Call("getblock", hashes[0]!.GetValue<string>()))!;
        Assert.Equal(3, block["confirmations"]!.GetValue<int>());
        Assert.Single(block["tx"]!.AsArray());
        Assert.Equal(hashes[1]!.GetValue<string>(), block["nextblockhash"]!.GetValue<string>());
        var verbose = (await node.Call("getblock", best, 2))!;
        var coinbase = verbose["tx"]![0]!;
        Assert.NotNull(coinbase["vin"]![0]!["coinbase"]); // decoded as decoderawtransaction does
        Assert.Equal(50m, coinbase["vout"]![0]!["value"]!.GetValue<decimal>()); // the regtest subsidy at height 3

        var tips = (await node.Call("getchaintips"))!.AsArray();
        Assert.Equal("active", Assert.Single(tips)!["status"]!.GetValue<string>());
        Assert.Empty((await node.Call("getrawmempool"))!.AsArray());
        Assert.Equal(0, (await node.Call("getmempoolinfo"))!["size"]!.GetValue<int>());

        // A bad hash and an unknown block get bitcoind's codes.
        var (_, body) = await node.Post("""{"method":"getblock","params":["00"],"id":1}""");
        Assert.Equal(-8, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<int>());
        (_, body) = await node.Post("""{"method":"getblock","params":["1111111111111111111111111111111111111111111111111111111111111111"],"id":1}""");
        Assert.Equal(-5, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<int>());
        node.Terminate();
        Assert.Equal(0, await node.WaitForExit());
    }
}
