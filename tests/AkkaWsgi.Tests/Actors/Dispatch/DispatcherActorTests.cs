using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using AkkaWsgi.Actors.Background;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Interpreter;
using AkkaWsgi.Actors.Watchdog;
using AkkaWsgi.Python.Wsgi;
using AkkaWsgi.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Dispatch;

/// <summary>
/// The dispatcher on its calling-thread dispatcher, as in the server: every Tell from the test runs it before returning,
/// so what it has done can be checked at once; workers and the watchdog are test probes, time is the TestScheduler's.
/// </summary>
public sealed class DispatcherActorTests : ActorTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DispatcherOptions Options = new()
    {
        WakeDelay = TimeSpan.FromMilliseconds(1),
        MaxQueue = 2,
        RequestTimeout = TimeSpan.FromSeconds(60),
    };
    private readonly IActorRef dispatcher;

    public DispatcherActorTests()
    {
        dispatcher = Start(DispatcherActor.Props(new FifoQueuePolicy(), Options, watchdog: null, Clock, NullLogger.Instance), "dispatcher");
    }

    [Fact]
    public async Task RequestArrived_WithAFreeWorker_RunsAtOnce()
    {
        var worker = Worker("w1");
        dispatcher.Tell(new WorkerReady(worker.Ref, null!));
        var job = new FakeJob("a");

        dispatcher.Tell(new RequestArrived(job));

        Assert.Equal(["a"], worker.WaitForRuns(1));
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

        Assert.Equal(["a"], worker.WaitForRuns(1));
        dispatcher.Tell(new RequestFinished(worker.Ref));
        Assert.Equal(["a", "b"], worker.WaitForRuns(2));
        dispatcher.Tell(new RequestFinished(worker.Ref));
        Assert.Equal(["a", "b", "c"], worker.WaitForRuns(3));
        var stats = await dispatcher.Ask<DispatcherStats>(GetDispatcherStats.Instance, Patience);
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

        Assert.Equal(["a"], second.WaitForRuns(1));
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
        worker.WaitForRuns(1);

        abandoned.IsAbandoned = true;
        dispatcher.Tell(new RequestFinished(worker.Ref));

        Assert.Equal(["a", "c"], worker.WaitForRuns(2));
        Assert.Equal(1, abandoned.Completions);
        var stats = await dispatcher.Ask<DispatcherStats>(GetDispatcherStats.Instance, Patience);
        Assert.Equal(1, stats.Dropped);
    }

    [Fact]
    public async Task WorkerReady_TakesWorkThatQueuedBeforeAnyWorkerStarted()
    {
        dispatcher.Tell(new RequestArrived(new FakeJob("early")));
        var worker = Worker("w1");

        dispatcher.Tell(new WorkerReady(worker.Ref, null!));

        Assert.Equal(["early"], worker.WaitForRuns(1));
    }

    [Fact]
    public async Task RequestArrived_WhileAWorkerHasJustStarted_WaitsForItRatherThanWakingAnother()
    {
        var first = Worker("w1");
        var second = Worker("w2");
        dispatcher.Tell(new WorkerReady(first.Ref, null!));
        dispatcher.Tell(new WorkerReady(second.Ref, null!));
        dispatcher.Tell(new RequestArrived(new FakeJob("a")));
        second.WaitForRuns(1);

        dispatcher.Tell(new RequestArrived(new FakeJob("b")));
        var stats = await dispatcher.Ask<DispatcherStats>(GetDispatcherStats.Instance, Patience);
        dispatcher.Tell(new RequestFinished(second.Ref));

        Assert.Equal(1, stats.Queued);
        Assert.Equal(["a", "b"], second.WaitForRuns(2));
        Assert.Empty(first.Runs);
    }

    [Theory]
    [InlineData(5, 100, 0, false)] // workers used 5 % of a core in requests that mostly wait, so b goes to an idle worker
    [InlineData(20, 100, 0, false)]
    [InlineData(40, 100, 0, false)] // pages computing 0.3 ms around a 0.5 ms query: more of them must wait at once
    [InlineData(40, 100, 30, true)] // on a CPU 40 % of the time, waiting for a core 30 %: of the rest, 0.57 on a CPU
    [InlineData(15, 100, 75, true)] // the same on cores busy with other processes: on a CPU 15 % of the time, waiting for one 75 %
    [InlineData(90, 100, 0, true)] // 90 %: Python is busy, so b waits for the worker that has just started
    [InlineData(60, 600, 0, false)] // pages that compute 0.1 of their time around a query: more of them must wait at once
    [InlineData(90, 900, 0, true)] // the same, but Python is at its limit: another worker would only wait for the GIL
    public void RequestArrived_WhileAWorkerHasJustStarted_WaitsForItOnlyWhilePythonIsBusy(
        int cpuMillisecondsPer100, int inRequestsPer100, int waitingForCorePer100, bool waits)
    {
        var (workers, clocks) = ReadyWorkers(3);

        dispatcher.Tell(new RequestArrived(new FakeJob("long")));
        Assert.Equal(["long"], workers[2].Runs);
        for (var tick = 0; tick < 3; tick++)
        {
            clocks[2].Add(TimeSpan.FromMilliseconds(cpuMillisecondsPer100), inRequests: TimeSpan.FromMilliseconds(inRequestsPer100),
                waitingForCore: TimeSpan.FromMilliseconds(waitingForCorePer100));
            Advance(TimeSpan.FromMilliseconds(100));
        }

        dispatcher.Tell(new RequestArrived(new FakeJob("a")));
        dispatcher.Tell(new RequestArrived(new FakeJob("b")));

        Assert.Equal(["a"], workers[1].Runs);
        Assert.Equal(waits ? [] : ["b"], workers[0].Runs);
    }

    [Fact]
    public void RequestArrived_WhileAWorkerHasJustStarted_KeepsWaitingForIt_WhileNoRequestEnds()
    {
        var (workers, clocks) = ReadyWorkers(3);

        dispatcher.Tell(new RequestArrived(new FakeJob("long")));
        for (var tick = 0; tick < 3; tick++)
        {
            clocks[2].Add(TimeSpan.FromMilliseconds(90), inRequests: TimeSpan.FromMilliseconds(100));
            Advance(TimeSpan.FromMilliseconds(100));
        }

        // A request that computes for longer than a tick: half a core, and no request time until it ends.
        for (var tick = 0; tick < 3; tick++)
        {
            clocks[2].Add(TimeSpan.FromMilliseconds(50), inRequests: TimeSpan.Zero);
            Advance(TimeSpan.FromMilliseconds(100));
        }

        dispatcher.Tell(new RequestArrived(new FakeJob("a")));
        dispatcher.Tell(new RequestArrived(new FakeJob("b")));

        Assert.Equal(["a"], workers[1].Runs);
        Assert.Empty(workers[0].Runs);
    }

    [Fact]
    public void RequestArrived_WhileAWorkerHasJustStarted_WaitsForIt_WhenShortRequestsComputeThoughLittleCpuIsUsedInAll()
    {
        var (workers, clocks) = ReadyWorkers(2);

        // Three windows of 100 ms, each with 40 requests of 1 ms on one worker that computes 0.75 ms of each: a third
        // of a core in all, but three quarters of the time the worker was busy.
        for (var window = 0; window < 3; window++)
        {
            for (var i = 0; i < 40; i++)
            {
                dispatcher.Tell(new RequestArrived(new FakeJob($"short{window}.{i}")));
                Advance(TimeSpan.FromMilliseconds(1));
                clocks[1].Add(TimeSpan.FromMicroseconds(750), inRequests: TimeSpan.FromMilliseconds(1));
                dispatcher.Tell(new RequestFinished(workers[1].Ref));
            }

            Advance(TimeSpan.FromMilliseconds(60));
        }

        dispatcher.Tell(new RequestArrived(new FakeJob("a")));
        dispatcher.Tell(new RequestArrived(new FakeJob("b")));

        Assert.Equal("a", workers[1].Runs[^1]);
        Assert.Empty(workers[0].Runs);
    }

    [Theory]
    [InlineData(90, 100, true, true)] // requests compute and w1 waits for the GIL: w2 lets it have the GIL and the queue
    [InlineData(90, 100, false, false)] // nobody waits for the GIL: w2, which holds it, goes on
    [InlineData(5, 100, true, false)] // requests mostly wait for I/O: w2 goes on at once, whatever w1 does
    [InlineData(90, 900, true, false)] // pages around a query keep Python at its limit: they need w2 waiting too
    public void RequestFinished_WhileAnotherWorkerWaitsForTheGil_LeavesTheWaitingRequestsToIt_OnlyWhileRequestsCompute(
        int cpuMillisecondsPer100, int inRequestsPer100, bool otherWaitsForGil, bool yields)
    {
        var (workers, clocks) = TwoWorkersBothBusy(cpuMillisecondsPer100, inRequestsPer100);
        clocks[0].WaitsForGil = otherWaitsForGil;
        dispatcher.Tell(new RequestArrived(new FakeJob("c")));

        dispatcher.Tell(new RequestFinished(workers[1].Ref));
        clocks[0].WaitsForGil = false;
        dispatcher.Tell(new RequestFinished(workers[0].Ref));

        Assert.Equal(yields ? ["a"] : ["a", "c"], workers[1].Runs);
        Assert.Equal(yields ? ["b", "c"] : ["b"], workers[0].Runs);
    }

    [Fact]
    public void RequestFinished_WhileAnotherWorkerWaitsForTheGil_StaysFreeOnlyUntilTheWakeDelayPassesWithNothingTaken()
    {
        var (workers, clocks) = TwoWorkersBothBusy(cpuMillisecondsPer100: 90, inRequestsPer100: 100);
        clocks[0].WaitsForGil = true;
        dispatcher.Tell(new RequestArrived(new FakeJob("c")));
        dispatcher.Tell(new RequestFinished(workers[1].Ref));
        var afterFinishing = workers[1].Runs.ToList();

        Advance(Options.WakeDelay);

        Assert.Equal(["a"], afterFinishing);
        Assert.Equal(["a", "c"], workers[1].WaitForRuns(2));
        Assert.Equal(["b"], workers[0].Runs);
    }

    /// <summary>
    /// Two workers after three load ticks of the given CPU and time in requests: w2 runs "a", then w1 "b" (given to it
    /// because w2 had been on "a" longer than the wake delay).
    /// </summary>
    private (RecordingWorker[] Workers, FakeSchedule[] Clocks) TwoWorkersBothBusy(int cpuMillisecondsPer100, int inRequestsPer100)
    {
        var (workers, clocks) = ReadyWorkers(2);

        dispatcher.Tell(new RequestArrived(new FakeJob("a")));
        for (var tick = 0; tick < 3; tick++)
        {
            clocks[1].Add(TimeSpan.FromMilliseconds(cpuMillisecondsPer100), inRequests: TimeSpan.FromMilliseconds(inRequestsPer100));
            Advance(TimeSpan.FromMilliseconds(100));
        }

        dispatcher.Tell(new RequestArrived(new FakeJob("b")));
        Assert.Equal(["a"], workers[1].Runs);
        Assert.Equal(["b"], workers[0].Runs);
        return (workers, clocks);
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
        workers[2].WaitForRuns(1);
        dispatcher.Tell(new RequestArrived(new FakeJob("b")));
        dispatcher.Tell(new RequestArrived(new FakeJob("c")));
        Advance(TimeSpan.FromMilliseconds(0.5));
        var before = await dispatcher.Ask<DispatcherStats>(GetDispatcherStats.Instance, Patience);

        Advance(TimeSpan.FromMilliseconds(0.5));
        var afterOneDelay = workers[1].WaitForRuns(1);
        var stillQueued = await dispatcher.Ask<DispatcherStats>(GetDispatcherStats.Instance, Patience);
        Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(2, before.Queued);
        Assert.Equal(["b"], afterOneDelay);
        Assert.Equal(1, stillQueued.Queued);
        Assert.Equal(["c"], workers[0].WaitForRuns(1));
    }

    [Theory]
    [InlineData(35, 38, 10, true)] // 3.8 ms requests computing 0.35 core: their workers leave the GIL idle at times
    [InlineData(35, 38, 100, false)] // 0.38 ms requests: what keeps Python from its core is not the workers
    [InlineData(90, 100, 10, false)] // Python is at its limit: another worker would only wait for the GIL
    public void WaitingRequests_StillThereAfterTheWakeDelay_WakeAnIdleWorker_WhilePythonIsBelowItsLimitAndRequestsTakeLong(
        int cpuMillisecondsPer100, int inRequestsPer100, int requestsPer100, bool wakes)
    {
        var (workers, clocks) = ReadyWorkers(3);

        for (var tick = 0; tick < 3; tick++)
        {
            for (var i = 0; i < requestsPer100; i++)
            {
                dispatcher.Tell(new RequestArrived(new FakeJob($"earlier{tick}.{i}")));
                dispatcher.Tell(new RequestFinished(workers[2].Ref));
            }

            clocks[2].Add(TimeSpan.FromMilliseconds(cpuMillisecondsPer100), inRequests: TimeSpan.FromMilliseconds(inRequestsPer100));
            Advance(TimeSpan.FromMilliseconds(100));
        }

        // w3 keeps taking requests, each held for it as it has just started one, so the queue never waits a whole
        // delay without a request being taken.
        dispatcher.Tell(new RequestArrived(new FakeJob("a")));
        dispatcher.Tell(new RequestArrived(new FakeJob("b")));
        Advance(Options.WakeDelay / 2);
        dispatcher.Tell(new RequestFinished(workers[2].Ref));
        dispatcher.Tell(new RequestArrived(new FakeJob("c")));
        Advance(Options.WakeDelay / 2);

        Assert.Equal(["a", "b"], workers[2].Runs.TakeLast(2));
        Assert.Equal(wakes ? ["c"] : [], workers[1].Runs);
        Assert.Empty(workers[0].Runs);
    }

    [Fact]
    public async Task RequestArrived_WhenTheBusyWorkerStartedLongAgo_GoesToAnIdleWorkerAtOnce()
    {
        var first = Worker("w1");
        var second = Worker("w2");
        dispatcher.Tell(new WorkerReady(first.Ref, null!));
        dispatcher.Tell(new WorkerReady(second.Ref, null!));
        dispatcher.Tell(new RequestArrived(new FakeJob("slow")));
        second.WaitForRuns(1);
        Advance(TimeSpan.FromMilliseconds(5));

        dispatcher.Tell(new RequestArrived(new FakeJob("b")));

        Assert.Equal(["b"], first.WaitForRuns(1));
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

        var stats = await dispatcher.Ask<DispatcherStats>(GetDispatcherStats.Instance, Patience);
        Assert.Equal(2, stats.Queued);
        Assert.Equal(1, stats.Rejected);
        Assert.Equal(503, jobs[3].RejectedWith); // FIFO ranks the newest lowest
        Assert.Equal(TimeSpan.FromSeconds(5), jobs[3].RetryAfter);
        Assert.Null(jobs[1].RejectedWith);
        dispatcher.Tell(new RequestFinished(worker.Ref));
        dispatcher.Tell(new RequestFinished(worker.Ref));
        Assert.Equal(["running", "a", "b"], worker.WaitForRuns(3));
    }

    [Fact]
    public void QueueFull_ForAWhile_LogsTheFirstRequestTurnedAway_ThenHowManyMoreEveryTenSecondsAndAtTheEnd()
    {
        var entries = new ConcurrentQueue<LogEntry>();
        var full = Start(DispatcherActor.Props(new FifoQueuePolicy(), Options, watchdog: null, Clock, new RecordingLogger(entries)), "full");
        var worker = Worker("w1");
        full.Tell(new WorkerReady(worker.Ref, null!));
        var turnedAway = new List<FakeJob>();
        void Arrive(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var job = new FakeJob($"r{turnedAway.Count}");
                turnedAway.Add(job);
                full.Tell(new RequestArrived(job));
            }
        }

        Arrive(3); // one running, two waiting
        Arrive(50);
        Assert.Equal(50, turnedAway.Count(j => j.RejectedWith == 503)); // every one answered, whatever is logged
        Assert.Equal(["queue full (2 waiting): answered 503 to GET /r3 from 203.0.113.1"], Warnings(entries));

        Advance(TimeSpan.FromSeconds(5));
        Arrive(10);
        Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("queue still full (2 waiting): 59 more requests answered 503 in the last 10 s", Warnings(entries)[^1]);

        Advance(TimeSpan.FromSeconds(30)); // nothing more turned away: nothing more to say
        Assert.Equal(2, Warnings(entries).Count);
        Arrive(1); // a new overload starts with a line of its own
        Assert.Equal("queue full (2 waiting): answered 503 to GET /r63 from 203.0.113.1", Warnings(entries)[^1]);

        Arrive(3);
        Advance(TimeSpan.FromSeconds(2));
        Watch(full);
        Sys.Stop(full);
        ExpectTerminated(full, Patience);
        Assert.Equal("queue still full (2 waiting): 3 more requests answered 503 in the last 2 s", Warnings(entries)[^1]);
    }

    [Fact]
    public void Ticks_StopWhileNothingIsToDo_AndStartAgainWithTheNextRequest_DeadlinesIncluded()
    {
        var watchdog = CreateTestProbe("watchdog");
        var options = new DispatcherOptions { RequestTimeout = TimeSpan.FromSeconds(2) };
        var ticking = Start(DispatcherActor.Props(new FifoQueuePolicy(), options, watchdog.Ref, Clock, NullLogger.Instance), "ticking");
        var worker = Worker("w1");
        var clock = new FakeSchedule();
        ticking.Tell(new WorkerReady(worker.Ref, null!, clock));
        ticking.Tell(new RequestArrived(new FakeJob("a")));
        ticking.Tell(new RequestFinished(worker.Ref));

        Advance(options.LoadCheckInterval); // a request ended in this window: measured
        Advance(options.LoadCheckInterval); // nothing ended, nothing running or waiting: measured, then the ticks stop
        var readsWhenIdle = clock.Reads;
        for (var tick = 0; tick < 600; tick++)
        {
            Advance(options.LoadCheckInterval); // a minute, a tick at a time
        }

        var readsAfterAMinute = clock.Reads;

        ticking.Tell(new RequestArrived(new FakeJob("slow")));
        var readsOnArrival = clock.Reads;
        Advance(options.LoadCheckInterval);
        var readsAfterATick = clock.Reads;
        Advance(TimeSpan.FromSeconds(3));

        Assert.InRange(readsWhenIdle, 2, 3);
        Assert.Equal(readsWhenIdle, readsAfterAMinute);
        Assert.Equal(readsWhenIdle + 1, readsOnArrival); // the idle time, measured as one window
        Assert.Equal(readsOnArrival + 1, readsAfterATick);
        Assert.Equal("slow", ((FakeJob)watchdog.ExpectMsg<Interrupt>(Patience).Job).Name);
    }

    [Fact]
    public async Task RunningPastTheTimeout_HandsTheRequestToTheWatchdogOnce_AndDeclaresItStuckAfterTheGrace()
    {
        string? stuckReason = null;
        var watchdog = CreateTestProbe("watchdog");
        var options = new DispatcherOptions { RequestTimeout = TimeSpan.FromSeconds(10), OnAllWorkersStuck = r => stuckReason = r };
        var timed = Start(DispatcherActor.Props(new FifoQueuePolicy(), options, watchdog.Ref, Clock, NullLogger.Instance), "timed");
        var worker = Worker("w1");
        timed.Tell(new WorkerReady(worker.Ref, null!));
        var job = new FakeJob("slow");
        timed.Tell(new RequestArrived(job));
        worker.WaitForRuns(1);

        Advance(TimeSpan.FromSeconds(9));
        var beforeDeadline = watchdog.HasMessages;
        Advance(TimeSpan.FromSeconds(2));
        Advance(TimeSpan.FromSeconds(2));
        var interrupt = watchdog.ExpectMsg<Interrupt>(Patience);
        var afterDeadline = watchdog.HasMessages;
        var notYetStuck = stuckReason;
        Advance(TimeSpan.FromSeconds(8));

        Assert.False(beforeDeadline);
        Assert.False(afterDeadline); // once only
        Assert.Same(job, interrupt.Job);
        Assert.InRange(interrupt.RanFor, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
        Assert.Null(notYetStuck);
        Assert.NotNull(stuckReason);
        Assert.Contains("GET /slow", stuckReason, StringComparison.Ordinal);
        var stats = await timed.Ask<DispatcherStats>(GetDispatcherStats.Instance, Patience);
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
        Advance(TimeSpan.FromSeconds(1)); // no worker "just started" any more: the request may wake an idle one
        dispatcher.Tell(new RequestArrived(new FakeJob("request")));

        Assert.Equal(["background job app.a"], second.WaitForRuns(1));
        Assert.Equal(["request"], first.WaitForRuns(1));
        dispatcher.Tell(new RequestFinished(second.Ref));
        Assert.Equal(["background job app.a", "background job app.b"], second.WaitForRuns(2));
    }

    private RecordingWorker Worker(string name) => new(CreateTestProbe(name));

    /// <summary>Workers w1 … wN, each ready with a schedule of its own; the last one ready is the first given work.</summary>
    private (RecordingWorker[] Workers, FakeSchedule[] Clocks) ReadyWorkers(int count)
    {
        var workers = Enumerable.Range(1, count).Select(i => Worker($"w{i}")).ToArray();
        var clocks = workers.Select(_ => new FakeSchedule()).ToArray();
        for (var i = 0; i < count; i++)
        {
            dispatcher.Tell(new WorkerReady(workers[i].Ref, null!, clocks[i]));
        }

        return (workers, clocks);
    }

    /// <summary>A worker played by a probe: the names of the requests it was given to run, in order.</summary>
    private sealed class RecordingWorker(TestProbe probe)
    {
        private readonly List<string> runs = [];

        public IActorRef Ref => probe.Ref;

        /// <summary>Everything it was given so far (the dispatcher runs on the test's thread, so nothing is in flight).</summary>
        public IReadOnlyList<string> Runs
        {
            get
            {
                while (probe.HasMessages)
                {
                    Take();
                }

                return runs;
            }
        }

        public string[] WaitForRuns(int count)
        {
            while (runs.Count < count)
            {
                Take();
            }

            return [.. runs];
        }

        private void Take()
        {
            var run = probe.ExpectMsg<Run>(Patience);
            runs.Add(run.Job is FakeJob fake ? fake.Name : run.Job.Exchange.Description);
        }
    }

    private static List<string> Warnings(ConcurrentQueue<LogEntry> entries) =>
        [.. entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message)];

    /// <summary>A worker thread's schedule that moves when the test says.</summary>
    private sealed class FakeSchedule : IThreadSchedule
    {
        private CpuTimes used;
        private TimeSpan requests;

        public void Add(TimeSpan cpu, TimeSpan inRequests, TimeSpan waitingForCore = default)
        {
            used += new CpuTimes(cpu, waitingForCore);
            requests += inRequests;
        }

        /// <summary>How often the dispatcher has read the CPU times (once per load tick).</summary>
        public int Reads { get; private set; }

        public CpuTimes? CpuTimes()
        {
            Reads++;
            return used;
        }

        public TimeSpan RequestTime() => requests;

        public bool WaitsForGil { get; set; }
    }
}
