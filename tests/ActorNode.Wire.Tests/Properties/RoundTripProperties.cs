using System.Buffers;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using CsCheck;

namespace ActorNode.Wire.Tests.Properties;

/// <summary>Every registered message survives encode → <see cref="MessageRegistry.DecodePayload"/> → encode
/// byte for byte, and decodes to the fields it was built from.</summary>
public class RoundTripProperties
{
    private const int IterationsPerCommand = 500;

    public static TheoryData<string> Commands() => [.. MessageRegistry.Commands.Order(StringComparer.Ordinal)];

    /// <summary>Messages whose record equality already compares by value (no arrays, memory or classes inside):
    /// for these the decoded record must also be Equal to the original.</summary>
    private static readonly HashSet<Type> ValueRecords =
    [
        typeof(VersionMessage), typeof(VerAckMessage), typeof(GetAddrMessage), typeof(SendAddrV2Message),
        typeof(PingMessage), typeof(PongMessage), typeof(MemPoolMessage), typeof(SendHeadersMessage),
        typeof(FeeFilterMessage), typeof(WtxidRelayMessage), typeof(RejectMessage), typeof(FilterClearMessage),
        typeof(GetCFiltersMessage), typeof(GetCFHeadersMessage), typeof(GetCFCheckptMessage),
        typeof(SendCompactMessage), typeof(SendTxReconciliationMessage), typeof(RequestReconciliationMessage),
    ];

    [Fact]
    public void Generators_CoverEveryRegisteredCommand()
    {
        Assert.Equal(MessageRegistry.Commands.Order(StringComparer.Ordinal),
            WireGen.ByCommand.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Payload_RandomValidMessage_DecodesToSameFieldsAndReencodesIdentically(string command)
    {
        Assert.True(WireGen.ByCommand.TryGetValue(command, out var gen), $"no generator for '{command}'");
        var context = WireContext.Latest;
        gen.Sample(message =>
        {
            Assert.Equal(command, message.Command);
            byte[] payload = WireAssert.Encode(message, context);
            var decoded = WireAssert.Decode(message, payload, context);

            Assert.Equal(message.GetType(), decoded.GetType());
            Assert.Equal(payload, WireAssert.Encode(decoded, context));
            WireAssert.Equivalent(message, decoded);
            if (ValueRecords.Contains(message.GetType())) Assert.Equal(message, decoded);
        }, iter: IterationsPerCommand);
    }

    /// <summary>At any protocol version, a message is either refused by its version gate (on encode and decode
    /// alike, UnsupportedVersion), or refused for carrying more than one address below version 209, or it round-trips
    /// byte for byte; and where the layout does not depend on the version the bytes equal those at 70016. With
    /// base (non-witness) encoding a block or tx round-trips as its stripped form.</summary>
    [Fact]
    public void Payload_AnyProtocolVersionAndEncoding_IsRefusedByGateOrReencodesIdentically()
    {
        Gen.Select(WireGen.AnyMessage, WireGen.InterestingProtocolVersion, Gen.Bool).Sample((message, pver, witness) =>
        {
            var context = new WireContext(pver, witness ? WireEncoding.Witness : WireEncoding.Base);
            Assert.True(MessageRegistry.TryGet(message.Command, out var descriptor));
            if (pver < descriptor.MinProtocolVersion)
            {
                Fails(WireError.UnsupportedVersion, () => WireAssert.Encode(message, context));
                byte[] latest = WireAssert.Encode(message, WireContext.Latest);
                Fails(WireError.UnsupportedVersion, () => WireAssert.Decode(message, latest, context));
                return;
            }
            if (message is AddrMessage { Addresses.Length: > 1 } && pver < ProtocolVersion.MultipleAddress)
            {
                Fails(WireError.TooMany, () => WireAssert.Encode(message, context));
                return;
            }

            byte[] payload = WireAssert.Encode(message, context);
            Assert.True(payload.Length <= descriptor.MaxPayload(pver), "payload within the command's maximum");
            var decoded = WireAssert.Decode(message, payload, context);
            Assert.Equal(payload, WireAssert.Encode(decoded, context));

            bool versionDependent = message is VersionMessage or AddrMessage or PingMessage;
            bool encodingDependent = message is BlockMessage or TxMessage;
            if (!versionDependent && (witness || !encodingDependent))
                Assert.Equal(WireAssert.Encode(message, WireContext.Latest), payload);
            if (!witness && message is TxMessage tx)
                Assert.Equal(tx.Transaction.ToArray(WireEncoding.Base), payload);
        }, iter: 5000);
    }

    /// <summary>addrv2 entries the decoder must drop (unknown network ids, OnionCat or IPv4-mapped IPv6), mixed in
    /// among kept ones, vanish from the decoded list while the kept ones stay, in order.</summary>
    [Fact]
    public void AddrV2_DroppableEntriesMixedIn_OnlyTheKeptEntriesRemain()
    {
        var entry = Gen.Frequency(
            (2, WireGen.AddressV2.Select(a => (Kept: (NetAddressV2?)a, Raw: RawOf(a)))),
            (1, WireGen.DroppedAddrV2Entry.Select(raw => (Kept: (NetAddressV2?)null, Raw: raw))));
        entry.Array[0, WireGen.MaxList].Sample(entries =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            new WireWriter(buffer).WriteCompactSize((ulong)entries.Length);
            foreach (var (_, raw) in entries) buffer.Write(raw);

            var decoded = Assert.IsType<AddrV2Message>(
                MessageRegistry.DecodePayload("addrv2", buffer.WrittenSpan.ToArray(), WireContext.Latest));
            Assert.Equal(entries.Where(e => e.Kept is not null).Select(e => e.Kept!), decoded.Addresses);
        }, iter: 1000);
    }

    private static byte[] RawOf(NetAddressV2 address) => WireGen.RawAddrV2(address.Timestamp,
        (ulong)address.Services, (byte)address.Network, address.Address.ToArray(), address.Port);

    private static void Fails(WireError reason, Action action)
    {
        var e = Assert.Throws<WireException>(action);
        Assert.Equal(reason, e.Reason);
    }
}
