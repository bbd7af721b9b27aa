using System.Diagnostics;
using System.Text.Json.Nodes;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>The worker pool: thread state kept for life, real concurrency, and the --workers bound.</summary>
public sealed class WorkerTests
{
    [Fact]
    public async Task ThreadLocal_WithOneWorker_PersistsBetweenRequests()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1));
        var replies = new List<JsonNode>();
        for (var i = 0; i < 3; i++)
        {
            replies.Add(await TestHttp.GetJsonAsync(server, "/thread-local"));
        }

        Assert.Equal([1, 2, 3], replies.Select(r => r["count"]!.GetValue<int>()));
        Assert.Single(replies.Select(r => r["thread"]!.GetValue<long>()).Distinct());
    }

    [Fact]
    public async Task FourWorkers_RunFourSlowRequestsAtOnce()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 4));
        var clock = Stopwatch.StartNew();
        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TestHttp.GetJsonAsync(server, "/sleep?s=1.5")));
        var elapsed = clock.Elapsed;

        // Serially this takes 6 s; the bound leaves room for a loaded two-core machine.
        Assert.True(elapsed < TimeSpan.FromSeconds(4), $"four 1.5 s requests took {elapsed}");
        Assert.Equal(4, replies.Select(r => r["thread"]!.GetValue<long>()).Distinct().Count());
    }

    [Fact]
    public async Task OneWorker_RunsSlowRequestsOneAfterTheOther()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1));
        var replies = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => TestHttp.GetJsonAsync(server, "/sleep?s=1")));
        var ordered = replies.OrderBy(r => r["started"]!.GetValue<double>()).ToList();

        var gap = ordered[1]["started"]!.GetValue<double>() - ordered[0]["finished"]!.GetValue<double>();
        Assert.True(gap >= -0.01, $"the second request started {-gap:F3} s before the first finished");
    }

    [Fact]
    public async Task BusyWorkers_QueueExtraRequestsInsteadOfRefusingThem()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2));
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => TestHttp.GetJsonAsync(server, "/sleep?s=0.3")));

        Assert.Equal(6, replies.Length);
        Assert.Equal(2, replies.Select(r => r["thread"]!.GetValue<long>()).Distinct().Count());
    }
}
