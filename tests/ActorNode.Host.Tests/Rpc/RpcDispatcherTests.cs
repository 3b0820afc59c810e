using System.Net;
using System.Text.Json.Nodes;
using ActorNode.Host.Rpc;

namespace ActorNode.Host.Tests.Rpc;

/// <summary>JSON-RPC as bitcoind answers it (httprpc.cpp, server.cpp; v28 for JSON-RPC 2.0), without HTTP.</summary>
public sealed class RpcDispatcherTests
{
    private static readonly RpcMethodTable Table = CreateTable();

    private static RpcMethodTable CreateTable()
    {
        var table = new RpcMethodTable();
        table.Register(new RpcMethod("echo", "Test", ["text", "times?"], "echo \"text\" ( times )\nRepeats text.", (p, _) =>
        {
            var text = p.GetString(0);
            long times = p.Has(1) ? p.GetInt64(1) : 1;
            return Task.FromResult<JsonNode?>(string.Concat(Enumerable.Repeat(text, (int)times)));
        }));
        table.Register(new RpcMethod("fail", "Test", [], "fail", (_, _) => throw new RpcException(RpcErrorCode.InvalidParameter, "bad")));
        table.Register(new ControlRpcMethods(table, TimeProvider.System, DateTimeOffset.UtcNow, () => { }).Methods());
        return table;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> Call(string body)
    {
        var reply = await new RpcDispatcher(Table).HandleAsync(body, CancellationToken.None);
        return (reply.Status, reply.Body is null ? null : JsonNode.Parse(reply.Body));
    }

    [Fact]
    public async Task Legacy_Success_HasResultNullErrorAndId()
    {
        var (status, body) = await Call("""{"method":"echo","params":["ab",2],"id":7}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("abab", body!["result"]!.GetValue<string>());
        Assert.True(body.AsObject().ContainsKey("error"));
        Assert.Null(body["error"]);
        Assert.Equal(7, body["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task MalformedJson_IsParseError_Http500()
    {
        var (status, body) = await Call("{\"method\": ");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal(-32700, body!["error"]!["code"]!.GetValue<int>());
        Assert.Null(body["id"]);
    }

    [Fact]
    public async Task UnknownMethod_IsMethodNotFound_Http404()
    {
        var (status, body) = await Call("""{"method":"getwalletinfo","id":1}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(-32601, body!["error"]!["code"]!.GetValue<int>());
        Assert.Equal("Method not found", body["error"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"id":1}""", -32600)]
    [InlineData("""{"method":5,"id":1}""", -32600)]
    [InlineData("""{"method":"echo","params":"ab","id":1}""", -32600)]
    [InlineData("""{"method":"echo","params":[5],"id":1}""", -3)]
    [InlineData("""{"method":"echo","params":[],"id":1}""", -1)]
    [InlineData("""{"method":"echo","params":["a",1,2],"id":1}""", -1)]
    [InlineData("""{"method":"echo","params":{"words":"a"},"id":1}""", -1)]
    [InlineData("""{"method":"fail","id":1}""", -8)]
    [InlineData("""{"jsonrpc":"3.0","method":"echo","id":1}""", -32600)]
    public async Task BadRequests_GetBitcoindsCodes(string request, int code)
    {
        var (status, body) = await Call(request);
        Assert.Equal(code, body!["error"]!["code"]!.GetValue<int>());
        Assert.Equal(code == -32600 ? HttpStatusCode.BadRequest : HttpStatusCode.InternalServerError, status);
    }

    [Fact]
    public async Task NamedParameters_AreMatchedByName()
    {
        var (_, body) = await Call("""{"method":"echo","params":{"times":3,"text":"x"},"id":1}""");
        Assert.Equal("xxx", body!["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task Version2_ResultOrErrorNeverBoth_AlwaysHttp200()
    {
        var (status, body) = await Call("""{"jsonrpc":"2.0","method":"nope","id":"a"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2.0", body!["jsonrpc"]!.GetValue<string>());
        Assert.False(body.AsObject().ContainsKey("result"));
        Assert.Equal(-32601, body["error"]!["code"]!.GetValue<int>());

        (status, body) = await Call("""{"jsonrpc":"2.0","method":"echo","params":["q"],"id":"b"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body!.AsObject().ContainsKey("error"));
        Assert.Equal("q", body["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task Version2_Notification_GetsNoReply()
    {
        var (status, body) = await Call("""{"jsonrpc":"2.0","method":"echo","params":["q"]}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Null(body);
    }

    [Fact]
    public async Task Batch_EachAnsweredInOrder_Http200()
    {
        var (status, body) = await Call("""
            [{"method":"echo","params":["a"],"id":1},
             {"method":"nope","id":2},
             17,
             {"jsonrpc":"2.0","method":"echo","params":["n"]},
             {"jsonrpc":"2.0","method":"echo","params":["c"],"id":3}]
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var replies = body!.AsArray();
        Assert.Equal(4, replies.Count); // the notification is not answered
        Assert.Equal("a", replies[0]!["result"]!.GetValue<string>());
        Assert.Equal(-32601, replies[1]!["error"]!["code"]!.GetValue<int>());
        Assert.Equal(-32600, replies[2]!["error"]!["code"]!.GetValue<int>());
        Assert.Equal(3, replies[3]!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task EmptyBatch_IsInvalidRequest()
    {
        var (_, body) = await Call("[]");
        Assert.Equal(-32600, body!["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Help_ListsMethodsByGroup_AndExplainsOne()
    {
        var (_, body) = await Call("""{"method":"help","id":1}""");
        var text = body!["result"]!.GetValue<string>();
        Assert.Contains("== Control ==", text);
        Assert.Contains("echo \"text\" ( times )", text);
        (_, body) = await Call("""{"method":"help","params":["echo"],"id":1}""");
        Assert.StartsWith("echo \"text\" ( times )\nRepeats text.", body!["result"]!.GetValue<string>());
        (_, body) = await Call("""{"method":"help","params":["nope"],"id":1}""");
        Assert.Equal("help: unknown command: nope", body!["result"]!.GetValue<string>());
    }

    [Fact]
    public void Table_RefusesADuplicateName()
    {
        var table = new RpcMethodTable();
        var method = new RpcMethod("x", "T", [], "x", (_, _) => Task.FromResult<JsonNode?>(null));
        table.Register(method);
        Assert.Throws<InvalidOperationException>(() => table.Register(method));
    }
}
