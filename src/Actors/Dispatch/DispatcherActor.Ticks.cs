namespace AkkaWsgi.Actors.Dispatch;

/// <summary>The dispatcher's periodic ticks (deadlines and Python's load), which stop while it has nothing to do.</summary>
/// <remarks>
/// A server spends much of its life idle, and each tick wakes a thread or two (the load tick also reads every worker
/// thread's CPU times from the kernel) ten times a second for nothing. With no request running or waiting, none ended
/// since the last load tick and no turned-away requests left to report, both ticks stop; the next request or background
/// job starts them again, after measuring the idle time as one load window (Python was not busy in it, as the ticks in
/// between would have found).
/// </remarks>
public sealed partial class DispatcherActor
{
    private const string DeadlineTimer = "deadlines";
    private const string LoadTimer = "load";

    private bool ticksStarted;
    private bool ticksPaused;

    private void StartTicks()
    {
        Timers.StartPeriodicTimer(DeadlineTimer, DeadlineTick.Instance, options.DeadlineCheckInterval);
        Timers.StartPeriodicTimer(LoadTimer, LoadTick.Instance, options.LoadCheckInterval);
    }

    /// <summary>Run by the load tick, which alone decides: the deadline tick comes less often and sees no more.</summary>
    /// <param name="nothingEnded">No request ended in the window the load tick has just measured.</param>
    private void PauseTicksIfIdle(bool nothingEnded)
    {
        if (nothingEnded && running.Count == 0 && queue.Count == 0 && backgroundDue.Count == 0 && shedReport.AllReported)
        {
            Timers.Cancel(DeadlineTimer);
            Timers.Cancel(LoadTimer);
            ticksPaused = true;
        }
    }

    private void ResumeTicks()
    {
        if (ticksPaused)
        {
            ticksPaused = false;
            MeasurePythonLoad();
            StartTicks();
        }
    }
}
