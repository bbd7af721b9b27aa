using System.Text.RegularExpressions;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>@akkawsgi.timer and @akkawsgi.cron jobs running as background work on the interpreter workers.</summary>
public sealed partial class BackgroundJobTests
{
    [Fact]
    public async Task Timers_RunRepeatedly_FailuresAreLoggedAndRescheduled_AndNoJobOverlapsItself()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("jobs", PythonInstalls.Default, workers: 2));
        using var http = TestHttp.Client(server);

        Assert.True(await server.WaitForLogAsync("4 background job(s): jobs.tick, jobs.broken, jobs.slow, jobs.every_minute",
            TimeSpan.FromSeconds(5)), server.Log);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var counts = Counts(await http.GetStringAsync(new Uri("/", UriKind.Relative)));

        Assert.InRange(counts["tick"], 3, 12);
        Assert.True(counts["broken"] >= 2, $"the failing job ran {counts["broken"]} times");
        Assert.Equal(1, counts["overlap_max"]);
        var failures = server.Log.Split('\n').Count(l => l.Contains("background job jobs.broken failed", StringComparison.Ordinal));
        Assert.True(failures >= 2, server.Log);
        Assert.Contains("RuntimeError: broken-job-marker", server.Log, StringComparison.Ordinal);
        Assert.Contains("background job jobs.slow is due again while its last run has not ended; skipped", server.Log, StringComparison.Ordinal);
    }

    private static Dictionary<string, int> Counts(string text) =>
        CountPattern().Matches(text).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"(\w+)=(\d+)")]
    private static partial Regex CountPattern();
}
