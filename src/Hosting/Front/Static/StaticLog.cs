using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>Log messages of the static maps: one line per map at start-up, traversal refusals at debug level only.</summary>
internal static partial class StaticLog
{
    [LoggerMessage(1200, LogLevel.Information, "serving files under {Prefix} from {Directory}", EventName = "StaticMapped")]
    public static partial void Mapped(ILogger logger, string prefix, string directory);

    // Debug, not warning: scanners send these by the thousand, and each is answered 404 without further cost.
    [LoggerMessage(1201, LogLevel.Debug, "refused {Method} {Target}: the path tries to leave its static directory (404)",
        EventName = "StaticTraversalRefused")]
    public static partial void TraversalRefused(ILogger logger, string method, string target);

    [LoggerMessage(1202, LogLevel.Warning, "{Method} {Path} answered 403: this process's user may not read the file ({Message})",
        EventName = "StaticFileUnreadable")]
    public static partial void Unreadable(ILogger logger, string method, string path, string message);
}
