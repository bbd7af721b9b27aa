using AkkaWsgi.Actors.Dispatch;

namespace AkkaWsgi.Actors.Interpreter;

/// <summary>The dispatcher gives an interpreter worker a request to run.</summary>
public sealed record Run(IRequestJob Job);
