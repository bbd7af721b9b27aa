using System.Net;
using System.Net.Sockets;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.EndToEnd;

/// <summary>The --status-socket page in a real headless browser: it shows the workers and follows them live.</summary>
public sealed class StatusPageTests
{
    [Fact]
    public async Task StatusPage_ShowsTheWorkers_AndChangesWhileARequestRuns_WithoutReloading()
    {
        Assert.True(HeadlessBrowser.Available, $"{HeadlessBrowser.Executable} is missing (apt-get install chromium; scripts/test.sh installs it)");
        var statusPort = TestPorts.Free();
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--status-socket", $"127.0.0.1:{statusPort}"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        await using var browser = await HeadlessBrowser.OpenAsync(new Uri($"http://127.0.0.1:{statusPort}/status"), TimeSpan.FromSeconds(60));

        var idle = await browser.WaitForTextAsync(t => t.Contains("python-worker-1", StringComparison.Ordinal) && t.Contains("0 of 2 workers busy", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.True(idle.Met, idle.Text);
        Assert.Contains("conformance:application", idle.Text, StringComparison.Ordinal);

        var slow = http.GetStringAsync(new Uri("/sleep?s=4", UriKind.Relative));
        var busy = await browser.WaitForTextAsync(t => t.Contains("GET /sleep?s=4", StringComparison.Ordinal) && t.Contains("1 of 2 workers busy", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20));
        Assert.True(busy.Met, busy.Text);
        await slow;

        var after = await browser.WaitForTextAsync(t => !t.Contains("GET /sleep?s=4", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.True(after.Met, after.Text);

        // The last minute's counts follow what the server did while the page was open: two failing requests.
        (await http.GetAsync(new Uri("/raise", UriKind.Relative))).Dispose();
        (await http.GetAsync(new Uri("/raise", UriKind.Relative))).Dispose();
        var recent = await browser.WaitForTextAsync(t => t.Contains("Last minute", StringComparison.Ordinal) &&
            System.Text.RegularExpressions.Regex.IsMatch(t, @"Last minute[\s\S]*?5xx responses\s*2\b"), TimeSpan.FromSeconds(20));
        Assert.True(recent.Met, recent.Text);
        Assert.NotEmpty(await browser.ScreenshotAsync());
    }

    [Fact]
    public async Task StatusPage_WithTwoProcesses_ShowsBothAndEveryWorker()
    {
        Assert.True(HeadlessBrowser.Available, $"{HeadlessBrowser.Executable} is missing (apt-get install chromium; scripts/test.sh installs it)");
        var statusPort = TestPorts.Free();
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--status-socket", $"127.0.0.1:{statusPort}", "--processes", "2"]);
        using var server = await ServerProcess.StartAsync(arguments);
        await using var browser = await HeadlessBrowser.OpenAsync(new Uri($"http://127.0.0.1:{statusPort}/status"), TimeSpan.FromSeconds(60));

        var shown = await browser.WaitForTextAsync(t => t.Contains("0 of 4 workers busy", StringComparison.Ordinal) &&
            t.Contains("0/python-worker-1", StringComparison.Ordinal) && t.Contains("1/python-worker-1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.True(shown.Met, shown.Text);
        Assert.Matches(@"processes 0: \d+, 1: \d+", shown.Text);
    }
}
