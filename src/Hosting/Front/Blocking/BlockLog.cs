using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Front.Blocking;

/// <summary>Log messages of the block list: one line when a block starts and one when it ends, none per refusal.</summary>
internal static partial class BlockLog
{
    [LoggerMessage(1100, LogLevel.Information, "blocked {Client} for {Seconds} s, as the application asked answering {Request}",
        EventName = "Blocked")]
    public static partial void Blocked(ILogger logger, string client, double seconds, string request);

    [LoggerMessage(1101, LogLevel.Warning, "ignored {Header}: {Value} from the application answering {Request}: not a positive number of seconds",
        EventName = "InvalidBlock")]
    public static partial void InvalidBlock(ILogger logger, string header, string value, string request);

    [LoggerMessage(1102, LogLevel.Warning, "ignored {Header} from the application answering {Request}: the request has no client address",
        EventName = "NoClientToBlock")]
    public static partial void NoClientToBlock(ILogger logger, string header, string request);

    [LoggerMessage(1103, LogLevel.Information, "block on {Client} ended after {Seconds} s: {Refused} {Requests} refused with 429",
        EventName = "BlockEnded")]
    private static partial void BlockEnded(ILogger logger, string client, double seconds, long refused, string requests);

    public static void BlockEnded(ILogger logger, string client, double seconds, long refused) =>
        BlockEnded(logger, client, seconds, refused, Requests(refused));

    [LoggerMessage(1104, LogLevel.Warning,
        "block list full ({Capacity} clients): lifted the block on {Client} early, {Seconds} s before its end, after {Refused} {Requests} refused with 429",
        EventName = "BlockEvicted")]
    private static partial void BlockEvicted(ILogger logger, int capacity, string client, double seconds, long refused, string requests);

    public static void BlockEvicted(ILogger logger, int capacity, string client, double seconds, long refused) =>
        BlockEvicted(logger, capacity, client, seconds, refused, Requests(refused));

    private static string Requests(long count) => count == 1 ? "request" : "requests";

    [LoggerMessage(1110, LogLevel.Information, "blocked {Client} for {Seconds} s, as another node of the cluster asked", EventName = "BlockedByCluster")]
    public static partial void BlockedByCluster(ILogger logger, string client, double seconds);
}
