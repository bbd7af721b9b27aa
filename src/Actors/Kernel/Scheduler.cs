namespace AkkaWsgi.Actors.Kernel;

/// <summary>Tells messages later or periodically; request deadlines, park timeouts and cron ride on it.</summary>
public sealed class Scheduler
{
    private readonly TimeProvider _time;

    internal Scheduler(TimeProvider time) => _time = time;

    /// <summary>
    /// Tells <paramref name="message"/> to <paramref name="target"/> after <paramref name="delay"/>.
    /// Disposing the result cancels it. For an actor of a system, once disposed the message is never
    /// received, even if the timer had already fired and the message was waiting in its mailbox.
    /// </summary>
    public IDisposable ScheduleTellOnce(TimeSpan delay, IActorRef target, object message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        return new ScheduledTell(_time, delay, Timeout.InfiniteTimeSpan, target, message);
    }

    /// <summary>
    /// Tells <paramref name="message"/> to <paramref name="target"/> after <paramref name="initialDelay"/>
    /// and then every <paramref name="interval"/> until the result is disposed, with the same guarantee
    /// as <see cref="ScheduleTellOnce"/>. Deliveries are not coalesced: a busy target may find several queued.
    /// </summary>
    public IDisposable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef target, object message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        return new ScheduledTell(_time, initialDelay, interval, target, message);
    }
}
