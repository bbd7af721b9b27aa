namespace AkkaWsgi.Actors.Interpreter;

/// <summary>What the dispatcher can read of one worker thread: its CPU times, its time in requests, and whether it is waiting for the GIL.</summary>
public interface IThreadSchedule
{
    /// <summary>Time on a CPU and time waiting for one since the thread started, or null if they cannot be read (the thread has ended).</summary>
    CpuTimes? CpuTimes();

    /// <summary>Time the thread has spent inside requests (the application's call), since it started.</summary>
    TimeSpan RequestTime();

    /// <summary>Whether the thread holds a request it cannot start (or go on with) until it gets the GIL.</summary>
    bool WaitsForGil { get; }
}
