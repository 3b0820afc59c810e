using System.Text;

namespace ActorNode.Storage.Tests;

public sealed class DurableFileTests : InTempDirectory
{
    private const string Name = "data.json";
    private const string CorruptName = Name + CorruptSuffix;
    private const long Cap = 1000;

    private DurableFile Store(string? directory = null) =>
        new(Path.Combine(directory ?? Dir.Path, Name), Cap, "a test file", Clock);

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Loaded(DurableLoadResult result) => Assert.IsType<DurableLoadResult.Loaded>(result).Bytes;

    // ---------------------------------------------------------------- paths

    [Fact]
    public void New_RelativePath_FullPathsWithTempBeside()
    {
        var store = new DurableFile(Path.Combine("some", "dir", Name), Cap, "a test file");

        Assert.Equal(Path.GetFullPath(Path.Combine("some", "dir", Name)), store.FilePath);
        Assert.Equal(store.FilePath + ".tmp", store.TempPath);
        Assert.Equal(Path.GetFullPath(Path.Combine("some", "dir")), store.DirectoryPath);
        Assert.Equal(Cap, store.MaxBytes);
    }

    // ---------------------------------------------------------------- save and load

    [Fact]
    public void Load_NoFile_Missing()
    {
        Assert.IsType<DurableLoadResult.Missing>(Store().Load());
        Assert.Empty(Dir.FileNames());
    }

    [Fact]
    public void Load_DirectoryDoesNotExist_Missing()
    {
        Assert.IsType<DurableLoadResult.Missing>(Store(Dir.Combine("not-yet")).Load());
    }

    [Fact]
    public void SaveThenLoad_RoundTripsAndLeavesOnlyTheFile()
    {
        var store = Store();

        store.Save(Text("{\"a\":1}\n"));

        Assert.Equal([Name], Dir.FileNames());
        Assert.Equal(Text("{\"a\":1}\n"), File.ReadAllBytes(store.FilePath));
        Assert.Equal(Text("{\"a\":1}\n"), Loaded(store.Load()));
    }

    [Fact]
    public void SaveThenLoad_Empty_LoadedEmpty()
    {
        var store = Store();

        store.Save([]);

        Assert.Empty(Loaded(store.Load()));
    }

    [Fact]
    public void Save_Twice_SecondReplacesFirst()
    {
        var store = Store();

        store.Save(Text("a much longer first content"));
        store.Save(Text("second"));

        Assert.Equal(Text("second"), Loaded(store.Load()));
        Assert.Equal([Name], Dir.FileNames());
    }

    [Fact]
    public void Save_DirectoryMissing_CreatesIt()
    {
        var store = Store(Dir.Combine("sub"));

        store.Save(Text("x"));

        Assert.True(File.Exists(Path.Combine(Dir.Path, "sub", Name)));
        Assert.Equal(Text("x"), Loaded(store.Load()));
    }

    [Fact]
    public async Task SaveAsyncThenLoad_RoundTrips()
    {
        var store = Store();

        await store.SaveAsync(Text("async"));

        Assert.Equal(Text("async"), Loaded(store.Load()));
    }

