using System.Collections;
using System.Reflection;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Tests.Properties;

/// <summary>Assertions for the property tests: payload encoding through the registry's checks, and a structural
/// comparison of two messages that looks through what record equality cannot (arrays, <see cref="ReadOnlyMemory{T}"/>,
/// <see cref="System.Collections.Immutable.ImmutableArray{T}"/>, and the non-record <see cref="Transaction"/> and
/// <see cref="Block"/> classes).</summary>
internal static class WireAssert
{
    public static byte[] Encode(IWireMessage message, WireContext context) =>
        MessageEncoder.EncodePayloadToArray(message, context);

    public static IWireMessage Decode(IWireMessage like, byte[] payload, WireContext context) =>
        MessageRegistry.DecodePayload(like.Command, payload, context);

    /// <summary>Fails unless <paramref name="actual"/> equals <paramref name="expected"/> property by property, down
    /// through every list and every wire type; reports the path of the first difference.</summary>
    public static void Equivalent(object? expected, object? actual)
    {
        var difference = FindDifference(expected, actual, expected?.GetType().Name ?? "value", depth: 0);
        if (difference is not null) Assert.Fail(difference);
    }

    private static string? FindDifference(object? expected, object? actual, string path, int depth)
    {
        if (depth > 12) return $"{path}: structure too deep to compare";
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: {Show(expected)} vs {Show(actual)}";
        var type = expected.GetType();
        if (type != actual.GetType()) return $"{path}: type {type.Name} vs {actual.GetType().Name}";

        if (expected is ReadOnlyMemory<byte> em)
        {
            var am = (ReadOnlyMemory<byte>)actual;
            return em.Span.SequenceEqual(am.Span) ? null
                : $"{path}: bytes {Convert.ToHexStringLower(em.Span)} vs {Convert.ToHexStringLower(am.Span)}";
        }
        if (IsLeaf(type))
            return Equals(expected, actual) ? null : $"{path}: {Show(expected)} vs {Show(actual)}";
        if (expected is IEnumerable ee)
        {
            var e = ee.Cast<object?>().ToList();
            var a = ((IEnumerable)actual).Cast<object?>().ToList();
            if (e.Count != a.Count) return $"{path}: {e.Count} entries vs {a.Count}";
            for (int i = 0; i < e.Count; i++)
                if (FindDifference(e[i], a[i], $"{path}[{i}]", depth + 1) is { } d) return d;
            return null;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            if (FindDifference(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}",
                    depth + 1) is { } d)
                return d;
        }
        return null;
    }

    /// <summary>Compared with Equals: everything outside the wire assembly, enums, and the value types of the wire
    /// assembly that hold no references (hashes).</summary>
    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Hash256) ||
        type.Assembly != typeof(IWireMessage).Assembly && type.GetInterface(nameof(IEnumerable)) is null;

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "?",
    };
}
