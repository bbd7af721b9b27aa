using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Background;

/// <summary>Log messages of the cron and timer jobs.</summary>
internal static partial class BackgroundLog
{
    [LoggerMessage(400, LogLevel.Warning, "background job {Job} is due again while its last run has not ended; skipped this time",
        EventName = "StillRunning")]
    public static partial void StillRunning(ILogger logger, string job);

    [LoggerMessage(401, LogLevel.Warning, "background job {Job} names a date that never comes (such as 31 February); it will not run",
        EventName = "NeverDue")]
    public static partial void NeverDue(ILogger logger, string job);
}
