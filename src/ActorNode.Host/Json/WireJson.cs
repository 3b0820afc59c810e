using System.Collections.Immutable;
using System.Net;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Host.Json;

/// <summary>Prints wire values as JSON, generically: any message record prints every public property, so new
/// message types need no change here. Converters give the wire types their usual text forms: hashes as reversed
/// hex, byte fields as lowercase hex, enums by name, IP addresses as text, and headers, transactions and blocks
/// with their computed hashes. Property names are camelCase; a message's "command" comes first.</summary>
internal static class WireJson
{
    private static readonly JsonSerializerOptions CompactOptions = CreateOptions(indented: false);
    private static readonly JsonSerializerOptions IndentedOptions = CreateOptions(indented: true);

    /// <summary>Options that print wire values. The same converters serve nested values (a header inside a
    /// headers message, a transaction inside a block).</summary>
    public static JsonSerializerOptions CreateOptions(bool indented)
    {
        var plain = CreatePlainOptions(indented);
        var options = new JsonSerializerOptions(plain);
        options.Converters.Add(new WireMessageConverterFactory(plain));
        options.MakeReadOnly();
        return options;
    }

    /// <summary>One JSON document for any value: a message, a <see cref="Block"/>, a <see cref="Transaction"/>.</summary>
    public static string Serialize(object value, bool indented = false) =>
        JsonSerializer.Serialize(value, value.GetType(), indented ? IndentedOptions : CompactOptions);

