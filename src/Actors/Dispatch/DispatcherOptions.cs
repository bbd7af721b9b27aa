namespace AkkaWsgi.Actors.Dispatch;

/// <summary>How eagerly the dispatcher wakes another interpreter worker.</summary>
public sealed record DispatcherOptions
{
    /// <summary>Told how long each request waited for a worker, as it is handed to one (for the metrics).</summary>
    public Action<TimeSpan>? OnQueueWait { get; init; }

    /// <summary>
    /// A request arriving while a worker started its request less than this long ago waits for that worker instead
    /// of waking an idle one: such a worker is most likely running Python, holding the GIL, and about to finish, and
    /// waking a second thread would only make the two hand the GIL back and forth (measured: 16 workers lost a
    /// fifth of a small app's throughput to that at 1 ms, nothing at 5 ms). When no waiting request is taken within
    /// this delay, the busy workers are presumably waiting on I/O without the GIL, and an idle worker is woken. The
    /// default is CPython's own switch interval: a thread that wants the GIL from a busy holder waits that long
    /// before CPython makes the holder let go, so waking a worker sooner would not get Python code running sooner.
    /// It is also about the most latency this can add to a request, and only in a burst: the check is an Akka timer,
    /// which the server's scheduler fires at its time, to the millisecond (<see cref="Hosting.DueTimeScheduler"/>).
    /// </summary>
    public TimeSpan WakeDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// When the interpreter workers spent at least this share of their time in requests on a CPU (not counting time
    /// their threads waited for a free core), over the requests that ended in the last <see cref="LoadCheckInterval"/>,
    /// their requests compute: <see cref="WakeDelay"/> applies (a busy worker will soon be free, and another one would
    /// only wait for the GIL), and a worker that finishes while another waits for the GIL leaves the queue to that one.
    /// Otherwise requests spend a good part of their time waiting on I/O with the GIL released (an application that
    /// waits 10 ms per request spends 0.01 on a CPU, a page that computes 0.4 ms around a 3 ms query about 0.1, one that
    /// computes 0.3 ms around a 0.5 ms query about 0.4), and a new request goes to an idle worker at once, so that enough
    /// of them wait at the same time to keep Python busy. Requests that only compute spend close to all of it.
    /// </summary>
    public double PythonLoadToHold { get; init; } = 0.5;

    /// <summary>
    /// When the workers used at least this many cores' worth of CPU over the last <see cref="LoadCheckInterval"/>, Python
    /// is at its limit whatever its requests do (it runs on one core at a time), and <see cref="WakeDelay"/> applies too:
    /// another worker would add only a thread waiting for the GIL.
    /// </summary>
    /// <remarks>
    /// It used to be a third of a core, which a page that waits for a database reaches long before Python is busy: with
    /// 0.4 ms of Python around a 3 ms wait, new requests then waited for a worker that had just started, and the workers
    /// serving fell to what kept 58 % of a core busy (docs/performance.md, "Pages that compute and wait").
    /// </remarks>
    public double PythonSaturation { get; init; } = 0.85;

    /// <summary>
    /// Requests that take less than this on average (over those that ended in the last <see cref="LoadCheckInterval"/>)
    /// are short: waiting requests then wake an idle worker only when nothing was taken for <see cref="WakeDelay"/>.
    /// Longer ones, while Python is below <see cref="PythonSaturation"/>, wake one each <see cref="WakeDelay"/> that
    /// requests are still waiting: their workers spend part of each request waiting with the GIL idle.
    /// </summary>
    public TimeSpan ShortRequest { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>How often the workers' CPU use is read: often enough to follow a change of load within a fraction of a second.</summary>
    public TimeSpan LoadCheckInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Requests that may wait for a worker. When one more arrives, the waiting request the queue policy ranks
    /// lowest is answered 503 at once: a queue that only grows answers everyone too late.
    /// </summary>
    public int MaxQueue { get; init; } = DefaultMaxQueue;

    /// <summary>
    /// The default <see cref="MaxQueue"/>: room for a thousand clients at once, each waiting its turn, rather than
    /// 503 for all but the first hundred or so.
    /// </summary>
    /// <remarks>
    /// It was 128: with 256 keep-alive clients of a Flask view the server then answered 503 to four requests in five
    /// (clients that retry at once turn a full queue into a storm of them) and served 13k a second; with 1024 it
    /// served every request, 14.5k a second, p99 49 ms (docs/performance.md). The queue holds references only: a
    /// request's body is read, within <c>--max-body-size</c> and <c>--buffer-size</c>, before it is queued either way.
    /// </remarks>
    public const int DefaultMaxQueue = 1024;

    /// <summary>The Retry-After sent with a 503 for a full queue.</summary>
    public TimeSpan QueueFullRetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a request may run before akkawsgi.RequestTimeout is raised in it, and how long one may wait in the
    /// queue before it is answered 503 without running. wsgo's default.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A worker still on the same request this long after it was interrupted is stuck (most likely inside a C call
    /// that does not return, where a Python exception cannot reach it). Null: as long as the request timeout, so a
    /// request is declared stuck at twice its timeout.
    /// </summary>
    public TimeSpan? StuckGrace { get; init; }

    /// <summary>Called once, on the dispatcher, when every worker is stuck: only a new process can serve again.</summary>
    public Action<string>? OnAllWorkersStuck { get; init; }

    /// <summary>How often deadlines are checked: often enough that a deadline is met within a quarter of it.</summary>
    public TimeSpan DeadlineCheckInterval =>
        TimeSpan.FromTicks(Math.Clamp(RequestTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));

    /// <summary>How long a cron or timer job may run before it is interrupted (--background-timeout).</summary>
    public TimeSpan BackgroundTimeout { get; init; } = TimeSpan.FromSeconds(1800);
}
