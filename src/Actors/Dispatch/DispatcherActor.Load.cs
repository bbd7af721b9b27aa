using Akka.Actor;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>
/// The dispatcher's view of how busy the workers' Python is, which decides whether a request waits for a busy worker.
/// </summary>
public sealed partial class DispatcherActor
{
    private readonly Dictionary<IActorRef, Interpreter.IThreadSchedule> schedules = [];
    private long lastLoadCheck;
    private Interpreter.CpuTimes lastCpuUsed;
    private TimeSpan lastInRequests;
    private long requestsEnded;
    private long lastRequestsEnded;

    // Whether the requests that ended over the last load tick spent at least PythonLoadToHold of their time on a CPU
    // (time waiting for a core left out), and whether the workers used nearly a core; until measured, assume both (the
    // batching default).
    private bool requestsCompute = true;
    private bool pythonSaturated = true;

    // Whether the requests that ended over the last load tick took at least ShortRequest on average.
    private bool requestsLong;

    /// <summary>
    /// Whether a new request should wait for a worker that has just started one rather than wake an idle worker. Only
    /// while requests compute, or Python is at its limit: then the busy worker holds the GIL and will soon be free, and
    /// a second thread would only fight it for the GIL. When requests mostly wait (a database, an API, a sleep) the busy
    /// worker is not using the GIL for most of its request, so an idle worker is woken at once.
    /// </summary>
    private bool HoldForBusyWorker() => (requestsCompute || pythonSaturated) && SomeWorkerJustStarted();

    /// <summary>
    /// Whether requests that wait for a busy worker are likely waiting while the GIL is idle: Python is below its limit,
    /// and the requests take long enough that the busy workers spend part of each one waiting for I/O. Below its limit
    /// with short requests, what keeps Python from its core is the processes and threads sharing the cores, which
    /// another worker would not help.
    /// </summary>
    private bool GilIdleWhileRequestsWait() => !pythonSaturated && requestsLong;

    /// <summary>
    /// Whether a worker that has just finished should stay free although requests are waiting, because another worker
    /// holds a request and waits for the GIL. Only while requests compute: then the finished worker, which holds the GIL,
    /// would keep it for the next request, and the two would pass the GIL between them every few milliseconds from then
    /// on (each waiting, then forcing the other to let go), all the workers that ever got a request during a stall
    /// staying in the game while the queue is never empty. Going free instead hands the GIL to the waiting worker once,
    /// and the requests go on being served by one thread. Not merely because Python is at its limit: a page that waits
    /// for a database needs several workers waiting at once, and one going free would leave the GIL idle while the
    /// others wait. It never applies to a worker waiting for I/O, which holds no claim on the GIL.
    /// </summary>
    private bool YieldsToWorkerWaitingForGil(IActorRef finished)
    {
        if (!requestsCompute || queue.Count == 0)
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
    /// Measures how much CPU the workers used since the last tick, and how long the requests that ended meanwhile took.
    /// Requests compute when they spent at least <see cref="DispatcherOptions.PythonLoadToHold"/> of their time on a
    /// CPU, not counting the time their threads were ready to run but found every core busy (other processes, the
    /// server's own threads): that is neither computing nor waiting for I/O, and counting it as waiting would make
    /// requests that compute look as if they waited whenever the cores are shared. When none ended (one long request, or
    /// none at all), what was known stays. Python is at its limit when the workers used
    /// <see cref="DispatcherOptions.PythonSaturation"/> of a core or more: with the GIL, Python runs on at most one core
    /// however many workers run it.
    /// </summary>
    private void MeasurePythonLoad()
    {
        var now = time.GetTimestamp();
        var used = default(Interpreter.CpuTimes);
        var inRequests = TimeSpan.Zero;
        foreach (var clock in schedules.Values)
        {
            used += clock.CpuTimes() ?? default;
            inRequests += clock.RequestTime();
        }

        if (lastLoadCheck != 0 && used.Running >= lastCpuUsed.Running && used.WaitingForCore >= lastCpuUsed.WaitingForCore)
        {
            var elapsed = time.GetElapsedTime(lastLoadCheck, now);
            var cpu = used - lastCpuUsed;
            var requests = inRequests - lastInRequests;
            if (requests > TimeSpan.Zero)
            {
                requestsCompute = cpu.Running >= options.PythonLoadToHold * (requests - cpu.WaitingForCore);
                if (requestsEnded > lastRequestsEnded)
                {
                    requestsLong = requests / (requestsEnded - lastRequestsEnded) >= options.ShortRequest;
                }
            }

            pythonSaturated = elapsed <= TimeSpan.Zero || cpu.Running / elapsed >= options.PythonSaturation;
        }

        (lastLoadCheck, lastCpuUsed, lastInRequests, lastRequestsEnded) = (now, used, inRequests, requestsEnded);
    }

    /// <summary>Scheduled by the dispatcher to itself: time to measure how busy the workers' Python is.</summary>
    private sealed record LoadTick
    {
        public static readonly LoadTick Instance = new();
    }
}