    private static JsonSerializerOptions CreatePlainOptions(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = 32,
            TypeInfoResolver = new PrintableResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new Hash256Converter());
        options.Converters.Add(new HexConverter<byte[]>(v => v));
        options.Converters.Add(new HexConverter<ReadOnlyMemory<byte>>(v => v.Span));
        options.Converters.Add(new HexConverter<Memory<byte>>(v => v.Span));
        options.Converters.Add(new HexConverter<ImmutableArray<byte>>(v => v.AsSpan()));
        options.Converters.Add(new HexConverter<ArraySegment<byte>>(v => v));
        options.Converters.Add(new IPAddressConverter());
        options.Converters.Add(new IPEndPointConverter());
        options.Converters.Add(new OutPointConverter());
        options.Converters.Add(new BlockHeaderConverter());
        options.Converters.Add(new TxInConverter());
        options.Converters.Add(new TxOutConverter());
        options.Converters.Add(new TransactionConverter());
        options.Converters.Add(new BlockConverter());
        return options;
    }

    /// <summary>The default reflection resolver, except that an object with properties no serializer can print
    /// (spans and pointers, e.g. a computed <c>ReadOnlySpan&lt;byte&gt;</c> view of a field that is printed anyway)
    /// gets its other public properties only, instead of an error.</summary>
    private sealed class PrintableResolver : DefaultJsonTypeInfoResolver
    {
        public override JsonTypeInfo GetTypeInfo(Type type, JsonSerializerOptions options)
        {
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0).ToArray();
            if (!properties.Any(p => IsUnprintable(p.PropertyType))) return base.GetTypeInfo(type, options);
            var info = JsonTypeInfo.CreateJsonTypeInfo(type, options);
            if (info.Kind != JsonTypeInfoKind.Object) return base.GetTypeInfo(type, options); // a converter prints it
            foreach (var property in properties)
            {
                if (IsUnprintable(property.PropertyType)) continue;
                string name = options.PropertyNamingPolicy?.ConvertName(property.Name) ?? property.Name;
                var printed = info.CreateJsonPropertyInfo(property.PropertyType, name);
                printed.Get = property.GetValue;
                info.Properties.Add(printed);
            }
            return info;
        }

        private static bool IsUnprintable(Type type) => type.IsByRefLike || type.IsPointer || type.IsFunctionPointer;
    }

    /// <summary>Writes a message as {"command": ..., then each public property}.</summary>
    private sealed class WireMessageConverterFactory(JsonSerializerOptions plain) : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeof(IWireMessage).IsAssignableFrom(typeToConvert) && !typeToConvert.IsInterface;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(
                typeof(WireMessageConverter<>).MakeGenericType(typeToConvert), plain.GetTypeInfo(typeToConvert))!;
    }

    private sealed class WireMessageConverter<T>(JsonTypeInfo shape) : WriteOnlyConverter<T> where T : IWireMessage
    {
        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("command", value.Command);
            foreach (var property in shape.Properties)
            {
                if (property.Get is null || property.Name == "command") continue;
                object? propertyValue = property.Get(value);
                if (property.ShouldSerialize is { } should && !should(value, propertyValue)) continue;
                writer.WritePropertyName(property.Name);
                JsonSerializer.Serialize(writer, propertyValue, property.PropertyType, options);
            }
            writer.WriteEndObject();
        }
    }

    private abstract class WriteOnlyConverter<T> : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("wire JSON is output only");
    }

    private delegate ReadOnlySpan<byte> BytesOf<T>(T value);

    private sealed class HexConverter<T>(BytesOf<T> bytes) : WriteOnlyConverter<T>
    {
        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Convert.ToHexStringLower(bytes(value)));
    }

    private sealed class Hash256Converter : WriteOnlyConverter<Hash256>
    {
        public override void Write(Utf8JsonWriter writer, Hash256 value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }

    /// <summary>IPv4-mapped IPv6 addresses (how the wire carries IPv4) print as dotted IPv4, as btcd's net.IP does.</summary>
    private static string Text(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    private sealed class IPAddressConverter : WriteOnlyConverter<IPAddress>
    {
        public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Text(value));
    }

    private sealed class IPEndPointConverter : WriteOnlyConverter<IPEndPoint>
    {
        public override void Write(Utf8JsonWriter writer, IPEndPoint value, JsonSerializerOptions options) =>
            writer.WriteStringValue(new IPEndPoint(IPAddress.Parse(Text(value.Address)), value.Port).ToString());
    }

    private sealed class OutPointConverter : WriteOnlyConverter<OutPoint>
    {
        public override void Write(Utf8JsonWriter writer, OutPoint value, JsonSerializerOptions options) =>
            writer.WriteStringValue($"{value.Hash}:{value.Index}");
    }

    private sealed class BlockHeaderConverter : WriteOnlyConverter<BlockHeader>
    {
        public override void Write(Utf8JsonWriter writer, BlockHeader value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            WriteHeaderFields(writer, value);
            writer.WriteEndObject();
        }
    }

    private static void WriteHeaderFields(Utf8JsonWriter writer, BlockHeader header)
    {
        writer.WriteString("hash", header.GetHash().ToString());
        writer.WriteNumber("version", header.Version);
        writer.WriteString("previousBlock", header.PreviousBlock.ToString());
        writer.WriteString("merkleRoot", header.MerkleRoot.ToString());
        writer.WriteNumber("timestamp", header.Timestamp);
        writer.WriteString("time", header.Time.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteNumber("bits", header.Bits);
        writer.WriteNumber("nonce", header.Nonce);
    }

    private sealed class TxInConverter : WriteOnlyConverter<TxIn>
    {
        public override void Write(Utf8JsonWriter writer, TxIn value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("previousOutput", $"{value.PreviousOutput.Hash}:{value.PreviousOutput.Index}");
            writer.WriteString("scriptSig", Convert.ToHexStringLower(value.ScriptSig.Span));
            writer.WriteNumber("sequence", value.Sequence);
            writer.WriteStartArray("witness");
            foreach (var item in value.Witness ?? []) writer.WriteStringValue(Convert.ToHexStringLower(item.Span));
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }

    private sealed class TxOutConverter : WriteOnlyConverter<TxOut>
    {
        public override void Write(Utf8JsonWriter writer, TxOut value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteNumber("value", value.Value);
            writer.WriteString("pkScript", Convert.ToHexStringLower(value.PkScript.Span));
            writer.WriteEndObject();
        }
    }

    private sealed class TransactionConverter : WriteOnlyConverter<Transaction>
    {
        public override void Write(Utf8JsonWriter writer, Transaction value, JsonSerializerOptions options)
        {
            var inputs = (JsonConverter<TxIn>)options.GetConverter(typeof(TxIn));
            var outputs = (JsonConverter<TxOut>)options.GetConverter(typeof(TxOut));
            writer.WriteStartObject();
            writer.WriteString("txid", value.Txid.ToString());
            writer.WriteString("wtxid", value.Wtxid.ToString());
            writer.WriteNumber("version", value.Version);
            writer.WriteNumber("size", value.TotalSize);
            writer.WriteNumber("weight", value.Weight);
            writer.WriteStartArray("inputs");
            foreach (var input in value.Inputs) inputs.Write(writer, input, options);
            writer.WriteEndArray();
            writer.WriteStartArray("outputs");
            foreach (var output in value.Outputs) outputs.Write(writer, output, options);
            writer.WriteEndArray();
            writer.WriteNumber("lockTime", value.LockTime);
            writer.WriteEndObject();
        }
    }

    private sealed class BlockConverter : WriteOnlyConverter<Block>
    {
        public override void Write(Utf8JsonWriter writer, Block value, JsonSerializerOptions options)
        {
            var transactions = (JsonConverter<Transaction>)options.GetConverter(typeof(Transaction));
            writer.WriteStartObject();
            WriteHeaderFields(writer, value.Header);
            writer.WriteNumber("txCount", value.Transactions.Length);
            writer.WriteNumber("size", value.GetSerializedSize(Wire.WireEncoding.Witness));
            writer.WriteNumber("weight", value.Weight);
            writer.WriteStartArray("transactions");
            foreach (var tx in value.Transactions) transactions.Write(writer, tx, options);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }
}
