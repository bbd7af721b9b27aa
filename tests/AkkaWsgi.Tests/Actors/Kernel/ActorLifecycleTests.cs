using AkkaWsgi.Actors.Kernel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Kernel;

public sealed class ActorLifecycleTests
{
    [Fact]
    public async Task StopAsync_WithMessagesQueued_ProcessesThemThenRunsPostStop()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        using var gate = new ManualResetEventSlim();
        var probe = new ProbeActor((_, message) =>
        {
            if (message is "block")
            {
                Assert.True(gate.Wait(TestLimits.Wait));
            }
        });
        IActorRef actor = system.ActorOf(probe, "draining");
        Task blocked = Task.Run(() => actor.Tell("block"));
        await probe.WaitForMessagesAsync(1);
        actor.Tell(1);
        actor.Tell(2);

        Task stopping = system.StopAsync(actor);
        Assert.False(stopping.IsCompleted);
        gate.Set();
        await stopping.WaitAsync(TestLimits.Wait);
        await blocked.WaitAsync(TestLimits.Wait);

        Assert.Equal([ProbeActor.PreStartMark, "block", 1, 2, ProbeActor.PostStopMark], probe.Timeline);
    }

    [Fact]
    public async Task StopAsync_OnIdleActor_RunsPostStopAndCompletes()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var probe = new ProbeActor();
        IActorRef actor = system.ActorOf(probe, "idle");

        await system.StopAsync(actor).WaitAsync(TestLimits.Wait);

        Assert.Equal([ProbeActor.PreStartMark, ProbeActor.PostStopMark], probe.Timeline);
    }

    [Fact]
    public async Task StopAsync_FromTheActorsOwnReceive_StopsAfterTheCurrentMessage()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        Task? stopping = null;
        var probe = new ProbeActor((self, message) =>
        {
            if (message is "stop")
            {
                stopping = system.StopAsync(self.Ref);
            }
        });
        IActorRef actor = system.ActorOf(probe, "self-stopping");

        actor.Tell("stop");
        actor.Tell("too late");

        Assert.NotNull(stopping);
        await stopping.WaitAsync(TestLimits.Wait);
        Assert.Equal([ProbeActor.PreStartMark, "stop", ProbeActor.PostStopMark], probe.Timeline);
        Assert.Equal(1, system.DeadLetterCount);
    }

    [Fact]
    public async Task Tell_AfterStop_CountsADeadLetterInsteadOfDelivering()
    {
        using var logs = new RecordingLoggerFactory();
        await using var system = new ActorSystem(TimeProvider.System, logs);
        var probe = new ProbeActor();
        IActorRef actor = system.ActorOf(probe, "gone");
        await system.StopAsync(actor).WaitAsync(TestLimits.Wait);

        actor.Tell("anyone there?");

        Assert.Equal(1, system.DeadLetterCount);
        Assert.Empty(probe.Messages);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Debug && entry.Message.Contains("gone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tell_RacingStopAsync_EachMessageIsEitherProcessedOrCountedAsADeadLetter()
    {
        const int Senders = 3;
        const int PerSender = 20_000;
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        int processed = 0;
        IActorRef actor = system.ActorOf(new CountingActor(() => Interlocked.Increment(ref processed)), "racing-stop");
        using var start = new Barrier(Senders + 1);

        Task[] senders = [.. Enumerable.Range(0, Senders).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait(TestLimits.Wait);
            for (int i = 0; i < PerSender; i++)
            {
                actor.Tell(i);
            }
        }))];
        start.SignalAndWait(TestLimits.Wait);
        Task stopping = system.StopAsync(actor);
        await Task.WhenAll(senders).WaitAsync(TestLimits.Wait);
        await stopping.WaitAsync(TestLimits.Wait);

        Assert.Equal(Senders * PerSender, Volatile.Read(ref processed) + system.DeadLetterCount);
    }

    [Fact]
    public async Task Tell_AfterStopOfDedicatedActor_CountsADeadLetterInsteadOfDelivering()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var actor = new HookRecordingActor();
        IActorRef worker = system.ActorOfDedicated(actor, "retired");
        await system.StopAsync(worker).WaitAsync(TestLimits.Wait);

        worker.Tell("anyone there?");

        Assert.Equal(1, system.DeadLetterCount);
        Assert.DoesNotContain(HookRecordingActor.MessageEvent("anyone there?"), actor.Events);
    }

    [Fact]
    public async Task DeadLetters_Tell_CountsTheMessage()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);

        system.DeadLetters.Tell("nobody wants this");

        Assert.Equal(1, system.DeadLetterCount);
    }

    [Fact]
    public async Task DisposeAsync_StopsEveryActorAndRefusesNewOnes()
    {
        var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var first = new ProbeActor();
        var second = new ProbeActor();
        var dedicated = new HookRecordingActor();
        system.ActorOf(first, "first");
        system.ActorOf(second, "second");
        system.ActorOfDedicated(dedicated, "dedicated");

        await system.DisposeAsync().AsTask().WaitAsync(TestLimits.Wait);

        Assert.Contains(ProbeActor.PostStopMark, first.Timeline);
        Assert.Contains(ProbeActor.PostStopMark, second.Timeline);
        Assert.Equal(HookRecordingActor.ThreadStop, dedicated.Events[^1]);
        Assert.False(dedicated.Threads[0].IsAlive);
        Assert.Throws<ObjectDisposedException>(() => system.ActorOf(new ProbeActor(), "late"));
    }

    [Fact]
    public async Task StopAsync_WithAnAddressFromElsewhere_Throws()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);

        Assert.Throws<ArgumentException>(() => { _ = system.StopAsync(new ForeignActorRef()); });
    }
}
