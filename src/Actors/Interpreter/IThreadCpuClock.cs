namespace AkkaWsgi.Actors.Interpreter;

/// <summary>The CPU time one worker thread has used so far, and how long it has spent running requests.</summary>
public interface IThreadCpuClock
{
    /// <summary>CPU time used since the thread started, or null if it cannot be read (the thread has ended).</summary>
    TimeSpan? CpuTime();

    /// <summary>Time the thread has spent inside requests (the application's call), since it started.</summary>
    TimeSpan RequestTime();
}
