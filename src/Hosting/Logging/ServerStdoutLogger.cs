using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>
/// What Akka prints itself, before its loggers start and after they stop, sent to the server's logger factory once
/// <see cref="ServerAkkaLogger"/> has started, so that those records keep the server's format too.
/// </summary>
/// <remarks>
/// As the actor system stops, its remoting can still report a connection it could not close cleanly; printed by Akka
/// in its own text format, that line was the one record of a <c>--log-format json</c> run that was not JSON. Until the
/// server's logger has started (a failure while the actor system itself starts) there is no factory to send to, and
/// the records go where Akka prints them by default.
/// </remarks>
public sealed partial class ServerStdoutLogger : MinimalLogger
{
    /// <summary>The value of <c>akka.stdout-logger-class</c> that makes Akka use this logger.</summary>
    public static readonly string ClassName =
        $"{typeof(ServerStdoutLogger).FullName}, {typeof(ServerStdoutLogger).Assembly.GetName().Name}";

    private readonly StandardOutLogger beforeStart = new();
    private volatile ILogger? logger;

    /// <summary>From now on, records go to <paramref name="loggerFactory"/>.</summary>
    public void Attach(ILoggerFactory loggerFactory) =>
        logger = (loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory))).CreateLogger<ActorSystem>();

    protected override void Log(object message)
    {
        if (message is LogEvent kept && !Filter.ShouldTryKeepMessage(kept, out _))
        {
            return;
        }

        var target = logger;
        if (target is null)
        {
            beforeStart.Tell(message);
            return;
        }

        if (message is not LogEvent record)
        {
            Printed(target, message);
            return;
        }

        // Akka prints records itself only once its loggers have stopped, as the actor system stops.
        var level = ConnectionGroupRemoval.IsExpected(record, static () => true)
            ? Microsoft.Extensions.Logging.LogLevel.Debug
            : LevelOf(record);
        try
        {
            if (target.IsEnabled(level))
            {
                target.Log(level, default, record, record.Cause, static (r, _) => $"[{r.LogSource}] {r.Message}");
            }
        }
        catch (ObjectDisposedException)
        {
            // The process's logging has been torn down; there is nowhere left to write to.
        }
    }

    private static Microsoft.Extensions.Logging.LogLevel LevelOf(LogEvent record) => record.LogLevel() switch
    {
        Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => Microsoft.Extensions.Logging.LogLevel.Error,
    };

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "{Message}")]
    private static partial void Printed(ILogger logger, object message);
}
