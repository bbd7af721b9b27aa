namespace AkkaWsgi.Actors.Kernel;

/// <summary>An actor that owns one OS thread for its whole life, for per-thread native state.</summary>
/// <remarks>
/// The interpreter actors need this: a CPython thread state belongs to the thread that created it and
/// must be kept for the worker's life, so the thread pool's thread hopping is not an option.
/// On that thread the calls come in this order: <see cref="OnThreadStart"/>, <see cref="Actor.PreStart"/>,
/// messages with <see cref="OnMailboxEmpty"/> between bursts, <see cref="Actor.PostStop"/>,
/// <see cref="OnThreadStop"/>.
/// </remarks>
public abstract class DedicatedActor : Actor
{
    /// <summary>Runs on the actor's thread before anything else.</summary>
    protected virtual void OnThreadStart()
    {
    }

    /// <summary>
    /// Runs each time the mailbox has been drained, just before the thread waits for more; never
    /// between messages that were already queued, so costly per-burst work (releasing the GIL) is
    /// paid once per burst rather than once per message.
    /// </summary>
    protected virtual void OnMailboxEmpty()
    {
    }

    /// <summary>Runs on the actor's thread after <see cref="Actor.PostStop"/>, as its last act.</summary>
    protected virtual void OnThreadStop()
    {
    }

    internal void InvokeOnThreadStart() => OnThreadStart();

    internal void InvokeOnMailboxEmpty() => OnMailboxEmpty();

    internal void InvokeOnThreadStop() => OnThreadStop();
}
