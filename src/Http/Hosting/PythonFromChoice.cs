using System.Collections;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Python;
using AkkaWsgi.Python.Native;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// Where Python's code comes from (--python-from): worker processes, or the process serving alone, start as the Python
/// executable (<see cref="PythonExecutableHost"/>), or load its library.
/// </summary>
internal static partial class PythonFromChoice
{
    /// <summary>
    /// Chooses for the worker processes a supervisor starts: <paramref name="command"/> starts one as the executable,
    /// null loads the library. False (logged) when --python-from executable cannot be honoured.
    /// </summary>
    public static bool ForWorkers(ServerOptions options, ILogger logger, out PythonHostCommand? command)
    {
        command = Choose(options, out var reason);
        if (command is not null)
        {
            WorkersFromExecutable(logger, command.Executable);
            return true;
        }

        if (Refused(options, logger, reason))
        {
            return false;
        }

        if (reason is not null)
        {
            WorkersFromLibrary(logger, reason);
        }

        return true;
    }

    /// <summary>
    /// For --no-supervisor: when the executable is chosen, this process becomes it (the same process id, listeners and
    /// output), and the executable then runs the server with these same <paramref name="arguments"/>. Returns only when
    /// this process goes on serving itself, with null, or with the exit code to stop with.
    /// </summary>
    public static int? BecomeExecutableIfChosen(ServerOptions options, IReadOnlyList<string> arguments)
    {
        if (PythonExecutableHost.RunsThisProcess)
        {
            return null;
        }

        using var loggerFactory = ServerLogging.Create(options.LogLevel, json: options.JsonLogs);
        var logger = loggerFactory.CreateLogger("akkawsgi");
        var command = Choose(options, out var reason);
        if (command is null)
        {
            if (Refused(options, logger, reason))
            {
                return ExitCodes.PythonUnavailable;
            }

            if (reason is not null)
            {
                ServerFromLibrary(logger, reason);
            }

            return null;
        }

        ServerBecomesExecutable(logger, command.Executable);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment[(string)variable.Key] = (string?)variable.Value;
        }

        SocketThreads.RemoveServerChoices(environment);

        command.AddTo(environment);

        // The log is written by a background thread: everything logged so far goes out before the program is replaced.
        loggerFactory.Dispose();
        var error = Posix.Exec(command.Executable, [command.Executable, .. command.Arguments(), .. arguments], environment);
        using var afterwards = ServerLogging.Create(options.LogLevel, json: options.JsonLogs);
        var stillHere = afterwards.CreateLogger("akkawsgi");
        reason = $"cannot become {command.Executable}: {error}";
        if (Refused(options, stillHere, reason))
        {
            return ExitCodes.PythonUnavailable;
        }

        ServerFromLibrary(stillHere, reason);
        return null;
    }

    private static PythonHostCommand? Choose(ServerOptions options, out string? reason)
    {
        if (options.PythonFrom == "library")
        {
            reason = "--python-from library";
            return null;
        }

        if (options.Uid is not null)
        {
            // Python's start-up runs site-packages' .pth files and sitecustomize: a worker drops its privileges first.
            reason = "--uid: a worker process drops its privileges before Python starts, which an executable cannot";
            return null;
        }

        try
        {
            var installation = PythonLocator.Locate(options.Python, options.Venv);
            return PythonExecutableHost.Plan(installation, ServerAssembly, out reason);
        }
        catch (PythonNotFoundException e)
        {
            // With auto, the server looks for Python again when it loads the library, and reports this there.
            reason = options.PythonFrom == "executable" ? e.Message : null;
            return null;
        }
    }

    /// <summary>The server's entry assembly, which the dotnet host or a Python executable starts.</summary>
    // Assembly.Location would do, but it is empty in the single-file build, where there is no such file.
    public static string ServerAssembly => Path.Combine(AppContext.BaseDirectory, typeof(PythonFromChoice).Assembly.GetName().Name + ".dll");

    private static bool Refused(ServerOptions options, ILogger logger, string? reason)
    {
        if (options.PythonFrom != "executable")
        {
            return false;
        }

        ServerLog.PythonUnavailable(logger, $"--python-from executable: {reason}");
        return true;
    }

    [LoggerMessage(1513, LogLevel.Information, "worker processes start as {Executable}, which runs Python and the server", EventName = "PythonFromExecutable")]
    private static partial void WorkersFromExecutable(ILogger logger, string executable);

    [LoggerMessage(1514, LogLevel.Information, "worker processes load Python's shared library: {Reason}", EventName = "PythonFromLibrary")]
    private static partial void WorkersFromLibrary(ILogger logger, string reason);

    [LoggerMessage(1515, LogLevel.Information, "becoming {Executable} (the same process), which runs Python and the server", EventName = "BecomingPythonExecutable")]
    private static partial void ServerBecomesExecutable(ILogger logger, string executable);

    [LoggerMessage(1516, LogLevel.Information, "loading Python's shared library: {Reason}", EventName = "PythonFromLibraryAlone")]
    private static partial void ServerFromLibrary(ILogger logger, string reason);
}
