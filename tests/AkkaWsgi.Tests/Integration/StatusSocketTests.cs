using System.Net;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>--status-socket: /metrics in Prometheus text and /status.json on a listener of its own.</summary>
public sealed class StatusSocketTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Metrics_CountWhatTheServerDid_OnTheStatusListenerOnly(bool noSupervisor)
    {
        var statusPort = TestPorts.Free();
        using var site = new TempDirectoryTree();
        site.Write("note.txt", "static text");
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--status-socket", $"127.0.0.1:{statusPort}", "--static-map", $"/files={site.Root}"]);
        if (noSupervisor)
        {
            arguments.Add("--no-supervisor");
        }

        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync(new Uri("/environ", UriKind.Relative))).Dispose();
        }

        Assert.Equal("static text", await http.GetStringAsync(new Uri("/files/note.txt", UriKind.Relative)));

        using var status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}/"), Timeout = TimeSpan.FromSeconds(20) };
        var metrics = await status.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Matches("""akkawsgi_responses_total\{[^}]*status_class="2xx"[^}]*\} 4\b""", metrics);
        Assert.Matches("""akkawsgi_requests_total\{[^}]*method="GET"[^}]*status_class="2xx"[^}]*\} 4\b""", metrics);
        Assert.Matches("""akkawsgi_request_duration_seconds_count\{[^}]*\} 4\b""", metrics);
        Assert.Matches("""akkawsgi_queue_waited_requests_total\{[^}]*\} 3\b""", metrics); // the static file never queued
        Assert.Matches("""akkawsgi_queue_wait_seconds_total\{[^}]*\} \d""", metrics);
        Assert.Matches("""akkawsgi_static_hits_total\{[^}]*\} 1\b""", metrics);
        Assert.Matches("""akkawsgi_worker_process_reloads\{[^}]*\} 0\b""", metrics);
        Assert.Matches("""akkawsgi_worker_process_starts\{[^}]*\} 1\b""", metrics);
        Assert.Matches("""akkawsgi_info\{[^}]*application="conformance:application"[^}]*python_version="3\.\d+\.\d+"[^}]*\} 1""", metrics);
        foreach (var name in new[] { "akkawsgi_queue_length", "akkawsgi_workers_busy", "akkawsgi_workers_idle", "akkawsgi_workers_stuck",
                     "akkawsgi_request_timeouts_total", "akkawsgi_parked", "akkawsgi_blocked_requests_total", "akkawsgi_page_cache_hits_total",
                     "akkawsgi_page_cache_size_bytes", "akkawsgi_process_memory_resident_bytes", "akkawsgi_process_gc_collections_total" })
        {
            Assert.Contains($"\n{name}{{", metrics, StringComparison.Ordinal);
        }

        // Not a public address: the ready line leaves it out, with the supervisor and without.
        Assert.Matches("ready on http://127\\.0\\.0\\.1:\\d+ \\(", server.Log);
        Assert.DoesNotMatch($"ready on [^\\n]*:{statusPort}\\b", server.Log);

        // Nothing of it on the public listener, nothing else on the status one.
        Assert.DoesNotContain("akkawsgi_", await (await http.GetAsync(new Uri("/metrics", UriKind.Relative))).Content.ReadAsStringAsync(),
            StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await status.GetAsync(new Uri("/environ", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task StatusJson_ShowsWhatEachWorkerRunsNow()
    {
        var statusPort = TestPorts.Free();
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--status-socket", $"127.0.0.1:{statusPort}"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        using var status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}/"), Timeout = TimeSpan.FromSeconds(20) };

        var slow = http.GetStringAsync(new Uri("/sleep?s=3", UriKind.Relative));
        JsonNode? running = null;
        for (var i = 0; i < 50 && running is null; i++)
        {
            var report = JsonNode.Parse(await status.GetStringAsync(new Uri("/status.json", UriKind.Relative)))!;
            running = report["workers"]!.AsArray().FirstOrDefault(w => w!["request"]?.GetValue<string>() == "GET /sleep?s=3");
            Assert.Equal(2, report["queue"]!["workers"]!.GetValue<int>());
            await Task.Delay(100);
        }

        Assert.NotNull(running);
        Assert.Equal("127.0.0.1", running["client"]!.GetValue<string>());
        await slow;
    }

    [Fact]
    public async Task WithSeveralProcesses_AnyProcessAnswersForAll_AndAReplacedProcessIsShownAgain()
    {
        var statusPort = TestPorts.Free();
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--status-socket", $"127.0.0.1:{statusPort}", "--processes", "2"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        using var status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}/"), Timeout = TimeSpan.FromSeconds(20) };

        // A new connection each: the kernel spreads them over the two processes' sockets (all 24 on one: 2^-23).
        const int Requests = 24;
        for (var i = 0; i < Requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/environ", UriKind.Relative));
            request.Headers.ConnectionClose = true;
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Each status connection may reach either process; every answer must cover both.
        for (var i = 0; i < 4; i++)
        {
            var metrics = await GetOnANewConnection(status, "/metrics");
            Assert.Contains("""akkawsgi_worker_process_up{worker_process="0"} 1""", metrics, StringComparison.Ordinal);
            Assert.Contains("""akkawsgi_worker_process_up{worker_process="1"} 1""", metrics, StringComparison.Ordinal);
            Assert.Single(Regex.Matches(metrics, "^# TYPE akkawsgi_requests_total ", RegexOptions.Multiline));
            var served = Regex.Matches(metrics, """^akkawsgi_requests_total\{worker_process="(\d)",[^}]*method="GET"[^}]*status_class="2xx"[^}]*\} (\d+)""",
                RegexOptions.Multiline);
            Assert.Equal(Requests, served.Sum(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
            Assert.Equal(["0", "1"], served.Select(m => m.Groups[1].Value).Order());
            Assert.All(served, m => Assert.True(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) > 0, metrics));
        }

        var report = JsonNode.Parse(await GetOnANewConnection(status, "/status.json"))!;
        var pids = report["processes"]!.AsArray().Select(p => p!["process"]!.GetValue<int>()).ToList();
        Assert.Equal(2, pids.Distinct().Count());
        Assert.DoesNotContain(server.ProcessId, pids);
        Assert.Equal(4, report["queue"]!["workers"]!.GetValue<int>());
        Assert.Equal(Requests, report["totals"]!["requests"]!.GetValue<int>());
        Assert.Equal([0, 0, 1, 1], report["workers"]!.AsArray().Select(w => w!["process_slot"]!.GetValue<int>()).Order());

        // The supervisor replaces a process killed outright; status answers meanwhile, and then shows the new one.
        var line = server.LineCount;
        Assert.Equal(0, Kill(pids[1], 9));
        JsonNode? after = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            // A connection kept alive to the killed process would be reset; monitors connect afresh, as here.
            after = JsonNode.Parse(await GetOnANewConnection(status, "/status.json"))!;
            var now = after["processes"]!.AsArray().Select(p => p!["process"]?.GetValue<int>()).ToList();
            if (now[0] == pids[0] && now[1] is { } replaced && replaced != pids[1])
            {
                break;
            }

            after = null;
            await Task.Delay(200);
        }

        Assert.True(after is not null, server.LogSince(line));
        Assert.Equal(4, after["queue"]!["workers"]!.GetValue<int>());
    }

    private static async Task<string> GetOnANewConnection(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.ConnectionClose = true;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
