using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ActorNode.AddrBook.Persistence;

/// <summary>btcd's peers.json text (addrmgr <c>savePeers</c> / <c>deserializePeers</c>, format version 2).
/// <para>Writing produces what Go's <c>json.NewEncoder(w).Encode(&amp;sam)</c> produces for btcd's
/// <c>serializedAddrManager</c>: fields in struct order, no spaces, <c>Key</c> ([32]byte) as 32 numbers, every
/// bucket as an array (btcd fills each with <c>make</c>, so an empty bucket is <c>[]</c>, never <c>null</c>),
/// strings escaped as Go escapes them, and one trailing newline.</para>
/// <para>Reading is strict where btcd's output is fixed (all five top-level fields present, a key of exactly
/// 32 bytes, exactly 1,024 new and 64 tried buckets, integers only) and tolerant where Go is: unknown fields
/// are ignored, <c>null</c> stands for an empty list, whitespace is free. It also makes btcd's own consistency
/// checks (every bucket entry is a known address; every address is in some bucket; none is both new and
/// tried), plus the duplicate checks btcd's maps make unnecessary when writing. Addresses themselves are not
/// parsed here: that is the address book's job (btcd <c>DeserializeNetAddress</c>).</para></summary>
public static class PeersJson
{
    /// <summary>btcd addrmgr <c>newBucketCount</c>.</summary>
    public const int NewBucketCount = 1024;

    /// <summary>btcd addrmgr <c>triedBucketCount</c>.</summary>
    public const int TriedBucketCount = 64;

    /// <summary>The bucket-placement key's length (btcd <c>[32]byte</c>).</summary>
    public const int KeySize = 32;

    private static readonly JsonDocumentOptions ReadOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    private static readonly JsonWriterOptions WriteOptions = new() { Indented = false };

    // ---------------------------------------------------------------- writing

