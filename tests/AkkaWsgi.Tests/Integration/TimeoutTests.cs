using System.Globalization;
using System.Net;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>--request-timeout: interrupting requests, 503 for requests that waited too long, stuck workers.</summary>
public sealed class TimeoutTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RequestPastTheTimeout_IsInterruptedWith502AndTheLogShowsWhereItWas()
    {
        using var server = await Start(workers: 2, timeoutSeconds: 1);
        using var http = TestHttp.Client(server);

        var started = DateTime.UtcNow;
        using var response = await http.GetAsync(new Uri("/spin", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
        Assert.True(await server.WaitForLogAsync(l => l.Contains("GET /spin ran for", StringComparison.Ordinal), Patience), server.Log);
        Assert.Contains("timeouts.py\", line", server.Log, StringComparison.Ordinal);
        Assert.Contains("akkawsgi.RequestTimeout", server.Log, StringComparison.Ordinal);
        using var after = await http.GetAsync(new Uri("/ok", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task ShortRequests_Finish_WhileLongOnesAreCutAtTheTimeout()
    {
        using var server = await Start(workers: 16, timeoutSeconds: 3);
        using var http = TestHttp.Client(server);

        var longOnes = Enumerable.Range(0, 5).Select(_ => http.GetAsync(new Uri("/spin?s=10", UriKind.Relative))).ToArray();
        var shortOnes = Enumerable.Range(0, 10).Select(_ => http.GetAsync(new Uri("/sleep?s=1", UriKind.Relative))).ToArray();
        var all = await Task.WhenAll(longOnes.Concat(shortOnes)).WaitAsync(Patience);

        Assert.All(all[..5], r => Assert.Equal(HttpStatusCode.BadGateway, r.StatusCode));
        Assert.All(all[5..], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in all)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task InterruptedWhileHoldingALoggingLock_OtherWorkersStillLog()
    {
        using var server = await Start(workers: 5, timeoutSeconds: 1);
        using var http = TestHttp.Client(server);

        // Four requests each take the log handler's lock and never let go, as a timeout between acquire() and the
        // try that releases it would leave it. Each is interrupted in turn; without releasing the lock after the
        // interrupt, the next one, and then the request that only logs, would wait for it forever (a lock wait
        // cannot be interrupted).
        var holders = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(_ => http.GetAsync(new Uri("/hold-log-lock", UriKind.Relative)))).WaitAsync(Patience);
        using var logged = await http.GetAsync(new Uri("/log?who=fifth", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(holders, r => Assert.Equal(HttpStatusCode.BadGateway, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
        Assert.True(await server.WaitForLogAsync("logged by fifth", Patience), server.Log);
        Assert.Equal(4, server.Log.Split('\n').Count(l => l.Contains("released 1 logging lock(s)", StringComparison.Ordinal)));
        foreach (var response in holders)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task RequestWaitingLongerThanTheTimeout_Gets503WithoutRunning()
    {
        // Stuck would be declared at twice the timeout (6 s), after the 5.5 s sleep ends.
        using var server = await Start(workers: 1, timeoutSeconds: 3);
        using var http = TestHttp.Client(server);

        // The only worker sleeps in C for 5.5 s (the timeout cannot reach it there); the second request is sent once
        // the first is running (a fixed delay was not always enough on a loaded machine), and waits meanwhile.
        var busy = http.GetAsync(new Uri("/sleep?s=5.5&say=busy", UriKind.Relative));
        Assert.True(await server.WaitForLogAsync("asleep: busy", Patience), server.Log);
        using var waited = await http.GetAsync(new Uri("/ok?name=waited", UriKind.Relative)).WaitAsync(Patience);
        using var busyResponse = await busy.WaitAsync(Patience);
        using var hits = await http.GetAsync(new Uri("/hits?name=waited", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, waited.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, busyResponse.StatusCode);
        Assert.Equal("0", await hits.Content.ReadAsStringAsync());
        Assert.Contains("waited 3 s in the queue", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryWorkerStuck_WithoutSupervisor_ExitsWithItsOwnStatusSoAServiceManagerCanRestart()
    {
        using var server = await Start(workers: 1, timeoutSeconds: 1, "--no-supervisor");
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(2) };

        _ = http.GetAsync(new Uri("/sleep?s=60", UriKind.Relative)).ContinueWith(t => t.Exception, TaskScheduler.Default);
        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.Equal(5, exitCode);
        Assert.Contains("all 1 interpreter workers are stuck", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryWorkerStuck_UnderTheSupervisor_TheProcessIsReplaced_AndServiceContinues()
    {
        using var server = await Start(workers: 1, timeoutSeconds: 1);
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var line = server.LineCount;

        _ = http.GetAsync(new Uri("/sleep?s=60", UriKind.Relative)).ContinueWith(t => t.Exception, TaskScheduler.Default);

        // Worker #1 exits with status 5 (all its interpreter workers stuck) and #2 takes its place.
        Assert.True(await server.WaitForLogAsync(log => log.Contains("exited unexpectedly (exit status 5: every interpreter worker was stuck)", StringComparison.Ordinal) &&
            System.Text.RegularExpressions.Regex.IsMatch(log, @"#2\), pid \d+ ready"), Patience, line), server.Describe());
        Assert.Contains("all 1 interpreter workers are stuck", server.Log, StringComparison.Ordinal);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/"));
        Assert.Equal(200, response.StatusCode);
        Assert.False(server.HasExited);
    }

    private static Task<ServerProcess> Start(int workers, int timeoutSeconds, params string[] extra)
    {
        var arguments = ServerProcess.AppArguments("timeouts", PythonInstalls.Default, workers);
        arguments.AddRange(["--request-timeout", timeoutSeconds.ToString(CultureInfo.InvariantCulture)]);
        arguments.AddRange(extra);
        return ServerProcess.StartAsync(arguments);
    }
}
