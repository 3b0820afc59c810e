using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;

namespace ActorNode.Fuzz.Targets;

/// <summary>Every message decoder, chosen by command through <see cref="MessageRegistry"/>.
/// <para>Input: byte 0 = the command (an index into the registry's commands in ordinal order; one past the end is
/// a command the registry does not know), byte 1 = context (<see cref="WireContexts"/>), the rest = payload.</para>
/// <para>Checks: a payload that decodes re-encodes (or is refused with WireException, e.g. a field that the
/// encoder bounds more tightly), and what it re-encodes to decodes again and re-encodes to the same bytes — the
/// encoder never writes what our own decoder would refuse, and encode∘decode is stable.</para></summary>
public sealed class MessageTarget : FuzzTarget
{
    public const string UnknownCommand = "fuzzunknown";

    /// <summary>The registry's commands in ordinal order, then one it does not know.</summary>
    public static readonly string[] Commands =
        [.. MessageRegistry.Commands.Order(StringComparer.Ordinal), UnknownCommand];

    public override string Name => "message";

    public override string Description => "MessageRegistry.DecodePayload for every command, and re-encode";

    public override bool IsExpected(Exception exception) => exception is WireException;

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2) return;
        string command = Commands[input[0] % Commands.Length];
        var context = WireContexts.FromByte(input[1]);
        byte[] payload = input[2..].ToArray(); // blocks and transactions keep slices of it

        IWireMessage message = MessageRegistry.DecodePayload(command, payload, context);
        if (message.Command != command && command != UnknownCommand)
            throw new FuzzContractException($"message: {command} decoded as a {message.Command}");

        byte[] encoded;
        try
        {
            encoded = MessageEncoder.EncodePayloadToArray(message, context);
        }
        catch (WireException)
        {
            return;
        }

        IWireMessage again;
        try
        {
            again = MessageRegistry.DecodePayload(command, encoded, context);
        }
        catch (WireException e)
        {
            throw new FuzzContractException(
                $"message: {command} re-encoded to {Convert.ToHexString(encoded)}, which does not decode: {e}", e);
        }
        byte[] encodedAgain = MessageEncoder.EncodePayloadToArray(again, context);
        if (!encoded.AsSpan().SequenceEqual(encodedAgain))
            throw new FuzzContractException(
                $"message: {command} encodes to {Convert.ToHexString(encoded)}, then to {Convert.ToHexString(encodedAgain)}");
    }
}
