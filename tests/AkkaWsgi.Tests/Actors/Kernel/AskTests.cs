using AkkaWsgi.Actors.Kernel;
using AkkaWsgi.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Kernel;

public sealed class AskTests
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Ask_WhenTargetReplies_CompletesWithTheReply()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        IActorRef echo = system.ActorOf(new ProbeActor((_, message) => ((IActorRef)message).Tell(42)), "answer");

        int reply = await echo.Ask<int>(replyTo => replyTo, AskTimeout).WaitAsync(TestLimits.Wait);

        Assert.Equal(42, reply);
    }

    [Fact]
    public async Task Ask_ToDedicatedActor_CompletesWithTheReplyFromItsThread()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        IActorRef worker = system.ActorOfDedicated(
            new HookRecordingActor(message => ((IActorRef)message).Tell(Environment.CurrentManagedThreadId)), "replier");

        int replyThread = await worker.Ask<int>(replyTo => replyTo, AskTimeout).WaitAsync(TestLimits.Wait);

        Assert.NotEqual(Environment.CurrentManagedThreadId, replyThread);
    }

    [Fact]
    public async Task Ask_WithoutReply_FailsWithTimeoutExactlyWhenTheControlledTimeoutElapses()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        IActorRef silent = system.ActorOf(new ProbeActor(), "silent");

        Task<int> asking = silent.Ask<int>(replyTo => replyTo, AskTimeout);
        time.Advance(AskTimeout - TimeSpan.FromTicks(1));
        Assert.False(asking.IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));

        await Assert.ThrowsAsync<TimeoutException>(() => asking.WaitAsync(TestLimits.Wait));
    }

    [Fact]
    public async Task Ask_WithReplyOfTheWrongType_FailsWithInvalidCastNamingBothTypes()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        IActorRef wrong = system.ActorOf(new ProbeActor((_, message) => ((IActorRef)message).Tell("not a number")), "wrong");

        var failure = await Assert.ThrowsAsync<InvalidCastException>(
            () => wrong.Ask<int>(replyTo => replyTo, AskTimeout).WaitAsync(TestLimits.Wait));

        Assert.Contains(typeof(int).FullName!, failure.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(string).FullName!, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_AfterTheReply_ReleasesItsTimer()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        var replies = new List<IActorRef>();
        IActorRef holder = system.ActorOf(new ProbeActor((_, message) => replies.Add((IActorRef)message)), "holder");

        Task<string> asking = holder.Ask<string>(replyTo => replyTo, AskTimeout);
        Assert.Equal(1, time.ActiveTimerCount);
        Assert.Single(replies).Tell("done");

        Assert.Equal("done", await asking.WaitAsync(TestLimits.Wait));
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public async Task Ask_WhenCancelled_CompletesAsCanceledAndReleasesItsTimer()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        IActorRef silent = system.ActorOf(new ProbeActor(), "silent");
        using var cancellation = new CancellationTokenSource();

        Task<int> asking = silent.Ask<int>(replyTo => replyTo, AskTimeout, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking.WaitAsync(TestLimits.Wait));
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public async Task Ask_ReplyArrivingAfterTheTimeout_CountsADeadLetter()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        var replies = new List<IActorRef>();
        IActorRef slow = system.ActorOf(new ProbeActor((_, message) => replies.Add((IActorRef)message)), "slow");
        Task<int> asking = slow.Ask<int>(replyTo => replyTo, AskTimeout);
        time.Advance(AskTimeout);

        Assert.Single(replies).Tell(7);

        await Assert.ThrowsAsync<TimeoutException>(() => asking.WaitAsync(TestLimits.Wait));
        Assert.Equal(1, system.DeadLetterCount);
    }

    [Fact]
    public async Task Ask_WhenCreatingTheMessageThrows_RethrowsAndReleasesItsTimer()
    {
        var time = new ManualTimeProvider();
        await using var system = new ActorSystem(time, NullLoggerFactory.Instance);
        IActorRef target = system.ActorOf(new ProbeActor(), "target");

        Assert.Throws<FormatException>(() => { _ = target.Ask<int>(_ => throw new FormatException(), AskTimeout); });

        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public void Ask_ToAnAddressNotMadeByAnActorSystem_Throws()
    {
        Assert.Throws<ArgumentException>(() => { _ = new ForeignActorRef().Ask<int>(replyTo => replyTo, AskTimeout); });
    }
}
