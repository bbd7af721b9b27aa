using System.Text.Json.Nodes;
using AkkaWsgi.Http.Hosting;

namespace AkkaWsgi.Tests.Http.Hosting;

/// <summary>Several worker processes' /metrics and /status.json joined into one answer.</summary>
public sealed class StatusMergeTests
{
    private const string First = """
        # HELP akkawsgi_requests_total Requests answered
        # TYPE akkawsgi_requests_total counter
        akkawsgi_requests_total{method="GET",status_class="2xx"} 3 1700000000000
        # TYPE akkawsgi_queue_length gauge
        akkawsgi_queue_length 1
        # HELP akkawsgi_request_duration_seconds Time
        # TYPE akkawsgi_request_duration_seconds histogram
        akkawsgi_request_duration_seconds_bucket{le="0.1"} 3
        akkawsgi_request_duration_seconds_bucket{le="+Inf"} 3
        akkawsgi_request_duration_seconds_sum 0.2
        akkawsgi_request_duration_seconds_count 3
        # EOF

        """;

    private const string Second = """
        # HELP akkawsgi_requests_total Requests answered
        # TYPE akkawsgi_requests_total counter
        akkawsgi_requests_total{method="GET",status_class="2xx"} 5
        # TYPE akkawsgi_only_here gauge
        akkawsgi_only_here{} 7
        # TYPE akkawsgi_queue_length gauge
        akkawsgi_queue_length 0

        """;

    [Fact]
    public void Metrics_KeepOneHeaderPerFamily_WithEveryProcessesSamplesTogether_LabelledBySlot()
    {
        var merged = PrometheusMerge.Merge([(0, First), (1, Second), (2, null)]);
        var lines = merged.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Single(lines, l => l == "# TYPE akkawsgi_requests_total counter");
        Assert.Single(lines, l => l.StartsWith("# HELP akkawsgi_requests_total", StringComparison.Ordinal));
        var requests = Array.FindIndex(lines, l => l == "# TYPE akkawsgi_requests_total counter");
        Assert.Equal("""akkawsgi_requests_total{worker_process="0",method="GET",status_class="2xx"} 3 1700000000000""", lines[requests + 1]);
        Assert.Equal("""akkawsgi_requests_total{worker_process="1",method="GET",status_class="2xx"} 5""", lines[requests + 2]);

        var queue = Array.IndexOf(lines, "# TYPE akkawsgi_queue_length gauge");
        Assert.Equal(["""akkawsgi_queue_length{worker_process="0"} 1""", """akkawsgi_queue_length{worker_process="1"} 0"""], lines[(queue + 1)..(queue + 3)]);
        Assert.Contains("""akkawsgi_only_here{worker_process="1"} 7""", lines);
        Assert.Contains("""akkawsgi_request_duration_seconds_bucket{worker_process="0",le="+Inf"} 3""", lines);
        Assert.Contains("""akkawsgi_request_duration_seconds_count{worker_process="0"} 3""", lines);
        Assert.DoesNotContain("# EOF", lines);

        Assert.Contains("""akkawsgi_worker_process_up{worker_process="0"} 1""", lines);
        Assert.Contains("""akkawsgi_worker_process_up{worker_process="2"} 0""", lines);
        Assert.Equal(lines.Length, lines.Distinct().Count());
    }

    [Fact]
    public void Status_ListsEveryWorkerWithItsProcess_AddsUpCounts_AndNamesTheSilentProcess()
    {
        static JsonObject Process(int pid, int busy, int requests, int blocked) => JsonNode.Parse($$"""
            {
              "application": "app:application", "python": "3.11.2", "process": {{pid}},
              "workers": [ { "name": "worker-1", "request": {{(busy > 0 ? "\"GET /slow\"" : "null")}} } ],
              "queue": { "waiting": 1, "busy": {{busy}}, "workers": 1, "stuck": 0 },
              "totals": { "requests": {{requests}}, "responses_5xx": 1 },
              "parked": { "now": 0, "woken": 2, "timed_out": 0 },
              "page_cache": { "hits": 1, "misses": 0, "bytes": 10 },
              "blocked": { "clients": {{blocked}}, "refused": 1 },
              "cluster": [ "member one" ]
            }
            """)!.AsObject();

        var merged = StatusMerge.Merge([(0, Process(100, 1, 3, 2), null), (1, Process(200, 0, 4, 2), null), (2, null, "not answering")]);

        Assert.Equal("app:application", merged["application"]!.GetValue<string>());
        var processes = merged["processes"]!.AsArray();
        Assert.Equal([100, 200], processes.Take(2).Select(p => p!["process"]!.GetValue<int>()));
        Assert.Null(processes[2]!["process"]);
        Assert.Equal("not answering", processes[2]!["error"]!.GetValue<string>());

        var workers = merged["workers"]!.AsArray();
        Assert.Equal([0, 1], workers.Select(w => w!["process_slot"]!.GetValue<int>()));
        Assert.Equal("GET /slow", workers[0]!["request"]!.GetValue<string>());

        Assert.Equal(2, merged["queue"]!["workers"]!.GetValue<double>());
        Assert.Equal(1, merged["queue"]!["busy"]!.GetValue<double>());
        Assert.Equal(7, merged["totals"]!["requests"]!.GetValue<double>());
        Assert.Equal(4, merged["parked"]!["woken"]!.GetValue<double>());
        Assert.Equal(2, merged["blocked"]!["clients"]!.GetValue<double>()); // one list, replicated: not added up
        Assert.Equal(2, merged["blocked"]!["refused"]!.GetValue<double>());
        Assert.Equal("member one", merged["cluster"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("7 1 3 /tmp/akkawsgi-status-x y", 7, 1, 3, "/tmp/akkawsgi-status-x y")]
    [InlineData("7 3 3 /tmp/d", null, 0, 0, null)]
    [InlineData("7 1 3", null, 0, 0, null)]
    [InlineData("x 1 3 /tmp/d", null, 0, 0, null)]
    public void Peers_ReadBackWhatTheSupervisorWrote(string text, int? descriptor, int slot, int count, string? directory)
    {
        var peers = StatusPeers.Parse(text);
        Assert.Equal(descriptor, peers?.Descriptor);
        if (peers is not null)
        {
            Assert.Equal((slot, count, directory), (peers.Slot, peers.Count, peers.Directory));
            Assert.Equal(text, peers.Describe());
        }
    }
}
