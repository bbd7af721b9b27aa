using System.Globalization;

namespace AkkaWsgi.Tests.Support;

/// <summary>
/// The Python interpreters on this machine that the server can embed. <c>AKKAWSGI_TEST_PYTHONS</c>
/// (colon separated) overrides discovery; otherwise every pyenv install and /usr/bin/python3
/// are probed, and only those whose sysconfig names a shared libpython that exists are kept
/// (a static-only build cannot be embedded).
/// </summary>
public static class PythonInstalls
{
    public const string SystemPython = "/usr/bin/python3";

    private const int MinimumMinor = 11; // the oldest CPython not past its end of life

    // Static builds name a libpython*.a here; only a .so can be loaded into the server.
    private const string ProbeScript =
        "import os, sys, sysconfig\n" +
        "libdir = sysconfig.get_config_var('LIBDIR') or ''\n" +
        "names = [sysconfig.get_config_var('INSTSONAME'), sysconfig.get_config_var('LDLIBRARY')]\n" +
        "shared = any(n and '.so' in n and os.path.exists(os.path.join(libdir, n)) for n in names)\n" +
        "print('%d.%d %s' % (sys.version_info[0], sys.version_info[1], 'shared' if shared else 'static'))\n";

    private static readonly Lazy<IReadOnlyList<PythonInstall>> LazyProbed = new(Probe);

    /// <summary>Supported interpreters (3.11 and later) with a shared libpython.</summary>
    public static IReadOnlyList<string> Supported =>
        LazyProbed.Value.Where(p => p.Shared && p.Supported).Select(p => p.Path).ToList();

    /// <summary>Interpreters past their end of life (older than 3.11, with a shared libpython) that the server must refuse.</summary>
    public static IReadOnlyList<string> Unsupported =>
        LazyProbed.Value.Where(p => p.Shared && !p.Supported).Select(p => p.Path).ToList();

    /// <summary>The interpreter for suites that need only one: the system one if usable, else the first.</summary>
    public static string Default
    {
        get
        {
            var supported = Supported;
            return supported.Contains(SystemPython) ? SystemPython
                : supported.Count > 0 ? supported[0]
                : throw new InvalidOperationException(NoneFoundMessage);
        }
    }

    public static string NoneFoundMessage =>
        "No supported Python (3.11+ with a shared libpython) was found. Probed: " +
        string.Join(", ", LazyProbed.Value.Select(p => $"{p.Path} ({p.Version}, {(p.Shared ? "shared" : "static")})")) +
        ". Set AKKAWSGI_TEST_PYTHONS or install libpython3.x.";

    /// <summary>MemberData source: one row per supported interpreter.</summary>
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var path in Supported)
            {
                data.Add(path);
            }

            return data;
        }
    }

    private static List<PythonInstall> Probe()
    {
        var found = new List<PythonInstall>();
        foreach (var candidate in Candidates().Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            try
            {
                var result = ProcessRunner.Run(candidate, ["-c", ProbeScript], TimeSpan.FromSeconds(20));
                var parts = result.StandardOutput.Trim().Split(' ');
                if (result.ExitCode != 0 || parts.Length != 2)
                {
                    continue;
                }

                var version = parts[0].Split('.');
                var major = int.Parse(version[0], CultureInfo.InvariantCulture);
                var minor = int.Parse(version[1], CultureInfo.InvariantCulture);
                found.Add(new PythonInstall(candidate, parts[0], parts[1] == "shared",
                    major == 3 && minor >= MinimumMinor));
            }
            catch (Exception e) when (e is TimeoutException or System.ComponentModel.Win32Exception or FormatException)
            {
                // An interpreter that cannot even report its version is not one the tests can use.
            }
        }

        return found;
    }

    private static IEnumerable<string> Candidates()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AKKAWSGI_TEST_PYTHONS");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            foreach (var path in fromEnv.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return path;
            }

            yield break;
        }

        var root = Environment.GetEnvironmentVariable("PYENV_ROOT");
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        }

        var versions = Path.Combine(root, "versions");
        if (Directory.Exists(versions))
        {
            var installs = Directory.GetDirectories(versions)
                .Select(dir => (dir, version: ParseVersion(Path.GetFileName(dir))))
                .Where(x => x.version is not null)
                .OrderBy(x => x.version);
            foreach (var (dir, _) in installs)
            {
                var python = Path.Combine(dir, "bin", "python3");
                yield return File.Exists(python) ? python : Path.Combine(dir, "bin", "python");
            }
        }

        yield return SystemPython;
    }

    private static Version? ParseVersion(string name)
    {
        var digits = new string(name.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray()).Trim('.');
        return Version.TryParse(digits.Contains('.', StringComparison.Ordinal) ? digits : digits + ".0", out var v) ? v : null;
    }

    private sealed record PythonInstall(string Path, string Version, bool Shared, bool Supported);
}
