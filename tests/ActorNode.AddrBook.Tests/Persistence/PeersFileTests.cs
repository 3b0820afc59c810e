using System.Text;
using ActorNode.AddrBook.Persistence;
using ActorNode.Storage;
using ActorNode.Storage.Tests;

namespace ActorNode.AddrBook.Tests.Persistence;

/// <summary>What is particular to peers.json; the crash-safe protocol under it is tested in ActorNode.Storage.Tests.</summary>
public sealed class PeersFileTests : InTempDirectory
{
    private const string CorruptName = "peers.json" + CorruptSuffix;

    private PeersFile Store() => PeersFile.InDirectory(Dir.Path, Clock);

    [Fact]
    public void Load_NoFile_Missing()
    {
        Assert.IsType<PeersLoadResult.Missing>(Store().Load());
        Assert.Empty(Dir.FileNames());
    }

    [Fact]
    public void SaveThenLoad_Small_RoundTripsAndLeavesOnlyPeersJson()
    {
        var store = Store();

        store.Save(Snapshots.Small());

        Assert.Equal(["peers.json"], Dir.FileNames());
        Assert.Equal(PeersJson.Serialize(Snapshots.Small()), File.ReadAllBytes(store.FilePath));
        var loaded = Assert.IsType<PeersLoadResult.Loaded>(store.Load());
        Snapshots.AssertEqual(Snapshots.Small(), loaded.Snapshot);
    }

    [Fact]
    public void Save_InvalidSnapshot_ThrowsAndKeepsOldFile()
    {
        var store = Store();
        store.Save(Snapshots.Small());
        byte[] before = File.ReadAllBytes(store.FilePath);

        Assert.Throws<ArgumentException>(() => store.Save(Snapshots.Small() with { Key = new byte[31] }));

        Assert.Equal(before, File.ReadAllBytes(store.FilePath));
        Assert.Equal(["peers.json"], Dir.FileNames());
    }

    [Fact]
    public async Task SaveAsyncThenLoadAsync_RoundTrips()
    {
        var store = Store();
        var snapshot = Snapshots.Random(2000, seed: 3);

        await store.SaveAsync(snapshot);

        Snapshots.AssertEqual(snapshot, Assert.IsType<PeersLoadResult.Loaded>(await store.LoadAsync()).Snapshot);
    }

    [Fact]
    public async Task SaveAsync_AlreadyCancelled_ThrowsAndKeepsOldFile()
    {
        var store = Store();
        store.Save(Snapshots.Small());
        byte[] before = File.ReadAllBytes(store.FilePath);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => store.SaveAsync(Snapshots.Random(100, seed: 1), new CancellationToken(canceled: true)));

        Assert.Equal(before, File.ReadAllBytes(store.FilePath));
        Assert.Equal(["peers.json"], Dir.FileNames());
    }

    [Fact]
    public async Task SaveAsync_ManyAtOnce_EndsWithOneCompleteBook()
    {
        var store = Store();
        var snapshots = Enumerable.Range(0, 8).Select(i => Snapshots.Random(200 + i, seed: i)).ToArray();

        await Task.WhenAll(snapshots.Select(s => store.SaveAsync(s)));

        var loaded = Assert.IsType<PeersLoadResult.Loaded>(store.Load()).Snapshot;
        var match = Assert.Single(snapshots, s => s.Addresses.Count == loaded.Addresses.Count);
        Snapshots.AssertEqual(match, loaded);
        Assert.Equal(["peers.json"], Dir.FileNames());
    }

    // Step names, not values: DurableSaveStep is internal and a public test method cannot take it.
    [Theory]
    [InlineData(nameof(DurableSaveStep.BeforeRename), false)]
    [InlineData(nameof(DurableSaveStep.Renamed), true)]
    public void Save_KilledAtStep_RestartLoadsOldOrNewBook(string stepName, bool renamed)
    {
        var store = Store();
        store.Save(Snapshots.Small());
        var next = Snapshots.Random(300, seed: 7);

        using var image = SaveCrash.ImageAt(store.Durable, Enum.Parse<DurableSaveStep>(stepName), () => store.Save(next));

        var restarted = Assert.IsType<PeersLoadResult.Loaded>(PeersFile.InDirectory(image.Path, Clock).Load());
        Snapshots.AssertEqual(renamed ? next : Snapshots.Small(), restarted.Snapshot);
        Assert.Equal(["peers.json"], image.FileNames());
    }

    public static TheoryData<string, byte[], string> CorruptFiles()
    {
        byte[] good = PeersJson.Serialize(Snapshots.Small());
        string text = Encoding.UTF8.GetString(good);
        string key = "[" + string.Join(",", Enumerable.Range(0, 32)) + "]";
        return new TheoryData<string, byte[], string>
        {
            { "truncated JSON", good[..(good.Length * 2 / 3)], "not valid JSON" },
            { "wrong types", Encoding.UTF8.GetBytes(text.Replace("\"Attempts\":2", "\"Attempts\":true")), "Addresses[0].Attempts is true" },
            { "key of 31 bytes", Encoding.UTF8.GetBytes(text.Replace(key, "[" + string.Join(",", Enumerable.Range(0, 31)) + "]")), "Key has 31 numbers" },
            { "garbage bytes", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0xFF, 0xFE, 0x80], "not valid JSON" },
            { "empty file", [], "empty" },
            { "NUL-filled (torn write after power loss)", new byte[4096], "not valid JSON" },
            { "newer version", Encoding.UTF8.GetBytes(text.Replace("\"Version\":2", "\"Version\":3")), "Version 3 is newer" },
            { "inconsistent buckets", Encoding.UTF8.GetBytes(text.Replace("[\"[2001:db8::1]:18333\"]", "[]")), "in no bucket" },
        };
    }

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void Load_CorruptFile_MovedAsideWithOriginalBytesAndReported(string kind, byte[] content, string expectedInReason)
    {
        _ = kind;
        var store = Store();
        File.WriteAllBytes(store.FilePath, content);

        var corrupt = Assert.IsType<PeersLoadResult.Corrupt>(store.Load());

        Assert.Contains(expectedInReason, corrupt.Reason);
        Assert.Contains(store.FilePath, corrupt.Reason);
        Assert.Equal(Dir.Combine(CorruptName), corrupt.MovedTo);
        Assert.Equal(content, File.ReadAllBytes(corrupt.MovedTo!));
        Assert.False(File.Exists(store.FilePath));
        Assert.IsType<PeersLoadResult.Missing>(store.Load()); // the book starts empty, and so does the next start
    }

    [Fact]
    public void Load_FileLargerThanLimit_CorruptWithoutReading()
    {
        var store = Store();
        using (var f = File.Create(store.FilePath))
            f.SetLength(PeersFile.MaxFileBytes + 1); // sparse: no real disk use

        var corrupt = Assert.IsType<PeersLoadResult.Corrupt>(store.Load());

        Assert.Contains("more than a peers.json can be", corrupt.Reason);
        Assert.Equal(PeersFile.MaxFileBytes + 1, new FileInfo(corrupt.MovedTo!).Length);
    }

    [Fact]
    public void MoveAside_LoadedButUnusable_MovesAndReports()
    {
        var store = Store();
        store.Save(Snapshots.Small());
        byte[] content = File.ReadAllBytes(store.FilePath);

        var corrupt = store.MoveAside("address 1.2.3.4:8333 does not parse");

        Assert.Equal("address 1.2.3.4:8333 does not parse", corrupt.Reason);
        Assert.Equal(content, File.ReadAllBytes(corrupt.MovedTo!));
        Assert.IsType<PeersLoadResult.Missing>(store.Load());
    }
}
