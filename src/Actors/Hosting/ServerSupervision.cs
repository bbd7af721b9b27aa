using Akka.Actor;

namespace AkkaWsgi.Actors.Hosting;

/// <summary>What becomes of one of the server's actors when it throws: the decision its parent applies.</summary>
/// <remarks>
/// Every actor of the server keeps state that a restart would lose and nothing could rebuild: the dispatcher its queue
/// and its workers, an interpreter its CPython thread state (and with it the application's <c>threading.local</c>
/// data), the parking lot its parked connections, the background jobs which run is in progress. Each handles its own
/// messages so that a failure leaves that state consistent and answers the request it was about (the dispatcher turns
/// the request away with 503, an interpreter aborts the response), so the right decision is to log and resume.
/// An actor that cannot even start (an interpreter whose thread state cannot be created) is stopped; the
/// <see cref="ServerGuardian"/> watches its children and decides whether the server can go on without it.
/// </remarks>
public static class ServerSupervision
{
    /// <summary>Resume on a failure while handling a message; stop an actor that failed to start.</summary>
    public static Directive Decide(Exception exception) =>
        exception is ActorInitializationException ? Directive.Stop : Directive.Resume;

    /// <summary>The strategy: each child on its own, every failure logged by Akka, no limit on how often.</summary>
    public static SupervisorStrategy Strategy() => new OneForOneStrategy(Decide);
}
