using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorNode.Host.Rpc;

/// <summary>bitcoind's RPC error codes (src/rpc/protocol.h), the ones we use.</summary>
internal static class RpcErrorCode
{
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int ParseError = -32700;
    public const int MiscError = -1;
    public const int TypeError = -3;
    public const int InvalidAddressOrKey = -5;
    public const int InvalidParameter = -8;
    public const int VerifyRejected = -26;
    public const int DeserializationError = -22;
    public const int ClientNodeAlreadyAdded = -23;
    public const int ClientNodeNotAdded = -24;
    public const int ClientNodeNotConnected = -29;
    public const int ClientInvalidIpOrSubnet = -30;
}

/// <summary>An RPC call failed with a bitcoind error code; the message goes to the client as is.</summary>
internal sealed class RpcException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}

/// <summary>One RPC method: its name, the help group it is listed under, its parameter names (for named
/// parameters and for the usage line), its help text, and what it does.</summary>
internal sealed record RpcMethod(
    string Name,
    string Category,
    IReadOnlyList<string> Parameters,
    string Help,
    Func<RpcParams, CancellationToken, Task<JsonNode?>> Handler)
{
    /// <summary>The usage line shown by <c>help</c>: optional parameters in parentheses, as bitcoind writes them.</summary>
    public string Usage => Parameters.Count == 0 ? Name
        : Name + " " + string.Join(' ', Parameters.Select(p => p.EndsWith('?') ? $"( {p.TrimEnd('?')} )" : $"\"{p}\""));

    public int Required => Parameters.Count(p => !p.EndsWith('?'));
}

/// <summary>The node's RPC methods by name. Subsystems register theirs at start (the network's now, the sync
/// layer's getblockcount, getblock, ... later); the server only looks methods up here.</summary>
internal sealed class RpcMethodTable
{
    private readonly Dictionary<string, RpcMethod> _methods = new(StringComparer.Ordinal);

    public void Register(RpcMethod method)
    {
        if (!_methods.TryAdd(method.Name, method))
            throw new InvalidOperationException($"RPC method '{method.Name}' is registered twice");
    }

    public void Register(IEnumerable<RpcMethod> methods)
    {
        foreach (var method in methods) Register(method);
    }

    public bool TryGet(string name, out RpcMethod method) => _methods.TryGetValue(name, out method!);

    public IEnumerable<RpcMethod> All => _methods.Values.OrderBy(m => m.Category, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal);
}

/// <summary>A call's parameters, positional (a JSON array) or named (an object, matched to the method's parameter
/// names), read with bitcoind's type errors (-3) and usage errors (-1 with the usage line).</summary>
internal sealed class RpcParams
{
    private readonly JsonNode?[] _values;

    public RpcParams(RpcMethod method, JsonNode? parameters)
    {
        Method = method;
        var names = method.Parameters.Select(p => p.TrimEnd('?')).ToList();
        switch (parameters)
        {
            case null:
                _values = [];
                break;
            case JsonArray array:
                if (array.Count > names.Count) throw Usage();
                _values = [.. array];
                break;
            case JsonObject named:
                _values = new JsonNode?[names.Count];
                foreach (var (key, value) in named)
                {
                    int index = names.IndexOf(key);
                    if (index < 0) throw new RpcException(RpcErrorCode.MiscError, $"Unknown named parameter {key}");
                    _values[index] = value;
                }
                int last = Array.FindLastIndex(_values, v => v is not null);
                _values = _values[..(last + 1)];
                break;
            default:
                throw new RpcException(RpcErrorCode.InvalidRequest, "Params must be an array or object");
        }
        for (int i = 0; i < method.Required; i++)
            if (i >= _values.Length || _values[i] is null) throw Usage();
    }

    public RpcMethod Method { get; }

    public int Count => _values.Length;

    private RpcException Usage() => new(RpcErrorCode.MiscError, Method.Help);

    public bool Has(int index) => index < _values.Length && _values[index] is not null
        && _values[index]!.GetValueKind() != JsonValueKind.Null;

    public string GetString(int index)
    {
        var node = Get(index);
        if (node.GetValueKind() != JsonValueKind.String) throw TypeError(node, "string");
        return node.GetValue<string>();
    }

    public string? GetOptionalString(int index) => Has(index) ? GetString(index) : null;

    public long GetInt64(int index)
    {
        var node = Get(index);
        if (node.GetValueKind() != JsonValueKind.Number) throw TypeError(node, "number");
        if (node is JsonValue value && value.TryGetValue<long>(out long result)) return result;
        if (decimal.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) && d == decimal.Truncate(d)
            && d >= long.MinValue && d <= long.MaxValue)
            return (long)d;
        throw new RpcException(RpcErrorCode.TypeError, $"JSON integer out of range or not whole: {node.ToJsonString()}");
    }

    public bool GetBool(int index)
    {
        var node = Get(index);
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw TypeError(node, "bool"),
        };
    }

    private JsonNode Get(int index) =>
        Has(index) ? _values[index]! : throw Usage();

    private static RpcException TypeError(JsonNode node, string expected) =>
        new(RpcErrorCode.TypeError, $"JSON value of type {Kind(node.GetValueKind())} is not of expected type {expected}");

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };
}
