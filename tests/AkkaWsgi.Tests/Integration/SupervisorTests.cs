using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// The supervisor and its worker processes: shared listeners, replacement of dead workers, start-up failures,
/// SIGHUP reloads under load, privilege dropping, recycling, and the one process that runs cron and timers.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class SupervisorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoProcesses_ShareOnePort_AndBothAnswer()
    {
        using var server = await ServerProcess.StartAsync(Arguments(processes: 2));

        var pids = new HashSet<int>();
        for (var i = 0; i < 400 && pids.Count < 2; i++)
        {
            // A new connection each time: the kernel hands each one to whichever process accepts it first.
            var answer = await GetOnNewConnectionAsync(server, "/");
            pids.Add(answer.Pid);
            Assert.True(answer.MultiProcess, answer.Text);
            Assert.Contains("sees_supervisor_variables=False", answer.Text, StringComparison.Ordinal);
        }

        Assert.Equal(2, pids.Count);
        Assert.DoesNotContain(server.ProcessId, pids);
        Assert.Equal(pids.Order(), WorkerPids(server.Log).Order());
        Assert.DoesNotContain("per core", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreProcessesThanTheCoresCanRun_AreStarted_WithAWarningThatSaysWhy()
    {
        using var server = await ServerProcess.StartAsync(
            Arguments(processes: 5), new Dictionary<string, string?> { ["DOTNET_PROCESSOR_COUNT"] = "1" });

        Assert.Contains("--processes 5 is more than 4 per core on this machine (1 core)", server.Log, StringComparison.Ordinal);
        Assert.Contains("more --workers", server.Log, StringComparison.Ordinal);
        Assert.Contains("(5 worker processes × 2 workers", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoProcesses_EachRunItsShareOfTheSocketThreads()
    {
        using var server = await ServerProcess.StartAsync(Arguments(processes: 2));

        await AssertEachOfTwoWorkersRunsSocketThreadsAsync(server, (Environment.ProcessorCount + 1) / 2);
    }

    [Fact]
    public async Task TwoProcesses_RunTheSocketThreadsTheEnvironmentAsksFor()
    {
        using var server = await ServerProcess.StartAsync(
            Arguments(processes: 2), new Dictionary<string, string?> { ["DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT"] = "3" });

        await AssertEachOfTwoWorkersRunsSocketThreadsAsync(server, 3);
    }

    [Fact]
    public async Task OneProcess_IsStillSupervised_AndSaysItIsNotMultiprocess()
    {
        using var server = await ServerProcess.StartAsync(Arguments(processes: 1));

        var answer = await GetOnNewConnectionAsync(server, "/");

        Assert.False(answer.MultiProcess, answer.Text);
        Assert.NotEqual(server.ProcessId, answer.Pid);
        Assert.Contains("(1 worker process × 2 workers", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KilledWorker_IsReplaced_AndServiceContinues_AndOnlyTheSupervisorReportsIt()
    {
        using var server = await ServerProcess.StartAsync(Arguments(processes: 2));
        var workers = WorkerPids(server.Log);
        Assert.True(await ClusterIsWholeAsync(server, workers), server.Describe());
        var victim = workers.First();
        var line = server.LineCount;
        var killed = Stopwatch.StartNew();

        KillHard(victim);

        Assert.True(await server.WaitForLogAsync(log => WorkerPids(log).Count == 1 && log.Contains("ready", StringComparison.Ordinal), Patience, line),
            server.Describe());
        var replacement = WorkerPids(server.LogSince(line)).Single();
        Assert.NotEqual(victim, replacement);
        Assert.Contains("killed by signal 9", server.LogSince(line), StringComparison.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            var answer = await GetOnNewConnectionAsync(server, "/");
            Assert.NotEqual(victim, answer.Pid);
        }

        // Past the heartbeat pause after which the others would have called the dead process unreachable, had it not
        // left the cluster at once; until then they kept calling its port and logging each refusal.
        var rest = ClusterSettings.OneMachineHeartbeatPause + TimeSpan.FromSeconds(2) - killed.Elapsed;
        await Task.Delay(rest > TimeSpan.Zero ? rest : TimeSpan.Zero);
        var members = workers.Where(pid => pid != victim).Append(replacement).ToHashSet();
        Assert.True(await ClusterIsWholeAsync(server, members), server.Describe());
        var loud = Regex.Matches(server.LogSince(line), @"(?m)^\S+ (warn|error|crit)\b.*$").Select(m => m.Value)
            .Where(l => !l.Contains("SIGUSR2", StringComparison.Ordinal)).ToList();
        Assert.True(loud.Count == 1 && loud[0].Contains("exited unexpectedly", StringComparison.Ordinal), string.Join('\n', loud));
    }

    [Fact]
    public async Task WorkerThatCrashesInC_PrintsThePythonStackThatCalledIt_AndIsReplaced()
    {
        var arguments = Arguments(processes: 1);
        arguments.AddRange(["--python-from", "executable"]);
        using var server = await ServerProcess.StartAsync(arguments);
        var line = server.LineCount;

        using (var client = TestHttp.Client(server))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("/crash", UriKind.Relative)));
        }

        Assert.True(await server.WaitForLogAsync("exited unexpectedly (killed by signal 11)", Patience, line), server.Describe());
        var crash = server.LogSince(line);
        Assert.Contains("Fatal Python error: Segmentation fault", crash, StringComparison.Ordinal);
        Assert.Matches(@"File "".*processes\.py"", line \d+ in application", crash);
        Assert.True(await server.WaitForLogAsync(log => WorkerReadyLine().IsMatch(log), Patience, line), server.Describe());
        Assert.Equal(HttpStatusCode.OK, (await GetOnNewConnectionAsync(server, "/")).Status);
    }

    [Fact]
    public async Task SupervisorKilled_WorkersStopOnTheirOwn()
    {
        using var server = await ServerProcess.StartAsync(Arguments(processes: 2));
        var workers = WorkerPids(server.Log);

        server.SendSignal(ServerProcess.SigKill);

        var deadline = Stopwatch.StartNew();
        while (workers.Any(Alive) && deadline.Elapsed < Patience)
        {
            await Task.Delay(50);
        }

        Assert.False(workers.Any(Alive), $"workers {string.Join(", ", workers.Where(Alive))} outlived their supervisor\n{server.Describe()}");
        Assert.Contains("the supervisor is gone", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppThatFailsToImport_ExitsWith4_WithoutRestarting()
    {
        var arguments = ServerProcess.AppArguments("broken_import", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--processes", "2"]);
        using var server = ServerProcess.Launch(arguments);

        var exit = await server.WaitForExitAsync(Patience);

        Assert.True(exit == 4, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains("the application cannot start", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("retrying", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkerThatDiesAtStartUp_IsRetriedWithBackOff_ThenGivenUp()
    {
        using var app = new TempDirectoryTree();
        app.Write("dies.py", "import os\nos._exit(9)\n");
        var arguments = ServerProcess.AppArguments("dies", PythonInstalls.Default, workers: 1, chdir: app.Root);
        using var server = ServerProcess.Launch(arguments);
        var clock = Stopwatch.StartNew();

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 1, $"exit code {exit}\n{server.Describe()}");
        Assert.Equal(4, Regex.Count(server.Log, "failed at start-up \\(exit status 9\\)"));
        Assert.Contains("giving up", server.Log, StringComparison.Ordinal);
        // Retries wait 1, 2, 4 and 8 s: no tight loop.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(15), $"gave up after {clock.Elapsed}");
    }

    [Fact]
    public async Task Reload_UnderSteadyLoad_LosesNoRequest_AndServesTheNewCode()
    {
        using var app = new TempDirectoryTree();
        var module = app.Write("reloaded.py", File.ReadAllText(Path.Combine(RepoPaths.AppsDir, "processes.py")));
        using var server = await ServerProcess.StartAsync(Arguments(processes: 2, module: "reloaded", chdir: app.Root));
        using var client = TestHttp.Client(server);
        var failures = new List<string>();
        var answered = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        async Task LoadAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync("/slow?0.01");
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK || !text.StartsWith("pid=", StringComparison.Ordinal))
                    {
                        lock (failures)
                        {
                            failures.Add($"{(int)response.StatusCode} {text}");
                        }
                    }

                    Interlocked.Increment(ref answered);
                }
                catch (HttpRequestException e)
                {
                    lock (failures)
                    {
                        failures.Add(e.Message);
                    }
                }
            }
        }

        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(LoadAsync)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3));
        File.WriteAllText(module, File.ReadAllText(module).Replace("VERSION = \"1\"", "VERSION = \"2\"", StringComparison.Ordinal));
        var line = server.LineCount;
        server.SendSignal(ServerProcess.SigHup);
        Assert.True(await server.WaitForLogAsync("generation 2 is serving", Patience, line), server.Describe());
        await Task.WhenAll(load);

        Assert.True(failures.Count == 0, $"{failures.Count} of {answered} requests failed: {string.Join(" | ", failures.Distinct().Take(5))}\n{server.Describe()}");
        Assert.True(answered >= 1000, $"only {answered} requests in 10 s");
        Assert.True(await server.WaitForLogAsync(log => Regex.Count(log, "generation 1, #\\d+\\), pid \\d+ stopped") == 2, Patience, line),
            server.Describe());
        for (var i = 0; i < 10; i++)
        {
            Assert.Contains("version=2", (await GetOnNewConnectionAsync(server, "/")).Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReloadWithBrokenCode_KeepsTheOldGenerationServing()
    {
        using var app = new TempDirectoryTree();
        var module = app.Write("reloaded.py", File.ReadAllText(Path.Combine(RepoPaths.AppsDir, "processes.py")));
        using var server = await ServerProcess.StartAsync(Arguments(processes: 1, module: "reloaded", chdir: app.Root));
        var before = await GetOnNewConnectionAsync(server, "/");
        File.WriteAllText(module, "raise ImportError('deploy-broke-it')\n");
        var line = server.LineCount;

        server.SendSignal(ServerProcess.SigHup);

        Assert.True(await server.WaitForLogAsync("reload failed", Patience, line), server.Describe());
        Assert.Contains("deploy-broke-it", server.LogSince(line), StringComparison.Ordinal);
        var after = await GetOnNewConnectionAsync(server, "/");
        Assert.Equal(before.Pid, after.Pid);
        Assert.False(server.HasExited);
    }

    [Fact]
    public async Task ReloadAndStop_WithTwoProcesses_TheOldOnesLeaveTheCluster_NothingIsReportedUnreachableOrFailed()
    {
        using var server = await ServerProcess.StartAsync(Arguments(processes: 2));
        var line = server.LineCount;

        server.SendSignal(ServerProcess.SigHup);

        Assert.True(await server.WaitForLogAsync(log => Regex.Count(log, "generation 1, #\\d+\\), pid \\d+ stopped") == 2, Patience, line),
            server.Describe());
        // A node that stops answering is reported after 3 s of silence; the old workers, downed as they exited instead
        // of being left to leave, were reported about 3.5 s after it.
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.False(server.LogSince(line).Contains("unreachable", StringComparison.OrdinalIgnoreCase), server.Describe());

        // A process that has left can close its connections before its goodbye reaches the others, whose remoting
        // reported that (in about two runs of three) as a failed association and a disassociated writer.
        server.SendSignal(ServerProcess.SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(Patience));
        var loud = Regex.Matches(server.LogSince(line), @"(?m)^\S+ (warn|error|crit)\b.*$").Select(m => m.Value).ToList();
        Assert.True(loud.Count == 0, string.Join('\n', loud));
    }

    [Theory]
    [InlineData("supervisor")]
    [InlineData("worker")]
    public async Task ProcessThatStalls_LongerThanAHeartbeatMayPause_IsRemovedByNobody_AndTheClusterHeals(string stalled)
    {
        using var server = await ServerProcess.StartAsync(Arguments(processes: 2));
        var workers = WorkerPids(server.Log);
        Assert.True(await ClusterIsWholeAsync(server, workers), server.Describe());
        var line = server.LineCount;
        var pid = stalled == "supervisor" ? server.ProcessId : workers.Min();

        // A machine stalled by swapping, a hypervisor or a burst of load stops heartbeats on one machine for seconds;
        // every process is still alive, so none may be removed, and none may conclude that the others are gone.
        ServerProcess.Signal(pid, ServerProcess.SigStop);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(14));
        }
        finally
        {
            ServerProcess.Signal(pid, ServerProcess.SigCont);
        }

        Assert.True(await ClusterIsWholeAsync(server, workers), server.Describe());
        Assert.DoesNotMatch("(?i)removed|downing|SBR took", server.LogSince(line));
        Assert.Equal(workers.Order(), WorkerPids(server.Log).Order());
        var answered = new HashSet<int>();
        for (var i = 0; i < 400 && answered.Count < 2; i++)
        {
            answered.Add((await GetOnNewConnectionAsync(server, "/")).Pid);
        }

        Assert.Equal(workers.Order(), answered.Order());
    }

    [Fact]
    public async Task Uid_BindsAPrivilegedPortAsRoot_ThenServesAsNobody()
    {
        Assert.True(Privileges.EffectiveUserId == 0, Privileges.RootNeeded);
        using var app = new TempDirectoryTree();
        app.Write("processes.py", File.ReadAllText(Path.Combine(RepoPaths.AppsDir, "processes.py")));
        var port = FreePrivilegedPort();
        var arguments = Arguments(processes: 1, chdir: app.Root);
        arguments[arguments.IndexOf("127.0.0.1:0")] = $"127.0.0.1:{port}";
        arguments.AddRange(["--uid", "nobody"]);

        using var server = await ServerProcess.StartAsync(arguments);
        var answer = await GetOnNewConnectionAsync(server, "/");

        Assert.Equal(port, server.Port);
        Assert.Contains("uid=65534 gid=65534 ", answer.Text, StringComparison.Ordinal);
        // Python's start-up (site-packages' .pth files, sitecustomize) must not run as root.
        Assert.Contains("worker processes load Python's shared library: --uid", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gid_ChoosesTheWorkersGroup_OverTheUsersOwn()
    {
        Assert.True(Privileges.EffectiveUserId == 0, Privileges.RootNeeded);
        using var app = new TempDirectoryTree();
        app.Write("processes.py", File.ReadAllText(Path.Combine(RepoPaths.AppsDir, "processes.py")));
        var arguments = Arguments(processes: 1, chdir: app.Root);
        arguments.AddRange(["--uid", "nobody", "--gid", "daemon"]);

        using var server = await ServerProcess.StartAsync(arguments);
        var answer = await GetOnNewConnectionAsync(server, "/");

        Assert.Contains("uid=65534 gid=1 ", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxRequests_ReplacesTheWorker_WithoutAFailedRequest()
    {
        var arguments = Arguments(processes: 1);
        arguments.AddRange(["--max-requests", "40", "--max-requests-jitter", "0"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var client = TestHttp.Client(server);
        var pids = new HashSet<int>();

        var clock = Stopwatch.StartNew();
        while (pids.Count < 3 && clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            using var response = await client.GetAsync("/");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            pids.Add(Answer.Parse(text).Pid);
            await Task.Delay(10);
        }

        Assert.True(pids.Count >= 3, $"saw pids {string.Join(", ", pids)}\n{server.Describe()}");
        Assert.Contains("--max-requests", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxRss_ReplacesAWorkerThatGrewPastIt()
    {
        var arguments = Arguments(processes: 1);
        arguments.AddRange(["--max-rss", "1"]); // every worker is past 1 MiB
        using var server = await ServerProcess.StartAsync(arguments);

        Assert.True(await server.WaitForLogAsync(log => WorkerPids(log).Count >= 2, Patience), server.Describe());
        Assert.Contains("passed --max-rss 1 MiB", server.Log, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetOnNewConnectionAsync(server, "/")).Status);
    }

    [Fact]
    public async Task Timers_RunInWorkerZeroOnly_AndMoveWithItsReplacement()
    {
        using var stamps = new TempDirectoryTree();
        var file = stamps.PathOf("stamps.txt");
        var arguments = Arguments(processes: 2);
        var environment = new Dictionary<string, string?> { ["AKKAWSGI_TEST_STAMP_FILE"] = file };
        using var server = await ServerProcess.StartAsync(arguments, environment);
        var zero = WorkerPid(server.Log, slot: 0);

        Assert.True(await WaitForAsync(() => Stamps(file).Count >= 5), server.Describe());
        Assert.Equal([zero], Stamps(file).Distinct());

        var line = server.LineCount;
        KillHard(zero);
        Assert.True(await server.WaitForLogAsync("[worker 0 pid", Patience, line), server.Describe());
        var newZero = WorkerPid(server.LogSince(line), slot: 0);
        Assert.True(await WaitForAsync(() => Stamps(file).Contains(newZero)), server.Describe());
        Assert.Equal(new[] { zero, newZero }.Order(), Stamps(file).Distinct().Order());
    }

    [Fact]
    public async Task StandardInput_OfAWorkerProcess_IsEmpty_ForTheApplicationAndItsChildren_AndTheSupervisorsCommandsStillArrive()
    {
        using var stamps = new TempDirectoryTree();
        var file = stamps.PathOf("stamps.txt");
        var environment = new Dictionary<string, string?> { ["AKKAWSGI_TEST_STAMP_FILE"] = file };
        using var server = await ServerProcess.StartAsync(Arguments(processes: 1), environment);
        using var client = TestHttp.Client(server);
        client.Timeout = TimeSpan.FromSeconds(10);

        // Standard input used to be the supervisor's pipe: a read blocked the worker until the supervisor exited.
        Assert.Equal("own='' child=''", await client.GetStringAsync(new Uri("/stdin", UriKind.Relative)));

        // The supervisor's command still arrived: the worker was made the one that runs timers. (That its end still
        // reaches the worker, SupervisorKilled_WorkersStopOnTheirOwn shows.)
        Assert.True(await WaitForAsync(() => Stamps(file).Count >= 2), server.Describe());
        Assert.Equal([WorkerPid(server.Log, slot: 0)], Stamps(file).Distinct());
    }

    [Fact]
    public async Task SeveralListeners_IPv4AndIPv6_AreAllServedByTheWorkers()
    {
        var arguments = Arguments(processes: 2);
        arguments.AddRange(["--http-socket", "[::1]:0"]);
        using var server = await ServerProcess.StartAsync(arguments);
        var urls = Regex.Matches(server.Log, @"http://(127\.0\.0\.1|\[::1\]):\d+").Select(m => m.Value).Distinct().ToList();

        Assert.Equal(2, urls.Count);
        foreach (var url in urls)
        {
            using var client = new HttpClient { Timeout = TestHttp.Timeout };
            var text = await client.GetStringAsync(new Uri(url + "/"));
            Assert.Contains("multiprocess=True", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PidFile_HoldsTheServersProcessId_AndIsRemovedAtExit(bool noSupervisor)
    {
        using var files = new TempDirectoryTree();
        var pidFile = files.PathOf("server.pid");
        using var server = await ServerProcess.StartAsync(PidFileArguments(pidFile, noSupervisor));

        Assert.Equal($"{server.ProcessId}\n", File.ReadAllText(pidFile));
        server.SendSignal(ServerProcess.SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(Patience));
        Assert.False(File.Exists(pidFile), server.Describe());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PidFile_NamingAServerThatRuns_IsNotTakenOver_TheSecondServerExitsWith1(bool noSupervisor)
    {
        using var files = new TempDirectoryTree();
        var pidFile = files.PathOf("server.pid");
        using var first = await ServerProcess.StartAsync(PidFileArguments(pidFile, noSupervisor: false));

        // Another port, the same file: it used to overwrite it, and remove it at its exit, leaving the first without.
        using var refused = ServerProcess.Launch(PidFileArguments(pidFile, noSupervisor));

        Assert.Equal(1, await refused.WaitForExitAsync(Patience));
        Assert.Contains($"--pidfile {pidFile}: the server is already running as pid {first.ProcessId}", refused.Log, StringComparison.Ordinal);
        Assert.Equal($"{first.ProcessId}\n", File.ReadAllText(pidFile));
    }

    [Fact]
    public async Task PidFile_LeftByAServerThatIsGone_IsTakenOver_EvenWhenItsProcessIdIsAnotherProgramsNow()
    {
        using var files = new TempDirectoryTree();
        var pidFile = files.PathOf("server.pid");
        using var other = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            File.WriteAllText(pidFile, $"{other.Id}\n");
            using var server = await ServerProcess.StartAsync(PidFileArguments(pidFile, noSupervisor: false));

            Assert.Equal($"{server.ProcessId}\n", File.ReadAllText(pidFile));
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public async Task PidFile_InADirectoryThatDoesNotExist_ExitsWith1AndSaysWhy()
    {
        var arguments = Arguments(processes: 1);
        arguments.AddRange(["--pidfile", "/nonexistent-akkawsgi/server.pid"]);
        using var server = ServerProcess.Launch(arguments);

        Assert.Equal(1, await server.WaitForExitAsync(Patience));
        Assert.Contains("--pidfile /nonexistent-akkawsgi/server.pid: the directory /nonexistent-akkawsgi does not exist", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigusr2_ToTheSupervisor_ReachesEveryWorker()
    {
        using var server = await ServerProcess.StartAsync(Arguments(processes: 2));
        var workers = WorkerPids(server.Log);
        var line = server.LineCount;

        server.SendSignal(SigUsr2);

        Assert.True(await server.WaitForLogAsync(
            log => workers.All(pid => log.Contains($"pid {pid}] akkawsgi: SIGUSR2", StringComparison.Ordinal)), Patience, line),
            server.Describe());
        var report = server.LogSince(line);
        Assert.Contains("SIGUSR2 supervisor: generation 1 serving", report, StringComparison.Ordinal);
        Assert.All(workers, pid => Assert.Contains($"pid {pid}: ready, up ", report, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnixSocket_IsServedByTheWorkers()
    {
        var path = Path.Combine(Path.GetTempPath(), $"akkawsgi-{Guid.NewGuid():N}.sock");
        var arguments = Arguments(processes: 2);
        arguments[arguments.IndexOf("127.0.0.1:0")] = $"unix:{path}";
        try
        {
            using var server = await ServerProcess.StartAsync(arguments);
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, token) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), token);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            using var client = new HttpClient(handler) { Timeout = TestHttp.Timeout };

            var text = await client.GetStringAsync(new Uri("http://local/"));

            Assert.Contains("multiprocess=True", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.False(File.Exists(path));
    }

    private const int SigUsr1 = 10;
    private const int SigUsr2 = 12;

    [Fact]
    public async Task Hangup_AsTheSupervisorStarts_DoesNotEndIt()
    {
        // A log rotation's SIGHUP may come at any moment, the supervisor's first ones included.
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("named_app:app", PythonInstalls.Default, workers: 1));
        Assert.True(await server.WaitForLogAsync("worker processes start as", TimeSpan.FromSeconds(30)), server.Describe());

        server.SendSignal(ServerProcess.SigHup);
        await server.WaitForReadyAsync(TimeSpan.FromSeconds(60));

        using var http = TestHttp.Client(server);
        Assert.Equal("app", await http.GetStringAsync(new Uri("/", UriKind.Relative)));
    }

    [Fact]
    public async Task ReportAndHangupSignals_DuringASlowImportWithoutSupervisor_DoNotEndTheServer()
    {
        using var app = new TempDirectoryTree();
        var importing = app.PathOf("importing");
        WriteSlowStart(app, seconds: 4, importing);
        var arguments = ServerProcess.AppArguments("slow_start", PythonInstalls.Default, workers: 1, chdir: app.Root);
        arguments.Add("--no-supervisor");
        using var server = ServerProcess.Launch(arguments);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(importing))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), server.Describe());
            await Task.Delay(50);
        }

        server.SendSignal(SigUsr1);
        server.SendSignal(SigUsr2);
        server.SendSignal(ServerProcess.SigHup);
        await server.WaitForReadyAsync(TimeSpan.FromSeconds(60));

        using var http = TestHttp.Client(server);
        Assert.Equal("up", await http.GetStringAsync(new Uri("/", UriKind.Relative)));
    }

    [Fact]
    public async Task ReportSignals_WhileAWorkerImportsSlowly_DoNotEndIt()
    {
        using var app = new TempDirectoryTree();
        WriteSlowStart(app, seconds: 6);
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("slow_start", PythonInstalls.Default, workers: 1, chdir: app.Root));
        // SIGUSR2 from the supervisor's first line (before it can report, the signal is ignored) until its report shows
        // the worker starting; then the report of what the workers do, which the worker would not survive yet.
        Assert.True(await server.WaitForLogAsync("worker processes start as", TimeSpan.FromSeconds(30)), server.Describe());
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!server.Log.Contains("#1), pid ", StringComparison.Ordinal) || !server.Log.Contains(": starting, up ", StringComparison.Ordinal))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), server.Describe());
            server.SendSignal(SigUsr2);
            await Task.Delay(100);
        }

        server.SendSignal(SigUsr1);
        await server.WaitForReadyAsync(TimeSpan.FromSeconds(60));

        Assert.DoesNotContain("failed at start-up", server.Log, StringComparison.Ordinal);
        Assert.Contains("signal 10 not passed to worker 0 (generation 1, #1)", server.Log, StringComparison.Ordinal);
        using var http = TestHttp.Client(server);
        Assert.Equal("up", await http.GetStringAsync(new Uri("/", UriKind.Relative)));
    }

    /// <summary>slow_start.py: an import that takes <paramref name="seconds"/>, as one waiting on a slow database does, then "up".</summary>
    private static void WriteSlowStart(TempDirectoryTree app, int seconds, string? importingMarker = null)
    {
        var marker = importingMarker is null ? "" : $"open({System.Text.Json.JsonSerializer.Serialize(importingMarker)}, \"w\").close()";
        app.Write("slow_start.py", $$"""
            import time
            {{marker}}
            time.sleep({{seconds}})
            def application(environ, start_response):
                start_response("200 OK", [("Content-Length", "2")])
                return [b"up"]
            """);
    }

    private static List<string> PidFileArguments(string pidFile, bool noSupervisor)
    {
        var arguments = noSupervisor ? Arguments(processes: 1).Where(a => a is not "--processes" and not "1").Append("--no-supervisor").ToList()
            : Arguments(processes: 1);
        arguments.AddRange(["--pidfile", pidFile]);
        return arguments;
    }

    private static List<string> Arguments(int processes, string module = "processes", string? chdir = null)
    {
        var arguments = ServerProcess.AppArguments(module, PythonInstalls.Default, workers: 2, chdir: chdir);
        arguments.AddRange(["--processes", processes.ToString(CultureInfo.InvariantCulture), "--graceful-timeout", "10"]);
        return arguments;
    }

    private static async Task<Answer> GetOnNewConnectionAsync(ServerProcess server, string target)
    {
        using var client = TestHttp.Client(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.ConnectionClose = true;
        using var response = await client.SendAsync(request);
        return Answer.Parse(await response.Content.ReadAsStringAsync()) with { Status = response.StatusCode };
    }

    /// <summary>
    /// Waits for both worker processes to be ready and checks each one's socket threads, which the runtime starts all
    /// at once with its first socket.
    /// </summary>
    private static async Task AssertEachOfTwoWorkersRunsSocketThreadsAsync(ServerProcess server, int expected)
    {
        Assert.True(await server.WaitForLogAsync(log => WorkerPids(log).Count == 2, Patience), server.Describe());
        foreach (var pid in WorkerPids(server.Log))
        {
            var threads = Directory.GetDirectories($"/proc/{pid}/task")
                .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");
            Assert.Equal(expected, threads);
        }
    }

    private static HashSet<int> WorkerPids(string log) =>
        [.. WorkerReadyLine().Matches(log).Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))];

    private static int WorkerPid(string log, int slot) =>
        WorkerReadyLine().Matches(log).Where(m => m.Groups[1].Value == slot.ToString(CultureInfo.InvariantCulture))
            .Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).Last();

    private static List<int> Stamps(string file)
    {
        try
        {
            return [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    /// <summary>
    /// Asks every worker (SIGUSR2) how it sees the cluster until each sees all three processes up and none unreachable.
    /// </summary>
    private static async Task<bool> ClusterIsWholeAsync(ServerProcess server, HashSet<int> workers)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            var line = server.LineCount;
            server.SendSignal(SigUsr2);
            if (await server.WaitForLogAsync(log => ClusterReports(log, workers).Count == workers.Count, Patience, line) &&
                ClusterReports(server.LogSince(line), workers).Values.All(r => r.Contains("3 of 3 members up, 0 unreachable", StringComparison.Ordinal)))
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    private static Dictionary<int, string> ClusterReports(string log, HashSet<int> workers) =>
        workers.Select(pid => (pid, line: Regex.Match(log, $@"pid {pid}\] akkawsgi: SIGUSR2 cluster: [^\n]*")))
            .Where(r => r.line.Success).ToDictionary(r => r.pid, r => r.line.Value);

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < Patience)
        {
            await Task.Delay(50);
        }

        return condition();
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void KillHard(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill(); // SIGKILL
    }

    private static int FreePrivilegedPort()
    {
        for (var port = 1023; port >= 900; port--)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // in use; try the next one down
            }
        }

        throw new InvalidOperationException("no free port between 900 and 1023");
    }

    [GeneratedRegex(@"\[worker (\d+) pid (\d+)\] akkawsgi: worker ready")]
    private static partial Regex WorkerReadyLine();

    /// <summary>What tests/apps/processes.py answers.</summary>
    private sealed record Answer(string Text, int Pid, bool MultiProcess, HttpStatusCode Status = HttpStatusCode.OK)
    {
        public static Answer Parse(string text)
        {
            var pid = Regex.Match(text, @"pid=(\d+)");
            return new Answer(text, pid.Success ? int.Parse(pid.Groups[1].Value, CultureInfo.InvariantCulture) : -1,
                text.Contains("multiprocess=True", StringComparison.Ordinal));
        }
    }
}
