using ActorNode.AddrBook.Persistence;

namespace ActorNode.AddrBook.Tests.Persistence;

/// <summary>A save interrupted at every step. Two ways: (1) at each step, copy the directory as it is at that
/// instant (what a process killed there leaves on disk, given that every write goes straight to the OS) and
/// load the copy; (2) throw from the step, as a failing disk or a cancelled save would, and load the real
/// directory. Either way the result must be exactly the old book (or no book) or exactly the new one.</summary>
public sealed class PeersFileCrashTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static readonly AddressBookSnapshot Old = Snapshots.Small();
    private static readonly AddressBookSnapshot New = Snapshots.Random(1500, seed: 11);

    // Step names, not values: SaveStep is internal and a public test method cannot take it.
    public static TheoryData<string, bool> StepsWithAndWithoutOldFile()
    {
        var data = new TheoryData<string, bool>();
        foreach (var step in Enum.GetNames<SaveStep>())
        {
            data.Add(step, true);
            data.Add(step, false);
        }
        return data;
    }

    private static bool RenameDone(SaveStep step) => step >= SaveStep.Renamed;

    [Theory]
    [MemberData(nameof(StepsWithAndWithoutOldFile))]
    public void Save_KilledAtStep_DiskHoldsOldOrNewNeverTorn(string stepName, bool hadOldFile)
    {
        var killedAt = Enum.Parse<SaveStep>(stepName);
        var store = PeersFile.InDirectory(dir.Path);
        if (hadOldFile)
            store.Save(Old);
        using var image = new TempDirectory();
        string[]? namesAtCrash = null;
        store.StepHook = step =>
        {
            if (step != killedAt)
                return;
            // The disk as the killed process would leave it.
            foreach (string file in Directory.GetFiles(dir.Path))
                File.Copy(file, image.Combine(Path.GetFileName(file)));
            namesAtCrash = image.FileNames();
        };

        store.Save(New);

        Assert.NotNull(namesAtCrash);
        if (killedAt is >= SaveStep.TempCreated and < SaveStep.Renamed)
            Assert.Contains("peers.json.tmp", namesAtCrash);
        var restarted = PeersFile.InDirectory(image.Path).Load();
        AssertOldOrNew(restarted, killedAt, hadOldFile);
        Assert.DoesNotContain("peers.json.tmp", image.FileNames()); // the restart cleaned up
        Assert.DoesNotContain(image.FileNames(), n => n.Contains("corrupt", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StepsWithAndWithoutOldFile))]
    public void Save_FailsAtStep_OldOrNewKeptAndNextSaveWorks(string stepName, bool hadOldFile)
    {
        var failedAt = Enum.Parse<SaveStep>(stepName);
        var store = PeersFile.InDirectory(dir.Path);
        if (hadOldFile)
            store.Save(Old);
        store.StepHook = step =>
        {
            if (step == failedAt)
                throw new IOException($"simulated failure at {step}");
        };

        var ex = Assert.Throws<IOException>(() => store.Save(New));
        Assert.Contains(failedAt.ToString(), ex.Message);

        AssertOldOrNew(store.Load(), failedAt, hadOldFile);
        Assert.DoesNotContain("peers.json.tmp", dir.FileNames());

        store.StepHook = null;
        var third = Snapshots.Random(10, seed: 99);
        store.Save(third);
        Snapshots.AssertEqual(third, Assert.IsType<PeersLoadResult.Loaded>(store.Load()).Snapshot);
    }

    private static void AssertOldOrNew(PeersLoadResult result, SaveStep step, bool hadOldFile)
    {
        if (RenameDone(step))
        {
            Snapshots.AssertEqual(New, Assert.IsType<PeersLoadResult.Loaded>(result).Snapshot);
        }
        else if (hadOldFile)
        {
            Snapshots.AssertEqual(Old, Assert.IsType<PeersLoadResult.Loaded>(result).Snapshot);
        }
        else
        {
            Assert.IsType<PeersLoadResult.Missing>(result);
        }
    }

    [Fact]
    public void Save_StepsRunInOrder_EachExactlyOnce()
    {
        var store = PeersFile.InDirectory(dir.Path);
        var seen = new List<SaveStep>();
        store.StepHook = seen.Add;

        store.Save(New);

        Assert.Equal(Enum.GetValues<SaveStep>(), seen);
    }

    [Fact]
    public void Save_PartiallyWritten_TempHoldsAProperPrefix()
    {
        // Makes sure the "partial" step really is partial, so the kill test above covers a torn temp file.
        var store = PeersFile.InDirectory(dir.Path);
        byte[] full = PeersJson.Serialize(New);
        byte[]? atPartial = null;
        store.StepHook = step =>
        {
            if (step == SaveStep.PartiallyWritten)
            {
                using var s = new FileStream(store.TempPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                atPartial = new byte[s.Length];
                s.ReadExactly(atPartial);
            }
        };

        store.Save(New);

        Assert.NotNull(atPartial);
        Assert.InRange(atPartial.Length, 1, full.Length - 1);
        Assert.Equal(full[..atPartial.Length], atPartial);
    }
}
