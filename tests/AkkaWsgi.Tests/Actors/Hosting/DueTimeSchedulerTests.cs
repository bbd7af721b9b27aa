using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Actors.Hosting;

/// <summary>
/// The scheduler the server's actor systems run on: items fire at their time on a clock the test moves, and nothing is
/// left to wake a thread once an item has run or been cancelled.
/// </summary>
public sealed class DueTimeSchedulerTests : IDisposable
{
    private readonly ManualTimeProvider time = new();
    private readonly DueTimeScheduler scheduler;

    public DueTimeSchedulerTests() => scheduler = new DueTimeScheduler(Config.Empty, NoLogger.Instance, time);

    private IActionScheduler Actions => ((IScheduler)scheduler).Advanced;

    private Cancelable NewCancelable() => new((IScheduler)scheduler);

    [Fact]
    public void Once_FiresAtItsTime_NotBefore_AndLeavesNoTimer()
    {
        var fired = 0;
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(5), () => fired++);
        Assert.Equal(1, time.ActiveTimerCount);

        time.Advance(TimeSpan.FromMilliseconds(4.9));
        Assert.Equal(0, fired);
        time.Advance(TimeSpan.FromMilliseconds(0.1));
        Assert.Equal(1, fired);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, fired);
        Assert.Equal(0, time.ActiveTimerCount);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public void NothingScheduled_NoTimerAtAll()
    {
        // The point of this scheduler: an actor system with nothing due has nothing that wakes a thread.
        Actions.ScheduleOnce(TimeSpan.Zero, () => { });
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public void Repeated_FiresAtAFixedRate_UntilCancelled_ThenLeavesNoTimer()
    {
        var fired = new List<TimeSpan>();
        var start = time.GetTimestamp();
        var cancelable = NewCancelable();
        Actions.ScheduleRepeatedly(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(150), () => fired.Add(time.GetElapsedTime(start)), cancelable);

        time.Advance(TimeSpan.FromMilliseconds(700));
        Assert.Equal([100, 250, 400, 550, 700], fired.Select(t => t.TotalMilliseconds));

        cancelable.Cancel();
        Assert.Equal(0, time.ActiveTimerCount);
        Assert.Equal(0, scheduler.PendingCount);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, fired.Count);
    }

    [Fact]
    public void Repeated_RunsOneAtATime_AndSkipsWhatAStallMissed()
    {
        // A run that takes longer than the interval: the next comes an interval after it, not at once, and never beside it.
        var runs = new List<double>();
        var start = time.GetTimestamp();
        var cancelable = NewCancelable();
        Actions.ScheduleRepeatedly(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), () =>
        {
            runs.Add(time.GetElapsedTime(start).TotalMilliseconds);
            if (runs.Count == 2)
            {
                time.Advance(TimeSpan.FromMilliseconds(35)); // the clock moves while this run is still going
            }
        }, cancelable);

        time.Advance(TimeSpan.FromMilliseconds(80));
        cancelable.Cancel();

        Assert.Equal([10, 20, 65, 75], runs);
    }

    [Fact]
    public void CancelledBeforeItsTime_NeverFires_AndItsTimerGoesAtOnce()
    {
        var fired = false;
        var cancelable = NewCancelable();
        Actions.ScheduleOnce(TimeSpan.FromMinutes(10), () => fired = true, cancelable);
        Assert.Equal(1, scheduler.PendingCount);

        cancelable.Cancel();
        Assert.Equal(0, scheduler.PendingCount);
        Assert.Equal(0, time.ActiveTimerCount);
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.False(fired);
    }

    [Fact]
    public void AlreadyCancelled_IsNotScheduled()
    {
        var cancelable = NewCancelable();
        cancelable.Cancel();
        Actions.ScheduleOnce(TimeSpan.FromSeconds(1), () => throw new InvalidOperationException("must not run"), cancelable);
        Assert.Equal(0, scheduler.PendingCount);
        time.Advance(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void DelayLongerThanOneTimerTakes_FiresAtItsTime()
    {
        // A runtime timer takes at most about 49.7 days; a longer delay is waited for in steps, not cut short.
        var fired = false;
        Actions.ScheduleOnce(TimeSpan.FromDays(60), () => fired = true);
        time.Advance(TimeSpan.FromDays(59.99));
        Assert.False(fired);
        time.Advance(TimeSpan.FromDays(0.01));
        Assert.True(fired);
    }

    [Fact]
    public void FailingItem_DoesNotStopTheOthers()
    {
        var fired = 0;
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(1), () => throw new InvalidOperationException("boom"));
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(2), () => fired++);
        var cancelable = NewCancelable();
        Actions.ScheduleRepeatedly(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1), () => throw new InvalidOperationException("again"), cancelable);

        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, fired);
        Assert.Equal(1, scheduler.PendingCount); // the failing repeated item is still scheduled
        cancelable.Cancel();
    }

    [Fact]
    public void Stop_RunsWhatIsPendingOnce_AndRefusesMore()
    {
        var ran = new List<string>();
        Actions.ScheduleOnce(TimeSpan.FromMinutes(1), () => ran.Add("once"));
        var cancelled = NewCancelable();
        Actions.ScheduleOnce(TimeSpan.FromMinutes(1), () => ran.Add("cancelled"), cancelled);
        cancelled.Cancel();
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(1), () => ran.Add("done"));
        time.Advance(TimeSpan.FromMilliseconds(1));

        scheduler.Dispose();

        Assert.Equal(["done", "once"], ran);
        Assert.Equal(0, time.ActiveTimerCount);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, ran.Count);
        Assert.Throws<SchedulerException>(() => Actions.ScheduleOnce(TimeSpan.FromSeconds(1), () => { }));
    }

    [Fact]
    public void Clocks_ReadTheTimeProvider()
    {
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), scheduler.MonotonicClock);
        Assert.Equal(TimeSpan.FromSeconds(3), scheduler.HighResMonotonicClock);
        Assert.Equal(time.GetUtcNow(), ((IScheduler)scheduler).Now);
    }

    [Fact]
    public async Task RealClock_RepeatsAtItsInterval_WakingOncePerRunAsync()
    {
        // On the machine's own timers, which read a coarse clock and may fire a little early: an interval of 50 ms
        // gives about 20 runs a second, and each run is one timer callback, not a busy round of early ones.
        var clock = new CountingClock();
        using var real = new DueTimeScheduler(Config.Empty, NoLogger.Instance, clock);
        var count = 0;
        var cancelable = new Cancelable((IScheduler)real);
        ((IScheduler)real).Advanced.ScheduleRepeatedly(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), () => Interlocked.Increment(ref count), cancelable);
        var started = TimeProvider.System.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(1));
        cancelable.Cancel();
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        var runs = Volatile.Read(ref count);
        Assert.InRange(runs, 1, (int)(elapsed.TotalMilliseconds / 50) + 1);
        Assert.InRange(clock.Callbacks, runs, runs + 1);
    }

    [Fact]
    public async Task ActorSystem_WithTheServersConfig_RunsOnThisScheduler_AndDeliversTimersAsync()
    {
        using var system = ActorSystem.Create("due-time", ConfigurationFactory.ParseString(DueTimeScheduler.Hocon));
        Assert.IsType<DueTimeScheduler>(system.Scheduler);

        var probe = system.ActorOf(Props.Create(() => new Echo()));
        Assert.Equal("tick after hello", await probe.Ask<string>("hello", TimeSpan.FromSeconds(10)));
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose() => scheduler.Dispose();

    /// <summary>The system clock, counting how often its timers call back.</summary>
    private sealed class CountingClock : TimeProvider
    {
        private int callbacks;

        public int Callbacks => Volatile.Read(ref callbacks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(s =>
            {
                Interlocked.Increment(ref callbacks);
                callback(s);
            }, state, dueTime, period);
    }

    /// <summary>Answers a message through a timer of its own, as the server's actors use timers.</summary>
    private sealed class Echo : UntypedActor, IWithTimers
    {
        private IActorRef? asker;
        private string? asked;

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "tick":
                    asker!.Tell($"tick after {asked}");
                    break;
                case string text:
                    (asker, asked) = (Sender, text);
                    Timers.StartSingleTimer("t", "tick", TimeSpan.FromMilliseconds(20));
                    break;
            }
        }
    }
}
