namespace AkkaWsgi.Actors.Kernel;

/// <summary>An address created by an <see cref="ActorSystem"/>, which therefore knows its clock.</summary>
internal interface IKernelActorRef : IActorRef
{
    ActorSystem System { get; }
}
