using System.Text;
using ActorNode.AddrBook.Persistence;

namespace ActorNode.AddrBook.Tests.Persistence;

public class PeersJsonTests
{
    private const string Addr1 =
        """{"Addr":"1.2.3.4:8333","Src":"5.6.7.8:8333","Attempts":2,"TimeStamp":1700000000,"LastAttempt":1700000100,"LastSuccess":-62135596800,"Services":1033,"SrcServices":1}""";

    private const string Addr2 =
        """{"Addr":"[2001:db8::1]:18333","Src":"1.2.3.4:8333","Attempts":0,"TimeStamp":1690000000,"LastAttempt":1690000500,"LastSuccess":1690000500,"Services":9,"SrcServices":1033}""";

    /// <summary>Bucket arrays as Go's encoding/json writes btcd's <c>[N][]string</c> whose slices btcd fills
    /// with <c>make</c> (addrmgr savePeers): <c>[]</c> when empty, the listed ones where given.
    /// <paramref name="empty"/> = "null" gives what Go writes for nil slices instead.</summary>
    private static string GoBuckets(int count, string empty, params (int Index, string Json)[] filled)
    {
        var items = Enumerable.Repeat(empty, count).ToArray();
        foreach (var (index, json) in filled)
            items[index] = json;
        return "[" + string.Join(",", items) + "]";
    }

    private static string GoBuckets(int count, params (int Index, string Json)[] filled) => GoBuckets(count, "[]", filled);

    /// <summary>What btcd (Go json.Encoder over serializedAddrManager) writes for <see cref="Snapshots.Small"/>:
    /// struct field order, no spaces, [32]byte as numbers, Go zero time as -62135596800, trailing newline.</summary>
    private static string BtcdTextForSmall(string empty = "[]") =>
        "{\"Version\":2,\"Key\":[" + string.Join(",", Enumerable.Range(0, 32)) + "],"
        + "\"Addresses\":[" + Addr1 + "," + Addr2 + "],"
        + "\"NewBuckets\":" + GoBuckets(1024, empty, (3, "[\"1.2.3.4:8333\"]"), (1023, "[\"1.2.3.4:8333\"]")) + ","
        + "\"TriedBuckets\":" + GoBuckets(64, empty, (0, "[\"[2001:db8::1]:18333\"]"))
        + "}\n";

    private static AddressBookSnapshot Parse(string text) => PeersJson.Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Serialize_SmallBook_IsByteIdenticalToGoEncoderOutput()
    {
        string actual = Encoding.UTF8.GetString(PeersJson.Serialize(Snapshots.Small()));

        Assert.Equal(BtcdTextForSmall(), actual);
    }

