using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>Builds the process's one logger factory: every record to standard error, in one format.</summary>
internal static class ServerLogging
{
    /// <param name="level">The least severe level shown.</param>
    /// <param name="tag">Names the process on every line (worker processes of a supervisor); null for none.</param>
    /// <param name="json">One JSON object per line (the framework's JSON console format) instead of text.</param>
    public static ILoggerFactory Create(string level, LogTag? tag = null, bool json = false) =>
        LoggerFactory.Create(builder => Configure(builder, level, tag, json));

    public static void Configure(ILoggingBuilder builder, string level, LogTag? tag = null, bool json = false)
    {
        var minimum = Enum.Parse<LogLevel>(level, ignoreCase: true);
        builder.ClearProviders();
        builder.SetMinimumLevel(minimum);
        // The framework's own records are noise at information level (one per request); keep its warnings.
        if (minimum > LogLevel.Debug)
        {
            builder.AddFilter("Microsoft", LogLevel.Warning);

            // A host that fails to start logs the exception with its stack trace; the server says why in one line
            // (the port in use, say), and the stack trace is for --log-level debug.
            builder.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

            // Its records are the per-request lines above and start-up failures the server reports itself; while it
            // is enabled at any level, hosting starts an Activity and a log scope for every request (flowed through
            // an AsyncLocal), which were a fifth of what a request allocated.
            builder.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }

        if (json)
        {
            builder.AddJsonConsole(o =>
            {
                o.IncludeScopes = tag is not null;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
            builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            if (tag is not null)
            {
                builder.Services.RemoveAll<ILoggerProvider>();
                builder.Services.AddSingleton<ILoggerProvider>(services =>
                    new TaggedConsoleProvider(ActivatorUtilities.CreateInstance<ConsoleLoggerProvider>(services), tag));
            }

            return;
        }

        builder.AddConsole(o =>
        {
            o.FormatterName = ServerConsoleFormatter.FormatterName;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ServerConsoleFormatter.Tag(tag?.Text));
        builder.AddConsoleFormatter<ServerConsoleFormatter, ConsoleFormatterOptions>();
    }

    /// <summary>
    /// Sends Akka's own log records to <paramref name="loggerFactory"/>, so they share the server's format; Akka's
    /// chatter (actor lifecycle, dead letters) only at debug level, its warnings and errors always, except a peer's
    /// expected departure (<see cref="ServerAkkaLogger"/>, and <see cref="PeerDepartureLogFilter"/> for what Akka prints
    /// itself once that logger has stopped); what Akka prints itself goes to the same factory (<see cref="ServerStdoutLogger"/>).
    /// </summary>
    public static AkkaConfigurationBuilder WithServerLogging(this AkkaConfigurationBuilder akka, ILoggerFactory loggerFactory, string level) =>
        akka.AddHocon($"akka.stdout-logger-class = \"{ServerStdoutLogger.ClassName}\"", HoconAddMode.Prepend).ConfigureLoggers(loggers =>
        {
            loggers.LogLevel = Enum.Parse<LogLevel>(level, ignoreCase: true) <= LogLevel.Debug
                ? Akka.Event.LogLevel.DebugLevel
                : Akka.Event.LogLevel.WarningLevel;

            // Registers the factory for the logger to find; the logger itself is ours, in place of Akka.Hosting's.
            loggers.AddLoggerFactory(loggerFactory);
            loggers.ClearLoggers();
            loggers.AddLogger<ServerAkkaLogger>();
            loggers.WithLogFilter(filters => filters.Add(new PeerDepartureLogFilter()));
        });
}
