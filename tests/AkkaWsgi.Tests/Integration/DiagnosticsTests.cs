using System.Text.RegularExpressions;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>SIGUSR1 (what every worker runs, with its Python stack) and SIGUSR2 (counters).</summary>
public sealed partial class DiagnosticsTests
{
    private const int SigUsr1 = 10;
    private const int SigUsr2 = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SigUsr1_LogsEachWorkersRequestAndPythonStack()
    {
        using var status = new StatusSocket();
        var arguments = ServerProcess.AppArguments("timeouts", PythonInstalls.Default, workers: 2);
        arguments.AddRange(status.Arguments);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        var spinning = http.GetAsync(new Uri("/spin?s=3", UriKind.Relative));
        var held = await status.WaitUntilHoldingAsync(running: 1, waiting: 0);
        Assert.True(held == "1+0", $"the server held {held} (running+waiting) of the one request after 5 s\n{server.Describe()}");

        server.SendSignal(SigUsr1);

        Assert.True(await server.WaitForLogAsync("SIGUSR1: what the 2 workers are doing", Patience), server.Log);
        Assert.True(await server.WaitForLogAsync("idle", Patience), server.Log);
        Assert.Matches(RunningLine(), server.Log);
        Assert.Contains("timeouts.py\", line", server.Log, StringComparison.Ordinal);
        (await spinning).Dispose();
    }

    [Fact]
    public async Task SigUsr2_LogsRequestCountersQueueAndMemory()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("timeouts", PythonInstalls.Default, workers: 2));
        using var http = TestHttp.Client(server);
        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync(new Uri("/ok", UriKind.Relative))).Dispose();
        }

        server.SendSignal(SigUsr2);

        Assert.True(await server.WaitForLogAsync("SIGUSR2 counters", Patience), server.Log);
        var line = server.Log.Split('\n').Single(l => l.Contains("SIGUSR2 counters", StringComparison.Ordinal));
        Assert.Contains("requests=3 ", line, StringComparison.Ordinal);
        Assert.Contains("2xx=3 ", line, StringComparison.Ordinal);
        Assert.Contains("5xx=0 ", line, StringComparison.Ordinal);
        Assert.Contains("queued=0 ", line, StringComparison.Ordinal);
        Assert.Contains("busy_workers=0/2 ", line, StringComparison.Ordinal);
        Assert.Matches(@"rss_bytes=[1-9]\d+ managed_heap_bytes=[1-9]\d+ python_objects=[1-9]\d+", line);
    }

    [GeneratedRegex(@"python-worker-\d: GET /spin\?s=3 from 127\.0\.0\.1, running for \d+\.\d+ s")]
    private static partial Regex RunningLine();
}
