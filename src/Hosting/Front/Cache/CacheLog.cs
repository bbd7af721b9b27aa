using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>Log messages of the page cache: nothing per hit or miss, only what an operator has to know about.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(1300, LogLevel.Information, "page cache on: responses kept up to {MaxAge} s, {Capacity} bytes in all",
        EventName = "CacheEnabled")]
    public static partial void Enabled(ILogger logger, double maxAge, long capacity);

    [LoggerMessage(1301, LogLevel.Warning, "background refresh of {Request} failed; the cached page is served until it expires",
        EventName = "CacheRefreshFailed")]
    public static partial void RefreshFailed(ILogger logger, string request, Exception exception);

    [LoggerMessage(1302, LogLevel.Debug, "{Method} {Target} answered {Status}: {Count} stored pages of {Url} dropped",
        EventName = "CacheInvalidated")]
    public static partial void Invalidated(ILogger logger, string method, string target, int status, int count, string url);
}
