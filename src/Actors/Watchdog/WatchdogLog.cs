using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Watchdog;

/// <summary>Log messages of the watchdog.</summary>
internal static partial class WatchdogLog
{
    [LoggerMessage(300, LogLevel.Warning, "{Request} has run {Seconds:0.0} s: raising akkawsgi.RequestTimeout in it", EventName = "Interrupting")]
    public static partial void Interrupting(ILogger logger, string request, double seconds);
}
