namespace AkkaWsgi.Actors.Kernel;

/// <summary>The address of <see cref="ActorSystem.DeadLetters"/>: everything sent to it is counted and dropped.</summary>
internal sealed class DeadLetterRef(ActorSystem system) : IKernelActorRef
{
    public string Name => "deadLetters";

    public ActorSystem System { get; } = system;

    public void Tell(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        System.PublishDeadLetter(Name, message);
    }
}
