using Akka.Actor;
using Akka.TestKit;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Actors.Interpreter;
using AkkaWsgi.Python.Wsgi;
using AkkaWsgi.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Interpreter;

/// <summary>A real interpreter worker (pinned thread, own CPython thread state) against the shared embedded Python.</summary>
public sealed class InterpreterActorTests : ActorTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // Counts calls in threading.local: the count survives only while the worker keeps its thread state.
    private const string CountingApp = """
        import threading
        local = threading.local()

        def application(environ, start_response):
            local.calls = getattr(local, "calls", 0) + 1
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"%d %d" % (local.calls, threading.get_ident())]
        """;

    [Fact]
    public void Requests_RunOnOneThreadState_SoThreadLocalDataPersists()
    {
        var dispatcher = CreateTestProbe();
        var worker = StartWorker(dispatcher).Worker;

        var bodies = Enumerable.Range(0, 3).Select(_ => RunOne(worker, dispatcher, new Job())).ToList();

        Assert.Equal(["1", "2", "3"], bodies.Select(b => b.Split(' ')[0]));
        Assert.Single(bodies.Select(b => b.Split(' ')[1]).Distinct());
    }

    [Fact]
    public void Failure_EscapingARequest_IsAnswered_AndTheWorkerIsResumedWithItsThreadState()
    {
        var dispatcher = CreateTestProbe();
        var worker = StartWorker(dispatcher).Worker;
        Assert.StartsWith("1 ", RunOne(worker, dispatcher, new Job()), StringComparison.Ordinal);

        // The connection side failing when told the request is over: the worker's own code cannot catch that.
        var failing = new Job { FailOnComplete = true };
        worker.Tell(new Run(failing));
        dispatcher.ExpectMsg<RequestFinished>(Patience);

        Assert.Equal(1, failing.Completions);
        Assert.StartsWith("3 ", RunOne(worker, dispatcher, new Job()), StringComparison.Ordinal);
    }

    [Fact]
    public void AWorkerOutOfWork_FinishesWhatItQueuedOnItsOwnThread()
    {
        // The brief wait is a minute: a completion that runs in time was run by the worker, not timed out.
        using var completions = new RequestCompletions(NullLogger.Instance, maxDelay: TimeSpan.FromMinutes(1));
        var dispatcher = CreateTestProbe();
        var worker = StartWorker(dispatcher, completions).Worker;
        // A completion from elsewhere leaves the completion thread in its brief wait, which a worker's post does not end.
        var other = new Job();
        completions.Post(other);
        Assert.True(other.Finished.Wait(Patience));
        Assert.True(SpinWait.SpinUntil(() => completions.WaitsBriefly, Patience));

        var job = new Job { PostTo = completions };
        RunOne(worker, dispatcher, job);

        Assert.True(job.Finished.Wait(Patience), "the worker ran out of work and left its completion waiting");
        Assert.NotEqual("akkawsgi.complete", job.RanOn);
    }

    [Fact]
    public void AWorkerWithAnotherRequestWaiting_WakesTheSleepingCompletionThreadForTheOneItFinished()
    {
        using var completions = new RequestCompletions(NullLogger.Instance, maxDelay: TimeSpan.FromMinutes(1));
        var dispatcher = CreateTestProbe();
        var worker = StartWorker(dispatcher, completions).Worker;
        Assert.True(SpinWait.SpinUntil(() => completions.Sleeps, Patience));
        var first = new Job { PostTo = completions };
        using var release = new ManualResetEventSlim();
        var second = new Job { BlockCompleteUntil = release };

        EmbeddedPython.Shared.Run(() =>
        {
            // Both queued before the first can run (this thread holds the GIL): the worker ends the first with more to run.
            worker.Tell(new Run(first));
            worker.Tell(new Run(second));
            return true;
        });

        try
        {
            // The worker is now held up in the second's completion: only the completion thread can run the first's.
            Assert.True(first.Finished.Wait(Patience), "the first completion was left with the completion thread asleep");
            Assert.Equal("akkawsgi.complete", first.RanOn);
        }
        finally
        {
            release.Set();
        }

        dispatcher.ExpectMsg<RequestFinished>(Patience);
        dispatcher.ExpectMsg<RequestFinished>(Patience);
    }

    [Fact]
    public void AWorkerWithARequest_ShowsItWaitsForTheGil_UntilItGetsIt()
    {
        var dispatcher = CreateTestProbe();
        var ready = StartWorker(dispatcher);
        var schedule = Assert.IsType<ThreadSchedule>(ready.Schedule);
        Assert.False(schedule.WaitsForGil);
        var job = new Job();

        var sawWaiting = EmbeddedPython.Shared.Run(() =>
        {
            // This thread holds the GIL and runs no Python, so the worker cannot take it until this returns.
            ready.Worker.Tell(new Run(job));
            return SpinWait.SpinUntil(() => schedule.WaitsForGil, Patience);
        });
        dispatcher.ExpectMsg<RequestFinished>(Patience);

        Assert.True(sawWaiting, "the worker never said it was waiting for the GIL");
        Assert.False(schedule.WaitsForGil);
        Assert.StartsWith("1 ", job.Exchange.BodyText, StringComparison.Ordinal);
    }

    private WorkerReady StartWorker(TestProbe dispatcher, RequestCompletions? completions = null)
    {
        var (application, _) = EmbeddedPython.Shared.Load(CountingApp);
        var parent = Start(Props.Create(() => new SupervisingParent(
            InterpreterActor.Props(application, dispatcher.Ref, new InterpreterOptions(), Clock, NullLogger.Instance, completions))));
        var worker = parent.Ask<IActorRef>("child", Patience).GetAwaiter().GetResult();
        var ready = dispatcher.ExpectMsg<WorkerReady>(Patience);
        Assert.Equal(worker, ready.Worker);
        return ready;
    }

    private static string RunOne(IActorRef worker, TestProbe dispatcher, Job job)
    {
        worker.Tell(new Run(job));
        dispatcher.ExpectMsg<RequestFinished>(Patience);
        return job.Exchange.BodyText;
    }

    /// <summary>A parent that applies the server's supervision decisions to the one child it makes.</summary>
    private sealed class SupervisingParent : ReceiveActor
    {
        public SupervisingParent(Props child)
        {
            var made = Context.ActorOf(child, "python-worker-0");
            Receive<string>(_ => Sender.Tell(made));
        }

        protected override SupervisorStrategy SupervisorStrategy() => ServerSupervision.Strategy();
    }

    /// <summary>
    /// A request with a recording exchange; optionally its completion throws once, or is handed to a completion thread
    /// as the server's exchanges are.
    /// </summary>
    private sealed class Job : IRequestJob, IThreadPoolWorkItem
    {
        private int completions;

        public RecordingExchange Exchange { get; } = new();

        IWsgiExchange IRequestJob.Exchange => Exchange;

        public RequestInfo Info { get; } = new(null, "/", false, null);

        public bool IsAbandoned => false;

        public bool FailOnComplete { get; init; }

        public int Completions => Volatile.Read(ref completions);

        public RequestCompletions? PostTo { get; init; }

        /// <summary>When set, the completion (on the worker's thread) waits for it.</summary>
        public ManualResetEventSlim? BlockCompleteUntil { get; init; }

        /// <summary>Set when the completion thread has run this job's completion.</summary>
        public ManualResetEventSlim Finished { get; } = new();

        public void Complete()
        {
            if (Interlocked.Increment(ref completions) == 1 && FailOnComplete)
            {
                throw new InvalidOperationException("the connection side failed");
            }

            BlockCompleteUntil?.Wait(Patience);
            PostTo?.Post(this);
        }

        /// <summary>The name of the thread that ran the completion.</summary>
        public string? RanOn { get; private set; }

        void IThreadPoolWorkItem.Execute()
        {
            RanOn = Thread.CurrentThread.Name;
            Finished.Set();
        }

        public void Reject(int statusCode, TimeSpan? retryAfter) => Complete();
    }
}
