using System.Globalization;

namespace AkkaWsgi.Tests.Support;

/// <summary>A clock that moves only when a test says so, firing due timers on the test's own thread.</summary>
/// <remarks>
/// <para>
/// <see cref="Advance"/> walks time forward timer by timer: each due timer fires with the clock set to
/// its due time, in due-time order (ties in the order they were scheduled), and a periodic timer fires
/// once per period crossed. Callbacks run synchronously on the caller of <see cref="Advance"/>,
/// outside any lock, so they may create, change or dispose timers, and timers they schedule within the
/// advanced span fire in the same call. A timer created or changed with a zero due time fires before
/// <c>CreateTimer</c> or <c>Change</c> returns, as Microsoft's FakeTimeProvider does.
/// </para>
/// <para>
/// Timestamps are the clock's ticks, so <see cref="TimeProvider.GetElapsedTime(long)"/> measures manual
/// time. The local time zone is UTC unless <see cref="SetLocalTimeZone"/> says otherwise, so results do
/// not depend on the machine. Callbacks run in the execution context captured when the timer was
/// created, as real timers do. Advance is meant to be driven by one thread at a time.
/// </para>
/// </remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    // System.Threading.Timer rejects due times and periods above this many milliseconds.
    private const long MaxSupportedMilliseconds = 0xfffffffe;

    private readonly Lock _gate = new();
    private readonly PriorityQueue<ScheduledEntry, (long DueTicks, long Sequence)> _queue = new();
    private DateTimeOffset _now;
    private long _sequence;
    private int _activeTimerCount;
    private TimeZoneInfo _localTimeZone = TimeZoneInfo.Utc;

    /// <summary>Starts the clock at 2000-01-01T00:00:00Z, FakeTimeProvider's epoch.</summary>
    public ManualTimeProvider()
        : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Starts the clock at <paramref name="startTime"/>.</summary>
    public ManualTimeProvider(DateTimeOffset startTime) => _now = startTime.ToUniversalTime();

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => Volatile.Read(ref _localTimeZone);

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How many timers are scheduled to fire (created or changed with a finite due time, not yet spent or disposed).</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _activeTimerCount;
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Makes <see cref="LocalTimeZone"/> return <paramref name="localTimeZone"/>.</summary>
    public void SetLocalTimeZone(TimeZoneInfo localTimeZone)
    {
        ArgumentNullException.ThrowIfNull(localTimeZone);
        Volatile.Write(ref _localTimeZone, localTimeZone);
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        RunUntil(target);
    }

    /// <summary>Moves the clock forward to <paramref name="value"/>, firing every timer that falls due on the way.</summary>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (_gate)
        {
            if (value < _now)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Time cannot go backwards from {_now:O}.");
            }
        }

        RunUntil(value.ToUniversalTime());
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state, ExecutionContext.Capture());
        timer.Change(dueTime, period);
        return timer;
    }

    /// <inheritdoc />
    public override string ToString() => GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private static void ValidateTimeout(TimeSpan value, string paramName)
    {
        if (value != Timeout.InfiniteTimeSpan && (value < TimeSpan.Zero || value.TotalMilliseconds > MaxSupportedMilliseconds))
        {
            throw new ArgumentOutOfRangeException(paramName, value, "Must be Timeout.InfiniteTimeSpan or between zero and 0xfffffffe milliseconds.");
        }
    }

    private void RunUntil(DateTimeOffset target)
    {
        while (TryTakeDue(target) is { } timer)
        {
            timer.Fire();
        }

        lock (_gate)
        {
            // Never backwards: a callback may itself have advanced the clock past target.
            if (target > _now)
            {
                _now = target;
            }
        }
    }

    /// <summary>Removes the earliest timer due at or before target, moves the clock to its due time, and re-arms it if periodic.</summary>
    private ManualTimer? TryTakeDue(DateTimeOffset target)
    {
        lock (_gate)
        {
            while (_queue.TryPeek(out ScheduledEntry entry, out var priority))
            {
                ManualTimer timer = entry.Timer;
                if (entry.Version != timer.Version)
                {
                    // Superseded by a later Change or Dispose; entries are removed lazily.
                    _queue.Dequeue();
                    continue;
                }

                if (priority.DueTicks > target.UtcTicks)
                {
                    return null;
                }

                _queue.Dequeue();
                if (priority.DueTicks > _now.UtcTicks)
                {
                    _now = new DateTimeOffset(priority.DueTicks, TimeSpan.Zero);
                }

                if (timer.Period is { } period)
                {
                    Enqueue(timer, priority.DueTicks + period.Ticks);
                }
                else
                {
                    timer.IsScheduled = false;
                    _activeTimerCount--;
                }

                return timer;
            }

            return null;
        }
    }

    private bool Change(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        ValidateTimeout(dueTime, nameof(dueTime));
        ValidateTimeout(period, nameof(period));
        bool fireNow;
        lock (_gate)
        {
            if (timer.IsDisposed)
            {
                return false;
            }

            Unschedule(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            // As with System.Threading.Timer, a zero or infinite period means "fire once".
            timer.Period = period == TimeSpan.Zero || period == Timeout.InfiniteTimeSpan ? null : period;
            _activeTimerCount++;
            Enqueue(timer, _now.UtcTicks + dueTime.Ticks);
            fireNow = dueTime == TimeSpan.Zero;
        }

        if (fireNow)
        {
            RunUntil(GetUtcNow());
        }

        return true;
    }

    private void Dispose(ManualTimer timer)
    {
        lock (_gate)
        {
            if (!timer.IsDisposed)
            {
                Unschedule(timer);
                timer.IsDisposed = true;
            }
        }
    }

    private void Unschedule(ManualTimer timer)
    {
        if (timer.IsScheduled)
        {
            timer.IsScheduled = false;
            _activeTimerCount--;
        }

        timer.Version++;
    }

    private void Enqueue(ManualTimer timer, long dueTicks)
    {
        timer.IsScheduled = true;
        _queue.Enqueue(new ScheduledEntry(timer, timer.Version), (dueTicks, _sequence++));
    }

    private readonly record struct ScheduledEntry(ManualTimer Timer, long Version);

    /// <summary>A timer of this provider; its scheduling fields are guarded by the provider's lock.</summary>
    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state, ExecutionContext? context) : ITimer
    {
        /// <summary>Bumped whenever the timer is unscheduled, which turns its queued entries stale.</summary>
        public long Version { get; set; }

        public bool IsScheduled { get; set; }

        public TimeSpan? Period { get; set; }

        public bool IsDisposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => owner.Change(this, dueTime, period);

        public void Dispose() => owner.Dispose(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        public void Fire()
        {
            if (context is null)
            {
                callback(state);
            }
            else
            {
                ExecutionContext.Run(context, static self => ((ManualTimer)self!).FireInContext(), this);
            }
        }

        private void FireInContext() => callback(state);
    }
}
