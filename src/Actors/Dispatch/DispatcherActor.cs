using AkkaWsgi.Actors.Kernel;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;

using AkkaWsgi.Actors.Interpreter;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>
/// Owns the request queue and the list of free interpreter workers, and hands each request to a worker.
/// </summary>
/// <remarks>
/// Free workers are kept as a stack: the worker that finished last takes the next request. It is the one most likely
/// to still hold the GIL and warm caches, and under light load one worker serving everything avoids handing the GIL
/// between threads, which costs more than the request itself for a small app. For the same reason a request waits
/// (at most <see cref="DispatcherOptions.WakeDelay"/>) for a worker that is busy but started only just now.
/// </remarks>
/// <para>
/// Deadlines are checked on a periodic tick: a request running past the request timeout is handed to the watchdog
/// to interrupt; one waiting in the queue that long is answered 503 without running; a worker still on its request
/// a grace period after the interrupt is stuck, and when every worker is stuck the server is told to exit.
/// </para>
public sealed class DispatcherActor(IQueuePolicy queue, DispatcherOptions options, IActorRef? watchdog, ILogger logger) : Actor
{
    private readonly Stack<IActorRef> idle = new();
    private readonly Dictionary<IActorRef, RunningRequest> running = [];
    private readonly Dictionary<IActorRef, WsgiWorker> bridges = [];
    private readonly Dictionary<IRequestJob, long> queuedSince = [];
    private readonly Queue<Background.BackgroundRun> backgroundDue = new();
    private bool backgroundRunning;
    private IDisposable? wakeCheck;
    private IDisposable? deadlineTick;
    private bool allStuckReported;
    private long timedOut;
    private long expiredInQueue;
    private long lastAssigned;
    private int workers;
    private long dispatched;
    private long dropped;
    private long rejected;

    protected override void Receive(object message)
    {
        switch (message)
        {
            case RequestArrived arrived:
                queue.Enqueue(arrived.Job);
                queuedSince[arrived.Job] = System.Time.GetTimestamp();
                if (queue.Count > options.MaxQueue && queue.TakeLowest() is { } shed)
                {
                    queuedSince.Remove(shed);
                    rejected++;
                    DispatcherLog.QueueFull(logger, options.MaxQueue, shed.Exchange.Description, shed.Info.Client?.ToString() ?? "-");
                    shed.Reject(503, options.QueueFullRetryAfter);
                }

                if (idle.Count > 0 && !SomeWorkerJustStarted())
                {
                    NextFor(idle.Pop());
                }

                if (queue.Count > 0)
                {
                    ScheduleWakeCheck();
                }

                break;
            case BackgroundJobDue due:
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
                    }

                    if (ended.Stuck)
                    {
                        DispatcherLog.WorkerRecovered(logger, finished.Worker.Name, ended.Job.Exchange.Description);
                    }
                }

                NextFor(finished.Worker);
                break;
            case WakeCheck:
                wakeCheck = null;
                WakeIdleWorkers();
                break;
            case DeadlineTick:
                CheckDeadlines();
                break;
            case WorkerReady ready:
                workers++;
                bridges[ready.Worker] = ready.Bridge;
                deadlineTick ??= System.Scheduler.ScheduleTellRepeatedly(
                    options.DeadlineCheckInterval, options.DeadlineCheckInterval, Self, DeadlineTick.Instance);
                DispatcherLog.WorkerReady(logger, ready.Worker.Name, workers);
                NextFor(ready.Worker);
                break;
            case GetWorkerActivity request:
                var now = System.Time.GetTimestamp();
                request.ReplyTo.Tell(bridges
                    .Select(b => running.TryGetValue(b.Key, out var r)
                        ? new WorkerActivity(b.Key.Name, b.Value, r.Job.Info, r.Job.Exchange.Description, System.Time.GetElapsedTime(r.Since, now))
                        : new WorkerActivity(b.Key.Name, b.Value, null, null, TimeSpan.Zero))
                    .OrderBy(a => a.Worker, StringComparer.Ordinal)
                    .ToList());
                break;
            case GetDispatcherStats request:
                request.ReplyTo.Tell(new DispatcherStats(workers, running.Count, queue.Count, dispatched, dropped, rejected,
                    timedOut, expiredInQueue, running.Values.Count(r => r.Stuck)));
                break;
        }
    }

    private void NextFor(IActorRef worker)
    {
        // Background work goes first but one run at a time, so it gets done even on a busy site while never
        // holding more than one worker.
        if (!backgroundRunning && backgroundDue.TryDequeue(out var background))
        {
            backgroundRunning = true;
            Assign(worker, background, options.BackgroundTimeout);
            return;
        }

        var now = System.Time.GetTimestamp();
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

            if (System.Time.GetElapsedTime(since, now) >= options.RequestTimeout)
            {
                // It waited as long as it may run: the client has given up or soon will.
                expiredInQueue++;
                DispatcherLog.ExpiredInQueue(logger, job.Exchange.Description, options.RequestTimeout.TotalSeconds);
                job.Reject(503, null);
                continue;
            }

            Assign(worker, job, options.RequestTimeout);
            return;
        }

        idle.Push(worker);
    }

    private void Assign(IActorRef worker, IRequestJob job, TimeSpan timeout)
    {
        lastAssigned = System.Time.GetTimestamp();
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
        var now = System.Time.GetTimestamp();
        foreach (var request in running.Values)
        {
            if (System.Time.GetElapsedTime(request.Since, now) < options.WakeDelay)
            {
                return true;
            }
        }

        return false;
    }

    private void ScheduleWakeCheck()
    {
        if (wakeCheck is null && idle.Count > 0)
        {
            wakeCheck = System.Scheduler.ScheduleTellOnce(options.WakeDelay, Self, WakeCheck.Instance);
        }
    }

    /// <summary>
    /// When no waiting request was taken for a whole delay, the busy workers are stuck in I/O or long work, and one
    /// idle worker is woken; if the queue still does not move, another one a delay later. While the busy ones keep
    /// taking requests, nobody else is woken. Waking them all at once on a stall would also wake them when the stall
    /// is only the GIL holder being descheduled, and then they would all fight over the GIL when it comes back.
    /// </summary>
    private void WakeIdleWorkers()
    {
        if (queue.Count > 0 && idle.Count > 0 && System.Time.GetElapsedTime(lastAssigned) >= options.WakeDelay)
        {
            NextFor(idle.Pop());
        }

        if (queue.Count > 0)
        {
            ScheduleWakeCheck();
        }
    }

    private void CheckDeadlines()
    {
        var now = System.Time.GetTimestamp();
        foreach (var (worker, request) in running)
        {
            var ranFor = System.Time.GetElapsedTime(request.Since, now);
            if (ranFor >= request.Timeout && !request.Interrupted)
            {
                request.Interrupted = true;
                timedOut++;
                watchdog?.Tell(new Watchdog.Interrupt(bridges[worker], request.Job, ranFor));
            }

            if (ranFor >= request.Timeout + (options.StuckGrace ?? request.Timeout) && !request.Stuck)
            {
                request.Stuck = true;
                DispatcherLog.WorkerStuck(logger, worker.Name, request.Job.Exchange.Description, ranFor.TotalSeconds);
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
