namespace AkkaWsgi.Actors.Interpreter;

/// <summary>What the dispatcher can read of one worker thread: the CPU time it has used, its time in requests, and whether it is waiting for the GIL.</summary>
public interface IThreadSchedule
{
    /// <summary>CPU time used since the thread started, or null if it cannot be read (the thread has ended).</summary>
    TimeSpan? CpuTime();

    /// <summary>Time the thread has spent inside requests (the application's call), since it started.</summary>
    TimeSpan RequestTime();

    /// <summary>Whether the thread holds a request it cannot start (or go on with) until it gets the GIL.</summary>
    bool WaitsForGil { get; }
}
