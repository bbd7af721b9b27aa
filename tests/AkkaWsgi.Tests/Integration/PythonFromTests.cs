using AkkaWsgi.Python;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>--python-from: worker processes that start as the Python executable, or load its shared library.</summary>
public sealed class PythonFromTests
{
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(20);

    [Theory]
    [MemberData(nameof(PythonInstalls.All), MemberType = typeof(PythonInstalls))]
    public async Task ByDefault_TheWorkerIsThePythonExecutable_AndSeesNoServerVariables(string python)
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("interpreter_code", python, workers: 2));

        var report = await Report(server);

        Assert.Equal(RealPath(python), report["exe"]);
        Assert.Equal(RealPath(python), RealPath(report["executable"])); // the executable's own sys.executable
        Assert.Equal("False", report["host_variable"]);
        Assert.Equal(RepoPaths.AppsDir, report["path0"]); // not "" from the start-up script's -c
        Assert.Equal("os", report["main_names"]); // the start-up script's own names stay out of __main__
        Assert.Contains("worker processes start as ", server.Log, StringComparison.Ordinal);
        Assert.Contains("the executable's own interpreter", server.Log, StringComparison.Ordinal);
        if (python == PythonInstalls.SystemPython)
        {
            // Debian links its interpreter into the executable: no libpython is loaded at all, which is the point.
            Assert.Equal("False", report["libpython"]);
        }

        server.SendSignal(ServerProcess.SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Library_TheWorkerIsTheServerWithLibpythonLoaded()
    {
        var arguments = ServerProcess.AppArguments("interpreter_code", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--python-from", "library"]);
        using var server = await ServerProcess.StartAsync(arguments);

        var report = await Report(server);

        Assert.NotEqual(RealPath(PythonInstalls.Default), report["exe"]);
        Assert.Equal("True", report["libpython"]);
        Assert.Equal("False", report["host_variable"]);
        Assert.Contains("worker processes load Python's shared library: --python-from library", server.Log, StringComparison.Ordinal);
        Assert.Contains(", from libpython", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executable_GivenOnlyTheLibrary_StopsWithTheReason()
    {
        var library = DefaultLibrary;

        var log = await LogOfAStartThatFails(library, ["--python-from", "executable"], exitCode: 3);

        Assert.Contains($"--python-from executable: Python was given as its library ({library})", log, StringComparison.Ordinal);
        Assert.DoesNotContain("worker 0", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executable_WithUid_StopsWithTheReason()
    {
        var log = await LogOfAStartThatFails(PythonInstalls.Default, ["--python-from", "executable", "--uid", "nobody"], exitCode: 3);

        Assert.Contains("--python-from executable: --uid: a worker process drops its privileges before Python starts", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_GivenOnlyTheLibrary_LoadsIt()
    {
        var library = DefaultLibrary;
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("interpreter_code", library, workers: 1));

        var report = await Report(server);

        Assert.Equal("True", report["libpython"]);
        Assert.Contains("worker processes load Python's shared library: Python was given as its library", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSupervisor_TheProcessBecomesThePythonExecutable_KeepingItsId()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"akkawsgi-python-from-{Guid.NewGuid():N}.pid");
        var arguments = ServerProcess.AppArguments("interpreter_code", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--no-supervisor", "--pidfile", pidFile]);
        using var server = await ServerProcess.StartAsync(arguments);

        var report = await Report(server);

        Assert.Equal(RealPath(PythonInstalls.Default), report["exe"]);
        Assert.Equal("False", report["host_variable"]);
        Assert.Equal(server.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(pidFile).Trim());
        Assert.Contains("becoming ", server.Log, StringComparison.Ordinal);
        Assert.Contains("the executable's own interpreter", server.Log, StringComparison.Ordinal);

        server.SendSignal(ServerProcess.SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(pidFile));
    }

    [Fact]
    public async Task NoSupervisor_Library_StaysTheServer()
    {
        var arguments = ServerProcess.AppArguments("interpreter_code", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--no-supervisor", "--python-from", "library"]);
        using var server = await ServerProcess.StartAsync(arguments);

        var report = await Report(server);

        Assert.Equal("True", report["libpython"]);
        Assert.Contains("loading Python's shared library: --python-from library", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExecutableWithoutALibrary_Serves_AndTheLibraryModeSaysWhatToInstall()
    {
        // Debian's python3 made into an installation without libpython (as pyenv builds it by default, or Debian
        // without the libpython3.11 package): its executable has the interpreter linked in.
        using var prefix = new TempDirectoryTree();
        var made = ProcessRunner.Run(PythonInstalls.SystemPython,
            [Path.Combine(RepoPaths.Root, "tests", "tools", "make_python_without_library.py"), Path.Combine(prefix.Root, "python")],
            TimeSpan.FromSeconds(30));
        Assert.True(made.ExitCode == 0, made.StandardError);
        var python = made.StandardOutput.Trim();
        Assert.Null(PythonLocator.Locate(python, null).Library);

        using (var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("interpreter_code", python, workers: 2)))
        {
            var report = await Report(server);
            Assert.Equal(python, report["exe"]);
            Assert.Equal("False", report["libpython"]);
        }

        var log = await LogOfAStartThatFails(python, ["--python-from", "library"], exitCode: 3);
        Assert.Contains($"{python} (Python 3.", log, StringComparison.Ordinal);
        Assert.Contains("has no shared library libpython3.", log, StringComparison.Ordinal);
        Assert.Contains("apt-get install libpython3.", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownValue_IsAUsageError()
    {
        var log = await LogOfAStartThatFails(PythonInstalls.Default, ["--python-from", "static"], exitCode: 2);

        Assert.Contains("--python-from must be auto, executable or library", log, StringComparison.Ordinal);
    }

    private static async Task<string> LogOfAStartThatFails(string python, string[] flags, int exitCode)
    {
        var arguments = ServerProcess.AppArguments("interpreter_code", python, workers: 1);
        arguments.AddRange(flags);
        using var server = ServerProcess.Launch(arguments);

        var exit = await server.WaitForExitAsync(FailFast);

        Assert.True(exit == exitCode, $"exit code {exit}\n{server.Describe()}");
        return server.Log;
    }

    private static string DefaultLibrary =>
        PythonLocator.Locate(PythonInstalls.Default, null).Library ?? throw new InvalidOperationException($"{PythonInstalls.Default} has no shared library");

    // What interpreter_code.py reports of the worker that answered, by name.
    private static async Task<Dictionary<string, string>> Report(ServerProcess server)
    {
        using var http = TestHttp.Client(server);
        var report = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        return report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }

    private static string RealPath(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
}
