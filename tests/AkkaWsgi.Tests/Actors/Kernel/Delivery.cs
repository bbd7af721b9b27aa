namespace AkkaWsgi.Tests.Actors.Kernel;

/// <summary>One message as an actor received it, with the thread that ran Receive.</summary>
internal sealed record Delivery(object Message, Thread Thread);
