using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorNode.Host.Node;
using ActorNode.Host.Rpc;

namespace ActorNode.Host.Commands;

/// <summary><c>actornode rpc &lt;method&gt; [params...]</c>: a small bitcoin-cli. It finds the node as the node
/// finds its own settings (--network, --datadir, --config), reads the cookie from the data directory unless
/// --rpcuser/--rpcpass are given, and prints the result: a string as is, anything else as indented JSON, nothing
/// for null. Each parameter is taken as JSON when it parses as JSON (numbers, true, arrays...), else as a string.
/// Exit codes: 0 success, 1 an RPC error (printed as bitcoin-cli does) or no node to talk to, 2 bad usage.</summary>
internal static class RpcCommand
{
    public const int RpcFailed = 1;

    public static Command Create(CliConsole console)
    {
        var method = new Argument<string>("method") { Description = "The RPC method (try 'help')." };
        var parameters = new Argument<string[]>("params") { Description = "Its parameters.", Arity = ArgumentArity.ZeroOrMore };
        var network = new Option<string?>("--network") { Description = "The node's network (default regtest): finds its data directory and RPC port." };
        var dataDir = new Option<string?>("--datadir") { Description = "The node's data directory (for the cookie)." };
        var config = new Option<string?>("--config") { Description = "The node's HOCON file (its network, data directory, RPC address and user)." };
        var connect = new Option<string?>("--rpcconnect") { Description = "The node's RPC address, ip[:port] (default: as the node's configuration says)." };
        var user = new Option<string?>("--rpcuser") { Description = "RPC user (default: the cookie)." };
        var pass = new Option<string?>("--rpcpass") { Description = "RPC password." };
        var timeout = new Option<int>("--rpcclienttimeout") { Description = "Seconds to wait for the answer (default 900).", DefaultValueFactory = _ => 900 };
        var command = new Command("rpc", "Call the running node's JSON-RPC (as bitcoin-cli does).")
        {
            method, parameters, network, dataDir, config, connect, user, pass, timeout,
        };
        command.SetAction(parse =>
        {
            var overrides = new Dictionary<string, (string, object)>(StringComparer.Ordinal);
            if (parse.GetValue(network) is { } n) overrides["actornode.network"] = ("--network", n);
            if (parse.GetValue(dataDir) is { } d) overrides["actornode.datadir"] = ("--datadir", d);
            if (parse.GetValue(connect) is { } c) overrides["actornode.rpc.listen"] = ("--rpcconnect", new[] { c });
            if (parse.GetValue(user) is { } u) overrides["actornode.rpc.user"] = ("--rpcuser", u);
            if (parse.GetValue(pass) is { } p) overrides["actornode.rpc.password"] = ("--rpcpass", p);
            if (!NodeConfig.TryBuild(new CommandLineSettings { ConfigFile = parse.GetValue(config), Overrides = overrides }, console.Error, out var node))
                return Cli.UsageError;
            var args = new JsonArray();
            foreach (var text in parse.GetValue(parameters) ?? []) args.Add(ParseParam(text));
            return Call(console, node, parse.GetValue(method)!, args, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))))
                .GetAwaiter().GetResult();
        });
        return command;
    }

    /// <summary>JSON when it is JSON, else the text as a string.</summary>
    internal static JsonNode? ParseParam(string text)
    {
        try
        {
            return JsonNode.Parse(text) ?? JsonValue.Create((string?)null);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static async Task<int> Call(CliConsole console, NodeOptions node, string method, JsonArray args, TimeSpan timeout)
    {
        string user, password;
        if (node.RpcCredentials is { } credentials)
        {
            (user, password) = (credentials.User, credentials.Password);
        }
        else if (!RpcAuth.TryReadCookie(node.DataDirectory, out user, out password))
        {
            console.Error.WriteLine($"error: no RPC cookie in {node.DataDirectory} (is the node running? give --datadir, or --rpcuser and --rpcpass)");
            return RpcFailed;
        }
        var endpoint = node.RpcListen[0];
        using var http = new HttpClient { Timeout = timeout };
        var request = new JsonObject { ["jsonrpc"] = "1.0", ["id"] = "actornode", ["method"] = method, ["params"] = args };
        using var message = new HttpRequestMessage(HttpMethod.Post, $"http://{Endpoints.Format(endpoint)}/")
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        HttpResponseMessage response;
        string body;
        try
        {
            response = await http.SendAsync(message).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            console.Error.WriteLine($"error: could not connect to the node's RPC at {Endpoints.Format(endpoint)} ({NodeConfig.OneLine(e.Message)}); is 'actornode run' running?");
            return RpcFailed;
        }
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                console.Error.WriteLine("error: incorrect rpcuser or rpcpass (authorization failed)");
                return RpcFailed;
            }
            JsonNode? reply;
            try
            {
                reply = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                console.Error.WriteLine($"error: the server answered HTTP {(int)response.StatusCode} without JSON");
                return RpcFailed;
            }
            if (reply?["error"] is JsonObject error)
            {
                console.Error.WriteLine($"error code: {error["code"]}");
                console.Error.WriteLine("error message:");
                console.Error.WriteLine(error["message"]?.GetValue<string>());
                return RpcFailed;
            }
            switch (reply?["result"])
            {
                case null:
                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    console.Out.WriteLine(value.GetValue<string>());
                    break;
                case var result:
                    console.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                    break;
            }
            return Cli.Success;
        }
    }
}
