using Akka;
using Akka.Actor;
using AkkaWsgi.Hosting.Logging;
using Microsoft.AspNetCore.Hosting.Server;

namespace AkkaWsgi.Hosting.Server;

/// <summary>
/// The order in which a serving process stops, as CoordinatedShutdown phases: answer parked requests
/// (<c>before-service-unbind</c>), stop accepting and drain in-flight requests up to the grace period
/// (<c>service-unbind</c>), interrupt what still runs and stop the interpreter workers (<c>service-stop</c>), run the
/// application's atexit handlers and finalise Python (<c>before-actor-system-terminate</c>), then terminate the actor
/// system.
/// </summary>
internal static class ServerShutdown
{
    /// <summary>How long terminating the actor system itself may take once Python is done.</summary>
    public static readonly TimeSpan ActorSystemStopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Adds the drain and the Python exit to the actor system's CoordinatedShutdown.</summary>
    /// <param name="grace">Read when the drain begins: shorter when every worker is stuck and nothing can finish.</param>
    /// <param name="accessLog">Its last lines are written once the drain is over (phase <c>service-requests-done</c>).</param>
    public static void Register(ActorSystem system, IServer server, Func<TimeSpan> grace, PythonExitHandOff pythonExit,
        AccessLogStream? accessLog)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        if (accessLog is not null)
        {
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "akkawsgi-access-log", async () =>
            {
                await accessLog.CompleteAsync().ConfigureAwait(false);
                return Done.Instance;
            });
        }

        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "akkawsgi-drain", async () =>
        {
            // Kestrel stops accepting at once, waits for in-flight requests until the token fires, then aborts them.
            using var graceEnds = new CancellationTokenSource(grace());
            await server.StopAsync(graceEnds.Token).ConfigureAwait(false);
            return Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "akkawsgi-python-exit", async () =>
        {
            await pythonExit.RequestAsync().ConfigureAwait(false);
            return Done.Instance;
        });
    }

    /// <summary>Why the server stopped, as CoordinatedShutdown records it.</summary>
    public sealed class Reason : CoordinatedShutdown.Reason
    {
        public static readonly Reason Instance = new();

        private Reason()
        {
        }

        public override int ExitCode => 0;

        public override string ToString() => "server stopping";
    }
}
