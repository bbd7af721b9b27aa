using Akka.Actor;

namespace AkkaWsgi.Actors.Hosting;

/// <summary>Asks the <see cref="ServerGuardian"/> for the server's actors; the reply is <see cref="ServerActors"/>.</summary>
public sealed record GetServerActors
{
    /// <summary>The one instance.</summary>
    public static readonly GetServerActors Instance = new();
}

/// <summary>The server's actors, for the front and for the actor registry.</summary>
public sealed record ServerActors(IActorRef Dispatcher, IActorRef ParkingLot, IActorRef Watchdog, IReadOnlyList<IActorRef> Interpreters);

/// <summary>This process runs the application's cron and timer jobs from now on (at most once; later ones are ignored).</summary>
public sealed record StartBackgroundJobs
{
    /// <summary>The one instance.</summary>
    public static readonly StartBackgroundJobs Instance = new();
}

/// <summary>
/// The server is stopping: stop every interpreter worker (each after its current request, deleting its thread state on
/// its own thread); the reply <see cref="InterpretersStopped"/> comes once all of them have.
/// </summary>
public sealed record StopInterpreters
{
    /// <summary>The one instance.</summary>
    public static readonly StopInterpreters Instance = new();
}

/// <summary>Every interpreter worker has stopped.</summary>
public sealed record InterpretersStopped
{
    /// <summary>The one instance.</summary>
    public static readonly InterpretersStopped Instance = new();
}
