using AkkaWsgi.Actors.Kernel;

namespace AkkaWsgi.Tests.Actors.Kernel;

/// <summary>An actor that only runs a callback per message, as cheaply as possible, for race tests.</summary>
internal sealed class CountingActor(Action onReceive) : Actor
{
    protected override void Receive(object message) => onReceive();
}
