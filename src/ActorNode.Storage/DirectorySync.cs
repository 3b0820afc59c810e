using System.Runtime.InteropServices;

namespace ActorNode.Storage;

/// <summary>Makes a rename durable: fsync on the directory that holds the file. .NET has no API for it, so on
/// Unix-like systems we call <c>open(dir, O_RDONLY)</c>, <c>fsync</c>, <c>close</c> from libc (plain int
/// parameters, no unsafe code). O_RDONLY is 0 on every such system, and a directory may be opened read-only
/// without O_DIRECTORY, whose value differs between architectures. On Windows there is no portable way
/// (NTFS journals the rename itself); the step is skipped there.</summary>
internal static class DirectorySync
{
    private const int ORdOnly = 0;
    private const int EInval = 22; // Linux, macOS and FreeBSD alike: the file system cannot sync a directory.

    /// <summary>Syncs <paramref name="directory"/>. Returns false when the platform or the file system cannot
    /// (nothing to do but go on); throws <see cref="IOException"/> when fsync reports a real I/O error.</summary>
    public static bool Flush(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
            return false;

        int fd;
        try
        {
            fd = Open(directory, ORdOnly);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        if (fd < 0)
            return false; // e.g. no read permission on the directory: best effort only.

        try
        {
            if (Fsync(fd) == 0)
                return true;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EInval)
                return false;
            throw new IOException($"fsync of directory {directory} failed (errno {errno}); the last save may not survive a power loss");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
