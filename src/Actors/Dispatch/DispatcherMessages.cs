using Akka.Actor;
using AkkaWsgi.Python.Wsgi;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>A connection has a complete request for the application.</summary>
public sealed record RequestArrived(IRequestJob Job);

/// <summary>An interpreter worker is ready for its first request; the watchdog interrupts it through its bridge.</summary>
/// <param name="Schedule">The worker thread's schedule, for telling whether its requests compute and whether it waits for the GIL; null where there is none.</param>
public sealed record WorkerReady(IActorRef Worker, WsgiWorker Bridge, Interpreter.IThreadSchedule? Schedule = null);

/// <summary>An interpreter worker finished its request and can take another.</summary>
public sealed record RequestFinished(IActorRef Worker);

/// <summary>Asks for the dispatcher's counters.</summary>
public sealed record GetDispatcherStats
{
    /// <summary>The one instance; the reply goes to the sender.</summary>
    public static readonly GetDispatcherStats Instance = new();
}

/// <summary>The dispatcher's view of the pool at one moment.</summary>
public sealed record DispatcherStats(int Workers, int Busy, int Queued, long Dispatched, long Dropped, long Rejected, long TimedOut, long ExpiredInQueue, int Stuck);

/// <summary>Asks what every worker is doing (for SIGUSR1).</summary>
public sealed record GetWorkerActivity
{
    /// <summary>The one instance; the reply goes to the sender.</summary>
    public static readonly GetWorkerActivity Instance = new();
}

/// <summary>One worker's current request, or null while it is idle.</summary>
public sealed record WorkerActivity(string Worker, WsgiWorker Bridge, RequestInfo? Request, string? Description, TimeSpan RanFor);

/// <summary>A cron or timer job is due: run it on the next free worker, one background run at a time.</summary>
public sealed record BackgroundJobDue(Background.BackgroundRun Run);

/// <summary>The server is stopping: interrupt every request still running, as if its deadline had passed.</summary>
public sealed record InterruptRunning
{
    /// <summary>The one instance.</summary>
    public static readonly InterruptRunning Instance = new();
}
