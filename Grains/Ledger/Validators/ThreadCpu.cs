using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Ainur.Grains.Ledger.Validators;

/// <summary>
/// The calling thread's CPU time in nanoseconds (Linux: CLOCK_THREAD_CPUTIME_ID), to charge a stretch of synchronous
/// work to consensus without counting time the thread was preempted. Elsewhere it falls back to elapsed time.
/// </summary>
internal static partial class ThreadCpu
{
    private const int ThreadCpuClock = 3;

    public static long NowNanos()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuClock, out var now) == 0)
        {
            return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
        }

        return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
