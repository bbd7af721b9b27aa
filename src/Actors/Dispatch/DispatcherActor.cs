using AkkaWsgi.Actors.Kernel;
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
public sealed class DispatcherActor(IQueuePolicy queue, DispatcherOptions options, ILogger logger) : Actor
{
    private readonly Stack<IActorRef> idle = new();
    private readonly Dictionary<IActorRef, (long Since, IRequestJob Job)> running = [];
    private IDisposable? wakeCheck;
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
                if (queue.Count > options.MaxQueue && queue.TakeLowest() is { } shed)
                {
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
            case RequestFinished finished:
                if (running.Remove(finished.Worker, out var ended))
                {
                    queue.Finished(ended.Job);
                }

                NextFor(finished.Worker);
                break;
            case WakeCheck:
                wakeCheck = null;
                WakeIdleWorkers();
                break;
            case WorkerReady ready:
                workers++;
                DispatcherLog.WorkerReady(logger, ready.Worker.Name, workers);
                NextFor(ready.Worker);
                break;
            case GetDispatcherStats request:
                request.ReplyTo.Tell(new DispatcherStats(workers, running.Count, queue.Count, dispatched, dropped, rejected));
                break;
        }
    }

    private void NextFor(IActorRef worker)
    {
        while (queue.TakeNext(running.Count) is { } job)
        {
            if (job.IsAbandoned)
            {
                // The client left while the request waited: running it would only waste a worker.
                dropped++;
                job.Complete();
                continue;
            }

            Assign(worker, job);
            return;
        }

        idle.Push(worker);
    }

    private void Assign(IActorRef worker, IRequestJob job)
    {
        lastAssigned = System.Time.GetTimestamp();
        running[worker] = (lastAssigned, job);
        queue.Started(job);
        dispatched++;
        worker.Tell(new Run(job));
    }

    private bool SomeWorkerJustStarted()
    {
        var now = System.Time.GetTimestamp();
        foreach (var (since, _) in running.Values)
        {
            if (System.Time.GetElapsedTime(since, now) < options.WakeDelay)
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

    /// <summary>Scheduled by the dispatcher to itself: time to look at requests that are still waiting.</summary>
    private sealed record WakeCheck
    {
        public static readonly WakeCheck Instance = new();
    }
}
