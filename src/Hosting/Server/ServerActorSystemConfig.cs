using System.Globalization;

namespace AkkaWsgi.Hosting.Server;

/// <summary>The serving process's own settings for its actor system, on top of what the actors bring.</summary>
internal static class ServerActorSystemConfig
{
    // Enough for atexit handlers that flush a log or close a connection; CPython gives them no limit at all.
    private static readonly TimeSpan PythonExitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Phase timeouts that fit the server's own limits, and no hooks of Akka's own into process exit: the server runs
    /// the shutdown itself when the host is told to stop, and must not run it a second time from a ProcessExit handler.
    /// </summary>
    public static string Hocon(TimeSpan grace, TimeSpan interpreterStop) => string.Create(CultureInfo.InvariantCulture, $$"""
        akka.coordinated-shutdown {
          run-by-clr-shutdown-hook = off
          exit-clr = off
          phases {
            service-unbind.timeout = {{(grace + TimeSpan.FromSeconds(5)).TotalMilliseconds}}ms
            service-stop.timeout = {{(interpreterStop + TimeSpan.FromSeconds(5)).TotalMilliseconds}}ms
            before-actor-system-terminate.timeout = {{PythonExitTimeout.TotalMilliseconds}}ms
          }
        }
        """);
}
