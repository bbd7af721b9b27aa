using AkkaWsgi.Actors.Kernel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Kernel;

public sealed class DedicatedMailboxTests
{
    [Fact]
    public async Task ActorOfDedicated_ForItsWholeLife_RunsOnOneNamedBackgroundThreadOutsideThePool()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var actor = new HookRecordingActor();
        IActorRef worker = system.ActorOfDedicated(actor, "worker-7");

        worker.Tell("a");
        await Task.Run(() => worker.Tell("b")).WaitAsync(TestLimits.Wait);
        await actor.WaitForEventAsync(HookRecordingActor.MessageEvent("b"));
        Thread thread = actor.Threads[0];
        Assert.True(thread.IsBackground);
        Assert.False(thread.IsThreadPoolThread);
        await system.StopAsync(worker).WaitAsync(TestLimits.Wait);

        Assert.Equal(HookRecordingActor.ThreadStart, actor.Events[0]);
        Assert.Equal(HookRecordingActor.ThreadStop, actor.Events[^1]);
        Assert.All(actor.Threads, used => Assert.Same(thread, used));
        Assert.NotSame(Thread.CurrentThread, thread);
        Assert.Equal("worker-7", thread.Name);
        Assert.False(thread.IsAlive);
    }

    [Fact]
    public async Task ActorOfDedicated_FromStartToStop_CallsHooksInOrderAroundEachBurst()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var actor = new HookRecordingActor();
        IActorRef worker = system.ActorOfDedicated(actor, "hooks");

        await actor.WaitForEventAsync(HookRecordingActor.MailboxEmpty, 1);
        worker.Tell("first");
        await actor.WaitForEventAsync(HookRecordingActor.MailboxEmpty, 2);
        worker.Tell("second");
        await actor.WaitForEventAsync(HookRecordingActor.MailboxEmpty, 3);
        await system.StopAsync(worker).WaitAsync(TestLimits.Wait);

        Assert.Equal(
            [
                HookRecordingActor.ThreadStart,
                HookRecordingActor.Started,
                HookRecordingActor.MailboxEmpty,
                HookRecordingActor.MessageEvent("first"),
                HookRecordingActor.MailboxEmpty,
                HookRecordingActor.MessageEvent("second"),
                HookRecordingActor.MailboxEmpty,
                HookRecordingActor.Stopped,
                HookRecordingActor.ThreadStop,
            ],
            actor.Events);
    }

    [Fact]
    public async Task OnMailboxEmpty_WithMessagesAlreadyQueued_IsCalledOnlyAfterTheLastOfThem()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        using var gate = new ManualResetEventSlim();
        var actor = new HookRecordingActor(message =>
        {
            if (message is "block")
            {
                Assert.True(gate.Wait(TestLimits.Wait));
            }
        });
        IActorRef worker = system.ActorOfDedicated(actor, "burst");
        worker.Tell("block");
        await actor.WaitForEventAsync(HookRecordingActor.MessageEvent("block"));
        int emptiesSoFar = CountOf(actor.Events, HookRecordingActor.MailboxEmpty);

        worker.Tell(1);
        worker.Tell(2);
        worker.Tell(3);
        gate.Set();
        await actor.WaitForEventAsync(HookRecordingActor.MailboxEmpty, emptiesSoFar + 1);

        IReadOnlyList<string> events = actor.Events;
        int blockAt = IndexOf(events, HookRecordingActor.MessageEvent("block"));
        Assert.Equal(
            [
                HookRecordingActor.MessageEvent("block"),
                HookRecordingActor.MessageEvent(1),
                HookRecordingActor.MessageEvent(2),
                HookRecordingActor.MessageEvent(3),
                HookRecordingActor.MailboxEmpty,
            ],
            events.Skip(blockAt).Take(5));
    }

    [Fact]
    public async Task Receive_OnDedicatedActorWhenItThrows_LogsAndKeepsTheSameThread()
    {
        using var logs = new RecordingLoggerFactory();
        await using var system = new ActorSystem(TimeProvider.System, logs);
        var actor = new HookRecordingActor(message =>
        {
            if (message is "boom")
            {
                throw new InvalidOperationException("broken handler");
            }
        });
        IActorRef worker = system.ActorOfDedicated(actor, "sturdy");

        worker.Tell("boom");
        worker.Tell("after");
        await actor.WaitForEventAsync(HookRecordingActor.MessageEvent("after"));

        Assert.Single(actor.Threads.Distinct());
        LogEntry error = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Contains("sturdy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopAsync_OnDedicatedActor_DrainsQueuedMessagesThenRunsStopHooksAndEndsTheThread()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        using var gate = new ManualResetEventSlim();
        var actor = new HookRecordingActor(message =>
        {
            if (message is "block")
            {
                Assert.True(gate.Wait(TestLimits.Wait));
            }
        });
        IActorRef worker = system.ActorOfDedicated(actor, "draining");
        worker.Tell("block");
        await actor.WaitForEventAsync(HookRecordingActor.MessageEvent("block"));
        worker.Tell("queued");

        Task stopping = system.StopAsync(worker);
        Assert.False(stopping.IsCompleted);
        gate.Set();
        await stopping.WaitAsync(TestLimits.Wait);

        IReadOnlyList<string> events = actor.Events;
        Assert.Equal(
            [HookRecordingActor.MessageEvent("queued"), HookRecordingActor.Stopped, HookRecordingActor.ThreadStop],
            events.Skip(IndexOf(events, HookRecordingActor.MessageEvent("queued"))));
        Assert.False(actor.Threads[0].IsAlive);
    }

    private static int IndexOf(IReadOnlyList<string> events, string name)
    {
        for (int i = 0; i < events.Count; i++)
        {
            if (events[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static int CountOf(IReadOnlyList<string> events, string name) => events.Count(recorded => recorded == name);
}
