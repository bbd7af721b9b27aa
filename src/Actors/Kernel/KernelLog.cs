using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Kernel;

internal static partial class KernelLog
{
    [LoggerMessage(EventId = 1, EventName = "ReceiveFailed", Level = LogLevel.Error,
        Message = "Actor {Actor} failed handling a {MessageType} message; it continues with its next message")]
    public static partial void ReceiveFailed(ILogger logger, string actor, string messageType, Exception exception);

    [LoggerMessage(EventId = 2, EventName = "HookFailed", Level = LogLevel.Error,
        Message = "Actor {Actor} failed in {Hook}; it carries on")]
    public static partial void HookFailed(ILogger logger, string actor, string hook, Exception exception);

    [LoggerMessage(EventId = 3, EventName = "DeadLetter", Level = LogLevel.Debug,
        Message = "Dead letter: a {MessageType} message for {Actor} was dropped because it has stopped")]
    public static partial void DeadLetter(ILogger logger, string actor, string messageType);

    [LoggerMessage(EventId = 4, EventName = "ActorStopped", Level = LogLevel.Debug,
        Message = "Actor {Actor} stopped")]
    public static partial void ActorStopped(ILogger logger, string actor);
}
