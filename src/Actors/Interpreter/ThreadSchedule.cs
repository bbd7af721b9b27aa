using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace AkkaWsgi.Actors.Interpreter;

/// <summary>
/// A worker thread's CPU times from the kernel's scheduler accounting (Linux <c>/proc/thread-self/schedstat</c>), readable
/// from any thread, the time it has spent running requests, and whether it is waiting for the GIL: the dispatcher reads
/// its workers' to see whether their requests compute or wait, and which worker should run Python next.
/// </summary>
/// <remarks>Open it on the thread it is for: <c>thread-self</c> names the opener. Reading costs one pread.</remarks>
public sealed class ThreadSchedule : IThreadSchedule, IDisposable
{
    private readonly SafeFileHandle file;
    private readonly byte[] buffer = new byte[96];
    private long requestTicks;
    private volatile bool waitsForGil;

    private ThreadSchedule(SafeFileHandle file) => this.file = file;

    /// <summary>The calling thread's accounting, or null where the kernel does not provide it.</summary>
    public static ThreadSchedule? OpenForCurrentThread()
    {
        try
        {
            return new ThreadSchedule(File.OpenHandle("/proc/thread-self/schedstat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    public CpuTimes? CpuTimes()
    {
        try
        {
            // "running-ns runnable-ns timeslices": time on a CPU, then time ready to run with no core free.
            var text = buffer.AsSpan(0, RandomAccess.Read(file, buffer, 0));
            var space = text.IndexOf((byte)' ');
            if (space < 0)
            {
                return null;
            }

            var rest = text[(space + 1)..];
            var end = rest.IndexOf((byte)' ');
            return Nanoseconds(text[..space]) is { } running && Nanoseconds(end < 0 ? rest : rest[..end]) is { } runnable
                ? new CpuTimes(running, runnable)
                : null;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return null; // the worker has stopped
        }
    }

    private static TimeSpan? Nanoseconds(ReadOnlySpan<byte> digits) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? TimeSpan.FromTicks(value / 100) : null;

    public bool WaitsForGil => waitsForGil;

    public TimeSpan RequestTime() => TimeSpan.FromTicks(Interlocked.Read(ref requestTicks));

    /// <summary>Counts time the owning thread spent in a request (called by that thread only).</summary>
    public void AddRequestTime(TimeSpan elapsed) => Interlocked.Add(ref requestTicks, elapsed.Ticks);

    /// <summary>Says whether the owning thread is waiting for the GIL (called by that thread only).</summary>
    public void SetWaitingForGil(bool waiting) => waitsForGil = waiting;

    public void Dispose() => file.Dispose();
}
