namespace AkkaWsgi.Tests.Support;

public sealed class ManualTimeProviderTests
{
    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void GetUtcNow_MovesOnlyWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        Assert.Equal(Epoch, time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(Epoch.AddSeconds(3), time.GetUtcNow());
    }

    [Fact]
    public void GetElapsedTime_MeasuresManualTime()
    {
        var time = new ManualTimeProvider();
        long start = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), time.GetElapsedTime(start));
    }

    [Fact]
    public void Advance_FiresTimersInDueOrderWithTheClockAtEachDueTime()
    {
        var time = new ManualTimeProvider();
        var fired = new List<(string Name, DateTimeOffset At)>();
        using var late = time.CreateTimer(_ => fired.Add(("late", time.GetUtcNow())), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var early = time.CreateTimer(_ => fired.Add(("early", time.GetUtcNow())), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var tie = time.CreateTimer(_ => fired.Add(("tie", time.GetUtcNow())), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal([("early", Epoch.AddSeconds(1)), ("late", Epoch.AddSeconds(3)), ("tie", Epoch.AddSeconds(3))], fired);
        Assert.Equal(Epoch.AddSeconds(10), time.GetUtcNow());
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public void Advance_ShortOfTheDueTime_DoesNotFire()
    {
        var time = new ManualTimeProvider();
        int fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.Equal(0, fired);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, fired);
    }

    [Fact]
    public void Advance_OverSeveralPeriods_FiresAPeriodicTimerOncePerPeriod()
    {
        var time = new ManualTimeProvider();
        var at = new List<DateTimeOffset>();
        using var timer = time.CreateTimer(_ => at.Add(time.GetUtcNow()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal([Epoch.AddSeconds(1), Epoch.AddSeconds(3), Epoch.AddSeconds(5)], at);
        Assert.Equal(1, time.ActiveTimerCount);
    }

    [Fact]
    public void Change_ReschedulesFromNowAndInfiniteDisables()
    {
        var time = new ManualTimeProvider();
        int fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, fired);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, fired);
        Assert.True(timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        Assert.True(timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, fired);
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public void Dispose_StopsTheTimerAndChangeThenReturnsFalse()
    {
        var time = new ManualTimeProvider();
        int fired = 0;
        var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        timer.Dispose();
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, fired);
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public void Callback_DisposingItsOwnPeriodicTimer_StopsIt()
    {
        var time = new ManualTimeProvider();
        int fired = 0;
        ITimer? timer = null;
        timer = time.CreateTimer(_ => { if (++fired == 2) { timer!.Dispose(); } }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, fired);
    }

    [Fact]
    public void Callback_SchedulingATimerWithinTheAdvancedSpan_FiresItInTheSameAdvance()
    {
        var time = new ManualTimeProvider();
        var at = new List<DateTimeOffset>();
        var timers = new List<ITimer>();
        using var first = time.CreateTimer(
            _ => timers.Add(time.CreateTimer(_ => at.Add(time.GetUtcNow()), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan)),
            null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([Epoch.AddSeconds(3)], at);
    }

    [Fact]
    public void CreateTimer_WithZeroDueTime_FiresBeforeReturning()
    {
        var time = new ManualTimeProvider();
        int fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        Assert.Equal(1, fired);
    }

    [Fact]
    public async Task Delay_OnTheProvider_CompletesWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        Task delay = Task.Delay(TimeSpan.FromSeconds(30), time);
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(30));
        await delay.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void CancellationTokenSource_OnTheProvider_CancelsWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cancellation.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cancellation.IsCancellationRequested);
    }

    [Fact]
    public void Callback_RunsInTheExecutionContextCapturedAtCreation()
    {
        var time = new ManualTimeProvider();
        var local = new AsyncLocal<string>();
        string? seen = null;
        ITimer timer;
        local.Value = "captured";
        timer = time.CreateTimer(_ => seen = local.Value, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        local.Value = "later";
        time.Advance(TimeSpan.FromSeconds(1));
        timer.Dispose();
        Assert.Equal("captured", seen);
    }

    [Fact]
    public void SetUtcNow_Backwards_Throws()
    {
        var time = new ManualTimeProvider();
        Assert.Throws<ArgumentOutOfRangeException>(() => time.SetUtcNow(Epoch.AddSeconds(-1)));
    }

    [Fact]
    public void LocalTimeZone_IsUtcUntilSet()
    {
        var time = new ManualTimeProvider();
        Assert.Equal(TimeZoneInfo.Utc, time.LocalTimeZone);
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test+2", TimeSpan.FromHours(2), "Test+2", "Test+2");
        time.SetLocalTimeZone(zone);
        Assert.Equal(zone, time.LocalTimeZone);
        Assert.Equal(TimeSpan.FromHours(2), time.GetLocalNow().Offset);
    }

    [Fact]
    public async Task PeriodicTimer_OnTheProvider_TicksWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        using var periodic = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        ValueTask<bool> tick = periodic.WaitForNextTickAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await tick.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
