using System.Runtime.InteropServices;

namespace AkkaWsgi.Python.Native;

/// <summary>The CPU time the calling thread has used, for telling requests that compute from requests that wait.</summary>
public static unsafe partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID from <time.h> (Linux)

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, TimeSpec* time);

    /// <summary>The calling thread's CPU time (user and system), or null where the clock is not available.</summary>
    /// <remarks>A system call (a few hundred nanoseconds): callers sample it rather than read it on every request.</remarks>
    public static TimeSpan? Now()
    {
        TimeSpec time;
        if (ClockGetTime(ClockThreadCpuTimeId, &time) != 0)
        {
            return null;
        }

        return TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
