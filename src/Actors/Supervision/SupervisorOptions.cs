namespace AkkaWsgi.Actors.Supervision;

/// <summary>How the supervisor runs its workers, and whom it tells when they are ready and when it is done.</summary>
public sealed class SupervisorOptions
{
    /// <summary>Worker processes to keep running.</summary>
    public int Processes { get; init; } = 1;

    /// <summary>Time a stopped worker gets to finish its requests (--graceful-timeout) before it is killed, plus <see cref="KillGrace"/>.</summary>
    public TimeSpan GracefulTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Extra time past <see cref="GracefulTimeout"/> before a stopping worker is killed: the worker itself gives its
    /// interpreter threads a few seconds after the grace period, and finalising Python runs atexit handlers.
    /// </summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Time a worker may take to import the application and start listening before it is killed as hung. Large
    /// Django projects import in seconds; five minutes only catches a start-up that waits on something forever.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Time a worker aborted for not starting in time gets to print where it was (Python's fault handler writes the
    /// stack of every thread on SIGABRT) before it is killed.
    /// </summary>
    public TimeSpan AbortGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait before the first retry of a worker that failed at start-up; it doubles with each further failure.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries of a worker that keeps failing at start-up.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A worker that dies unexpectedly within this time of becoming ready is replaced after the start-up retry
    /// delays rather than at once, so that an application crashing on every request does not restart in a tight loop.
    /// </summary>
    public TimeSpan MinimumUptime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Start-up failures in a row, with no worker serving, after which the supervisor gives up and exits instead of
    /// retrying for ever (a service manager then sees the failure). With 1 s doubling that is about 15 s of retries.
    /// </summary>
    public int MaxStartFailures { get; init; } = 5;

    /// <summary>
    /// Worker exit statuses that mean the application cannot start however often it is retried (bad flags, no
    /// Python, the application fails to import): on the first start these end the supervisor at once.
    /// </summary>
    public IReadOnlySet<int> FatalStartExitCodes { get; init; } = new HashSet<int>();

    /// <summary>What worker exit statuses mean, added to the log line that reports one.</summary>
    public IReadOnlyDictionary<int, string> ExitStatusMeanings { get; init; } = new Dictionary<int, string>();

    /// <summary>Called once, when every worker of the first generation is ready.</summary>
    public Action OnReady { get; init; } = () => { };

    /// <summary>Called once, when the last worker has exited after a stop, with the status to exit with.</summary>
    public Action<int> OnFinished { get; init; } = _ => { };
}
