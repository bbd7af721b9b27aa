using System.Collections.Concurrent;
using AkkaWsgi.Actors.Background;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Interpreter;
using AkkaWsgi.Actors.Kernel;
using AkkaWsgi.Actors.Watchdog;
using AkkaWsgi.Python.Wsgi;
using AkkaWsgi.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Dispatch;

public sealed class DispatcherActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DispatcherOptions Options = new()
    {
        WakeDelay = TimeSpan.FromMilliseconds(1),
        MaxQueue = 2,
        RequestTimeout = TimeSpan.FromSeconds(60),
    };
    private readonly ManualTimeProvider time = new();
    private readonly ActorSystem system;
    private readonly IActorRef dispatcher;

    public DispatcherActorTests()
    {
        system = new ActorSystem(time, NullLoggerFactory.Instance);
        dispatcher = system.ActorOf(
            new DispatcherActor(new FifoQueuePolicy(), Options, watchdog: null, NullLogger.Instance),
            "dispatcher");
    }

    [Fact]
    public async Task RequestArrived_WithAFreeWorker_RunsAtOnce()
    {
        var worker = Worker("w1");
        dispatcher.Tell(new WorkerReady(worker.Ref, null!));
        var job = new FakeJob("a");

        dispatcher.Tell(new RequestArrived(job));

        Assert.Equal(["a"], await worker.WaitForRuns(1));
    }

    [Fact]
    public async Task RequestArrived_WhenAllWorkersBusy_WaitsAndRunsInArrivalOrder()
    {
        var worker = Worker("w1");
        dispatcher.Tell(new WorkerReady(worker.Ref, null!));
        foreach (var name in new[] { "a", "b", "c" })
        {
            dispatcher.Tell(new RequestArrived(new FakeJob(name)));
        }

        Assert.Equal(["a"], await worker.WaitForRuns(1));
        dispatcher.Tell(new RequestFinished(worker.Ref));
        Assert.Equal(["a", "b"], await worker.WaitForRuns(2));
        dispatcher.Tell(new RequestFinished(worker.Ref));
        Assert.Equal(["a", "b", "c"], await worker.WaitForRuns(3));
        var stats = await dispatcher.Ask<DispatcherStats>(r => new GetDispatcherStats(r), Patience);
        Assert.Equal(new DispatcherStats(Workers: 1, Busy: 1, Queued: 0, Dispatched: 3, Dropped: 0, Rejected: 0, TimedOut: 0, ExpiredInQueue: 0, Stuck: 0), stats);
    }

    [Fact]
    public async Task RequestArrived_PrefersTheWorkerThatBecameFreeLast()
    {
        var first = Worker("w1");
        var second = Worker("w2");
        dispatcher.Tell(new WorkerReady(first.Ref, null!));
        dispatcher.Tell(new WorkerReady(second.Ref, null!));

        dispatcher.Tell(new RequestArrived(new FakeJob("a")));

        Assert.Equal(["a"], await second.WaitForRuns(1));
        Assert.Empty(first.Runs);
    }

    [Fact]
    public async Task QueuedRequest_WhoseClientLeft_IsCompletedWithoutRunning()
    {
        var worker = Worker("w1");
        dispatcher.Tell(new WorkerReady(worker.Ref, null!));
        dispatcher.Tell(new RequestArrived(new FakeJob("a")));
        var abandoned = new FakeJob("gone");
        dispatcher.Tell(new RequestArrived(abandoned));
        dispatcher.Tell(new RequestArrived(new FakeJob("c")));
        await worker.WaitForRuns(1);

        abandoned.IsAbandoned = true;
        dispatcher.Tell(new RequestFinished(worker.Ref));

        Assert.Equal(["a", "c"], await worker.WaitForRuns(2));
        Assert.Equal(1, abandoned.Completions);
        var stats = await dispatcher.Ask<DispatcherStats>(r => new GetDispatcherStats(r), Patience);
        Assert.Equal(1, stats.Dropped);
    }

    [Fact]
    public async Task WorkerReady_TakesWorkThatQueuedBeforeAnyWorkerStarted()
    {
        dispatcher.Tell(new RequestArrived(new FakeJob("early")));
        var worker = Worker("w1");

        dispatcher.Tell(new WorkerReady(worker.Ref, null!));

        Assert.Equal(["early"], await worker.WaitForRuns(1));
    }

    [Fact]
    public async Task RequestArrived_WhileAWorkerHasJustStarted_WaitsForItRatherThanWakingAnother()
    {
        var first = Worker("w1");
        var second = Worker("w2");
        dispatcher.Tell(new WorkerReady(first.Ref, null!));
        dispatcher.Tell(new WorkerReady(second.Ref, null!));
        dispatcher.Tell(new RequestArrived(new FakeJob("a")));
        await second.WaitForRuns(1);

        dispatcher.Tell(new RequestArrived(new FakeJob("b")));
        var stats = await dispatcher.Ask<DispatcherStats>(r => new GetDispatcherStats(r), Patience);
        dispatcher.Tell(new RequestFinished(second.Ref));

        Assert.Equal(1, stats.Queued);
        Assert.Equal(["a", "b"], await second.WaitForRuns(2));
        Assert.Empty(first.Runs);
    }

    [Fact]
    public async Task WaitingRequests_NotTakenWithinTheWakeDelay_WakeOneIdleWorkerPerDelay()
    {
        var workers = new[] { Worker("w1"), Worker("w2"), Worker("w3") };
        foreach (var w in workers)
        {
            dispatcher.Tell(new WorkerReady(w.Ref, null!));
        }

        dispatcher.Tell(new RequestArrived(new FakeJob("slow")));
        await workers[2].WaitForRuns(1);
        dispatcher.Tell(new RequestArrived(new FakeJob("b")));
        dispatcher.Tell(new RequestArrived(new FakeJob("c")));
        time.Advance(TimeSpan.FromMilliseconds(0.5));
        var before = await dispatcher.Ask<DispatcherStats>(r => new GetDispatcherStats(r), Patience);

        time.Advance(TimeSpan.FromMilliseconds(0.5));
        var afterOneDelay = await workers[1].WaitForRuns(1);
        var stillQueued = await dispatcher.Ask<DispatcherStats>(r => new GetDispatcherStats(r), Patience);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(2, before.Queued);
        Assert.Equal(["b"], afterOneDelay);
        Assert.Equal(1, stillQueued.Queued);
        Assert.Equal(["c"], await workers[0].WaitForRuns(1));
    }

    [Fact]
    public async Task RequestArrived_WhenTheBusyWorkerStartedLongAgo_GoesToAnIdleWorkerAtOnce()
    {
        var first = Worker("w1");
        var second = Worker("w2");
        dispatcher.Tell(new WorkerReady(first.Ref, null!));
        dispatcher.Tell(new WorkerReady(second.Ref, null!));
        dispatcher.Tell(new RequestArrived(new FakeJob("slow")));
        await second.WaitForRuns(1);
        time.Advance(TimeSpan.FromMilliseconds(5));

        dispatcher.Tell(new RequestArrived(new FakeJob("b")));

        Assert.Equal(["b"], await first.WaitForRuns(1));
    }

    [Fact]
    public async Task RequestArrived_WhenTheQueueIsFull_TurnsAwayTheLowestRankedWith503AndRetryAfter()
    {
        var worker = Worker("w1");
        dispatcher.Tell(new WorkerReady(worker.Ref, null!));
        var jobs = new[] { new FakeJob("running"), new FakeJob("a"), new FakeJob("b"), new FakeJob("c") };

        foreach (var job in jobs)
        {
            dispatcher.Tell(new RequestArrived(job));
        }

        var stats = await dispatcher.Ask<DispatcherStats>(r => new GetDispatcherStats(r), Patience);
        Assert.Equal(2, stats.Queued);
        Assert.Equal(1, stats.Rejected);
        Assert.Equal(503, jobs[3].RejectedWith); // FIFO ranks the newest lowest
        Assert.Equal(TimeSpan.FromSeconds(5), jobs[3].RetryAfter);
        Assert.Null(jobs[1].RejectedWith);
        dispatcher.Tell(new RequestFinished(worker.Ref));
        dispatcher.Tell(new RequestFinished(worker.Ref));
        Assert.Equal(["running", "a", "b"], await worker.WaitForRuns(3));
    }

    [Fact]
    public async Task RunningPastTheTimeout_HandsTheRequestToTheWatchdogOnce_AndDeclaresItStuckAfterTheGrace()
    {
        var interrupts = new List<Interrupt>();
        string? stuckReason = null;
        var watchdog = system.ActorOf(new Probe(m => { lock (interrupts) { interrupts.Add((Interrupt)m); } }), "watchdog");
        var options = new DispatcherOptions { RequestTimeout = TimeSpan.FromSeconds(10), OnAllWorkersStuck = r => stuckReason = r };
        var timed = system.ActorOf(new DispatcherActor(new FifoQueuePolicy(), options, watchdog, NullLogger.Instance), "timed");
        var worker = Worker("w1");
        timed.Tell(new WorkerReady(worker.Ref, null!));
        var job = new FakeJob("slow");
        timed.Tell(new RequestArrived(job));
        await worker.WaitForRuns(1);

        time.Advance(TimeSpan.FromSeconds(9));
        var beforeDeadline = Count(interrupts);
        time.Advance(TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(2));
        var afterDeadline = Count(interrupts);
        var notYetStuck = stuckReason;
        time.Advance(TimeSpan.FromSeconds(8));

        Assert.Equal(0, beforeDeadline);
        Assert.Equal(1, afterDeadline);
        Assert.Same(job, interrupts[0].Job);
        Assert.InRange(interrupts[0].RanFor, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
        Assert.Null(notYetStuck);
        Assert.NotNull(stuckReason);
        Assert.Contains("GET /slow", stuckReason, StringComparison.Ordinal);
        var stats = await timed.Ask<DispatcherStats>(r => new GetDispatcherStats(r), Patience);
        Assert.Equal((1L, 1), (stats.TimedOut, stats.Stuck));
    }

    [Fact]
    public async Task BackgroundJobs_RunOneAtATime_OnFreeWorkers_WhileRequestsKeepBeingServed()
    {
        var first = Worker("w1");
        var second = Worker("w2");
        dispatcher.Tell(new WorkerReady(first.Ref, null!));
        dispatcher.Tell(new WorkerReady(second.Ref, null!));
        var doneA = 0;
        var jobA = new BackgroundRun(new BackgroundJob("app.a", null, TimeSpan.FromSeconds(1), null!), () => doneA++);
        var jobB = new BackgroundRun(new BackgroundJob("app.b", null, TimeSpan.FromSeconds(1), null!), () => { });

        dispatcher.Tell(new BackgroundJobDue(jobA));
        dispatcher.Tell(new BackgroundJobDue(jobB));
        time.Advance(TimeSpan.FromSeconds(1)); // no worker "just started" any more: the request may wake an idle one
        dispatcher.Tell(new RequestArrived(new FakeJob("request")));

        Assert.Equal(["background job app.a"], await second.WaitForRuns(1));
        Assert.Equal(["request"], await first.WaitForRuns(1));
        dispatcher.Tell(new RequestFinished(second.Ref));
        Assert.Equal(["background job app.a", "background job app.b"], await second.WaitForRuns(2));
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    private RecordingWorker Worker(string name)
    {
        var worker = new RecordingWorker();
        worker.Ref = system.ActorOf(worker, name);
        return worker;
    }

    private static int Count<T>(List<T> items)
    {
        lock (items)
        {
            return items.Count;
        }
    }

    private sealed class Probe(Action<object> onMessage) : Actor
    {
        protected override void Receive(object message) => onMessage(message);
    }

    private sealed class RecordingWorker : Actor
    {
        private readonly ConcurrentQueue<string> runs = new();

        public IActorRef Ref { get; set; } = null!;

        public IReadOnlyCollection<string> Runs => runs;

        public async Task<string[]> WaitForRuns(int count)
        {
            using var timeout = new CancellationTokenSource(Patience);
            while (runs.Count < count)
            {
                await Task.Delay(5, timeout.Token);
            }

            return [.. runs];
        }

        protected override void Receive(object message)
        {
            if (message is Run run)
            {
                runs.Enqueue(run.Job is FakeJob fake ? fake.Name : run.Job.Exchange.Description);
            }
        }
    }
}
