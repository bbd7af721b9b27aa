namespace AkkaWsgi.Actors.Supervision;

/// <summary>
/// Starts and signals worker processes for the <see cref="SupervisorActor"/>. What becomes of a worker comes back to
/// the supervisor as messages: <see cref="WorkerStarted"/>, <see cref="WorkerReady"/>, <see cref="WorkerRetiring"/>
/// and, always last, <see cref="WorkerExited"/> (also when the process could not be started at all).
/// </summary>
public interface IWorkerLauncher
{
    /// <summary>Starts a worker process; it reports to <paramref name="supervisor"/>.</summary>
    void Start(WorkerId worker, Akka.Actor.IActorRef supervisor);

    /// <summary>Asks the worker to stop gracefully: stop accepting, finish what is in flight, exit (SIGTERM).</summary>
    void Drain(WorkerId worker);

    /// <summary>Ends the worker at once (SIGKILL), for one that ignored <see cref="Drain"/> or hangs at start-up.</summary>
    void Kill(WorkerId worker);

    /// <summary>Passes a signal on to the worker (SIGUSR1, SIGUSR2).</summary>
    void Signal(WorkerId worker, int signal);

    /// <summary>Makes the worker the one that runs the application's cron and timer jobs.</summary>
    void Lead(WorkerId worker);
}
