using AkkaWsgi.Actors.Kernel;
using AkkaWsgi.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Kernel;

public sealed class SchedulerTests
{
    private static readonly TimeSpan Millisecond = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task ScheduleTellOnce_DeliversAtTheDelayAndNotBefore()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        var probe = new ProbeActor();
        IActorRef actor = system.ActorOf(probe, "timed");

        system.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(5), actor, "tick");
        time.Advance(TimeSpan.FromSeconds(5) - Millisecond);
        Assert.Empty(probe.Messages);
        time.Advance(Millisecond);
        Assert.Equal(["tick"], probe.Messages);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["tick"], probe.Messages);
    }

    [Fact]
    public async Task ScheduleTellRepeatedly_DeliversAtTheInitialDelayThenEveryInterval()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        var probe = new ProbeActor();
        IActorRef actor = system.ActorOf(probe, "periodic");

        using IDisposable schedule = system.Scheduler.ScheduleTellRepeatedly(
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), actor, "tick");
        time.Advance(TimeSpan.FromSeconds(5) - Millisecond);
        Assert.Empty(probe.Messages);
        time.Advance(Millisecond);
        Assert.Single(probe.Messages);
        time.Advance(TimeSpan.FromSeconds(2) - Millisecond);
        Assert.Single(probe.Messages);
        time.Advance(Millisecond);
        Assert.Equal(2, probe.Messages.Count);
        time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(5, probe.Messages.Count);
    }

    [Fact]
    public async Task ScheduleTellOnce_DisposedBeforeItIsDue_NeverDelivers()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        var probe = new ProbeActor();
        IActorRef actor = system.ActorOf(probe, "cancelled");

        IDisposable schedule = system.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(5), actor, "tick");
        schedule.Dispose();
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(probe.Messages);
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public async Task ScheduleTellOnce_DisposedWhileItsMessageWaitsInTheMailbox_NeverDelivers()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        using var gate = new ManualResetEventSlim();
        var probe = new ProbeActor((_, message) =>
        {
            if (message is "block")
            {
                Assert.True(gate.Wait(TestLimits.Wait));
            }
        });
        IActorRef actor = system.ActorOf(probe, "racing");
        IDisposable schedule = system.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(5), actor, "deadline");
        Task blocked = Task.Run(() => actor.Tell("block"));
        await probe.WaitForMessagesAsync(1);

        // The timer fires while the actor is busy, so its message is queued, not yet received.
        time.Advance(TimeSpan.FromSeconds(5));
        schedule.Dispose();
        actor.Tell("after");
        gate.Set();
        await blocked.WaitAsync(TestLimits.Wait);

        Assert.Equal(["block", "after"], await probe.WaitForMessagesAsync(2));
    }

    [Fact]
    public async Task ScheduleTellRepeatedly_DisposedByTheTargetInItsReceive_StopsAtOnce()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        IDisposable? schedule = null;
        var probe = new ProbeActor((self, _) =>
        {
            if (self.Messages.Count == 3)
            {
                schedule!.Dispose();
            }
        });
        IActorRef actor = system.ActorOf(probe, "self-cancelling");

        schedule = system.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), actor, "tick");
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(3, probe.Messages.Count);
    }

    [Fact]
    public async Task ScheduleTellOnce_ToAnAddressFromElsewhere_DeliversTheBareMessage()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        var target = new ForeignActorRef();

        system.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), target, "tick");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["tick"], target.Messages);
    }

    [Fact]
    public async Task ScheduleTellOnce_ToAStoppedActor_CountsTheUnwrappedMessageAsADeadLetter()
    {
        var time = new ManualTimeProvider();
        using var logs = new RecordingLoggerFactory();
        await using var system = new ActorSystem(time, logs);
        IActorRef actor = system.ActorOf(new ProbeActor(), "stopped");
        await system.StopAsync(actor).WaitAsync(TestLimits.Wait);

        system.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), actor, 12345);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, system.DeadLetterCount);
        Assert.Contains(logs.Entries, entry => entry.Message.Contains(nameof(Int32), StringComparison.Ordinal));
    }
}
