namespace ActorNode.Storage.Tests;

/// <summary>Stops a <see cref="DurableFile"/> save at one of its steps, the two ways a save can be interrupted:
/// killed (<see cref="ImageAt"/>: the directory exactly as a process killed at that instant leaves it, given that
/// every write goes straight to the OS) or failed (<see cref="FailAt"/>: an exception from the disk, or a
/// cancellation, at that point). Shared (as a linked source file) with the tests of the formats built on it.</summary>
internal static class SaveCrash
{
    /// <summary>Runs <paramref name="save"/> and, when it reaches <paramref name="step"/>, copies the directory of
    /// <paramref name="file"/> into a new directory, which the caller disposes. The save itself completes.</summary>
    public static TempDirectory ImageAt(DurableFile file, DurableSaveStep step, Action save)
    {
        var image = new TempDirectory();
        bool taken = false;
        file.StepHook = s =>
        {
            if (s != step)
                return;
            foreach (string path in Directory.GetFiles(file.DirectoryPath))
                File.Copy(path, image.Combine(Path.GetFileName(path)));
            taken = true;
        };
        try
        {
            save();
        }
        catch
        {
            image.Dispose();
            throw;
        }
        finally
        {
            file.StepHook = null;
        }
        Assert.True(taken, $"the save never reached {step}");
        return image;
    }

    /// <summary>Runs <paramref name="save"/> with an <see cref="IOException"/> thrown at <paramref name="step"/>, and
    /// returns it once it has checked that it is the simulated one that came out.</summary>
    public static IOException FailAt(DurableFile file, DurableSaveStep step, Action save)
    {
        file.StepHook = s =>
        {
            if (s == step)
                throw new IOException($"simulated failure at {s}");
        };
        try
        {
            var ex = Assert.Throws<IOException>(save);
            Assert.Contains(step.ToString(), ex.Message);
            return ex;
        }
        finally
        {
            file.StepHook = null;
        }
    }
}
