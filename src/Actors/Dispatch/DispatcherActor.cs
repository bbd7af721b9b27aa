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
/// between threads, which costs more than the request itself for a small app.
/// </remarks>
public sealed class DispatcherActor(IQueuePolicy queue, ILogger logger) : Actor
{
    private readonly Stack<IActorRef> idle = new();
    private int workers;
    private int busy;
    private long dispatched;
    private long dropped;

    protected override void Receive(object message)
    {
        switch (message)
        {
            case RequestArrived arrived:
                if (idle.Count > 0 && queue.Count == 0)
                {
                    Assign(idle.Pop(), arrived.Job);
                }
                else
                {
                    queue.Enqueue(arrived.Job);
                }

                break;
            case RequestFinished finished:
                busy--;
                NextFor(finished.Worker);
                break;
            case WorkerReady ready:
                workers++;
                DispatcherLog.WorkerReady(logger, ready.Worker.Name, workers);
                NextFor(ready.Worker);
                break;
            case GetDispatcherStats request:
                request.ReplyTo.Tell(new DispatcherStats(workers, busy, queue.Count, dispatched, dropped));
                break;
        }
    }

    private void NextFor(IActorRef worker)
    {
        while (queue.TakeNext() is { } job)
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
        busy++;
        dispatched++;
        worker.Tell(new Run(job));
    }
}
