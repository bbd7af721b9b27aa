using System.Globalization;

namespace AkkaWsgi.Hosting.Server;

/// <summary>The server's settings for the actor system it runs in, on top of what the actors bring.</summary>
internal static class ServerActorSystemConfig
{
    // Enough for atexit handlers that flush a log or close a connection; CPython gives them no limit at all. The
    // application's own threads may also take what is left of the grace period before them.
    private static readonly TimeSpan PythonExitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>CoordinatedShutdown phase timeouts that fit the server's grace period and its workers' stop.</summary>
    public static string PhaseTimeouts(TimeSpan grace, TimeSpan interpreterStop) => string.Create(CultureInfo.InvariantCulture, $$"""
        akka.coordinated-shutdown.phases {
          service-unbind.timeout = {{(grace + TimeSpan.FromSeconds(5)).TotalMilliseconds}}ms
          service-stop.timeout = {{(interpreterStop + TimeSpan.FromSeconds(5)).TotalMilliseconds}}ms
          before-actor-system-terminate.timeout = {{(grace + PythonExitTimeout).TotalMilliseconds}}ms
        }
        """);

    /// <summary>
    /// For a process that is the server: no hooks of Akka's own into process exit. The server runs the shutdown itself
    /// when the host is told to stop, and must not run it a second time from a ProcessExit handler.
    /// </summary>
    public const string OwnProcess = """
        akka.coordinated-shutdown {
          run-by-clr-shutdown-hook = off
          exit-clr = off
        }
        """;
}
