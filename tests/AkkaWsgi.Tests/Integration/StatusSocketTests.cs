using System.Net;
using System.Net.Sockets;
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
    public async Task WithSeveralProcesses_IsRefusedForNow_SayingWhy()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--status-socket", "127.0.0.1:0", "--processes", "2"]);
        using var server = ServerProcess.Launch(arguments);

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("--status-socket shows one worker process", server.Log, StringComparison.Ordinal);
    }

}
