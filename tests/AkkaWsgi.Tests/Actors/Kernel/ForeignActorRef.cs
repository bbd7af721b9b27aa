using System.Collections.Concurrent;
using AkkaWsgi.Actors.Kernel;

namespace AkkaWsgi.Tests.Actors.Kernel;

/// <summary>An address not made by any actor system, as a test double elsewhere might be.</summary>
internal sealed class ForeignActorRef : IActorRef
{
    private readonly ConcurrentQueue<object> _messages = new();

    public string Name => "foreign";

    public IReadOnlyList<object> Messages => [.. _messages];

    public void Tell(object message) => _messages.Enqueue(message);
}