    [Fact]
    public void Parse_BtcdText_GivesEachField()
    {
        var snapshot = Parse(BtcdTextForSmall());

        Assert.Equal(2, snapshot.Version);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), snapshot.Key);
        Assert.Equal(2, snapshot.Addresses.Count);
        var a = snapshot.Addresses[0];
        Assert.Equal("1.2.3.4:8333", a.Addr);
        Assert.Equal("5.6.7.8:8333", a.Src);
        Assert.Equal(2, a.Attempts);
        Assert.Equal(1700000000, a.TimeStamp);
        Assert.Equal(1700000100, a.LastAttempt);
        Assert.Equal(AddressBookSnapshot.GoZeroTime, a.LastSuccess);
        Assert.Equal(1033UL, a.Services);
        Assert.Equal(1UL, a.SrcServices);
        Assert.Equal("[2001:db8::1]:18333", snapshot.Addresses[1].Addr);
        Assert.Equal(1690000500, snapshot.Addresses[1].LastSuccess);
        Assert.Equal(1024, snapshot.NewBuckets.Count);
        Assert.Equal(64, snapshot.TriedBuckets.Count);
        Assert.Equal(["1.2.3.4:8333"], snapshot.NewBuckets[3]);
        Assert.Equal(["1.2.3.4:8333"], snapshot.NewBuckets[1023]);
        Assert.Equal(["[2001:db8::1]:18333"], snapshot.TriedBuckets[0]);
        Assert.Equal(2, snapshot.NewBuckets.Sum(b => b.Count) + snapshot.TriedBuckets.Sum(b => b.Count) - 1);
        Snapshots.AssertEqual(Snapshots.Small(), snapshot);
    }

    [Fact]
    public void ParseThenSerialize_BtcdText_ReproducesTheSameBytes()
    {
        string text = BtcdTextForSmall();

        Assert.Equal(text, Encoding.UTF8.GetString(PeersJson.Serialize(Parse(text))));
    }

    [Fact]
    public void Parse_NullBuckets_ReadAsEmpty()
    {
        // Go writes a nil slice as null; btcd's own savePeers never leaves one nil, but a reader must accept it.
        var snapshot = Parse(BtcdTextForSmall(empty: "null"));

        Snapshots.AssertEqual(Snapshots.Small(), snapshot);
        Assert.Empty(snapshot.NewBuckets[0]);
        Assert.Empty(snapshot.TriedBuckets[63]);
    }

    [Fact]
    public void Parse_WhitespaceUnknownFieldsAndNullAddresses_Tolerated()
    {
        string text = "\r\n { \"Comment\" : {\"x\":[1,2,{}]}, \"Version\" : 2 ,\n \"Key\" : [ " + string.Join(" , ", Enumerable.Range(0, 32)) + " ],"
            + " \"Addresses\" : null, \"NewBuckets\":" + GoBuckets(1024) + ", \"TriedBuckets\":" + GoBuckets(64) + ", \"Extra\": null } \n\n";

        var snapshot = Parse(text);

        Assert.Empty(snapshot.Addresses);
        Assert.All(snapshot.NewBuckets, Assert.Empty);
    }

    [Fact]
    public void Parse_UnknownFieldInAddress_Ignored()
    {
        string text = BtcdTextForSmall().Replace("\"SrcServices\":1}", "\"SrcServices\":1,\"Refs\":3,\"Tried\":false}");

        Snapshots.AssertEqual(Snapshots.Small(), Parse(text));
    }

    [Fact]
    public void Parse_Version1WithoutServices_AcceptedWithZeroServices()
    {
        // btcd's version-1 serializedKnownAddress had no Services/SrcServices; the book applies SFNodeNetwork.
        string text = "{\"Version\":1,\"Key\":[" + string.Join(",", Enumerable.Repeat(7, 32)) + "],\"Addresses\":["
            + "{\"Addr\":\"1.2.3.4:8333\",\"Src\":\"1.2.3.4:8333\",\"Attempts\":1,\"TimeStamp\":1400000000,\"LastAttempt\":-62135596800,\"LastSuccess\":-62135596800}],"
            + "\"NewBuckets\":" + GoBuckets(1024, (0, "[\"1.2.3.4:8333\"]")) + ",\"TriedBuckets\":" + GoBuckets(64) + "}\n";

        var snapshot = Parse(text);

        Assert.Equal(1, snapshot.Version);
        Assert.Equal(new SerializedKnownAddress("1.2.3.4:8333", "1.2.3.4:8333", 1, 1400000000,
            AddressBookSnapshot.GoZeroTime, AddressBookSnapshot.GoZeroTime, 0, 0), Assert.Single(snapshot.Addresses));
    }

    [Fact]
    public void RoundTrip_RandomBook_PreservesEverything()
    {
        var snapshot = Snapshots.Random(5000, seed: 42);

        var parsed = PeersJson.Parse(PeersJson.Serialize(snapshot));

        Snapshots.AssertEqual(snapshot, parsed);
    }

    [Fact]
    public void RoundTrip_ExtremeValues_Preserved()
    {
        var newBuckets = Snapshots.EmptyBuckets(1024);
        newBuckets[0] = ["a:1"];
        var snapshot = new AddressBookSnapshot(2, Enumerable.Repeat((byte)255, 32).ToArray(),
            [new SerializedKnownAddress("a:1", "b:2", int.MaxValue, GoTime.MaxUnixSeconds, AddressBookSnapshot.GoZeroTime, 0, ulong.MaxValue, ulong.MaxValue)],
            newBuckets, Snapshots.EmptyBuckets(64));

        byte[] bytes = PeersJson.Serialize(snapshot);

        Assert.Contains("\"Attempts\":2147483647,\"TimeStamp\":253402300799,\"LastAttempt\":-62135596800,\"LastSuccess\":0,"
            + "\"Services\":18446744073709551615,\"SrcServices\":18446744073709551615", Encoding.UTF8.GetString(bytes));
        Snapshots.AssertEqual(snapshot, PeersJson.Parse(bytes));
    }

    [Fact]
    public void Serialize_NeverTime_IsGoZeroTime()
    {
        Assert.Contains("\"LastSuccess\":-62135596800,", Encoding.UTF8.GetString(PeersJson.Serialize(Snapshots.Small())));
    }

    [Fact]
    public void GoTime_Never_MapsBothWays()
    {
        // Go: time.Time{}.Unix() == -62135596800 (0001-01-01T00:00:00Z), which is DateTimeOffset.MinValue.
        Assert.Equal(-62135596800, GoTime.ToUnixSeconds(null));
        Assert.Equal(-62135596800, GoTime.ToUnixSeconds(DateTimeOffset.MinValue));
        Assert.Null(GoTime.FromUnixSeconds(-62135596800));
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero), GoTime.FromUnixSeconds(1700000000));
        Assert.Equal(1700000000, GoTime.ToUnixSeconds(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero)));
        Assert.Equal(DateTimeOffset.UnixEpoch, GoTime.FromUnixSeconds(0)); // Unix 0 is a real time, not "never".
    }

    [Fact]
    public void Serialize_StringsNeedingEscapes_EscapedAsGoDoes()
    {
        // Go encoding/json (HTMLEscape on): <>& as \u003c \u003e \u0026, short escapes for \" \\ \n \t,
        // other controls as \u00XX lower-case hex, U+2028/U+2029 escaped, other non-ASCII raw UTF-8,
        // a lone surrogate (invalid UTF-8 in Go) as \ufffd.
        string weird = "a<b>&\"\\\n\t\u0001\u001f\u007fé\u2028\u2029\ud800z";
        var newBuckets = Snapshots.EmptyBuckets(1024);
        newBuckets[5] = [weird];
        var snapshot = new AddressBookSnapshot(2, new byte[32], [new SerializedKnownAddress(weird, "s", 0, 0, 0, 0, 0, 0)],
            newBuckets, Snapshots.EmptyBuckets(64));

        byte[] bytes = PeersJson.Serialize(snapshot);

        string expected = "\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\t\\u0001\\u001f\u007fé\\u2028\\u2029\ufffdz\"";
        string text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("{\"Version\":2,\"Key\":[0,0,", text);
        Assert.Contains("{\"Addr\":" + expected + ",\"Src\":\"s\",", text);
        Assert.True(bytes.AsSpan().IndexOf(new byte[] { 0x7F, 0xC3, 0xA9 }) >= 0, "DEL and é are written as raw UTF-8");
        var parsed = PeersJson.Parse(bytes);
        Assert.Equal(weird.Replace("\ud800", "\ufffd"), parsed.Addresses[0].Addr);
        Assert.Equal(parsed.Addresses[0].Addr, parsed.NewBuckets[5][0]);
    }

    [Fact]
    public void Serialize_KeyOf31Bytes_Throws()
    {
        var s = Snapshots.Small() with { Key = new byte[31] };

        var ex = Assert.Throws<ArgumentException>(() => PeersJson.Serialize(s));
        Assert.Contains("32", ex.Message);
    }

    [Fact]
    public void Serialize_WrongBucketCount_Throws()
    {
        var s = Snapshots.Small() with { TriedBuckets = Snapshots.EmptyBuckets(63) };

        Assert.Throws<ArgumentException>(() => PeersJson.Serialize(s));
    }

    [Fact]
    public void Parse_EveryPrefixOfAFile_FailsOrGivesTheWholeBook()
    {
        // What a crash during btcd's in-place rewrite leaves: a prefix. It must never load as a different book.
        byte[] full = PeersJson.Serialize(Snapshots.Small());
        int accepted = 0;
        for (int length = 0; length < full.Length; length++)
        {
            AddressBookSnapshot parsed;
            try
            {
                parsed = PeersJson.Parse(full.AsMemory(0, length));
            }
            catch (PeersFileFormatException)
            {
                continue;
            }
            Snapshots.AssertEqual(Snapshots.Small(), parsed);
            accepted++;
        }
        Assert.Equal(1, accepted); // only the prefix that lacks just the trailing newline
    }

    public static TheoryData<string, string, string> BadFiles()
    {
        string good = BtcdTextForSmall();
        string key = "[" + string.Join(",", Enumerable.Range(0, 32)) + "]";
        return new TheoryData<string, string, string>
        {
            { "empty", "", "empty" },
            { "whitespace", " \n", "empty" },
            { "truncated", good[..(good.Length / 2)], "not valid JSON" },
            { "trailing garbage", good + "x", "not valid JSON" },
            { "two documents", good + good, "not valid JSON" },
            { "top-level array", "[]", "top level is an array" },
            { "comment", "//c\n" + good, "not valid JSON" },
            { "version as string", good.Replace("\"Version\":2", "\"Version\":\"2\""), "Version is a string" },
            { "version fraction", good.Replace("\"Version\":2", "\"Version\":2.0"), "Version is the number 2.0" },
            { "version missing", good.Replace("\"Version\":2,", ""), "Version is missing" },
            { "version 3", good.Replace("\"Version\":2", "\"Version\":3"), "Version 3 is newer" },
            { "version 0", good.Replace("\"Version\":2", "\"Version\":0"), "Version 0" },
            { "version twice", good.Replace("\"Version\":2", "\"Version\":2,\"Version\":2"), "Version appears twice" },
            { "key of 31", good.Replace(key, "[" + string.Join(",", Enumerable.Range(0, 31)) + "]"), "Key has 31 numbers" },
            { "key of 33", good.Replace(key, "[" + string.Join(",", Enumerable.Range(0, 33)) + "]"), "Key has 33 numbers" },
            { "key byte 256", good.Replace(key, "[256" + key[2..]), "Key[0] is the number 256" },
            { "key byte -1", good.Replace(key, "[-1" + key[2..]), "Key[0] is the number -1" },
            { "key base64", good.Replace(key, "\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\""), "Key is a string" },
            { "key null", good.Replace(key, "null"), "Key is null" },
            { "addresses object", good.Replace("\"Addresses\":[", "\"Addresses\":{\"a\":[").Replace("],\"NewBuckets\"", "]},\"NewBuckets\""), "Addresses is an object" },
            { "address null", good.Replace(Addr1, "null"), "Addresses[0] is null" },
            { "attempts string", good.Replace("\"Attempts\":2", "\"Attempts\":\"2\""), "Addresses[0].Attempts is a string" },
            { "attempts negative", good.Replace("\"Attempts\":2", "\"Attempts\":-2"), "Addresses[0].Attempts is -2" },
            { "attempts too big", good.Replace("\"Attempts\":2", "\"Attempts\":4294967296"), "Addresses[0].Attempts" },
            { "timestamp fraction", good.Replace("\"TimeStamp\":1700000000", "\"TimeStamp\":1.7e9"), "Addresses[0].TimeStamp" },
            { "timestamp before year 1", good.Replace("\"LastSuccess\":-62135596800", "\"LastSuccess\":-62135596801"), "Addresses[0].LastSuccess is -62135596801" },
            { "services negative", good.Replace("\"Services\":1033", "\"Services\":-1"), "Addresses[0].Services is the number -1" },
            { "services missing v2", good.Replace(",\"Services\":1033", ""), "Addresses[0].Services is missing" },
            { "src missing", good.Replace("\"Src\":\"5.6.7.8:8333\",", ""), "Addresses[0].Src is missing" },
            { "addr number", good.Replace("\"Addr\":\"1.2.3.4:8333\"", "\"Addr\":1234"), "Addresses[0].Addr is the number 1234" },
            { "1023 new buckets", good.Replace("\"NewBuckets\":[[],", "\"NewBuckets\":["), "NewBuckets has 1023 buckets" },
            { "65 tried buckets", good.Replace("\"TriedBuckets\":[", "\"TriedBuckets\":[[],"), "TriedBuckets has 65 buckets" },
            { "new buckets null", ReplaceSection(good, "NewBuckets", "null"), "NewBuckets is null" },
            { "tried buckets missing", good.Replace(",\"TriedBuckets\":" + GoBuckets(64, (0, "[\"[2001:db8::1]:18333\"]")), ""), "TriedBuckets is missing" },
            { "bucket entry number", good.Replace("[\"1.2.3.4:8333\"]", "[\"1.2.3.4:8333\",5]"), "NewBuckets[3][1] is the number 5" },
            { "bucket entry null", good.Replace("[\"1.2.3.4:8333\"]", "[null]"), "NewBuckets[3][0] is null" },
            { "bucket is string", good.Replace("[\"[2001:db8::1]:18333\"]", "\"[2001:db8::1]:18333\""), "TriedBuckets[0] is a string" },
            { "unknown key in new", good.Replace("[\"1.2.3.4:8333\"]]", "[\"9.9.9.9:8333\"]]"), "NewBuckets[1023] holds 9.9.9.9:8333, which is not in Addresses" },
            { "unknown key in tried", good.Replace("[\"[2001:db8::1]:18333\"]", "[\"[2001:db8::1]:18333\",\"8.8.8.8:53\"]"), "TriedBuckets[0] holds 8.8.8.8:53, which is not in Addresses" },
            { "new and tried", good.Replace("[\"[2001:db8::1]:18333\"]", "[\"[2001:db8::1]:18333\",\"1.2.3.4:8333\"]"), "1.2.3.4:8333 is in both a new and a tried bucket" },
            { "no references", good.Replace("[\"[2001:db8::1]:18333\"]", "[]"), "[2001:db8::1]:18333 is in Addresses but in no bucket" },
            { "address twice", good.Replace(Addr1, Addr1 + "," + Addr1), "Addresses lists 1.2.3.4:8333 twice" },
            { "twice in one bucket", good.Replace("[\"1.2.3.4:8333\"]]", "[\"1.2.3.4:8333\",\"1.2.3.4:8333\"]]"), "NewBuckets[1023] holds 1.2.3.4:8333 twice" },
        };
    }

    private static string ReplaceSection(string text, string field, string value)
    {
        int start = text.IndexOf($"\"{field}\":", StringComparison.Ordinal) + field.Length + 3;
        int end = text.IndexOf(",\"TriedBuckets\"", StringComparison.Ordinal);
        return text[..start] + value + text[end..];
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Parse_BadFile_ThrowsNamingTheFault(string kind, string text, string expectedInMessage)
    {
        _ = kind;
        var ex = Assert.Throws<PeersFileFormatException>(() => Parse(text));
        Assert.Contains(expectedInMessage, ex.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}' })] // UTF-8 BOM (Go rejects it too)
    [InlineData(new byte[] { 0xFF, 0xFE, 0x00, 0x01, 0x80, 0x7F })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { (byte)'"', 0xC3, 0x28, (byte)'"' })]
    public void Parse_BinaryGarbage_ThrowsFormatException(byte[] bytes)
    {
        Assert.Throws<PeersFileFormatException>(() => PeersJson.Parse(bytes));
    }

    [Fact]
    public void Parse_InvalidUtf8InAddress_ThrowsFormatException()
    {
        byte[] good = PeersJson.Serialize(Snapshots.Small());
        byte[] bad = (byte[])good.Clone();
        int at = Encoding.UTF8.GetString(good).IndexOf("5.6.7.8", StringComparison.Ordinal);
        bad[at] = 0xC3; // a lead byte followed by '.', not a continuation byte
        Assert.Throws<PeersFileFormatException>(() => PeersJson.Parse(bad));
    }
}
