using Akka.Dispatch;

namespace AkkaWsgi.Actors.Hosting;

/// <summary>
/// Runs an actor's mailbox on the thread that sent it a message, when the actor is idle; Akka's mailbox status still
/// lets only one thread at a time inside the actor.
/// </summary>
/// <remarks>
/// This is what keeps the dispatcher off the thread pool on the request path. A Kestrel thread that tells the dispatcher
/// about a request runs the dispatcher right there, and the request reaches its interpreter thread with one wake-up
/// instead of two; an interpreter thread that reports a finished request runs the dispatcher itself and finds its next
/// request already in its own mailbox, so it keeps the GIL across queued requests. Measured on the request path
/// (docs/performance.md): a thread-pool dispatcher costs 2–6 µs of CPU per request and loses the GIL batching.
/// <para>
/// A mailbox run that schedules another (a Tell to a second actor on this executor, or its own next batch) does not
/// recurse: the run is queued on this thread and taken when the current one returns. A thread never runs more than
/// <see cref="MaxRunsInline"/> of them in a row; the rest go to the thread pool, so a busy actor cannot hold one
/// sender's thread for ever.
/// </para>
/// </remarks>
internal sealed class CallingThreadExecutor(string id) : ExecutorService(id)
{
    // Akka's own dispatcher throughput is 30 messages a run; two such runs per sender is enough to drain the bursts
    // of a request's life (arrival, finish, next assignment) without lending the thread for long.
    private const int MaxRunsInline = 64;

    [ThreadStatic]
    private static Queue<IRunnable>? t_pending;

    [ThreadStatic]
    private static bool t_running;

    public override void Execute(IRunnable run)
    {
        if (t_running)
        {
            (t_pending ??= new Queue<IRunnable>()).Enqueue(run);
            return;
        }

        t_running = true;
        try
        {
            run.Run();
            var pending = t_pending;
            var runs = 1;
            while (pending is { Count: > 0 })
            {
                var next = pending.Dequeue();
                if (++runs > MaxRunsInline)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static mailbox => mailbox.Run(), next, preferLocal: false);
                    continue;
                }

                next.Run();
            }
        }
        finally
        {
            t_running = false;
        }
    }

    public override void Shutdown()
    {
        // Nothing of its own to stop: it owns no thread.
    }
}
