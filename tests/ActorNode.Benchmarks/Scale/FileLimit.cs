using System.Runtime.InteropServices;

namespace ActorNode.Benchmarks.Scale;

/// <summary>The process's open-file limit (RLIMIT_NOFILE): every socket is a descriptor, so N peers need N of them
/// on each side. The soft limit can be raised up to the hard one without privileges (setrlimit(2)).</summary>
internal static partial class FileLimit
{
    private const int RlimitNofile = 7; // Linux <sys/resource.h>

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ref RLimit limit);

    /// <summary>Raises the soft limit to the hard limit and returns both after the change (Linux only; elsewhere
    /// nothing is changed and (0, 0) is returned).</summary>
    public static (ulong Soft, ulong Hard) RaiseToHard()
    {
        if (!OperatingSystem.IsLinux()) return (0, 0);
        if (getrlimit(RlimitNofile, out var limit) != 0)
            throw new InvalidOperationException($"getrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        if (limit.Current < limit.Maximum)
        {
            var raised = new RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
            if (setrlimit(RlimitNofile, ref raised) != 0)
                throw new InvalidOperationException($"setrlimit failed: errno {Marshal.GetLastPInvokeError()}");
            getrlimit(RlimitNofile, out limit);
        }
        return (limit.Current, limit.Maximum);
    }
}
