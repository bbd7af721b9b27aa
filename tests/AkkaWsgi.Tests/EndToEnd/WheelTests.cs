using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AkkaWsgi.Tests.Support;
using Xunit.Abstractions;

namespace AkkaWsgi.Tests.EndToEnd;

/// <summary>
/// The wheel, as a Python team installs it: built by scripts/build-wheel.sh from a copy of this repository,
/// installed offline with pip into a fresh virtualenv of Debian's Python, and run from there with no flag naming
/// Python, where neither .NET nor the virtualenv is on PATH.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WheelTests(WheelFixture fixture, ITestOutputHelper output) : IClassFixture<WheelFixture>
{
    [RequiresPythonModuleFact("flask")]
    public async Task InstalledCommand_ServesAFlaskAppFromTheVirtualenvsOwnPackages_OnTheVirtualenvsPython()
    {
        var installed = fixture.Installed;
        output.WriteLine($"{Path.GetFileName(installed.Wheel)}: {new FileInfo(installed.Wheel).Length / 1024.0 / 1024.0:F1} MiB");
        using var server = ServerProcess.Launch(["--module", "app:app", "--chdir", installed.AppDirectory, "--http-socket", "127.0.0.1:0", "--workers", "2"],
            WheelFixture.BareEnvironment, Path.Combine(installed.Venv, "bin", "akkawsgi"));
        await server.WaitForReadyAsync(TimeSpan.FromSeconds(60));

        await AssertServedFromTheVenv(server, installed.Venv);
        Assert.Matches($@"worker ready \(Python 3\.\d+\.\d+ {Regex.Escape(Path.Combine(installed.Venv, "bin", "python"))}3?, the executable's own interpreter,", server.Log);
        Assert.Matches($@"worker processes start as {Regex.Escape(Path.Combine(installed.Venv, "bin", "python"))}3?,", server.Log);

        server.SendSignal(ServerProcess.SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [RequiresPythonModuleFact("flask")]
    public async Task PythonDashM_RunsTheSameServer()
    {
        var installed = fixture.Installed;
        using var server = ServerProcess.Launch(
            ["-m", "akkawsgi", "--module", "app:app", "--chdir", installed.AppDirectory, "--http-socket", "127.0.0.1:0", "--workers", "1", "--no-supervisor"],
            WheelFixture.BareEnvironment, Path.Combine(installed.Venv, "bin", "python"));
        await server.WaitForReadyAsync(TimeSpan.FromSeconds(60));

        await AssertServedFromTheVenv(server, installed.Venv);
        Assert.Contains("the executable's own interpreter", server.Log, StringComparison.Ordinal);
        server.SendSignal(ServerProcess.SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Wheel_IsNamedForThePlatformItRunsOn_AndCarriesAnExecutableServer()
    {
        var installed = fixture.Installed;
        Assert.Matches(@"^akkawsgi-\d+\.\d+\.\d+-py3-none-manylinux_2_\d+_x86_64\.whl$", Path.GetFileName(installed.Wheel));
        var server = Path.Combine(installed.SitePackages, "akkawsgi", "bin", "akkawsgi");
        Assert.True((File.GetUnixFileMode(server) & UnixFileMode.UserExecute) != 0);

        var version = ProcessRunner.Run(Path.Combine(installed.Venv, "bin", "akkawsgi"), ["--version"], TimeSpan.FromSeconds(30));
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.StandardOutput);

        // Outside the server, the package explains itself instead of failing on a missing name.
        var outside = ProcessRunner.Run(Path.Combine(installed.Venv, "bin", "python"),
            ["-c", "import akkawsgi; akkawsgi.notify_parked('x')"], TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, outside.ExitCode);
        Assert.Contains("provided by the akkawsgi server to the application it runs", outside.StandardError, StringComparison.Ordinal);
    }

    private static async Task AssertServedFromTheVenv(ServerProcess server, string venv)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync(new Uri(server.BaseUrl, "/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var where = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(venv, where["prefix"]!.GetValue<string>());
        Assert.Matches($"^{Regex.Escape(Path.Combine(venv, "bin"))}/python3?$", where["executable"]!.GetValue<string>());
        Assert.StartsWith(venv + "/lib/python3", where["flask"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Matches(new Regex("/site-packages/flask/__init__.py$"), where["flask"]!.GetValue<string>());
    }
}

/// <summary>The wheel built once for the class, and a virtualenv it is installed into.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WheelFixture : IDisposable
{
    // The packages Debian's python3-flask brings, which the test copies into the virtualenv: no package index is
    // reachable here, so the virtualenv gets them the way an offline site would, as files.
    private static readonly string[] FlaskDistributions = ["flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker"];

    private readonly TempDirectoryTree work = new();
    private readonly Lazy<Installation> installed;

    public WheelFixture() => installed = new Lazy<Installation>(Install);

    /// <summary>No .NET and no virtualenv on PATH; Debian's python3 is first, so only the launcher can have chosen the venv's.</summary>
    public static IReadOnlyDictionary<string, string?> BareEnvironment { get; } = new Dictionary<string, string?>
    {
        ["PATH"] = "/usr/bin:/bin",
        ["DOTNET_ROOT"] = null,
        ["VIRTUAL_ENV"] = null,
    };

    public Installation Installed => installed.Value;

    public void Dispose() => work.Dispose();

    private Installation Install()
    {
        // A copy of the sources, so that the self-contained publish touches nothing the other tests use.
        var copy = Path.Combine(work.Root, "repo");
        foreach (var folder in new[] { "src", "scripts", "packaging" })
        {
            CopyTree(Path.Combine(RepoPaths.Root, folder), Path.Combine(copy, folder));
        }

        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
        {
            File.Copy(Path.Combine(RepoPaths.Root, file), Path.Combine(copy, file));
        }

        var built = Run("bash", [Path.Combine(copy, "scripts", "build-wheel.sh")], TimeSpan.FromMinutes(10));
        var wheel = built.StandardOutput.Trim().Split('\n')[^1];
        Assert.True(File.Exists(wheel), $"build-wheel.sh printed no wheel:\n{built.StandardOutput}\n{built.StandardError}");

        var venv = Path.Combine(work.Root, "venv");
        Run(PythonInstalls.SystemPython, ["-m", "venv", venv], TimeSpan.FromMinutes(2));
        var python = Path.Combine(venv, "bin", "python");
        Assert.NotEqual(0, ProcessRunner.Run(python, ["-c", "import flask"], TimeSpan.FromSeconds(30)).ExitCode); // isolated from Debian's
        Run(python, ["-m", "pip", "install", "--no-index", "--disable-pip-version-check", "--no-cache-dir", wheel], TimeSpan.FromMinutes(3));

        var sitePackages = Run(python, ["-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], TimeSpan.FromSeconds(30)).StandardOutput.Trim();
        var system = Run(PythonInstalls.SystemPython, ["-c", "import flask, os; print(os.path.dirname(os.path.dirname(flask.__file__)))"],
            TimeSpan.FromSeconds(30)).StandardOutput.Trim();
        foreach (var entry in Directory.EnumerateFileSystemEntries(system))
        {
            var name = Path.GetFileName(entry);
            var distribution = name.Split('-')[0].ToLowerInvariant();
            if (FlaskDistributions.Contains(distribution))
            {
                if (Directory.Exists(entry))
                {
                    CopyTree(entry, Path.Combine(sitePackages, name));
                }
                else
                {
                    File.Copy(entry, Path.Combine(sitePackages, name));
                }
            }
        }

        var app = Path.Combine(work.Root, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "app.py"), """
            import sys

            import flask

            app = flask.Flask(__name__)


            @app.get("/")
            def where():
                return {"executable": sys.executable, "prefix": sys.prefix, "flask": flask.__file__}
            """);
        return new Installation(wheel, venv, sitePackages, app);
    }

    private static ProcessResult Run(string program, string[] arguments, TimeSpan timeout)
    {
        var result = ProcessRunner.Run(program, arguments, timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        }

        return result;
    }

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            // Build output and compiled Python are made afresh where they are needed.
            if (relative.Split(Path.DirectorySeparatorChar).SkipLast(1).Any(p => p is "bin" or "obj" or "__pycache__"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
            File.SetUnixFileMode(Path.Combine(target, relative), File.GetUnixFileMode(file));
        }
    }

    /// <summary>The wheel, the virtualenv it is installed in, its site-packages, and the directory of the test's Flask application.</summary>
    public sealed record Installation(string Wheel, string Venv, string SitePackages, string AppDirectory);
}
