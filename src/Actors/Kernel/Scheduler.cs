namespace AkkaWsgi.Actors.Kernel;

/// <summary>Tells messages later or periodically; request deadlines, park timeouts and cron ride on it.</summary>
public sealed class Scheduler
{
    private readonly TimeProvider _time;

    internal Scheduler(TimeProvider time) => _time = time;

    /// <summary>
    /// Tells <paramref name="message"/> to <paramref name="target"/> after <paramref name="delay"/>.
    /// Disposing the result cancels it; once disposed the message is never received, even if the
    /// timer had already fired and the message was waiting in the target's mailbox.
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
    /// and then every <paramref name="interval"/> until the result is disposed.
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
