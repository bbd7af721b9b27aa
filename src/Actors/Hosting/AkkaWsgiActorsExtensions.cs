using Akka;
using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Hosting;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Actors.Watchdog;

namespace AkkaWsgi.Actors.Hosting;

/// <summary>Adds the server's actors to an actor system configured through Akka.Hosting.</summary>
public static class AkkaWsgiActorsExtensions
{
    /// <summary>The name of the <see cref="ServerGuardian"/> under /user.</summary>
    public const string GuardianName = "akkawsgi";

    // The guardian answers as soon as it has created its children; this only bounds a broken start.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Adds the dispatchers the actors need and the scheduler they run on (<see cref="DueTimeScheduler"/>, unless the host
    /// names another), creates the <see cref="ServerGuardian"/> with its children, registers
    /// the guardian, the dispatcher, the parking lot and the watchdog in the actor registry (under their own types),
    /// and joins the stop to CoordinatedShutdown: parked requests are answered before the front stops taking requests
    /// (so long polls do not hold up the drain), the interpreter workers stop after it (phase <c>service-stop</c>,
    /// each after its current request, within <paramref name="interpreterStopTimeout"/>). The settings are made from the
    /// host's services when the actor system starts.
    /// </summary>
    public static AkkaConfigurationBuilder WithAkkaWsgiActors(this AkkaConfigurationBuilder builder,
        Func<IDependencyResolver, ServerActorsSettings> settingsFrom, TimeSpan interpreterStopTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settingsFrom);
        return builder
            .AddHocon(ActorDispatchers.Hocon, HoconAddMode.Append)
            .AddHocon(DueTimeScheduler.Hocon, HoconAddMode.Prepend)
            .WithActors(async (system, registry, resolver) =>
            {
                var settings = settingsFrom(resolver);
                var guardian = system.ActorOf(ServerGuardian.Props(settings), GuardianName);
                var actors = await guardian.Ask<ServerActors>(GetServerActors.Instance, StartTimeout).ConfigureAwait(false);
                registry.Register<ServerGuardian>(guardian);
                registry.Register<DispatcherActor>(actors.Dispatcher);
                registry.Register<ParkingLot>(actors.ParkingLot);
                registry.Register<WatchdogActor>(actors.Watchdog);

                var shutdown = CoordinatedShutdown.Get(system);
                shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "akkawsgi-answer-parked", () =>
                {
                    actors.ParkingLot.Tell(new WakeAll());
                    return Task.FromResult(Done.Instance);
                });
                shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "akkawsgi-stop-interpreters", async () =>
                {
                    // Requests still running after the drain are interrupted, so that their workers can stop.
                    actors.Dispatcher.Tell(InterruptRunning.Instance);
                    try
                    {
                        await guardian.Ask<InterpretersStopped>(StopInterpreters.Instance, interpreterStopTimeout).ConfigureAwait(false);
                    }
                    catch (AskTimeoutException)
                    {
                        settings.OnInterpretersStuck?.Invoke();
                    }

                    return Done.Instance;
                });
            });
    }
}
