using Akka.Actor;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Actors.Interpreter;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Python.Wsgi;
using AkkaWsgi.Tests.Actors.Dispatch;
using AkkaWsgi.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Hosting;

/// <summary>
/// The server's actor tree with its written supervision decisions: the guardian's real dispatcher, with workers played
/// by probes.
/// </summary>
public sealed class ServerGuardianTests : ActorTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly List<string> fatal = [];

    [Fact]
    public void Dispatcher_ThatThrowsOnARequest_AnswersIt503_AndIsResumedWithItsQueueAndWorkers()
    {
        var worker = CreateTestProbe("worker");
        var queue = new FailingQueue("bad");
        var actors = StartServer(queue, workers: 1, (dispatcher, _) => ProbeWorker.Props(dispatcher, worker.Ref));
        actors.Dispatcher.Tell(new RequestArrived(new FakeJob("first")));
        Assert.Equal("first", Name(worker.ExpectMsg<Run>(Patience)));
        var waiting = new FakeJob("waiting");
        actors.Dispatcher.Tell(new RequestArrived(waiting));

        var bad = new FakeJob("bad");
        actors.Dispatcher.Tell(new RequestArrived(bad));

        AwaitCondition(() => bad.RejectedWith is not null, Patience);
        Assert.Equal(503, bad.RejectedWith);
        // A restart would have lost both the queued request and the worker: resumed, the dispatcher still has them.
        actors.Dispatcher.Tell(new RequestFinished(actors.Interpreters[0]));
        Assert.Equal("waiting", Name(worker.ExpectMsg<Run>(Patience)));
        actors.Dispatcher.Tell(new RequestFinished(actors.Interpreters[0]));
        actors.Dispatcher.Tell(new RequestArrived(new FakeJob("after")));
        Assert.Equal("after", Name(worker.ExpectMsg<Run>(Patience)));
        Assert.Empty(fatal);
    }

    [Fact]
    public void Worker_ThatCannotStart_IsStopped_AndTheServerGoesOnWithTheOthers()
    {
        var worker = CreateTestProbe("worker");
        var actors = StartServer(new FifoQueuePolicy(), workers: 2, (dispatcher, index) =>
            index == 0 ? Props.Create(() => new FailingToStart()) : ProbeWorker.Props(dispatcher, worker.Ref));

        Assert.True(IsTerminated(actors.Interpreters[0]));
        actors.Dispatcher.Tell(new RequestArrived(new FakeJob("served")));

        Assert.Equal("served", Name(worker.ExpectMsg<Run>(Patience)));
        Assert.Empty(fatal);
    }

    [Fact]
    public void LastWorker_Gone_IsFatal_WithTheReason()
    {
        StartServer(new FifoQueuePolicy(), workers: 1, (_, _) => Props.Create(() => new FailingToStart()));

        AwaitCondition(() => Fatal().Count == 1, Patience);
        Assert.Equal(["no interpreter worker is left"], Fatal());
    }

    [Fact]
    public async Task StopInterpreters_StopsEveryWorker_AndIsNotFatal()
    {
        var worker = CreateTestProbe("worker");
        var actors = StartServer(new FifoQueuePolicy(), workers: 3, (dispatcher, _) => ProbeWorker.Props(dispatcher, worker.Ref));
        var guardian = await Sys.ActorSelection("/user/" + AkkaWsgiActorsExtensions.GuardianName).ResolveOne(Patience);

        await guardian.Ask<InterpretersStopped>(StopInterpreters.Instance, Patience);

        Assert.All(actors.Interpreters, i => Assert.True(IsTerminated(i)));
        Assert.Empty(Fatal());
    }

    [Fact]
    public async Task StopInterpreters_AlsoStopsTheBackgroundJobs()
    {
        var worker = CreateTestProbe("worker");
        StartServer(new FifoQueuePolicy(), workers: 1, (dispatcher, _) => ProbeWorker.Props(dispatcher, worker.Ref),
            [new BackgroundJob("app.often", null, TimeSpan.FromMilliseconds(50), null!)]);
        var guardian = await Sys.ActorSelection("/user/" + AkkaWsgiActorsExtensions.GuardianName).ResolveOne(Patience);
        guardian.Tell(StartBackgroundJobs.Instance);
        await guardian.Ask<ServerActors>(GetServerActors.Instance, Patience); // handled after the start
        var jobs = await Sys.ActorSelection($"/user/{AkkaWsgiActorsExtensions.GuardianName}/background-jobs").ResolveOne(Patience);

        await guardian.Ask<InterpretersStopped>(StopInterpreters.Instance, Patience);

        Assert.True(IsTerminated(jobs));
    }

    private ServerActors StartServer(IQueuePolicy queue, int workers, Func<IActorRef, int, Props> workerProps,
        IReadOnlyList<BackgroundJob>? backgroundJobs = null)
    {
        var settings = new ServerActorsSettings
        {
            BackgroundJobs = backgroundJobs ?? [],
            Workers = workers,
            WorkerProps = workerProps,
            Queue = queue,
            Dispatcher = new DispatcherOptions { WakeDelay = TimeSpan.Zero },
            Parking = new ParkingStats(10),
            Time = Clock,
            LoggerFactory = NullLoggerFactory.Instance,
            OnFatal = reason =>
            {
                lock (fatal)
                {
                    fatal.Add(reason);
                }
            },
        };
        var guardian = Start(ServerGuardian.Props(settings), AkkaWsgiActorsExtensions.GuardianName);
        return guardian.Ask<ServerActors>(GetServerActors.Instance, Patience).GetAwaiter().GetResult();
    }

    private List<string> Fatal()
    {
        lock (fatal)
        {
            return [.. fatal];
        }
    }

    private bool IsTerminated(IActorRef actor)
    {
        var probe = CreateTestProbe();
        probe.Watch(actor);
        return probe.ExpectMsg<Terminated>(Patience).ActorRef.Equals(actor);
    }

    private static string Name(Run run) => ((FakeJob)run.Job).Name;

    /// <summary>A queue policy whose Enqueue throws for one request name: a bug in the dispatcher's own code.</summary>
    private sealed class FailingQueue(string failOn) : IQueuePolicy
    {
        private readonly FifoQueuePolicy inner = new();

        public int Count => inner.Count;

        public void Enqueue(IRequestJob job)
        {
            if (job is FakeJob fake && fake.Name == failOn)
            {
                throw new InvalidOperationException("queue policy failed");
            }

            inner.Enqueue(job);
        }

        public IRequestJob? TakeNext(int busyWorkers) => inner.TakeNext(busyWorkers);

        public IRequestJob? TakeLowest() => inner.TakeLowest();

        public void Started(IRequestJob job) => inner.Started(job);

        public void Finished(IRequestJob job) => inner.Finished(job);
    }

    /// <summary>Plays an interpreter worker: reports ready, and passes what it is given to run on to a probe.</summary>
    private sealed class ProbeWorker : ReceiveActor
    {
        private readonly IActorRef dispatcher;

        public ProbeWorker(IActorRef dispatcher, IActorRef probe)
        {
            this.dispatcher = dispatcher;
            Receive<Run>(run => probe.Tell(run));
        }

        public static Props Props(IActorRef dispatcher, IActorRef probe) =>
            Akka.Actor.Props.Create(() => new ProbeWorker(dispatcher, probe));

        protected override void PreStart() => dispatcher.Tell(new WorkerReady(Self, null!));
    }

    /// <summary>An interpreter worker whose start fails, as one whose thread state cannot be created.</summary>
    private sealed class FailingToStart : ReceiveActor
    {
        protected override void PreStart() => throw new InvalidOperationException("no thread state");
    }
}
