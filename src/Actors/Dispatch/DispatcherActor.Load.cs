using Akka.Actor;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>
/// The dispatcher's view of how busy the workers' Python is, which decides whether a request waits for a busy worker.
/// </summary>
public sealed partial class DispatcherActor
{
    private readonly Dictionary<IActorRef, Interpreter.IThreadSchedule> schedules = [];
    private long lastLoadCheck;
    private TimeSpan lastCpuUsed;
    private TimeSpan lastInRequests;

    // Whether the workers' Python was busy over the last load tick; until measured, assume so (the batching default).
    private bool pythonBusy = true;

    /// <summary>
    /// Whether a new request should wait for a worker that has just started one rather than wake an idle worker. Only
    /// while requests compute: then the busy worker holds the GIL and will soon be free, and a second thread would only
    /// fight it for the GIL. When requests mostly wait (a database, an API, a sleep) the busy worker is not using the
    /// GIL and will not be free soon, so an idle worker is woken at once.
    /// </summary>
    private bool HoldForBusyWorker() => pythonBusy && SomeWorkerJustStarted();

    /// <summary>
    /// Whether a worker that has just finished should stay free although requests are waiting, because another worker
    /// holds a request and waits for the GIL. Only while requests compute: then the finished worker, which holds the GIL,
    /// would keep it for the next request, and the two would pass the GIL between them every few milliseconds from then
    /// on (each waiting, then forcing the other to let go), all the workers that ever got a request during a stall
    /// staying in the game while the queue is never empty. Going free instead hands the GIL to the waiting worker once,
    /// and the requests go on being served by one thread. It never applies to a worker waiting for I/O, which holds no
    /// claim on the GIL.
    /// </summary>
    private bool YieldsToWorkerWaitingForGil(IActorRef finished)
    {
        if (!pythonBusy || queue.Count == 0)
        {
            return false;
        }

        foreach (var worker in running.Keys)
        {
            if (!worker.Equals(finished) && schedules.TryGetValue(worker, out var schedule) && schedule.WaitsForGil)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Measures how much CPU the workers used since the last tick, and how long they spent in requests. With the GIL,
    /// Python runs on at most one core however many workers run it. Python counts as busy when the workers used half a
    /// core or more (it is near its limit), or when they spent half their time in requests or more on a CPU (their
    /// requests compute). Otherwise their requests mostly wait (on I/O, with the GIL released), and waking another
    /// worker is what serves the next request sooner.
    /// </summary>
    private void MeasurePythonLoad()
    {
        var now = time.GetTimestamp();
        var used = TimeSpan.Zero;
        var inRequests = TimeSpan.Zero;
        foreach (var clock in schedules.Values)
        {
            used += clock.CpuTime() ?? TimeSpan.Zero;
            inRequests += clock.RequestTime();
        }

        if (lastLoadCheck != 0 && used >= lastCpuUsed)
        {
            var elapsed = time.GetElapsedTime(lastLoadCheck, now);
            var cpu = used - lastCpuUsed;
            var requests = inRequests - lastInRequests;
            pythonBusy = elapsed <= TimeSpan.Zero
                || cpu / elapsed >= options.PythonLoadToHold
                || (requests > TimeSpan.Zero && cpu / requests >= options.PythonLoadToHold);
        }

        (lastLoadCheck, lastCpuUsed, lastInRequests) = (now, used, inRequests);
    }

    /// <summary>Scheduled by the dispatcher to itself: time to measure how busy the workers' Python is.</summary>
    private sealed record LoadTick
    {
        public static readonly LoadTick Instance = new();
    }
}
