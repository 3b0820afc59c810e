using System.Text;
using System.Text.Json.Nodes;

namespace ActorNode.Host.Rpc;

/// <summary>bitcoind's control RPCs (src/rpc/server.cpp): help, stop, uptime.</summary>
internal sealed class ControlRpcMethods(RpcMethodTable table, TimeProvider time, DateTimeOffset started, Action requestStop)
{
    public const string Category = "Control";

    public IEnumerable<RpcMethod> Methods() =>
    [
        new("help", Category, ["command?"], "help ( \"command\" )\nList all commands, or get help for a specified command.", Help),
        new("stop", Category, [], "stop\nRequest a graceful shutdown of ActorNode.", Stop),
        new("uptime", Category, [], "uptime\nReturns the total uptime of the server (seconds).", Uptime),
    ];

    private Task<JsonNode?> Help(RpcParams p, CancellationToken cancellation)
    {
        if (p.GetOptionalString(0) is { Length: > 0 } command)
            return Task.FromResult<JsonNode?>(table.TryGet(command, out var method) ? method.Help : $"help: unknown command: {command}");
        var text = new StringBuilder();
        foreach (var group in table.All.GroupBy(m => m.Category))
        {
            if (text.Length > 0) text.Append('\n');
            text.Append("== ").Append(group.Key).Append(" ==\n");
            foreach (var method in group) text.Append(method.Usage).Append('\n');
        }
        return Task.FromResult<JsonNode?>(text.ToString().TrimEnd('\n'));
    }

    private Task<JsonNode?> Stop(RpcParams p, CancellationToken cancellation)
    {
        // Answer first, then stop (bitcoind: StartShutdown, the reply still goes out).
        _ = Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None).ContinueWith(_ => requestStop(), TaskScheduler.Default);
        return Task.FromResult<JsonNode?>("ActorNode stopping");
    }

    private Task<JsonNode?> Uptime(RpcParams p, CancellationToken cancellation) =>
        Task.FromResult<JsonNode?>((long)(time.GetUtcNow() - started).TotalSeconds);
}