    /// <summary>The file's bytes for <paramref name="snapshot"/>, byte-for-byte what btcd would write for the
    /// same content in the same order.</summary>
    /// <exception cref="ArgumentException">The snapshot cannot be written as btcd's format (a key that is not 32
    /// bytes, bucket counts other than 1,024 and 64, a version outside 1..2, a null string).</exception>
    public static byte[] Serialize(AddressBookSnapshot snapshot)
    {
        var buffer = new ArrayBufferWriter<byte>(EstimateSize(snapshot));
        Write(snapshot, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the file's bytes for <paramref name="snapshot"/> to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">As <see cref="Serialize"/>.</exception>
    public static void Write(AddressBookSnapshot snapshot, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(output);
        CheckWritable(snapshot);

        using (var writer = new Utf8JsonWriter(output, WriteOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("Version", snapshot.Version);

            writer.WriteStartArray("Key");
            foreach (byte b in snapshot.Key)
                writer.WriteNumberValue(b);
            writer.WriteEndArray();

            writer.WriteStartArray("Addresses");
            foreach (var a in snapshot.Addresses)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("Addr");
                WriteGoString(writer, a.Addr);
                writer.WritePropertyName("Src");
                WriteGoString(writer, a.Src);
                writer.WriteNumber("Attempts", a.Attempts);
                writer.WriteNumber("TimeStamp", a.TimeStamp);
                writer.WriteNumber("LastAttempt", a.LastAttempt);
                writer.WriteNumber("LastSuccess", a.LastSuccess);
                writer.WriteNumber("Services", a.Services);
                writer.WriteNumber("SrcServices", a.SrcServices);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();

            WriteBuckets(writer, "NewBuckets", snapshot.NewBuckets);
            WriteBuckets(writer, "TriedBuckets", snapshot.TriedBuckets);
            writer.WriteEndObject();
        }

        // json.Encoder.Encode ends every value with a newline.
        output.Write("\n"u8);
    }

    private static void WriteBuckets(Utf8JsonWriter writer, string name, IReadOnlyList<IReadOnlyList<string>> buckets)
    {
        writer.WriteStartArray(name);
        foreach (var bucket in buckets)
        {
            writer.WriteStartArray();
            foreach (string key in bucket)
                WriteGoString(writer, key);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    private static void CheckWritable(AddressBookSnapshot snapshot)
    {
        if (snapshot.Version is < 1 or > AddressBookSnapshot.CurrentVersion)
            throw new ArgumentException($"Version {snapshot.Version} is not 1..{AddressBookSnapshot.CurrentVersion}.", nameof(snapshot));
        if (snapshot.Key is null || snapshot.Key.Length != KeySize)
            throw new ArgumentException($"Key must be {KeySize} bytes.", nameof(snapshot));
        if (snapshot.Addresses is null)
            throw new ArgumentException("Addresses is null.", nameof(snapshot));
        for (int i = 0; i < snapshot.Addresses.Count; i++)
        {
            var a = snapshot.Addresses[i];
            if (a is null || a.Addr is null || a.Src is null)
                throw new ArgumentException($"Addresses[{i}] (or its Addr or Src) is null.", nameof(snapshot));
        }
        CheckWritableBuckets(snapshot.NewBuckets, "NewBuckets", NewBucketCount);
        CheckWritableBuckets(snapshot.TriedBuckets, "TriedBuckets", TriedBucketCount);
    }

    private static void CheckWritableBuckets(IReadOnlyList<IReadOnlyList<string>>? buckets, string name, int count)
    {
        if (buckets is null || buckets.Count != count)
            throw new ArgumentException($"{name} must hold exactly {count} buckets.", nameof(buckets));
        for (int i = 0; i < count; i++)
        {
            if (buckets[i] is null || buckets[i].Any(k => k is null))
                throw new ArgumentException($"{name}[{i}] (or one of its keys) is null.", nameof(buckets));
        }
    }

    private static int EstimateSize(AddressBookSnapshot snapshot)
    {
        long refs = 0;
        foreach (var b in snapshot.NewBuckets ?? []) refs += b?.Count ?? 0;
        foreach (var b in snapshot.TriedBuckets ?? []) refs += b?.Count ?? 0;
        long estimate = 4096 + ((snapshot.Addresses?.Count ?? 0) * 220L) + (refs * 32);
        return (int)Math.Min(estimate, 256L * 1024 * 1024);
    }

    /// <summary>Writes <paramref name="value"/> as Go's encoding/json quotes a string (with its default
    /// HTML escaping): <c>\"</c> <c>\\</c> <c>\b \f \n \r \t</c>, other control characters and <c>&lt; &gt; &amp;</c>
    /// as lower-case <c>\u00XX</c>, U+2028 and U+2029 escaped, everything else as raw UTF-8, an unpaired
    /// surrogate as U+FFFD (Go's replacement for invalid UTF-8). Keys are ASCII "host:port" in practice;
    /// this keeps the bytes equal to Go's for any string.</summary>
    private static void WriteGoString(Utf8JsonWriter writer, string value)
    {
        // Fast path, the usual "host:port" key: printable ASCII that Go leaves as it is.
        if (value.Length <= 256 && value.AsSpan().IndexOfAnyExcept(GoPlainAscii) < 0)
        {
            Span<byte> quoted = stackalloc byte[value.Length + 2];
            quoted[0] = (byte)'"';
            Encoding.ASCII.GetBytes(value, quoted[1..]);
            quoted[^1] = (byte)'"';
            writer.WriteRawValue(quoted, skipInputValidation: true);
            return;
        }

        var sb = new StringBuilder(value.Length + 8);
        sb.Append('"');
        foreach (Rune rune in value.EnumerateRunes())
        {
            int c = rune.Value;
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < 0x20 or '<' or '>' or '&' or 0x2028 or 0x2029:
                    sb.Append("\\u").Append(c.ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(rune.ToString()); break;
            }
        }
        sb.Append('"');
        writer.WriteRawValue(Encoding.UTF8.GetBytes(sb.ToString()), skipInputValidation: true);
    }

    /// <summary>ASCII that Go's encoder copies unchanged: 0x20..0x7F except <c>" \ &lt; &gt; &amp;</c>.</summary>
    private static readonly SearchValues<char> GoPlainAscii = SearchValues.Create(
        string.Concat(Enumerable.Range(0x20, 0x60).Select(i => (char)i).Where(c => c is not ('"' or '\\' or '<' or '>' or '&'))));

    // ---------------------------------------------------------------- reading

    /// <summary>Reads a peers.json as btcd writes it (version 1 or 2). Version 1 files have no
    /// <c>Services</c>/<c>SrcServices</c>; they read as 0 and the address book applies btcd's default
    /// (<c>SFNodeNetwork</c>).</summary>
    /// <exception cref="PeersFileFormatException">The text is not a peers.json this node can read; the message
    /// says which field is wrong and how.</exception>
    public static AddressBookSnapshot Parse(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Span.Trim(" \t\r\n"u8).IsEmpty)
            throw new PeersFileFormatException("the file is empty");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, ReadOptions);
        }
        catch (JsonException ex)
        {
            throw new PeersFileFormatException($"not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var snapshot = ReadSnapshot(document.RootElement);
            CheckConsistency(snapshot);
            return snapshot;
        }
    }

    private static AddressBookSnapshot ReadSnapshot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw Fail($"the top level is {Describe(root)}, expected an object");

        JsonElement? version = null, key = null, addresses = null, newBuckets = null, triedBuckets = null;
        foreach (var property in root.EnumerateObject())
        {
            // Go's decoder ignores fields it does not know; so do we.
            if (property.NameEquals("Version")) Take(ref version, property, new("Version"));
            else if (property.NameEquals("Key")) Take(ref key, property, new("Key"));
            else if (property.NameEquals("Addresses")) Take(ref addresses, property, new("Addresses"));
            else if (property.NameEquals("NewBuckets")) Take(ref newBuckets, property, new("NewBuckets"));
            else if (property.NameEquals("TriedBuckets")) Take(ref triedBuckets, property, new("TriedBuckets"));
        }

        int ver = ReadInt32(version, new("Version"));
        if (ver > AddressBookSnapshot.CurrentVersion)
            throw Fail($"Version {ver} is newer than the newest this node reads ({AddressBookSnapshot.CurrentVersion})");
        if (ver < 1)
            throw Fail($"Version {ver} is not a peers.json version (1 or {AddressBookSnapshot.CurrentVersion})");

        return new AddressBookSnapshot(
            ver,
            ReadKey(Required(key, new("Key"))),
            ReadAddresses(Required(addresses, new("Addresses")), ver),
            ReadBuckets(Required(newBuckets, new("NewBuckets")), "NewBuckets", NewBucketCount),
            ReadBuckets(Required(triedBuckets, new("TriedBuckets")), "TriedBuckets", TriedBucketCount));
    }

    private static byte[] ReadKey(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw Fail($"Key is {Describe(element)}, expected an array of {KeySize} numbers 0..255");
        int length = element.GetArrayLength();
        if (length != KeySize)
            throw Fail($"Key has {length} numbers, expected {KeySize}");
        var key = new byte[KeySize];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetByte(out key[i]))
                throw Fail($"Key[{i}] is {Describe(item)}, expected an integer 0..255");
            i++;
        }
        return key;
    }

