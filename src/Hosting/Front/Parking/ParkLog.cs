using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Front.Parking;

/// <summary>Log messages of request parking.</summary>
internal static partial class ParkLog
{
    [LoggerMessage(1400, LogLevel.Warning,
        "ignored the park headers from the application answering {Request}: {Max} requests are parked already (--max-parked); its response was sent",
        EventName = "ParkingFull")]
    public static partial void ParkingFull(ILogger logger, string request, int max);

    [LoggerMessage(1401, LogLevel.Warning,
        "ignored the park headers from the application answering {Request}: {Reason}; its response was sent",
        EventName = "BadParkHeaders")]
    public static partial void BadParkHeaders(ILogger logger, string request, string reason);

    [LoggerMessage(1402, LogLevel.Warning, "akkawsgi.notify_parked: unknown action {Action}", EventName = "BadNotifyAction")]
    public static partial void BadNotifyAction(ILogger logger, string action);
}
