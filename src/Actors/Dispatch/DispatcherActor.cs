using Akka.Actor;
using AkkaWsgi.Actors.Interpreter;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>
/// Owns the request queue and the list of free interpreter workers, and hands each request to a worker.
/// </summary>
/// <remarks>
/// Free workers are kept as a stack: the worker that finished last takes the next request. It is the one most likely
/// to still hold the GIL and warm caches, and under light load one worker serving everything avoids handing the GIL
/// between threads, which costs more than the request itself for a small app. For the same reason a request waits
/// (at most <see cref="DispatcherOptions.WakeDelay"/>) for a worker that is busy but started only just now, and a worker
/// that finishes while another one waits for the GIL leaves the waiting requests to that one.
/// </remarks>
/// <para>
/// Deadlines are checked on a periodic tick: a request running past the request timeout is handed to the watchdog
/// to interrupt; one waiting in the queue that long is answered 503 without running; a worker still on its request
/// a grace period after the interrupt is stuck, and when every worker is stuck the server is told to exit.
/// </para>
/// <para>
/// It runs on <see cref="Hosting.ActorDispatchers.CallingThread"/>, so the thread that tells it something usually runs
/// it. When handling a message throws, its parent resumes it (<see cref="Hosting.ServerSupervision"/>): the queue and
/// the worker list are what the server cannot lose, and the request the failure was about has been answered first.
/// </para>
public sealed partial class DispatcherActor(IQueuePolicy queue, DispatcherOptions options, IActorRef? watchdog, TimeProvider time, ILogger logger)
    : UntypedActor, IWithTimers
{
    private const string WakeTimer = "wake";

    private readonly Stack<IActorRef> idle = new();
    private readonly Dictionary<IActorRef, RunningRequest> running = [];
    private readonly Dictionary<IActorRef, WsgiWorker> bridges = [];
    private readonly Dictionary<IRequestJob, long> queuedSince = [];
    private readonly Queue<Background.BackgroundRun> backgroundDue = new();
    private readonly ShedReport shedReport = new(time);
    private bool backgroundRunning;

    private bool allStuckReported;
    private long timedOut;
    private long expiredInQueue;
    private long lastAssigned;
    private int workers;
    private long dispatched;
    private long dropped;
    private long rejected;

    /// <summary>Set by Akka: the dispatcher's wake and deadline timers.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the dispatcher's props, on the dispatcher that runs it on its senders' threads.</summary>
    public static Props Props(IQueuePolicy queue, DispatcherOptions options, IActorRef? watchdog, TimeProvider time, ILogger logger) =>
        Akka.Actor.Props.Create(() => new DispatcherActor(queue, options, watchdog, time, logger))
            .WithDispatcher(Hosting.ActorDispatchers.CallingThread);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RequestArrived arrived:
                ResumeTicks();
                try
                {
                    queue.Enqueue(arrived.Job);
                }
                catch (Exception)
                {
                    // Not queued, so nobody else will ever answer it.
                    arrived.Job.Reject(503, null);
                    throw;
                }

                queuedSince[arrived.Job] = time.GetTimestamp();
                if (queue.Count > options.MaxQueue && queue.TakeLowest() is { } shed)
                {
                    queuedSince.Remove(shed);
                    rejected++;
                    if (shedReport.Shed())
                    {
                        DispatcherLog.QueueFull(logger, options.MaxQueue, shed.Exchange.Description, shed.Info.Client?.ToString() ?? "-");
                    }

                    shed.Reject(503, options.QueueFullRetryAfter);
                }

                if (idle.Count > 0 && !HoldForBusyWorker())
                {
                    NextFor(idle.Pop());
                }

                if (queue.Count > 0)
                {
                    ScheduleWakeCheck();
                }

                break;
            case BackgroundJobDue due:
                ResumeTicks();
                backgroundDue.Enqueue(due.Run);
                if (!backgroundRunning && idle.Count > 0)
                {
                    NextFor(idle.Pop());
                }

                break;
            case RequestFinished finished:
                if (running.Remove(finished.Worker, out var ended))
                {
                    if (ended.Job is Background.BackgroundRun)
                    {
                        backgroundRunning = false;
                    }
                    else
                    {
                        queue.Finished(ended.Job);
                        requestsEnded++;
                    }

                    if (ended.Stuck)
                    {
                        DispatcherLog.WorkerRecovered(logger, finished.Worker.Path.Name, ended.Job.Exchange.Description);
                    }
                }

                if (YieldsToWorkerWaitingForGil(finished.Worker))
                {
                    idle.Push(finished.Worker);
                    ScheduleWakeCheck();
                }
                else
                {
                    NextFor(finished.Worker);
                }

                break;
            case WakeCheck:
                WakeIdleWorkers();
                break;
            case DeadlineTick:
                CheckDeadlines();
                break;
            case LoadTick:
                var nothingEnded = requestsEnded == lastRequestsEnded;
                MeasurePythonLoad();
                ReportShed(final: false);
                PauseTicksIfIdle(nothingEnded);
                break;
            case InterruptRunning:
                InterruptAll();
                break;
            case WorkerReady ready:
                workers++;
                bridges[ready.Worker] = ready.Bridge;
                if (ready.Schedule is { } schedule)
                {
                    schedules[ready.Worker] = schedule;
                }

                if (!ticksStarted)
                {
                    ticksStarted = true;
                    StartTicks();
                }

                DispatcherLog.WorkerReady(logger, ready.Worker.Path.Name, workers);
                NextFor(ready.Worker);
                break;
            case GetWorkerActivity:
                var now = time.GetTimestamp();
                Sender.Tell(bridges
                    .Select(b => running.TryGetValue(b.Key, out var r)
                        ? new WorkerActivity(b.Key.Path.Name, b.Value, r.Job.Info, r.Job.Exchange.Description, time.GetElapsedTime(r.Since, now))
                        : new WorkerActivity(b.Key.Path.Name, b.Value, null, null, TimeSpan.Zero))
                    .OrderBy(a => a.Worker, StringComparer.Ordinal)
                    .ToList());
                break;
            case GetDispatcherStats:
                Sender.Tell(new DispatcherStats(workers, running.Count, queue.Count, dispatched, dropped, rejected,
                    timedOut, expiredInQueue, running.Values.Count(r => r.Stuck)));
                break;
        }
    }

    private void NextFor(IActorRef worker)
    {
        try
        {
            TakeWorkFor(worker);
        }
        catch (Exception)
        {
            // Whatever failed, the worker must not be lost to the pool.
            if (!running.ContainsKey(worker) && !idle.Contains(worker))
            {
                idle.Push(worker);
            }

            throw;
        }
    }

    protected override void PostStop() => ReportShed(final: true);

    private void ReportShed(bool final)
    {
        if (shedReport.Due(final) is { } unreported)
        {
            DispatcherLog.QueueStillFull(logger, options.MaxQueue, unreported.Count, Math.Round(unreported.Over.TotalSeconds, 1));
        }
    }

    private void TakeWorkFor(IActorRef worker)
    {
        // Background work goes first but one run at a time, so it gets done even on a busy site while never
        // holding more than one worker.
        if (!backgroundRunning && backgroundDue.TryDequeue(out var background))
        {
            backgroundRunning = true;
            Assign(worker, background, options.BackgroundTimeout);
            return;
        }

        var now = time.GetTimestamp();
        while (queue.TakeNext(running.Count) is { } job)
        {
            queuedSince.Remove(job, out var since);
            if (job.IsAbandoned)
            {
                // The client left while the request waited: running it would only waste a worker.
                dropped++;
                job.Complete();
                continue;
            }

            if (time.GetElapsedTime(since, now) >= options.RequestTimeout)
            {
                // It waited as long as it may run: the client has given up or soon will.
                expiredInQueue++;
                DispatcherLog.ExpiredInQueue(logger, job.Exchange.Description, options.RequestTimeout.TotalSeconds);
                job.Reject(503, null);
                continue;
            }

            options.OnQueueWait?.Invoke(time.GetElapsedTime(since, now));
            Assign(worker, job, options.RequestTimeout);
            return;
        }

        idle.Push(worker);
    }

    private void Assign(IActorRef worker, IRequestJob job, TimeSpan timeout)
    {
        lastAssigned = time.GetTimestamp();
        running[worker] = new RunningRequest(job, lastAssigned, timeout);
        if (job is not Background.BackgroundRun)
        {
            queue.Started(job);
        }

        dispatched++;
        worker.Tell(new Run(job));
    }

    private bool SomeWorkerJustStarted()
    {
        var now = time.GetTimestamp();
        foreach (var request in running.Values)
        {
            if (time.GetElapsedTime(request.Since, now) < options.WakeDelay)
            {
                return true;
            }
        }

        return false;
    }

    private void ScheduleWakeCheck()
    {
        if (idle.Count > 0 && !Timers.IsTimerActive(WakeTimer))
        {
            Timers.StartSingleTimer(WakeTimer, WakeCheck.Instance, options.WakeDelay);
        }
    }

    /// <summary>
    /// When no waiting request was taken for a whole delay, the busy workers are stuck in I/O or long work, and one
    /// idle worker is woken; if the queue still does not move, another one a delay later. The same when requests are
    /// still waiting a delay later while Python is below its limit and requests take long: the busy workers keep taking
    /// requests, but spend part of each waiting with the GIL idle (a page that computes 1 ms around a 2 ms query), and
    /// one more worker puts that time to use. Otherwise nobody else is woken. Waking them all at once on a stall would
    /// also wake them when the stall is only the GIL holder being descheduled, and then they would all fight over the
    /// GIL when it comes back.
    /// </summary>
    private void WakeIdleWorkers()
    {
        if (queue.Count > 0 && idle.Count > 0 && (GilIdleWhileRequestsWait() || time.GetElapsedTime(lastAssigned) >= options.WakeDelay))
        {
            NextFor(idle.Pop());
        }

        if (queue.Count > 0)
        {
            ScheduleWakeCheck();
        }
    }

    private void InterruptAll()
    {
        var now = time.GetTimestamp();
        foreach (var (worker, request) in running)
        {
            if (!request.Interrupted)
            {
                Interrupt(worker, request, time.GetElapsedTime(request.Since, now));
            }
        }
    }

    /// <summary>Has the watchdog raise akkawsgi.RequestTimeout in <paramref name="request"/>, once.</summary>
    private void Interrupt(IActorRef worker, RunningRequest request, TimeSpan ranFor)
    {
        request.Interrupted = true;
        watchdog?.Tell(new Watchdog.Interrupt(bridges[worker], request.Job, ranFor));
    }

    private void CheckDeadlines()
    {
        var now = time.GetTimestamp();
        foreach (var (worker, request) in running)
        {
            var ranFor = time.GetElapsedTime(request.Since, now);
            if (ranFor >= request.Timeout && !request.Interrupted)
            {
                timedOut++;
                Interrupt(worker, request, ranFor);
            }

            if (ranFor >= request.Timeout + (options.StuckGrace ?? request.Timeout) && !request.Stuck)
            {
                request.Stuck = true;
                DispatcherLog.WorkerStuck(logger, worker.Path.Name, request.Job.Exchange.Description, ranFor.TotalSeconds);
            }
        }

        var stuck = running.Values.Count(r => r.Stuck);
        if (workers > 0 && stuck == workers && !allStuckReported)
        {
            allStuckReported = true;
            var reason = $"all {workers} interpreter workers are stuck in requests that ignored the request timeout " +
                $"({string.Join("; ", running.Values.Select(r => r.Job.Exchange.Description))})";
            DispatcherLog.AllWorkersStuck(logger, reason);
            options.OnAllWorkersStuck?.Invoke(reason);
        }
    }

    /// <summary>What one busy worker is doing, as far as deadlines go.</summary>
    private sealed class RunningRequest(IRequestJob job, long since, TimeSpan timeout)
    {
        public IRequestJob Job { get; } = job;

        public long Since { get; } = since;

        public TimeSpan Timeout { get; } = timeout;

        public bool Interrupted { get; set; }

        public bool Stuck { get; set; }
    }

    /// <summary>Scheduled by the dispatcher to itself: time to check deadlines.</summary>
    private sealed record DeadlineTick
    {
        public static readonly DeadlineTick Instance = new();
    }

    /// <summary>Scheduled by the dispatcher to itself: time to look at requests that are still waiting.</summary>
    private sealed record WakeCheck
    {
        public static readonly WakeCheck Instance = new();
    }
}
