using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;

namespace ActorNode.Host.Rpc;

/// <summary>An HTTP answer to one POST: status and JSON body (null: no body, 204).</summary>
internal sealed record RpcReply(HttpStatusCode Status, string? Body);

/// <summary>JSON-RPC over one HTTP body, as bitcoind's httprpc.cpp/server.cpp (v28) does it, without HTTP itself
/// (so it is tested directly):
/// <list type="bullet">
/// <item>A body that is not JSON: -32700 "Parse error", HTTP 500.</item>
/// <item>A single request without <c>"jsonrpc": "2.0"</c> (JSON-RPC 1.0, what bitcoin-cli sends): the reply has
/// <c>result</c>, <c>error</c> and <c>id</c>; HTTP 200 on success, else 404 for -32601, 400 for -32600 and 500 for
/// the rest (bitcoind's JSONErrorReply).</item>
/// <item>With <c>"jsonrpc": "2.0"</c>: <c>result</c> or <c>error</c>, never both, always HTTP 200; a request without
/// an id is a notification and gets no reply (HTTP 204 when alone).</item>
/// <item>A batch (a JSON array): HTTP 200 and an array of the replies, each element answered on its own; an element
/// that is not an object is -32600. An empty batch is -32600 (JSON-RPC 2.0 §6).</item>
/// </list></summary>
internal sealed class RpcDispatcher(RpcMethodTable methods, Action<string>? called = null)
{
    private static readonly ILogger Log = Serilog.Log.ForContext<RpcDispatcher>();

    public async Task<RpcReply> HandleAsync(string body, CancellationToken cancellation)
    {
        JsonNode? request;
        try
        {
            request = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return new RpcReply(HttpStatusCode.InternalServerError, Error(null, RpcErrorCode.ParseError, "Parse error", legacy: true).ToJsonString());
        }
        if (request is JsonArray batch)
        {
            if (batch.Count == 0)
                return new RpcReply(HttpStatusCode.OK, Error(null, RpcErrorCode.InvalidRequest, "Invalid Request object", legacy: false).ToJsonString());
            var replies = new JsonArray();
            foreach (var item in batch)
            {
                var (reply, _) = await HandleOneAsync(item, cancellation).ConfigureAwait(false);
                if (reply is not null) replies.Add(reply);
            }
            return new RpcReply(HttpStatusCode.OK, replies.ToJsonString());
        }
        var (single, code) = await HandleOneAsync(request, cancellation).ConfigureAwait(false);
        if (single is null) return new RpcReply(HttpStatusCode.NoContent, null);
        bool legacy = single["jsonrpc"] is null;
        var status = !legacy || code is null ? HttpStatusCode.OK : code switch
        {
            RpcErrorCode.InvalidRequest => HttpStatusCode.BadRequest,
            RpcErrorCode.MethodNotFound => HttpStatusCode.NotFound,
            _ => HttpStatusCode.InternalServerError,
        };
        return new RpcReply(status, single.ToJsonString());
    }

    /// <summary>One request object: its reply (null for a 2.0 notification) and its error code, if any.</summary>
    private async Task<(JsonObject? Reply, int? Code)> HandleOneAsync(JsonNode? node, CancellationToken cancellation)
    {
        if (node is not JsonObject request)
            return (Error(null, RpcErrorCode.InvalidRequest, "Invalid Request object", legacy: true), RpcErrorCode.InvalidRequest);
        var id = request["id"]?.DeepClone();
        bool hasId = request.ContainsKey("id");
        bool legacy = true;
        if (request["jsonrpc"] is { } version)
        {
            if (version.GetValueKind() != JsonValueKind.String || version.GetValue<string>() is not ("1.0" or "2.0"))
                return (Error(id, RpcErrorCode.InvalidRequest, "JSON-RPC version not supported", legacy: true), RpcErrorCode.InvalidRequest);
            legacy = version.GetValue<string>() == "1.0";
        }
        bool notification = !legacy && !hasId;
        if (request["method"] is not JsonValue methodNode || methodNode.GetValueKind() != JsonValueKind.String)
            return Answer(notification, Error(id, RpcErrorCode.InvalidRequest, "Method must be a string", legacy), RpcErrorCode.InvalidRequest);
        var name = methodNode.GetValue<string>();
        var parameters = request["params"];
        if (parameters is not null and not JsonArray and not JsonObject)
            return Answer(notification, Error(id, RpcErrorCode.InvalidRequest, "Params must be an array or object", legacy), RpcErrorCode.InvalidRequest);
        if (!methods.TryGet(name, out var method))
            return Answer(notification, Error(id, RpcErrorCode.MethodNotFound, "Method not found", legacy), RpcErrorCode.MethodNotFound);
        called?.Invoke(name);
        try
        {
            var result = await method.Handler(new RpcParams(method, parameters), cancellation).ConfigureAwait(false);
            var reply = new JsonObject();
            if (!legacy) reply["jsonrpc"] = "2.0";
            reply["result"] = result;
            if (legacy) reply["error"] = null;
            reply["id"] = id;
            return Answer(notification, reply, null);
        }
        catch (RpcException e)
        {
            return Answer(notification, Error(id, e.Code, e.Message, legacy), e.Code);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug or an actor that did not answer: the caller gets bitcoind's misc error, the log the details.
            Log.Warning(e, "RPC {Method} failed", name);
            string message = e is Akka.Actor.AskTimeoutException or TaskCanceledException or TimeoutException
                ? "The node did not answer in time" : e.Message;
            return Answer(notification, Error(id, RpcErrorCode.MiscError, message, legacy), RpcErrorCode.MiscError);
        }
    }

    private static (JsonObject?, int?) Answer(bool notification, JsonObject reply, int? code) =>
        notification ? (null, code) : (reply, code);

    private static JsonObject Error(JsonNode? id, int code, string message, bool legacy)
    {
        var reply = new JsonObject();
        if (!legacy) reply["jsonrpc"] = "2.0";
        if (legacy) reply["result"] = null;
        reply["error"] = new JsonObject { ["code"] = code, ["message"] = message };
        reply["id"] = id;
        return reply;
    }
}
