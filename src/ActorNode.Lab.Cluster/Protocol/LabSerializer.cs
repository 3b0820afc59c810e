using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorNode.Lab.Cluster.Protocol;

/// <summary>The serializer of every <see cref="ILabMessage"/> (bound in hocon/lab.conf, never Akka's implicit default):
/// System.Text.Json, the manifest naming the message type. Bitcoin payloads travel inside as the wire codec's bytes
/// (<see cref="InjectTransaction.Transaction"/>). An unknown manifest or bad JSON from another process is refused
/// with a <see cref="SerializationException"/> naming it; Akka drops that message and the run goes on.</summary>
public sealed class LabSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Unique among the system's serializers (Akka reserves 0–100).</summary>
    public const int Id = 7_421;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Every message type, by manifest (its name): the only types this serializer will create.</summary>
    internal static readonly FrozenDictionary<string, Type> Types = typeof(ILabMessage).Assembly.GetTypes()
        .Where(t => typeof(ILabMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
        .ToFrozenDictionary(t => t.Name, t => t);

    public override int Identifier => Id;

    public override string Manifest(object o) => o.GetType().Name;

    public override byte[] ToBinary(object obj)
    {
        if (obj is not ILabMessage) throw new ArgumentException($"{obj.GetType()} is not a lab message", nameof(obj));
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest, out var type))
            throw new SerializationException($"lab message: unknown manifest '{manifest}'");
        try
        {
            return JsonSerializer.Deserialize(bytes, type, Json)
                ?? throw new SerializationException($"lab message {manifest}: null");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"lab message {manifest}: {e.Message}");
        }
    }
}
