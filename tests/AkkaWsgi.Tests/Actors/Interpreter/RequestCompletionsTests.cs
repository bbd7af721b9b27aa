using AkkaWsgi.Actors.Interpreter;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Interpreter;

/// <summary>
/// The completion thread: where finished requests run, and when a worker's posts wake it or are run by the worker. The brief wait is set to a
/// minute, so a completion that runs within the tests' patience was woken, not timed out.
/// </summary>
public sealed class RequestCompletionsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // Long enough to show that nothing woke the thread; short enough for a test to pass or fail in good time.
    private static readonly TimeSpan NotWoken = TimeSpan.FromMilliseconds(300);

    private readonly RequestCompletions completions = new(NullLogger.Instance, maxDelay: TimeSpan.FromMinutes(1));

    public void Dispose() => completions.Dispose();

    [Fact]
    public void Post_FromAnyThread_RunsOnTheCompletionThreadAtOnce() => AssertAPostRunsOnTheCompletionThread();

    [Fact]
    public void Post_FromAWorkerWithMoreToRun_WaitsUntilTheWorkerRunsItItself()
    {
        OnWorkerThread(() =>
        {
            BecomeAWorkerWithTheThreadWaitingBriefly();

            var second = new Item();
            completions.Post(second);
            Assert.False(second.Ran.Wait(NotWoken), "a worker's post woke the thread while it waits briefly");

            completions.RunQueuedHere();
            Assert.True(second.Ran.IsSet);
            Assert.Equal(Environment.CurrentManagedThreadId, second.ThreadId);
        });
    }

    [Fact]
    public void Post_FromAWorker_WakesTheThreadWhenABatchIsQueued()
    {
        OnWorkerThread(() =>
        {
            BecomeAWorkerWithTheThreadWaitingBriefly();

            var items = Enumerable.Range(0, RequestCompletions.Batch).Select(_ => new Item()).ToList();
            foreach (var item in items.SkipLast(1))
            {
                completions.Post(item);
            }

            Assert.False(items[0].Ran.Wait(NotWoken), "woken before a batch was queued");
            completions.Post(items[^1]);
            Assert.All(items, item => Assert.True(item.Ran.Wait(Patience)));
        });
    }

    [Fact]
    public void Post_FromAnotherThread_WakesTheThreadEvenWhileAWorkerDefers()
    {
        OnWorkerThread(() =>
        {
            BecomeAWorkerWithTheThreadWaitingBriefly();
            var deferred = new Item();
            completions.Post(deferred);

            var other = new Item();
            OnWorkerThread(() => completions.Post(other)); // a thread that never deferred, as the dispatcher's

            Assert.True(other.Ran.Wait(Patience));
            Assert.True(deferred.Ran.Wait(Patience)); // taken along
        });
    }

    [Fact]
    public void Post_FromAWorkerHoldingWakes_LeavesTheSleepingThreadAlone_ForTheWorkerToRunItItself()
    {
        OnWorkerThread(() =>
        {
            var held = HoldAPostWithTheThreadAsleep();
            Assert.False(held.Ran.Wait(NotWoken), "a held post woke the sleeping thread");

            completions.RunQueuedHere();
            Assert.True(held.Ran.IsSet);
            Assert.Equal(Environment.CurrentManagedThreadId, held.ThreadId);

            // The hold ended there: the next post wakes the thread again.
            Assert.True(SpinWait.SpinUntil(() => completions.Sleeps, Patience));
            AssertAPostRunsOnTheCompletionThread();
        });
    }

    [Fact]
    public void ReleaseHeld_WakesTheSleepingThreadForWhatWasHeld()
    {
        OnWorkerThread(() =>
        {
            var held = HoldAPostWithTheThreadAsleep();

            completions.ReleaseHeld();

            Assert.True(held.Ran.Wait(Patience), "released, the held post was left with the thread asleep");
            Assert.Equal("akkawsgi.complete", held.Thread);
        });
    }

    [Fact]
    public void Post_AFailingCompletion_DoesNotStopTheOnesAfterIt()
    {
        completions.Post(new Item { Fails = true });
        var next = new Item();
        completions.Post(next);

        Assert.True(next.Ran.Wait(Patience));
    }

    [Fact]
    public void Dispose_RunsWhatIsQueued_AndAPostAfterItRunsOnThePostingThread()
    {
        var local = new RequestCompletions(NullLogger.Instance, maxDelay: TimeSpan.FromMinutes(1));
        var queued = Enumerable.Range(0, 50).Select(_ => new Item()).ToList();
        queued.ForEach(local.Post);

        local.Dispose();
        Assert.All(queued, item => Assert.True(item.Ran.IsSet));

        var late = new Item();
        local.Post(late);
        Assert.True(late.Ran.IsSet);
        Assert.Equal(Environment.CurrentManagedThreadId, late.ThreadId);
    }

    [Fact]
    public void AWaitShorterThanAMillisecond_IsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new RequestCompletions(NullLogger.Instance, maxDelay: TimeSpan.FromMicroseconds(250)));

        Assert.Equal("maxDelay", error.ParamName);
    }

    [Fact]
    public void Dispose_FromACompletion_ReturnsInsteadOfWaitingForItself()
    {
        var local = new RequestCompletions(NullLogger.Instance, maxDelay: TimeSpan.FromMinutes(1));
        var disposed = new ManualResetEventSlim();
        local.Post(new Item { Then = () => { local.Dispose(); disposed.Set(); } });

        Assert.True(disposed.Wait(Patience), "Dispose on the completion thread waited for that thread");
    }

    /// <summary>
    /// Marks the calling thread as a worker's and has one of its completions run, so that the completion thread then
    /// waits briefly, the state in which a worker's posts do not wake it.
    /// </summary>
    private void BecomeAWorkerWithTheThreadWaitingBriefly()
    {
        completions.DeferOnCurrentThread();
        var first = new Item();
        completions.Post(first); // the thread was idle: woken at once
        Assert.True(first.Ran.Wait(Patience));
        Assert.True(SpinWait.SpinUntil(() => completions.WaitsBriefly, Patience));
    }

    private void AssertAPostRunsOnTheCompletionThread()
    {
        var item = new Item();

        completions.Post(item);

        Assert.True(item.Ran.Wait(Patience));
        Assert.Equal("akkawsgi.complete", item.Thread);
    }

    /// <summary>Marks the calling thread as a worker's that holds its wakes, and posts while the thread sleeps.</summary>
    private Item HoldAPostWithTheThreadAsleep()
    {
        completions.DeferOnCurrentThread();
        Assert.True(SpinWait.SpinUntil(() => completions.Sleeps, Patience));
        completions.HoldWakes();
        var held = new Item();
        completions.Post(held);
        return held;
    }

    private static void OnWorkerThread(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
#pragma warning disable CA1031 // reported on the test's thread
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        if (failure is not null)
        {
            throw new AggregateException(failure);
        }
    }

    private sealed class Item : IThreadPoolWorkItem
    {
        public ManualResetEventSlim Ran { get; } = new();

        public string? Thread { get; private set; }

        public int ThreadId { get; private set; }

        public bool Fails { get; init; }

        public Action? Then { get; init; }

        public void Execute()
        {
            Thread = System.Threading.Thread.CurrentThread.Name;
            ThreadId = Environment.CurrentManagedThreadId;
            Ran.Set();
            Then?.Invoke();
            if (Fails)
            {
                throw new InvalidOperationException("the connection side failed");
            }
        }
    }
}
