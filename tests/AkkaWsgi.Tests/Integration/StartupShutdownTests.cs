using System.Diagnostics;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>Start-up failures with their exit codes, graceful stop on signals, and virtualenvs.</summary>
public sealed class StartupShutdownTests : IDisposable
{
    // Import failures must be reported "within seconds"; the margin covers a loaded machine.
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(20);

    private readonly string _scratch = Directory.CreateTempSubdirectory("akkawsgi-startup-").FullName;

    public static TheoryData<string, string, string> ImportFailures => new()
    {
        // module spec, text the traceback must show, callable the summary line must name
        { "broken_import", "broken-import-marker", "application" },
        { "broken_syntax", "SyntaxError", "application" },
        { "no_such_module_for_akkawsgi_tests", "ModuleNotFoundError", "application" },
        { "pkg.sub:missing_callable", "missing_callable", "missing_callable" },
    };

    [Fact]
    public async Task BrokenImport_ThatStartedAThreadFirst_StillExitsWith4_WithoutWaitingForIt()
    {
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("broken_import", PythonInstalls.Default, workers: 1),
            new Dictionary<string, string?> { ["AKKAWSGI_TEST_THREAD"] = "import-time-thread" });

        // Before, the exit waited for the thread (an hour here), and the supervisor for the worker.
        var exit = await server.WaitForExitAsync(FailFast);
        Assert.True(exit == 4, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains("threads did not end within 0 s: import-time-thread", server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ImportFailures))]
    public async Task AppThatFailsToImport_ExitsWith4ShowingTracebackAndSummary(string module, string shown, string callable)
    {
        using var server = ServerProcess.Launch(ServerProcess.AppArguments(module, PythonInstalls.Default, workers: 1));
        var exit = await server.WaitForExitAsync(FailFast);
        var log = server.Log;

        Assert.True(exit == 4, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains(shown, log, StringComparison.Ordinal);
        var moduleName = module.Split(':')[0];
        Assert.True(log.Split('\n').Any(line => line.Contains(moduleName, StringComparison.Ordinal)
                                                && line.Contains(callable, StringComparison.Ordinal)
                                                && !line.TrimStart().StartsWith("File ", StringComparison.Ordinal)),
            $"no summary line names {moduleName} and {callable}:\n{log}");
    }

    [Theory]
    [InlineData("/bin/true", "/bin/true is not a CPython interpreter: asked to describe itself, it printed nothing")]
    [InlineData("/bin/echo", "/bin/echo is not a CPython interpreter: asked to describe itself, it printed '-c ")]
    public async Task PythonThatIsNotOne_ExitsWith3_SayingWhatItAnswered(string python, string expected)
    {
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("named_app", python, workers: 1));

        var exit = await server.WaitForExitAsync(FailFast);

        Assert.True(exit == 3, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains(expected, server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("JSON", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimerJobThatDoesNotFitTheClock_ExitsWith4_NamingTheJob_InsteadOfCrashing()
    {
        // The decorator refuses such an interval; a list the application writes to itself must not crash the process.
        var site = EmptyDir("bad-timer");
        File.WriteAllText(Path.Combine(site, "bad_timer.py"), """
            import akkawsgi

            def tick():
                pass

            akkawsgi._jobs.append(("timer", (1e300,), tick))

            def application(environ, start_response):
                start_response("200 OK", [])
                return [b"never"]
            """);
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("bad_timer", PythonInstalls.Default, workers: 1, chdir: site));

        var exit = await server.WaitForExitAsync(FailFast);

        Assert.True(exit == 4, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains("background job bad_timer.tick: 1e+300 is not a usable timer interval in seconds", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChdirThatDoesNotExist_ExitsWith2_NamingIt()
    {
        var missing = Path.Combine(_scratch, "no-such-site");
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("named_app", PythonInstalls.Default, workers: 1, chdir: missing));

        var exit = await server.WaitForExitAsync(FailFast);

        Assert.True(exit == 2, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains($"--chdir {missing}: no such directory", server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, false, "(1 worker process × 1 worker, application named_app:app, supervisor pid ")]
    [InlineData(2, false, "(1 worker process × 2 workers, application named_app:app, supervisor pid ")]
    [InlineData(1, true, " 1 worker, application named_app:app)")]
    public async Task ReadyLines_CountInWords(int workers, bool noSupervisor, string expected)
    {
        var arguments = ServerProcess.AppArguments("named_app:app", PythonInstalls.Default, workers);
        if (noSupervisor)
        {
            arguments.Add("--no-supervisor");
        }

        using var server = await ServerProcess.StartAsync(arguments);

        Assert.Contains(expected, server.Log, StringComparison.Ordinal);
        if (!noSupervisor)
        {
            Assert.Contains("worker ready (", server.Log, StringComparison.Ordinal);
            Assert.Contains($" {workers} {(workers == 1 ? "worker" : "workers")}, application named_app:app)", server.Log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BrokenImport_PrintsThePythonTraceback()
    {
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("broken_import", PythonInstalls.Default, workers: 1));
        await server.WaitForExitAsync(FailFast);

        Assert.Contains("Traceback (most recent call last)", server.Log, StringComparison.Ordinal);
        Assert.Contains("RuntimeError: broken-import-marker", server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ServerProcess.SigTerm)]
    [InlineData(ServerProcess.SigInt)]
    public async Task Signal_FinishesInFlightRequestRunsAtexitAndExitsZero(int signal)
    {
        var marker = Path.Combine(_scratch, $"atexit-{signal}.txt");
        using var status = new StatusSocket();
        var arguments = ServerProcess.AppArguments("atexit_app", PythonInstalls.Default, workers: 2);
        arguments.AddRange(status.Arguments);
        using var server = await ServerProcess.StartAsync(arguments,
            new Dictionary<string, string?> { ["AKKAWSGI_TEST_ATEXIT_FILE"] = marker });
        using var http = TestHttp.Client(server);
        var inFlight = http.GetStringAsync(new Uri("/slow?s=2", UriKind.Relative));
        // The signal waits until the request runs (a fixed delay could send it first on a loaded machine).
        var held = await status.WaitUntilHoldingAsync(running: 1, waiting: 0);
        Assert.True(held == "1+0", $"the server held {held} (running+waiting)\n{server.Describe()}");

        server.SendSignal(signal);

        Assert.Equal("finished after 2.0 s", await inFlight);
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit code {exit}\n{server.Describe()}");
        Assert.True(File.Exists(marker), $"atexit handler did not run\n{server.Describe()}");
        Assert.StartsWith("atexit ran in pid ", await File.ReadAllTextAsync(marker), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WithAnApplicationThreadThatNeverEnds_WaitsOutTheGracePeriod_RunsAtexit_AndExitsZero()
    {
        var marker = Path.Combine(_scratch, "atexit-thread-forever.txt");
        var arguments = ServerProcess.AppArguments("atexit_app", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--graceful-timeout", "2"]);
        using var server = await ServerProcess.StartAsync(arguments, new Dictionary<string, string?>
        {
            ["AKKAWSGI_TEST_ATEXIT_FILE"] = marker,
            ["AKKAWSGI_TEST_THREAD"] = "queue-poller",
        });

        server.SendSignal(ServerProcess.SigTerm);

        // Before, Python's exit waited for the thread for ever, until the supervisor killed the worker (no atexit).
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit code {exit}\n{server.Describe()}");
        // What is left of the 2 s once the drain is done: a little less when the drain took a moment.
        var left = System.Text.RegularExpressions.Regex.Match(server.Log, @"the application's threads did not end within ([\d.]+) s: queue-poller;");
        Assert.True(left.Success, server.Describe());
        Assert.InRange(double.Parse(left.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1.0, 2.0);
        Assert.Matches(@"pid \d+ stopped \(exit status 0\)", server.Log);
        Assert.True(File.Exists(marker), $"atexit handler did not run\n{server.Describe()}");
    }

    [Fact]
    public async Task Sigterm_WithAnApplicationThreadThatEndsWithinTheGracePeriod_WaitsForIt_ThenExitsAsPythonDoes()
    {
        var marker = Path.Combine(_scratch, "atexit-thread-ends.txt");
        var release = Path.Combine(_scratch, "thread-release.txt");
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("atexit_app", PythonInstalls.Default, workers: 1),
            new Dictionary<string, string?>
            {
                ["AKKAWSGI_TEST_ATEXIT_FILE"] = marker,
                ["AKKAWSGI_TEST_THREAD"] = "flusher",
                ["AKKAWSGI_TEST_THREAD_RELEASE"] = release,
            });

        server.SendSignal(ServerProcess.SigTerm);
        Assert.True(await server.WaitForLogAsync("waiting up to", TimeSpan.FromSeconds(30)), server.Describe());
        Assert.Contains("for the application's threads to end: flusher", server.Log, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "atexit ran before the thread ended");
        await File.WriteAllTextAsync(release, "");

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit code {exit}\n{server.Describe()}");
        Assert.True(File.Exists(marker), $"atexit handler did not run\n{server.Describe()}");
        Assert.DoesNotContain("did not end", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_AfterTheExitHandlers_CollectsTheWholeHeapOnce_AndStillRunsFinalisers()
    {
        var watch = Path.Combine(_scratch, "collections.txt");
        using var server = await ServerProcess.StartAsync(
            ServerProcess.AppArguments("atexit_app", PythonInstalls.Default, workers: 1),
            new Dictionary<string, string?> { ["AKKAWSGI_TEST_GC_FILE"] = watch });
        using var http = TestHttp.Client(server);
        Assert.Equal("finished after 0.0 s", await http.GetStringAsync(new Uri("/", UriKind.Relative)));

        server.SendSignal(ServerProcess.SigTerm);

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit code {exit}\n{server.Describe()}");
        Assert.True(File.Exists(watch), $"no full collection ran after the exit handlers\n{server.Describe()}");
        var counts = (await File.ReadAllTextAsync(watch)).Split(' ');
        // One collection over everything, for the finalisers; without the freeze after it the embedding's own
        // shutdown goes over the whole heap some eighty times.
        Assert.True(counts[0] == "1", $"{counts[0]} full collections after the exit handlers went over half or more of the {counts[1]} objects");
        Assert.Equal("finalised", await File.ReadAllTextAsync(watch + ".finalised"));
    }

    [Fact]
    public async Task Sigterm_UnderLoad_AnswersEveryRequestAlreadySent_RunningOrQueued()
    {
        using var status = new StatusSocket();
        var arguments = ServerProcess.AppArguments("atexit_app", PythonInstalls.Default, workers: 4);
        arguments.AddRange(status.Arguments);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        // Three rounds' worth for four workers: when the signal comes, four run and eight wait in the queue. The signal
        // waits until the server has them all: a request still in the client when it comes was not "already sent".
        var inFlight = Enumerable.Range(0, 12).Select(_ => http.GetStringAsync(new Uri("/slow?s=2", UriKind.Relative))).ToList();
        var held = await status.WaitUntilHoldingAsync(running: 4, waiting: 8);

        Assert.True(held == "4+8", $"the server held {held} (running+waiting) of the 12 requests after 5 s\n{server.Describe()}");

        server.SendSignal(ServerProcess.SigTerm);

        var answers = await Task.WhenAll(inFlight);
        Assert.All(answers, a => Assert.Equal("finished after 2.0 s", a));
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit code {exit}\n{server.Describe()}");
    }

    [Fact]
    public async Task GracefulTimeout_StopsWaitingForARequestThatRunsTooLong()
    {
        var arguments = ServerProcess.AppArguments("atexit_app", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--graceful-timeout", "1"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        var stuck = http.GetStringAsync(new Uri("/slow?s=60", UriKind.Relative));
        await Task.Delay(700);
        var clock = Stopwatch.StartNew();

        server.SendSignal(ServerProcess.SigTerm);
        await server.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed} with --graceful-timeout 1");
        await Assert.ThrowsAnyAsync<Exception>(() => stuck);
    }

    [Fact]
    public async Task Sigterm_WithAWorkerHoldingTheGilInC_StillExits()
    {
        var arguments = ServerProcess.AppArguments("timeouts", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--graceful-timeout", "1", "--no-supervisor"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        var stuck = http.GetStringAsync(new Uri("/hold-gil", UriKind.Relative));
        await Task.Delay(700);
        var clock = Stopwatch.StartNew();

        server.SendSignal(ServerProcess.SigTerm);
        await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // The grace period, the workers' stop timeout (5 s), and nothing more: in particular no wait for the GIL that
        // the stuck worker will never give back.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {clock.Elapsed}\n{server.Describe()}");
        Assert.Contains("still running Python", server.Log, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => stuck);
    }

    [Fact]
    public async Task MissingLibpython_ExitsWith3NamingTheLibrary()
    {
        var missing = Path.Combine(_scratch, "lib", "libpython3.11.so.1.0");
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("conformance", missing, workers: 1));
        var exit = await server.WaitForExitAsync(FailFast);

        Assert.True(exit == 3, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains("libpython", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileThatIsNotALibrary_ExitsWith3()
    {
        var fake = Path.Combine(_scratch, "libpython3.12.so");
        await File.WriteAllTextAsync(fake, "not an ELF shared object");
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("conformance", fake, workers: 1));
        var exit = await server.WaitForExitAsync(FailFast);

        Assert.True(exit == 3, $"exit code {exit}\n{server.Describe()}");
    }

    [RequiresUnsupportedPythonFact]
    public async Task InterpreterPastEndOfLife_ExitsWith3NamingItsVersionAndTheSupportedRange()
    {
        foreach (var python in PythonInstalls.Unsupported)
        {
            using var server = ServerProcess.Launch(ServerProcess.AppArguments("conformance", python, workers: 1));
            var exit = await server.WaitForExitAsync(FailFast);

            Assert.True(exit == 3, $"{python}: exit code {exit}\n{server.Describe()}");
            Assert.Matches(@"is Python [23]\.\d+\.\d+, which is past its end of life \(\w+ 20\d\d\); akkawsgi supports CPython 3\.11 to 3\.15", server.Log);
            Assert.Single(server.Log.Split('\n'), l => l.Contains("past its end of life", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task VenvFlag_ImportsFromTheVenvAndSetsSysPrefix()
    {
        var venv = CreateVenvWithProbe();
        var arguments = new List<string>
        {
            "--module", "venv_probe", "--chdir", EmptyDir("chdir-flag"), "--http-socket", "127.0.0.1:0",
            "--workers", "1", "--venv", venv,
        };
        using var server = await ServerProcess.StartAsync(arguments);

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/"));
        Assert.Equal(venv, response.BodyText);
    }

    [Fact]
    public async Task VirtualEnvVariable_ImportsFromTheVenvAndSetsSysPrefix()
    {
        var venv = CreateVenvWithProbe();
        var arguments = new List<string>
        {
            "--module", "venv_probe", "--chdir", EmptyDir("chdir-env"), "--http-socket", "127.0.0.1:0", "--workers", "1",
        };
        using var server = await ServerProcess.StartAsync(arguments, new Dictionary<string, string?> { ["VIRTUAL_ENV"] = venv });

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/"));
        Assert.Equal(venv, response.BodyText);
    }

    [Fact]
    public async Task VenvOfAnotherPythonVersion_ExitsWith3_SayingWhichAndWhatToDo()
    {
        var venv = CreateVenvWithProbe();
        var config = Path.Combine(venv, "pyvenv.cfg");
        // As if another Python had made it: its packages would sit under lib/python3.99, out of the one in use's sight.
        File.WriteAllLines(config, File.ReadAllLines(config).Select(l => l.StartsWith("version", StringComparison.Ordinal) ? "version = 3.99.0" : l));
        var arguments = new List<string>
        {
            "--module", "venv_probe", "--chdir", EmptyDir("chdir-mismatch"), "--http-socket", "127.0.0.1:0",
            "--workers", "1", "--venv", venv, "--python", PythonInstalls.Default,
        };
        using var server = ServerProcess.Launch(arguments);

        var exit = await server.WaitForExitAsync(FailFast);

        Assert.True(exit == 3, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains($"virtualenv {venv} was made by Python 3.99 (its pyvenv.cfg), but the Python in use is 3.", server.Log, StringComparison.Ordinal);
        Assert.Contains("under lib/python3.99, would not be found", server.Log, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a failing Dispose would hide the test's own result.
        }
    }

    private string EmptyDir(string name) => Directory.CreateDirectory(Path.Combine(_scratch, name)).FullName;

    /// <summary>A venv (no pip, nothing to download) whose site-packages alone holds the app module.</summary>
    private string CreateVenvWithProbe()
    {
        var venv = Path.Combine(_scratch, "venv");
        var created = ProcessRunner.Run(PythonInstalls.Default, ["-m", "venv", "--without-pip", venv], TimeSpan.FromSeconds(60));
        Assert.True(created.ExitCode == 0, $"python -m venv failed: {created.StandardError}");
        var sitePackages = Directory.GetDirectories(Path.Combine(venv, "lib"), "python3.*")
            .Select(dir => Path.Combine(dir, "site-packages"))
            .Single(Directory.Exists);
        File.WriteAllText(Path.Combine(sitePackages, "venv_probe.py"),
            """
            import sys


            def application(environ, start_response):
                body = sys.prefix.encode("utf-8")
                start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
                return [body]
            """);
        return venv;
    }
}
