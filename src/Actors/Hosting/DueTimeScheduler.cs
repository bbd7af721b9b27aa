using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace AkkaWsgi.Actors.Hosting;

/// <summary>
/// Akka's scheduler on the runtime's timers: a thread is woken when something falls due, not on every tick.
/// </summary>
/// <remarks>
/// Akka's own scheduler ticks every 10 ms for the life of the actor system, whether anything is due or not, and each
/// tick wakes the runtime's timer thread (two or three times: it counts whole milliseconds) and a pool thread that then
/// spins before it sleeps again: an idle server of two worker processes and its supervisor used about 80 ms of CPU a
/// second (docs/performance.md). Here every scheduled item is a timer of its own, gone once it has fired or been cancelled,
/// and it fires at its time rather than at the first tick after it. As with Akka's scheduler, what is still pending
/// when the actor system stops is run then (a message to an actor that is gone becomes a dead letter), so nothing that
/// waits for a timeout is left waiting for ever; nothing can be scheduled after that.
/// </remarks>
public sealed class DueTimeScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    // The longest due time or period a runtime timer takes; a longer delay is waited for in steps.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(0xfffffffe);

    // Far more than any runtime timer fires ahead of its time, far less than a step of a delay beyond LongestTimer.
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(1);

    private readonly TimeProvider time;
    private readonly long origin;
    private readonly ConcurrentDictionary<Entry, byte> pending = new();
    private volatile bool stopped;

    /// <summary>The constructor Akka calls for <c>akka.scheduler.implementation</c>.</summary>
    public DueTimeScheduler(Config config, ILoggingAdapter log)
        : this(config, log, TimeProvider.System)
    {
    }

    /// <summary>A scheduler on <paramref name="time"/>'s timers (tests pass a clock they move).</summary>
    public DueTimeScheduler(Config config, ILoggingAdapter log, TimeProvider time)
        : base(config, log)
    {
        ArgumentNullException.ThrowIfNull(time);
        this.time = time;
        origin = time.GetTimestamp();
    }

    /// <summary>The HOCON that makes an actor system use this scheduler.</summary>
    public static string Hocon { get; } = $"akka.scheduler.implementation = \"{typeof(DueTimeScheduler).AssemblyQualifiedName}\"";

    /// <summary>Items scheduled and neither run (if once), cancelled nor stopped: each is a timer that will wake a thread.</summary>
    public int PendingCount => pending.Count;

    protected override DateTimeOffset TimeNow => time.GetUtcNow();

    public override TimeSpan MonotonicClock => time.GetElapsedTime(origin);

    public override TimeSpan HighResMonotonicClock => time.GetElapsedTime(origin);

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(delay, TimeSpan.Zero, new ScheduledTell(receiver, message, sender), cancelable);

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message,
        IActorRef sender, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new ScheduledTell(receiver, message, sender), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Schedule(delay, TimeSpan.Zero, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Schedule(delay, TimeSpan.Zero, action, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, action, cancelable);

    /// <summary>Stops every timer and runs, once, what had not run yet (as Akka's scheduler does when it stops).</summary>
    public void Dispose()
    {
        stopped = true;
        foreach (var entry in pending.Keys)
        {
            entry.RunAtStop();
        }
    }

    // Akka passes null for "not cancelable", whatever the parameter's annotation says.
    private void Schedule(TimeSpan delay, TimeSpan interval, IRunnable action, ICancelable? cancelable)
    {
        if (stopped)
        {
            throw new SchedulerException("cannot schedule after the scheduler stopped");
        }

        if (cancelable?.IsCancellationRequested == true)
        {
            return;
        }

        var entry = new Entry(this, action, cancelable, interval);
        pending.TryAdd(entry, 0);
        entry.Start(delay);
    }

    /// <summary>One scheduled item and its timer.</summary>
    private sealed class Entry(DueTimeScheduler owner, IRunnable action, ICancelable? cancelable, TimeSpan interval)
    {
        private ITimer? timer;
        private CancellationTokenRegistration cancellation;
        private long due;
        private int done;

        private bool Done => Volatile.Read(ref done) != 0;

        public void Start(TimeSpan delay)
        {
            due = owner.time.GetTimestamp() + ToTimestampTicks(delay);
            timer = owner.time.CreateTimer(static state => ((Entry)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (cancelable is not null)
            {
                cancellation = cancelable.Token.Register(static state => ((Entry)state!).Remove(), this);
            }

            Arm(delay);
        }

        /// <summary>Run by the scheduler's stop: the item runs now unless it has already run or been cancelled.</summary>
        public void RunAtStop()
        {
            if (Remove() && cancelable?.IsCancellationRequested != true)
            {
                Run();
            }
        }

        private void Fire()
        {
            if (Done)
            {
                return;
            }

            if (cancelable?.IsCancellationRequested == true)
            {
                Remove();
                return;
            }

            // A runtime timer may fire a few milliseconds early (it reads a coarse clock): that is its time. Only a delay
            // longer than one timer takes can leave much more still to come.
            var now = owner.time.GetTimestamp();
            if (owner.time.GetElapsedTime(now, due) > Early)
            {
                Arm(owner.time.GetElapsedTime(now, due));
                return;
            }

            if (interval <= TimeSpan.Zero)
            {
                if (Remove())
                {
                    Run();
                }

                return;
            }

            Run();

            // At a fixed rate, as Akka's scheduler; after a stall (or a run longer than the interval) the next one comes
            // an interval later, not in a burst.
            var step = ToTimestampTicks(interval);
            now = owner.time.GetTimestamp();
            due = due + step > now ? due + step : now + step;
            Arm(owner.time.GetElapsedTime(now, due));
        }

        private void Run()
        {
            try
            {
                action.Run();
            }
            catch (SchedulerException)
            {
                // Akka's own signal that the target went away as the system stopped.
            }
#pragma warning disable CA1031 // a failing item must not take the timers of everyone else with it
            catch (Exception e)
#pragma warning restore CA1031
            {
                owner.Log.Error(e, "A scheduled task failed: {0}", action);
            }
        }

        /// <summary>Takes the item out for good; true for the one caller that did.</summary>
        private bool Remove()
        {
            if (Interlocked.Exchange(ref done, 1) != 0)
            {
                return false;
            }

            timer?.Dispose();
            cancellation.Dispose();
            owner.pending.TryRemove(this, out _);
            return true;
        }

        private void Arm(TimeSpan delay)
        {
            if (Done)
            {
                return;
            }

            try
            {
                // Rounded up to the milliseconds the runtime's timers count, so that an item does not fire before its time.
                var milliseconds = Math.Ceiling(Math.Clamp(delay.TotalMilliseconds, 0, LongestTimer.TotalMilliseconds));
                timer!.Change(TimeSpan.FromMilliseconds(milliseconds), Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Cancelled meanwhile.
            }
        }

        // Capped far beyond any real delay, so that adding it to a timestamp cannot overflow.
        private long ToTimestampTicks(TimeSpan span) =>
            span <= TimeSpan.Zero ? 0 : (long)Math.Min(span.TotalSeconds * owner.time.TimestampFrequency, long.MaxValue / 4);
    }

    /// <summary>A message sent at its time.</summary>
    private sealed class ScheduledTell(ICanTell receiver, object message, IActorRef sender) : IRunnable
    {
        public void Run() => receiver.Tell(message, sender);

        public void Execute() => Run();

        public override string ToString() => $"[{receiver}.Tell({message}, {sender})]";
    }
}
