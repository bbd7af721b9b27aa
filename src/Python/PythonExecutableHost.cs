using System.Globalization;

namespace AkkaWsgi.Python;

/// <summary>
/// Worker processes started as the Python executable itself, which then runs the server (--python-from executable):
/// the application runs on the executable's own interpreter code instead of the installation's libpython.
/// </summary>
/// <remarks>
/// A distribution may link its interpreter into the executable and optimise it differently from the shared library
/// it ships, which is all an embedding can load: Debian 12's python3 runs Flask about 10 % and Django about 17 %
/// faster than its libpython3.11 (docs/performance.md). The executable runs a short script (Resources/akkawsgi_host.py)
/// that starts the server through the same .NET host the supervisor runs on; the server then finds Python already
/// running and attaches to it.
/// </remarks>
public static class PythonExecutableHost
{
    /// <summary>Set by the start-up script to the process id, so that only that process (not a child) attaches.</summary>
    public const string ProcessVariable = "AKKAWSGI_PYTHON_HOST_PID";

    /// <summary>The start-up script, for the executable's one-line <c>-c</c> to run (which removes it from the environment).</summary>
    public const string ScriptVariable = "AKKAWSGI_PYTHON_HOST_SCRIPT";

    private const string HostLibrary = "libhostfxr.so";

    /// <summary>
    /// The executable's <c>-c</c>: what <c>ps</c> shows of a worker stays one readable line, the script itself comes
    /// through the environment, and runs in a namespace of its own rather than the application's <c>__main__</c>.
    /// </summary>
    public const string StartCommand = $"import os; exec(os.environ.pop('{ScriptVariable}'), {{'__name__': 'akkawsgi_host'}})";

    /// <summary>True when this process was started by the Python executable, whose interpreter is already running.</summary>
    public static bool RunsThisProcess =>
        Environment.GetEnvironmentVariable(ProcessVariable) == Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The command that starts a worker in <paramref name="installation"/>'s executable, or null (with the reason)
    /// when it cannot be: no executable, one that cannot host the server, no separate server assembly (a single-file
    /// build), or a .NET host that cannot be found.
    /// </summary>
    /// <param name="assembly">The server's entry assembly (akkawsgi.dll), which the .NET host starts.</param>
    public static PythonHostCommand? Plan(PythonInstallation installation, string assembly, out string reason) =>
        Plan(installation, assembly, File.Exists, ReadProcessMaps, out reason);

    internal static PythonHostCommand? Plan(PythonInstallation installation, string assembly, Func<string, bool> fileExists,
        Func<IEnumerable<string>> processMaps, out string reason)
    {
        if (installation.Executable is not { } executable)
        {
            reason = $"Python was given as its library ({installation.Library}), not as an executable";
            return null;
        }

        if (!installation.ExecutableCanHost)
        {
            reason = $"{executable} cannot load native code through ctypes or does not export Python's C API";
            return null;
        }

        if (!fileExists(assembly))
        {
            reason = $"this build has no separate server assembly ({assembly}): a single-file build loads libpython";
            return null;
        }

        if (FindHost(processMaps()) is not { } hostfxr)
        {
            reason = $"the .NET host ({HostLibrary}) this process runs on is not a separate library";
            return null;
        }

        reason = "";
        return new PythonHostCommand(executable, hostfxr, assembly, new Dictionary<string, string> { [ScriptVariable] = StartupScript.Value });
    }

    /// <summary>
    /// The host library to start a worker with: <paramref name="recorded"/>, or, once an update of the .NET runtime
    /// has removed it (host/fxr/10.0.12 giving way to 10.0.13), the newest version beside it, as the runtime's own
    /// launcher would now find; a worker started later must not fail where one started by the same executable would not.
    /// </summary>
    public static string CurrentHost(string recorded) => CurrentHost(recorded, File.Exists, Directory.GetDirectories);

    internal static string CurrentHost(string recorded, Func<string, bool> fileExists, Func<string, string[]> directories)
    {
        if (fileExists(recorded) || Path.GetDirectoryName(Path.GetDirectoryName(recorded)) is not { } versions)
        {
            return recorded;
        }

        string[] siblings;
        try
        {
            siblings = directories(versions);
        }
        catch (IOException)
        {
            return recorded;
        }

        var newest = siblings
            .Select(d => (Directory: d, Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
            .Where(c => c.Version is not null && fileExists(Path.Combine(c.Directory, HostLibrary)))
            .OrderByDescending(c => c.Version)
            .Select(c => Path.Combine(c.Directory, HostLibrary))
            .FirstOrDefault();
        return newest ?? recorded;
    }

    // The host the supervisor was started with is the one that knows this build's runtime: the apphost and
    // "dotnet akkawsgi.dll" both load it from the runtime's own host/fxr directory, and a self-contained build from
    // beside the assembly.
    internal static string? FindHost(IEnumerable<string> mapsLines)
    {
        foreach (var line in mapsLines)
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && line.EndsWith("/" + HostLibrary, StringComparison.Ordinal))
            {
                return line[slash..];
            }
        }

        return null;
    }

    private static IEnumerable<string> ReadProcessMaps()
    {
        try
        {
            return File.ReadAllLines("/proc/self/maps");
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static readonly Lazy<string> StartupScript = new(() =>
    {
        using var stream = typeof(PythonExecutableHost).Assembly.GetManifestResourceStream("akkawsgi_host.py")
            ?? throw new InvalidOperationException("the Python start-up script is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