    [Fact]
    public async Task SaveAsync_AlreadyCancelled_ThrowsAndKeepsOldFile()
    {
        var store = Store();
        store.Save(Text("old"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => store.SaveAsync(Text("new"), new CancellationToken(canceled: true)));

        Assert.Equal(Text("old"), File.ReadAllBytes(store.FilePath));
        Assert.Equal([Name], Dir.FileNames());
    }

    // Step names, not values: DurableSaveStep is internal and a public test method cannot take it.
    [Theory]
    [InlineData(nameof(DurableSaveStep.Flushed), false)]
    [InlineData(nameof(DurableSaveStep.Renamed), true)]
    public void Save_CancelledAtStep_HonouredUntilTheRenameOnly(string stepName, bool completes)
    {
        var cancelAt = Enum.Parse<DurableSaveStep>(stepName);
        var store = Store();
        store.Save(Text("old"));
        using var cts = new CancellationTokenSource();
        store.StepHook = step =>
        {
            if (step == cancelAt)
                cts.Cancel();
        };

        if (completes)
            store.Save(Text("new"), cts.Token);
        else
            Assert.ThrowsAny<OperationCanceledException>(() => store.Save(Text("new"), cts.Token));

        Assert.Equal(Text(completes ? "new" : "old"), File.ReadAllBytes(store.FilePath));
        Assert.Equal([Name], Dir.FileNames()); // no temporary file left either way
    }

    // ---------------------------------------------------------------- leftovers of a crash

    [Fact]
    public void Load_LeftoverTempBesideGoodFile_IgnoredAndDeleted()
    {
        var store = Store();
        store.Save(Text("good"));
        File.WriteAllText(store.TempPath, "{\"Version\":2,\"Key\":[1,2"); // a save that died mid-write

        Assert.Equal(Text("good"), Loaded(store.Load()));
        Assert.Equal([Name], Dir.FileNames());
    }

    [Fact]
    public void Load_OnlyALeftoverTemp_MissingAndTempDeleted()
    {
        var store = Store();
        File.WriteAllText(store.TempPath, "complete but never renamed");

        Assert.IsType<DurableLoadResult.Missing>(store.Load());
        Assert.Empty(Dir.FileNames());
    }

    [Fact]
    public void Save_LeftoverTempLongerThanNewContent_Replaced()
    {
        var store = Store();
        File.WriteAllText(store.TempPath, new string('x', 100_000));

        store.Save(Text("short"));

        Assert.Equal(Text("short"), File.ReadAllBytes(store.FilePath));
        Assert.Equal([Name], Dir.FileNames());
    }

    // ---------------------------------------------------------------- unreadable files

    [Fact]
    public void Load_FileLargerThanCap_UnreadableWithoutReadingOrMoving()
    {
        var store = Store();
        using (var f = File.Create(store.FilePath))
            f.SetLength(Cap + 1);

        var unreadable = Assert.IsType<DurableLoadResult.Unreadable>(store.Load());

        Assert.Equal($"{store.FilePath} is 1001 bytes, more than a test file can be (1000)", unreadable.Reason);
        Assert.Equal([Name], Dir.FileNames()); // moving it is the caller's decision
    }

    [Fact]
    public void Load_FileExactlyAtCap_Loaded()
    {
        var store = Store();
        byte[] content = Enumerable.Range(0, (int)Cap).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(store.FilePath, content);

        Assert.Equal(content, Loaded(store.Load()));
    }

    [Fact]
    public void Load_PathIsADirectory_UnreadableWithReason()
    {
        var store = Store();
        Directory.CreateDirectory(store.FilePath);

        var unreadable = Assert.IsType<DurableLoadResult.Unreadable>(store.Load());

        Assert.StartsWith($"{store.FilePath} cannot be read: ", unreadable.Reason);
    }

    // ---------------------------------------------------------------- moving aside

    [Fact]
    public void MoveAside_File_MovedWithOriginalBytesAndReasonKept()
    {
        var store = Store();
        byte[] content = [0x7F, 0x45, 0x4C, 0x46, 0x00, 0xFF];
        File.WriteAllBytes(store.FilePath, content);

        var moved = store.MoveAside("it is bad");

        Assert.Equal("it is bad", moved.Reason);
        Assert.Equal(Dir.Combine(CorruptName), moved.MovedTo);
        Assert.Equal(content, File.ReadAllBytes(moved.MovedTo!));
        Assert.False(File.Exists(store.FilePath));
        Assert.IsType<DurableLoadResult.Missing>(store.Load()); // the next start finds no file
    }

    [Fact]
    public void MoveAside_UnreadableLargeFile_MovedWhole()
    {
        var store = Store();
        using (var f = File.Create(store.FilePath))
            f.SetLength(Cap + 1); // sparse: no real disk use

        var moved = store.MoveAside(Assert.IsType<DurableLoadResult.Unreadable>(store.Load()).Reason);

        Assert.Equal(Cap + 1, new FileInfo(moved.MovedTo!).Length);
    }

    [Fact]
    public void MoveAside_ThenSave_NewFileAndCorruptCopyBothKept()
    {
        var store = Store();
        File.WriteAllText(store.FilePath, "{");
        store.MoveAside("corrupt");

        store.Save(Text("new"));

        Assert.Equal([Name, CorruptName], Dir.FileNames());
        Assert.Equal("{", File.ReadAllText(Dir.Combine(CorruptName)));
    }

    [Fact]
    public void MoveAside_TwiceInOneSecond_SecondGetsSuffix()
    {
        var store = Store();
        File.WriteAllText(store.FilePath, "first");
        var first = store.MoveAside("bad");
        File.WriteAllText(store.FilePath, "second");

        var second = store.MoveAside("bad");

        Assert.Equal(Dir.Combine(CorruptName), first.MovedTo);
        Assert.Equal(Dir.Combine(CorruptName + "-1"), second.MovedTo);
        Assert.Equal("first", File.ReadAllText(first.MovedTo!));
        Assert.Equal("second", File.ReadAllText(second.MovedTo!));
        Assert.Equal([CorruptName, CorruptName + "-1"], Dir.FileNames());
    }

    [Fact]
    public void MoveAside_Later_NamedByTheClock()
    {
        var store = Store();
        Clock.Advance(TimeSpan.FromDays(40) + TimeSpan.FromSeconds(1));
        File.WriteAllText(store.FilePath, "x");

        var moved = store.MoveAside("bad");

        Assert.Equal(Dir.Combine("data.json.corrupt-20260211T030406Z"), moved.MovedTo);
    }

    [Fact]
    public void MoveAside_NoFile_ReportsWithoutThrowing()
    {
        var moved = Store().MoveAside("bad");

        Assert.Null(moved.MovedTo);
        Assert.StartsWith("bad; it could not be moved aside", moved.Reason);
    }
}
