using System.Diagnostics;

namespace AkkaWsgi.Actors.Kernel;

/// <summary>Runs a <see cref="DedicatedActor"/> on its own background thread, never inline on a sender.</summary>
internal sealed class DedicatedMailbox : Mailbox
{
    private readonly DedicatedActor _actor;
    private readonly Thread _thread;
    private readonly Task _exited;
    private readonly Action _wake;
    private readonly Action _onMailboxEmpty;
    private readonly object _wakeGate = new();
    private bool _woken;

    public DedicatedMailbox(ActorSystem system, DedicatedActor actor, string name)
        // Synchronous continuations let the sender's TryWrite run Wake itself; otherwise every
        // wake-up of an idle worker would first queue through the thread pool, and a saturated pool
        // would stall the interpreters.
        : base(system, actor, name, allowSynchronousContinuations: true, singleReader: true)
    {
        _actor = actor;
        _wake = Wake;

        // Cached because it runs once per burst; a method group would allocate a delegate each time.
        _onMailboxEmpty = actor.InvokeOnMailboxEmpty;
        _thread = new Thread(ThreadMain) { IsBackground = true, Name = name };
        _exited = JoinAfterStopAsync();
    }

    public void Start() => _thread.Start();

    public override Task StopAsync()
    {
        Writer.TryComplete();
        return _exited;
    }

    protected override void OnQueued()
    {
        // Nothing to do: a thread waiting in WaitToRead is woken by the channel itself.
    }

    private void ThreadMain()
    {
        RunHook(_actor.InvokeOnThreadStart, "OnThreadStart");
        RunHook(_actor.InvokePreStart, "PreStart");
        while (true)
        {
            while (Reader.TryRead(out object? message))
            {
                Invoke(message);
            }

            if (Reader.Completion.IsCompleted)
            {
                break;
            }

            RunHook(_onMailboxEmpty, "OnMailboxEmpty");
            if (!WaitToRead())
            {
                break;
            }
        }

        RunHook(_actor.InvokePostStop, "PostStop");
        RunHook(_actor.InvokeOnThreadStop, "OnThreadStop");
        Terminate();
    }

    /// <summary>Blocks until a message is queued (true) or the mailbox is completed and empty (false).</summary>
    private bool WaitToRead() => Block(Reader.WaitToReadAsync());

    private bool Block(ValueTask<bool> ready)
    {
        // With a single reader the channel hands out one reusable awaitable, so registering a cached
        // delegate and sleeping on a monitor waits without allocating, unlike AsTask().Wait().
        if (ready.IsCompleted)
        {
            return ready.GetAwaiter().GetResult();
        }

        ready.GetAwaiter().UnsafeOnCompleted(_wake);
        lock (_wakeGate)
        {
            while (!_woken)
            {
                Monitor.Wait(_wakeGate);
            }

            _woken = false;
        }

        Debug.Assert(ready.IsCompleted, "Wake runs only as this ValueTask's continuation.");
        return ready.GetAwaiter().GetResult();
    }

    private void Wake()
    {
        lock (_wakeGate)
        {
            _woken = true;
            Monitor.Pulse(_wakeGate);
        }
    }

    private async Task JoinAfterStopAsync()
    {
        await Stopped.ConfigureAwait(false);

        // Stopped is the thread's last act, so this waits microseconds; it makes "stopped" mean the
        // thread has really exited. Stopped's continuations never run on the actor's own thread.
        _thread.Join();
    }
}
