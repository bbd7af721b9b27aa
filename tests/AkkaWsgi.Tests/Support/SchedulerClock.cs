using Akka.TestKit;

namespace AkkaWsgi.Tests.Support;

/// <summary>A <see cref="TimeProvider"/> that reads Akka's <see cref="TestScheduler"/>, so one virtual clock drives both.</summary>
/// <remarks>Only for reading the time: actors schedule through Akka, never through this provider's timers.</remarks>
public sealed class SchedulerClock(TestScheduler scheduler) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => scheduler.Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => scheduler.Now.UtcTicks;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("actors schedule through Akka's scheduler; advance the TestScheduler instead");
}
