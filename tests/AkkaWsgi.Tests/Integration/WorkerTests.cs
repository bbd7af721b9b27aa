using System.Diagnostics;
using System.Security.Cryptography;
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
    public async Task FileDownload_ToAClientThatDoesNotRead_LeavesTheWorkerFree()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1));
        var token = TestHttp.NewToken();
        const int size = 32_000_000; // far more than the socket buffers on both sides take
        using var download = await RawHttpClient.ConnectAsync(server.Port, receiveBuffer: 4096);
        await download.SendAsync(TestHttp.Get(server, $"/file-wrapper?token={token}&size={size}"));

        // Answered only by the one worker, which the download must not keep while the client does not read.
        var state = await TestHttp.GetJsonAsync(server, $"/file-state?token={token}");
        var waited = Stopwatch.StartNew();
        while (!state["known"]!.GetValue<bool>() && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
            state = await TestHttp.GetJsonAsync(server, $"/file-state?token={token}");
        }

        Assert.True(state["closed"]!.GetValue<bool>(), "close() waited for the download");

        var response = await download.ReadResponseAsync(timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(200, response.StatusCode);
        Assert.True(response.Complete);
        Assert.Equal(size, response.Body.Count);
        Assert.Equal(SHA256.HashData(ResponseBodyTests.Pattern(size)), SHA256.HashData([.. response.Body]));
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
