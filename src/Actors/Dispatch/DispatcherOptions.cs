namespace AkkaWsgi.Actors.Dispatch;

/// <summary>How eagerly the dispatcher wakes another interpreter worker.</summary>
public sealed record DispatcherOptions
{
    /// <summary>
    /// A request arriving while a worker started its request less than this long ago waits for that worker instead
    /// of waking an idle one: such a worker is most likely running Python, holding the GIL, and about to finish, and
    /// waking a second thread would only make the two hand the GIL back and forth (measured: about half the
    /// throughput of a small app). When no worker takes the request within this delay, the busy ones are
    /// presumably waiting on I/O without the GIL, and an idle worker is woken. It bounds the latency this can add.
    /// </summary>
    public TimeSpan WakeDelay { get; init; } = TimeSpan.FromMilliseconds(1);
}
