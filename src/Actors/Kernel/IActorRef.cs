namespace AkkaWsgi.Actors.Kernel;

/// <summary>An address that messages can be sent to; the only way to reach an actor.</summary>
public interface IActorRef
{
    /// <summary>The name given when the actor was created, for logs and thread names.</summary>
    string Name { get; }

    /// <summary>
    /// Queues <paramref name="message"/> for the actor. Never blocks and never throws because the
    /// actor has stopped: such messages are counted as dead letters instead.
    /// </summary>
    void Tell(object message);
}
