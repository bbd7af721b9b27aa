namespace AkkaWsgi.Actors.Dispatch;

/// <summary>
/// The dispatcher's queue policy: which waiting request a free worker takes next. Owned by the dispatcher actor and
/// only touched from its Receive, so implementations need no locking.
/// </summary>
public interface IQueuePolicy
{
    int Count { get; }

    void Enqueue(IRequestJob job);

    /// <summary>Removes and returns the request to run next, or null when none waits.</summary>
    IRequestJob? TakeNext();
}
