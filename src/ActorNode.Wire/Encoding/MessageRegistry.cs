using System.Collections.Frozen;
using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

/// <summary>Reads one message's payload.</summary>
public delegate IWireMessage PayloadDecoder(ref WireReader reader, WireContext context);

/// <summary>How a command is decoded and bounded.</summary>
/// <param name="Command">The command string.</param>
/// <param name="MinProtocolVersion">Below this negotiated version the message neither decodes nor encodes (0: always).</param>
/// <param name="MaxPayload">The largest payload allowed at a protocol version, checked from the frame header
/// before the body is read.</param>
/// <param name="RetainsPayload">True when the decoded message keeps zero-copy slices of the payload, so the frame
/// decoder must hand it a buffer of its own instead of reusing one.</param>
/// <param name="Decode">Reads the payload.</param>
public sealed record MessageDescriptor(
    string Command,
    uint MinProtocolVersion,
    Func<uint, int> MaxPayload,
    bool RetainsPayload,
    PayloadDecoder Decode);

/// <summary>The command -> decoder table (btcd makeEmptyMessage + MaxPayloadLength). Each group of messages
/// registers itself in its own partial file.</summary>
public static partial class MessageRegistry
{
    private static readonly FrozenDictionary<string, MessageDescriptor> Table = Build();

    private static FrozenDictionary<string, MessageDescriptor> Build()
    {
        var table = new Dictionary<string, MessageDescriptor>(StringComparer.Ordinal);
        RegisterControlMessages(table);
        RegisterInventoryMessages(table);
        RegisterAddressMessages(table);
        RegisterBlockMessages(table);
        RegisterFilterMessages(table);
        RegisterCompactBlockMessages(table);
        RegisterReconciliationMessages(table);
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    static partial void RegisterControlMessages(Dictionary<string, MessageDescriptor> table);
    static partial void RegisterInventoryMessages(Dictionary<string, MessageDescriptor> table);
    static partial void RegisterAddressMessages(Dictionary<string, MessageDescriptor> table);
    static partial void RegisterBlockMessages(Dictionary<string, MessageDescriptor> table);
    static partial void RegisterFilterMessages(Dictionary<string, MessageDescriptor> table);
    static partial void RegisterCompactBlockMessages(Dictionary<string, MessageDescriptor> table);
    static partial void RegisterReconciliationMessages(Dictionary<string, MessageDescriptor> table);

    /// <summary>Every command we know.</summary>
    public static IEnumerable<string> Commands => Table.Keys;

    public static bool TryGet(string command, out MessageDescriptor descriptor) =>
        Table.TryGetValue(command, out descriptor!);

    internal static void Add(Dictionary<string, MessageDescriptor> table, string command, PayloadDecoder decode,
        Func<uint, int> maxPayload, uint minProtocolVersion = 0, bool retainsPayload = false) =>
        table.Add(command, new MessageDescriptor(command, minProtocolVersion, maxPayload, retainsPayload, decode));

    /// <summary>Decodes a payload for a command. Unknown commands give an <see cref="UnknownMessage"/>. The payload
    /// must outlive the message when the command retains it. Throws only <see cref="WireException"/>.</summary>
    public static IWireMessage DecodePayload(string command, ReadOnlyMemory<byte> payload, WireContext context)
    {
        if (!Table.TryGetValue(command, out var descriptor))
            return new UnknownMessage(command, payload.ToArray());
        if (context.ProtocolVersion < descriptor.MinProtocolVersion)
            throw new WireException(WireError.UnsupportedVersion,
                $"{command} is not valid at protocol version {context.ProtocolVersion} (needs {descriptor.MinProtocolVersion})");
        int max = descriptor.MaxPayload(context.ProtocolVersion);
        if (payload.Length > max)
            throw new WireException(WireError.Oversized,
                $"{command} payload of {payload.Length} bytes exceeds its maximum of {max}");
        var reader = new WireReader(payload);
        IWireMessage message;
        try
        {
            message = descriptor.Decode(ref reader, context);
        }
        catch (WireException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException
                                       or IndexOutOfRangeException or InvalidOperationException)
        {
            // A decoder's own invariant failed on hostile bytes: still the codec's error, never another type.
            throw new WireException(WireError.Malformed, $"{command}: {e.Message}");
        }
        reader.EnsureEnd(command);
        return message;
    }
}
