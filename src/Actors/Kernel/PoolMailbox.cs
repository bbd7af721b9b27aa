namespace AkkaWsgi.Actors.Kernel;

/// <summary>
/// Runs its actor on whichever thread finds it idle: the sender's own thread when possible, the thread
/// pool otherwise, never two threads at once.
/// </summary>
/// <remarks>
/// Running inline on the sender is what makes the hot path cheap: a worker that tells the dispatcher
/// "I'm done" runs the dispatcher right there and finds its next job in its own mailbox, with no
/// thread hop. It cannot recurse without bound, because an actor already on the stack holds its
/// running flag, so a Tell back to it only enqueues.
/// </remarks>
internal sealed class PoolMailbox : Mailbox, IThreadPoolWorkItem
{
    // Bounds how long one sender's thread is lent to this actor, and how long one pool work item
    // holds a pool thread, before the rest goes back to the pool (Akka's dispatcher "throughput").
    // Messages here are small, so a batch this size amortises the hand-off without letting one busy
    // actor hold a sender hostage.
    private const int Throughput = 64;

    private const int Idle = 0;
    private const int Running = 1;

    // Held from construction until Start has run PreStart, and held for good once the actor stops,
    // so nothing ever runs before PreStart or after PostStop.
    private int _state = Running;

    public PoolMailbox(ActorSystem system, Actor actor, string name)
        // Not a single-reader channel: after letting go of the running flag, Run peeks at the queue to see whether
        // a message slipped in, while another thread may already be reading it. The single-reader channel's queue
        // may move its head even on a peek, and under load that delivered a message twice.
        : base(system, actor, name, allowSynchronousContinuations: false, singleReader: false)
    {
    }

    /// <summary>Runs PreStart, then anything sent meanwhile, on the creator's thread.</summary>
    public void Start()
    {
        RunHook(Actor.InvokePreStart, "PreStart");
        Run();
    }

    public override Task StopAsync()
    {
        // If the actor is running, its own loop notices the completed channel once drained; if it
        // is idle, someone has to wake it to drain and run PostStop. The pool does, rather than the
        // caller, so that stopping never runs actor code on the stopper's stack.
        if (Writer.TryComplete() && Interlocked.CompareExchange(ref _state, Running, Idle) == Idle)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return Stopped;
    }

    void IThreadPoolWorkItem.Execute() => Run();

    protected override void OnQueued()
    {
        if (Interlocked.CompareExchange(ref _state, Running, Idle) == Idle)
        {
            Run();
        }
    }

    /// <summary>Processes messages while this thread holds the running flag.</summary>
    private void Run()
    {
        do
        {
            int processed = 0;
            while (processed < Throughput && Reader.TryRead(out object? message))
            {
                Invoke(message);
                processed++;
            }

            if (processed == Throughput && Reader.TryPeek(out _))
            {
                // The flag stays held: the queued work item now owns the mailbox.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }

            if (Reader.Completion.IsCompleted)
            {
                RunHook(Actor.InvokePostStop, "PostStop");
                Terminate();
                return;
            }

            // A full fence (not a plain release store): a sender enqueues and then tries to claim, we
            // release and then look again, so at least one of us sees the other's write and no message
            // is left behind with nobody running.
            Interlocked.Exchange(ref _state, Idle);
        }
        while (HasWork() && Interlocked.CompareExchange(ref _state, Running, Idle) == Idle);
    }

    private bool HasWork() => Reader.TryPeek(out _) || Reader.Completion.IsCompleted;
}
