namespace AkkaWsgi.Actors.Kernel;

/// <summary>
/// An object whose state is touched only by <see cref="Receive"/>, which handles one message at a time.
/// </summary>
/// <remarks>
/// An exception thrown by <see cref="Receive"/> or by a lifecycle hook is logged and the actor carries
/// on with its next message: a server must keep serving, and the actor knows best how to repair itself.
/// </remarks>
public abstract class Actor
{
    private IActorRef? _self;
    private ActorSystem? _system;

    /// <summary>This actor's own address, to hand to others as a reply-to.</summary>
    protected IActorRef Self => _self ?? throw NotStarted();

    /// <summary>The system that runs this actor.</summary>
    protected ActorSystem System => _system ?? throw NotStarted();

    /// <summary>Handles one message; never called concurrently with itself or with the hooks.</summary>
    protected abstract void Receive(object message);

    /// <summary>Runs once before the first message.</summary>
    protected virtual void PreStart()
    {
    }

    /// <summary>Runs once after the last message, when the actor is being stopped.</summary>
    protected virtual void PostStop()
    {
    }

    internal void Attach(IActorRef self, ActorSystem system)
    {
        // One instance per mailbox: two mailboxes sharing an instance would race on its state.
        if (_self is not null)
        {
            throw new InvalidOperationException($"The actor instance is already running as '{_self.Name}'.");
        }

        _self = self;
        _system = system;
    }

    internal void InvokeReceive(object message) => Receive(message);

    internal void InvokePreStart() => PreStart();

    internal void InvokePostStop() => PostStop();

    private static InvalidOperationException NotStarted() =>
        new("The actor has not been started by an ActorSystem yet; Self and System are set by ActorOf.");
}
