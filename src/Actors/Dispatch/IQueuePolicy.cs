namespace AkkaWsgi.Actors.Dispatch;

/// <summary>
/// The dispatcher's queue policy: which waiting request a free worker takes next, and which one to turn away when
/// the queue is full. Owned by the dispatcher actor and only touched from its Receive, so implementations need no
/// locking.
/// </summary>
public interface IQueuePolicy
{
    int Count { get; }

    void Enqueue(IRequestJob job);

    /// <summary>
    /// Removes and returns the request to run next, or null when none waits or none may run while
    /// <paramref name="busyWorkers"/> workers are busy.
    /// </summary>
    IRequestJob? TakeNext(int busyWorkers);

    /// <summary>Removes and returns the request that would run last (to turn away when the queue is full).</summary>
    IRequestJob? TakeLowest();

    /// <summary>A request taken from this queue began running.</summary>
    void Started(IRequestJob job);

    /// <summary>A request that began running has ended.</summary>
    void Finished(IRequestJob job);
}
