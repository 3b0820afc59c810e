namespace ActorNode.Storage.Tests;

/// <summary>A save interrupted at every step. Two ways: (1) at each step, copy the directory as it is at that
/// instant (what a process killed there leaves on disk, given that every write goes straight to the OS) and
/// load the copy; (2) throw from the step, as a failing disk or a cancelled save would, and load the real
/// directory. Either way the result must be exactly the old content (or no file) or exactly the new one.</summary>
public sealed class DurableFileCrashTests : InTempDirectory
{
    private const string Name = "data.json";

    private static readonly byte[] Old = Content(700, seed: 5);
    private static readonly byte[] New = Content(300_000, seed: 11);

    private static byte[] Content(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private DurableFile Store(string directory) => new(Path.Combine(directory, Name), 1 << 20, "a test file");

    // Step names, not values: DurableSaveStep is internal and a public test method cannot take it.
    public static TheoryData<string, bool> StepsWithAndWithoutOldFile()
    {
        var data = new TheoryData<string, bool>();
        foreach (var step in Enum.GetNames<DurableSaveStep>())
        {
            data.Add(step, true);
            data.Add(step, false);
        }
        return data;
    }

    private static bool RenameDone(DurableSaveStep step) => step >= DurableSaveStep.Renamed;

    [Theory]
    [MemberData(nameof(StepsWithAndWithoutOldFile))]
    public void Save_KilledAtStep_DiskHoldsOldOrNewNeverTorn(string stepName, bool hadOldFile)
    {
        var killedAt = Enum.Parse<DurableSaveStep>(stepName);
        var store = Store(Dir.Path);
        if (hadOldFile)
            store.Save(Old);

        using var image = SaveCrash.ImageAt(store, killedAt, () => store.Save(New));

        string[] namesAtCrash = image.FileNames();
        if (killedAt is >= DurableSaveStep.TempCreated and < DurableSaveStep.Renamed)
            Assert.Contains(Name + ".tmp", namesAtCrash);
        var restarted = Store(image.Path).Load();
        AssertOldOrNew(restarted, killedAt, hadOldFile);
        Assert.DoesNotContain(Name + ".tmp", image.FileNames()); // the restart cleaned up
        Assert.DoesNotContain(image.FileNames(), n => n.Contains("corrupt", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StepsWithAndWithoutOldFile))]
    public void Save_FailsAtStep_OldOrNewKeptAndNextSaveWorks(string stepName, bool hadOldFile)
    {
        var failedAt = Enum.Parse<DurableSaveStep>(stepName);
        var store = Store(Dir.Path);
        if (hadOldFile)
            store.Save(Old);

        SaveCrash.FailAt(store, failedAt, () => store.Save(New));

        AssertOldOrNew(store.Load(), failedAt, hadOldFile);
        Assert.DoesNotContain(Name + ".tmp", Dir.FileNames());

        byte[] third = Content(10, seed: 99);
        store.Save(third);
        Assert.Equal(third, Assert.IsType<DurableLoadResult.Loaded>(store.Load()).Bytes);
    }

    private static void AssertOldOrNew(DurableLoadResult result, DurableSaveStep step, bool hadOldFile)
    {
        if (RenameDone(step))
        {
            Assert.Equal(New, Assert.IsType<DurableLoadResult.Loaded>(result).Bytes);
        }
        else if (hadOldFile)
        {
            Assert.Equal(Old, Assert.IsType<DurableLoadResult.Loaded>(result).Bytes);
        }
        else
        {
            Assert.IsType<DurableLoadResult.Missing>(result);
        }
    }

    [Fact]
    public void Save_StepsRunInOrder_EachExactlyOnce()
    {
        var store = Store(Dir.Path);
        var seen = new List<DurableSaveStep>();
        store.StepHook = seen.Add;

        store.Save(New);

        Assert.Equal(Enum.GetValues<DurableSaveStep>(), seen);
    }

    [Fact]
    public void Save_PartiallyWritten_TempHoldsAProperPrefix()
    {
        // Makes sure the "partial" step really is partial, so the kill test above covers a torn temp file.
        var store = Store(Dir.Path);
        byte[]? atPartial = null;
        store.StepHook = step =>
        {
            if (step == DurableSaveStep.PartiallyWritten)
            {
                using var s = new FileStream(store.TempPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                atPartial = new byte[s.Length];
                s.ReadExactly(atPartial);
            }
        };

        store.Save(New);

        Assert.NotNull(atPartial);
        Assert.InRange(atPartial.Length, 1, New.Length - 1);
        Assert.Equal(New[..atPartial.Length], atPartial);
    }

    [Fact]
    public void Save_TempFileContent_IsTheNewFileBeforeRename()
    {
        var store = Store(Dir.Path);
        store.Save(Old);
        byte[]? tempAtRename = null;
        store.StepHook = s =>
        {
            if (s == DurableSaveStep.BeforeRename)
                tempAtRename = File.ReadAllBytes(store.TempPath);
        };

        store.Save(New);

        Assert.Equal(New, tempAtRename);
        Assert.Equal(New, File.ReadAllBytes(store.FilePath));
    }
}
