using System.Buffers;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using CsCheck;

namespace ActorNode.Wire.Tests.Properties;

/// <summary>CompactSize (btcd wire/common.go): every value round-trips in its one canonical form, and every wider
/// re-encoding of it is refused, on its own and as the count of a message.</summary>
public class CompactSizeProperties
{
    /// <summary>Values from every width class, with the class boundaries (0xFC/0xFD, 0xFFFF/0x10000, ...) likely.</summary>
    private static readonly Gen<ulong> Values = Gen.Frequency(
        (2, Gen.ULong[0, 0xFC]),
        (2, Gen.ULong[0xFD, 0xFFFF]),
        (2, Gen.ULong[0x1_0000, 0xFFFF_FFFF]),
        (2, Gen.ULong[0x1_0000_0000, ulong.MaxValue]),
        (1, Gen.ULong),
        (2, Gen.OneOf(0UL, 0xFCUL, 0xFDUL, 0xFFFFUL, 0x1_0000UL, 0xFFFF_FFFFUL, 0x1_0000_0000UL, ulong.MaxValue)));

    [Fact]
    public void CompactSize_AnyValue_RoundTripsInItsCanonicalForm()
    {
        Values.Sample(value =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            new WireWriter(buffer).WriteCompactSize(value);
            byte[] bytes = buffer.WrittenSpan.ToArray();
            Assert.Equal(Reference.CompactSize(value), bytes);
            Assert.Equal(bytes.Length, CompactSize.SizeOf(value));

            Span<byte> direct = stackalloc byte[CompactSize.MaxSize];
            Assert.Equal(bytes.Length, CompactSize.Write(direct, value));
            Assert.True(direct[..bytes.Length].SequenceEqual(bytes));

            var reader = new WireReader(bytes);
            Assert.Equal(value, reader.ReadCompactSize());
            Assert.True(reader.IsAtEnd);
        }, iter: 5000);
    }

    /// <summary>Every encoding of a value under a prefix wider than its canonical one (0xFD with 2 bytes, 0xFE with 4,
    /// 0xFF with 8).</summary>
    private static IEnumerable<byte[]> NonCanonicalForms(ulong value)
    {
        int canonical = Reference.CompactSize(value).Length;
        if (canonical < 3) yield return [0xFD, .. Reference.LittleEndian(value, 2)];
        if (canonical < 5) yield return [0xFE, .. Reference.LittleEndian(value, 4)];
        if (canonical < 9) yield return [0xFF, .. Reference.LittleEndian(value, 8)];
    }

    [Fact]
    public void CompactSize_EveryWiderReencoding_IsRefusedAsNonCanonical()
    {
        Values.Sample(value =>
        {
            foreach (var form in NonCanonicalForms(value))
            {
                var e = Assert.Throws<WireException>(() => new WireReader(form).ReadCompactSize());
                Assert.Equal(WireError.NonCanonical, e.Reason);
            }
        }, iter: 5000);
    }

    /// <summary>An inv whose entry count is re-encoded in any wider form is refused as NonCanonical, not read.</summary>
    [Fact]
    public void InvCount_WiderReencoding_MessageIsRefusedAsNonCanonical()
    {
        WireGen.InvList.Sample(entries =>
        {
            byte[] payload = MessageEncoder.EncodePayloadToArray(new InvMessage(entries), WireContext.Latest);
            byte[] body = payload[Reference.CompactSize((ulong)entries.Length).Length..];
            foreach (var form in NonCanonicalForms((ulong)entries.Length))
            {
                var e = Assert.Throws<WireException>(() =>
                    MessageRegistry.DecodePayload("inv", (byte[])[.. form, .. body], WireContext.Latest));
                Assert.Equal(WireError.NonCanonical, e.Reason);
            }
        }, iter: 500);
    }
}
