using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>
/// One line per record: UTC time, level, category, message. Unlike the single-line simple formatter it keeps the
/// line breaks of multi-line messages (indented), because Python tracebacks are unreadable folded onto one line.
/// </summary>
internal sealed class ServerConsoleFormatter(TimeProvider time, ServerConsoleFormatter.Tag tag) : ConsoleFormatter(FormatterName)
{
    /// <summary>The process's <see cref="LogTag"/> as text, or null.</summary>
    public sealed record Tag(string? Text);

    public const string FormatterName = "akkawsgi";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        if (logEntry.Exception is Front.IncompleteResponseException)
        {
            // Kestrel reports the exception that tells it to cut a response short as an unhandled application error;
            // the failure itself was already logged, with the Python traceback, by the server.
            return;
        }

        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(' ');
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(' ');
        if (tag.Text is { } text)
        {
            textWriter.Write(text);
            textWriter.Write(' ');
        }

        textWriter.Write(logEntry.Category);
        textWriter.Write(": ");
        WriteIndented(textWriter, message);
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write("\n    ");
            WriteIndented(textWriter, exception.ToString());
        }

        textWriter.Write('\n');
    }

    private static void WriteIndented(TextWriter writer, string text)
    {
        var lines = text.TrimEnd('\n', '\r').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                writer.Write("\n    ");
            }

            writer.Write(lines[i].TrimEnd('\r'));
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info ",
        LogLevel.Warning => "warn ",
        LogLevel.Error => "error",
        LogLevel.Critical => "crit ",
        _ => "none ",
    };
}
