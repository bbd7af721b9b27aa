using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AkkaWsgi.Python;

/// <summary>
/// Finds the CPython to embed: <c>--python</c> (an interpreter or the library itself), else the virtualenv
/// (<c>--venv</c> or VIRTUAL_ENV), else <c>python3</c> on PATH; the interpreter's sysconfig names its shared library.
/// </summary>
public static partial class PythonLocator
{
    // Runs under the candidate interpreter; kept valid Python 2 as well, so an old interpreter gets a clear
    // "unsupported version" message rather than a syntax error.
    private const string ProbeScript = """
        import json, sys, sysconfig
        v = sysconfig.get_config_var
        def can_host():
            try:
                import ctypes
                return bool(ctypes.pythonapi.Py_IsInitialized())
            except Exception:
                return False
        print(json.dumps({"version": list(sys.version_info[:3]), "executable": sys.executable,
            "prefix": sys.prefix, "base_prefix": getattr(sys, "base_prefix", sys.prefix),
            "base_exec_prefix": getattr(sys, "base_exec_prefix", sys.exec_prefix),
            "libdir": v("LIBDIR"), "libpl": v("LIBPL"), "ldlibrary": v("LDLIBRARY"), "instsoname": v("INSTSONAME"),
            "multiarch": v("MULTIARCH"), "enable_shared": v("Py_ENABLE_SHARED"), "can_host": can_host()}))
        """;

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);
    private static readonly string[] VenvInterpreters = ["bin/python3", "bin/python"];

    /// <summary>Finds the installation to embed, or throws <see cref="PythonNotFoundException"/> saying what to do.</summary>
    public static PythonInstallation Locate(string? python, string? venv)
    {
        venv = string.IsNullOrEmpty(venv) ? Environment.GetEnvironmentVariable("VIRTUAL_ENV") : venv;
        if (!string.IsNullOrEmpty(venv))
        {
            venv = Path.GetFullPath(venv);
            if (!Directory.Exists(venv))
            {
                throw new PythonNotFoundException($"virtualenv {venv} does not exist");
            }
        }

        if (!string.IsNullOrEmpty(python))
        {
            if (LooksLikeLibrary(python))
            {
                return FromLibrary(Path.GetFullPath(python), venv);
            }

            return Probe(python, venv);
        }

        if (!string.IsNullOrEmpty(venv))
        {
            var inVenv = VenvInterpreters.Select(p => Path.Combine(venv, p)).FirstOrDefault(File.Exists)
                ?? throw new PythonNotFoundException($"virtualenv {venv} has no bin/python3; pass --python as well");
            return Probe(inVenv, venv);
        }

        return Probe("python3", null);
    }

    private static bool LooksLikeLibrary(string path) =>
        Path.GetFileName(path).StartsWith("libpython", StringComparison.Ordinal) && path.Contains(".so", StringComparison.Ordinal);

    private static PythonInstallation Probe(string interpreter, string? venv)
    {
        if (interpreter.Contains('/', StringComparison.Ordinal) && !File.Exists(interpreter))
        {
            throw new PythonNotFoundException($"Python interpreter {interpreter} does not exist");
        }

        var info = RunProbe(interpreter);
        var root = info.RootElement;
        var numbers = root.GetProperty("version").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var version = new Version(numbers[0], numbers[1], numbers[2]);
        var executable = root.GetProperty("executable").GetString() ?? interpreter;
        PythonInstallation.CheckSupported(version, executable);

        string? Text(string name) => root.GetProperty(name).ValueKind == JsonValueKind.String ? root.GetProperty(name).GetString() : null;
        var basePrefix = Text("base_prefix")!;
        var baseExecPrefix = Text("base_exec_prefix") ?? basePrefix;
        var prefix = Text("prefix") ?? basePrefix;
        var candidates = new List<string>();
        foreach (var dir in new[] { Text("libdir"), Text("libpl"), Path.Combine(basePrefix, "lib") })
        {
            foreach (var name in new[] { Text("instsoname"), Text("ldlibrary") })
            {
                if (dir is not null && name is not null && name.Contains(".so", StringComparison.Ordinal))
                {
                    candidates.Add(Path.Combine(dir, name));
                }
            }
        }

        if (Text("multiarch") is { } multiarch && Text("instsoname") is { } soname && soname.Contains(".so", StringComparison.Ordinal))
        {
            candidates.Add(Path.Combine("/usr/lib", multiarch, soname));
        }

        var library = candidates.FirstOrDefault(File.Exists);
        var canHost = root.TryGetProperty("can_host", out var host) && host.ValueKind == JsonValueKind.True;
        var missing = library is not null ? null :
            $"{executable} (Python {version}) has no shared library libpython{version.Major}.{version.Minor}.so " +
            (candidates.Count == 0
                ? "(its build names a static library only). "
                : $"(looked in {string.Join(", ", candidates.Select(Path.GetDirectoryName).Distinct())}). ") +
            $"On Debian or Ubuntu: apt-get install libpython{version.Major}.{version.Minor}; " +
            $"with pyenv: PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install {version}";
        if (missing is not null && !canHost)
        {
            // Without a library, only the executable itself could run the server, and this one cannot.
            throw new PythonNotFoundException(missing);
        }

        CheckVenvMatches(venv, version, executable);

        // An interpreter inside a virtualenv has prefix != base_prefix: the venv is implied.
        venv ??= prefix != basePrefix ? prefix : null;
        var home = basePrefix == baseExecPrefix ? basePrefix : $"{basePrefix}:{baseExecPrefix}";
        return new PythonInstallation(executable, library, version, home, venv, canHost) { LibraryMissing = missing };
    }

    private static JsonDocument RunProbe(string interpreter)
    {
        var start = new ProcessStartInfo(interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(ProbeScript);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PythonNotFoundException($"cannot run {interpreter}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PythonNotFoundException(
                interpreter == "python3"
                    ? "no python3 on PATH; install Python (on Debian: apt-get install python3 libpython3.11) or pass --python"
                    : $"cannot run {interpreter}: {e.Message}",
                e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new PythonNotFoundException($"{interpreter} did not answer within {ProbeTimeout.TotalSeconds} s");
            }

            if (process.ExitCode != 0)
            {
                throw new PythonNotFoundException(
                    $"{interpreter} failed to describe itself (exit {process.ExitCode}): {stderr.Result.Trim()}");
            }

            try
            {
                return JsonDocument.Parse(stdout.Result);
            }
            catch (JsonException e)
            {
                var said = stdout.Result.Trim();
                throw new PythonNotFoundException(
                    $"{interpreter} is not a CPython interpreter: asked to describe itself, it printed " +
                    (said.Length == 0 ? "nothing" : $"'{(said.Length > 80 ? said[..80] + "..." : said)}'"), e);
            }
        }
    }

    private static PythonInstallation FromLibrary(string library, string? venv)
    {
        if (!File.Exists(library))
        {
            throw new PythonNotFoundException($"Python library {library} does not exist");
        }

        var match = LibraryVersion().Match(Path.GetFileName(library));
        if (!match.Success)
        {
            throw new PythonNotFoundException($"cannot tell the Python version of {library} from its name");
        }

        var version = new Version(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        PythonInstallation.CheckSupported(version, library);
        CheckVenvMatches(venv, version, library);

        // The standard library sits at PREFIX/lib/pythonX.Y; walk up from the library to find that prefix.
        string? home = null;
        for (var dir = Path.GetDirectoryName(library); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "lib", $"python{version.Major}.{version.Minor}", "os.py")))
            {
                home = dir;
                break;
            }
        }

        return new PythonInstallation(null, library, version, home, venv);
    }

    /// <summary>
    /// A virtualenv keeps its packages under lib/pythonX.Y for the X.Y that made it: another Python would start with
    /// its sys.prefix yet find none of them, and the application would fail to import for no visible reason.
    /// </summary>
    private static void CheckVenvMatches(string? venv, Version version, string python)
    {
        if (venv is null || VenvVersion(venv) is not { } made || (made.Major, made.Minor) == (version.Major, version.Minor))
        {
            return;
        }

        throw new PythonNotFoundException(
            $"virtualenv {venv} was made by Python {made.Major}.{made.Minor} (its pyvenv.cfg), but the Python in use is " +
            $"{version.Major}.{version.Minor} ({python}): its packages, under lib/python{made.Major}.{made.Minor}, would not be found. " +
            $"Leave --python out to use the virtualenv's own, or give a Python {made.Major}.{made.Minor}");
    }

    // pyvenv.cfg says "version = 3.12.1" (the venv module) or "version_info = 3.12.1.final.0" (virtualenv).
    private static Version? VenvVersion(string venv)
    {
        var config = Path.Combine(venv, "pyvenv.cfg");
        if (!File.Exists(config))
        {
            return null;
        }

        foreach (var line in File.ReadLines(config))
        {
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[0] is "version" or "version_info" && VenvVersionNumber().Match(parts[1]) is { Success: true } number)
            {
                return new Version(int.Parse(number.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(number.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(\d+)\.(\d+)")]
    private static partial Regex VenvVersionNumber();

    [GeneratedRegex(@"^libpython(\d+)\.(\d+)")]
    private static partial Regex LibraryVersion();
}