    private static SerializedKnownAddress[] ReadAddresses(JsonElement element, int version)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return [];
        if (element.ValueKind != JsonValueKind.Array)
            throw Fail($"Addresses is {Describe(element)}, expected an array");

        var result = new SerializedKnownAddress[element.GetArrayLength()];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            result[i] = ReadAddress(item, i, version);
            i++;
        }
        return result;
    }

    private static SerializedKnownAddress ReadAddress(JsonElement element, int index, int version)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Fail($"{new Where("Addresses", index)} is {Describe(element)}, expected an object");

        JsonElement? addr = null, src = null, attempts = null, timeStamp = null, lastAttempt = null,
            lastSuccess = null, services = null, srcServices = null;
        foreach (var property in element.EnumerateObject())
        {
            // NameEquals compares the UTF-8 bytes: no string per property (a full book has ~650,000 of them).
            // Anything else is ignored, as Go's decoder ignores fields it does not know.
            if (property.NameEquals("Addr")) Take(ref addr, property, Field("Addr"));
            else if (property.NameEquals("Src")) Take(ref src, property, Field("Src"));
            else if (property.NameEquals("Attempts")) Take(ref attempts, property, Field("Attempts"));
            else if (property.NameEquals("TimeStamp")) Take(ref timeStamp, property, Field("TimeStamp"));
            else if (property.NameEquals("LastAttempt")) Take(ref lastAttempt, property, Field("LastAttempt"));
            else if (property.NameEquals("LastSuccess")) Take(ref lastSuccess, property, Field("LastSuccess"));
            else if (property.NameEquals("Services")) Take(ref services, property, Field("Services"));
            else if (property.NameEquals("SrcServices")) Take(ref srcServices, property, Field("SrcServices"));
        }

        int attemptCount = ReadInt32(attempts, Field("Attempts"));
        if (attemptCount < 0)
            throw Fail($"{Field("Attempts")} is {attemptCount}, expected 0 or more");

        // Version 1 predates the service fields (btcd then assumes SFNodeNetwork); version 2 always has them.
        bool servicesRequired = version >= 2;
        return new SerializedKnownAddress(
            ReadString(Required(addr, Field("Addr")), Field("Addr")),
            ReadString(Required(src, Field("Src")), Field("Src")),
            attemptCount,
            ReadTime(timeStamp, Field("TimeStamp")),
            ReadTime(lastAttempt, Field("LastAttempt")),
            ReadTime(lastSuccess, Field("LastSuccess")),
            ReadServices(services, Field("Services"), servicesRequired),
            ReadServices(srcServices, Field("SrcServices"), servicesRequired));

        Where Field(string name) => new("Addresses", index, Field: name);
    }

    private static IReadOnlyList<string>[] ReadBuckets(JsonElement element, string name, int count)
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw Fail($"{name} is {Describe(element)}, expected an array of {count} buckets");
        int length = element.GetArrayLength();
        if (length != count)
            throw Fail($"{name} has {length} buckets, expected {count}");

        var buckets = new IReadOnlyList<string>[count];
        int i = 0;
        foreach (var bucket in element.EnumerateArray())
        {
            if (bucket.ValueKind == JsonValueKind.Null)
            {
                buckets[i++] = []; // Go's encoding of a nil slice.
                continue;
            }
            if (bucket.ValueKind != JsonValueKind.Array)
                throw Fail($"{new Where(name, i)} is {Describe(bucket)}, expected an array of \"host:port\" strings");

            var keys = new string[bucket.GetArrayLength()];
            int j = 0;
            foreach (var key in bucket.EnumerateArray())
            {
                keys[j] = ReadString(key, new Where(name, i, Index2: j));
                j++;
            }
            buckets[i++] = keys;
        }
        return buckets;
    }

    private static string ReadString(JsonElement element, Where where)
    {
        if (element.ValueKind != JsonValueKind.String)
            throw Fail($"{where} is {Describe(element)}, expected a string");
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new PeersFileFormatException($"{where} is not valid UTF-8: {ex.Message}", ex);
        }
    }

    private static int ReadInt32(JsonElement? element, Where where)
    {
        var e = Required(element, where);
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int value))
            throw Fail($"{where} is {Describe(e)}, expected a whole number");
        return value;
    }

    private static long ReadTime(JsonElement? element, Where where)
    {
        var e = Required(element, where);
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long value))
            throw Fail($"{where} is {Describe(e)}, expected Unix seconds (a whole number)");
        if (value is < AddressBookSnapshot.GoZeroTime or > GoTime.MaxUnixSeconds)
            throw Fail($"{where} is {value}, outside 0001-01-01..9999-12-31 in Unix seconds");
        return value;
    }

    private static ulong ReadServices(JsonElement? element, Where where, bool required)
    {
        if (element is not { } e)
        {
            if (required)
                throw Fail($"{where} is missing");
            return 0;
        }
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetUInt64(out ulong value))
            throw Fail($"{where} is {Describe(e)}, expected an unsigned 64-bit whole number");
        return value;
    }

    private static void Take(ref JsonElement? slot, JsonProperty property, Where where)
    {
        if (slot is not null)
            throw Fail($"{where} appears twice");
        slot = property.Value;
    }

    private static JsonElement Required(JsonElement? element, Where where) =>
        element ?? throw Fail($"{where} is missing");

    /// <summary>A field's place in the file, for messages; formatted only when something is wrong
    /// (e.g. <c>Addresses[3].Attempts</c>, <c>NewBuckets[12][0]</c>).</summary>
    private readonly record struct Where(string Name, int Index = -1, int Index2 = -1, string? Field = null)
    {
        public override string ToString() =>
            Name
            + (Index >= 0 ? $"[{Index}]" : "")
            + (Index2 >= 0 ? $"[{Index2}]" : "")
            + (Field is null ? "" : "." + Field);
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };

    private static PeersFileFormatException Fail(string message) => new(message);

    /// <summary>btcd deserializePeers's checks, on keys as written (the address book re-parses each key and
    /// must find the same one again): every bucket entry names a listed address; every address is in at least
    /// one bucket; none is both new and tried. Beyond btcd (whose maps make these impossible when it writes):
    /// no address listed twice, no key twice in one bucket, no address in two tried buckets.</summary>
    private static void CheckConsistency(AddressBookSnapshot snapshot)
    {
        var newRefs = new Dictionary<string, int>(snapshot.Addresses.Count, StringComparer.Ordinal);
        foreach (var a in snapshot.Addresses)
        {
            if (!newRefs.TryAdd(a.Addr, 0))
                throw Fail($"Addresses lists {a.Addr} twice");
        }

        var inBucket = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < snapshot.NewBuckets.Count; i++)
        {
            inBucket.Clear();
            foreach (string key in snapshot.NewBuckets[i])
            {
                if (!newRefs.TryGetValue(key, out int refs))
                    throw Fail($"NewBuckets[{i}] holds {key}, which is not in Addresses");
                if (!inBucket.Add(key))
                    throw Fail($"NewBuckets[{i}] holds {key} twice");
                newRefs[key] = refs + 1;
            }
        }

        var tried = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < snapshot.TriedBuckets.Count; i++)
        {
            foreach (string key in snapshot.TriedBuckets[i])
            {
                if (!newRefs.TryGetValue(key, out int refs))
                    throw Fail($"TriedBuckets[{i}] holds {key}, which is not in Addresses");
                if (!tried.Add(key))
                    throw Fail($"TriedBuckets[{i}] holds {key}, which is already in a tried bucket");
                if (refs > 0)
                    throw Fail($"{key} is in both a new and a tried bucket");
            }
        }

        foreach (var (key, refs) in newRefs)
        {
            if (refs == 0 && !tried.Contains(key))
                throw Fail($"{key} is in Addresses but in no bucket");
        }
    }
}
