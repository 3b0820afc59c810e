namespace ActorNode.Storage.Tests;

public sealed class DirectorySyncTests : InTempDirectory
{
    [Fact]
    public void DirectorySync_OnLinux_SyncsTheDirectory()
    {
        bool synced = DirectorySync.Flush(Dir.Path);

        // On Linux the libc P/Invoke must work; elsewhere it may be skipped.
        if (OperatingSystem.IsLinux())
            Assert.True(synced);
    }

    [Fact]
    public void DirectorySync_NoSuchDirectory_SkippedWithoutThrowing()
    {
        Assert.False(DirectorySync.Flush(Dir.Combine("absent")));
    }
}
