using System.Diagnostics;
using System.Net;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>Request parking (X-AkkaWsgi-Park and akkawsgi.notify_parked) seen from outside.</summary>
public sealed class ParkingTests
{
    private const int SigUsr2 = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Parked_ThenNotifiedHttp204_Gets204_WithoutTheAppsResponseOrParkHeaders()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);
        var id = TestHttp.NewToken();

        var parked = http.GetAsync(new Uri($"/park?ch=a,b&id={id}", UriKind.Relative));
        await WaitForRunsAsync(http, id, 1);
        using var response = await NotifyUntilAnsweredAsync(http, parked, "/notify?ch=b&action=http-204");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("X-Kept"), "the app's own response reached the client");
        AssertNoParkHeaders(response);
        Assert.True(await WaitForCountersAsync(server, " parked=0 park_woken=1 park_timed_out=0 "), server.Describe());
    }

    [Fact]
    public async Task NotifiedRetry_RunsTheSameRequestAgain_WithTheArg_AndTheBody()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);
        var id = TestHttp.NewToken();

        using var content = new StringContent("posted-body");
        var parked = http.PostAsync(new Uri($"/park?ch=news&id={id}", UriKind.Relative), content);
        await WaitForRunsAsync(http, id, 1);
        using var response = await NotifyUntilAnsweredAsync(http, parked, "/notify-list?ch=other,news&action=retry&arg=hello");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("retried arg=hello wsgo=hello body=posted-body", await response.Content.ReadAsStringAsync());
        Assert.Equal("2", await http.GetStringAsync(new Uri($"/runs?id={id}", UriKind.Relative)));
    }

    [Fact]
    public async Task Reload_GivesParkedRequestsTheirTimeoutActionAtOnce()
    {
        // The process that holds them is leaving; a parked client would otherwise wait out the whole grace period.
        using var server = await Start();
        using var http = TestHttp.Client(server);
        var id = TestHttp.NewToken();
        var parked = http.GetAsync(new Uri($"/park?ch=reload&timeout=600&action=http-204&id={id}", UriKind.Relative));
        await WaitForRunsAsync(http, id, 1);
        var clock = Stopwatch.StartNew();

        server.SendSignal(ServerProcess.SigHup);

        using var response = await parked.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task NotifyOfAnotherChannel_DoesNotWake_ButItsOwnChannelDoes()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);
        var id = TestHttp.NewToken();

        var parked = http.GetAsync(new Uri($"/park?ch=mine&id={id}", UriKind.Relative));
        await WaitForRunsAsync(http, id, 1);
        await Task.Delay(300);
        Assert.Equal("notified", await http.GetStringAsync(new Uri("/notify?ch=yours&action=http-204", UriKind.Relative)));
        await Task.Delay(700);
        Assert.False(parked.IsCompleted, "a notify of another channel woke the request");

        // From a thread of the application's own.
        using var response = await NotifyUntilAnsweredAsync(http, parked, "/thread?ch=mine");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Timeout_Http504_Answers504AfterTheTimeout()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);
        var clock = Stopwatch.StartNew();

        using var response = await http.GetAsync(new Uri("/park?ch=t&timeout=1&action=http-504", UriKind.Relative)).WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        AssertNoParkHeaders(response);
        Assert.True(await WaitForCountersAsync(server, " parked=0 park_woken=0 park_timed_out=1 "), server.Describe());
    }

    [Fact]
    public async Task Timeout_Retry_RunsTheRequestAgain_AndARetryThatParksAgainIsAnswered()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);
        var id = TestHttp.NewToken();

        using var response = await http.GetAsync(
            new Uri($"/park?ch=t&timeout=0.5&action=retry&id={id}&again=1&header=x-wsgo-park", UriKind.Relative)).WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("retried arg= wsgo= body=", await response.Content.ReadAsStringAsync());
        AssertNoParkHeaders(response);
        Assert.Equal("2", await http.GetStringAsync(new Uri($"/runs?id={id}", UriKind.Relative)));
    }

    [Fact]
    public async Task ClientLeavingWhileParked_IsUnsubscribedAtOnce()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);
        var id = TestHttp.NewToken();

        using (var client = await RawHttpClient.ConnectAsync(server.Port))
        {
            await client.SendAsync(TestHttp.Get(server, $"/park?ch=gone&id={id}"));
            await WaitForRunsAsync(http, id, 1);
            Assert.True(await WaitForCountersAsync(server, " parked=1 "), server.Describe());
            client.Abort();
        }

        Assert.True(await WaitForCountersAsync(server, " parked=0 park_woken=0 park_timed_out=0 "), server.Describe());
        Assert.Equal("notified", await http.GetStringAsync(new Uri("/notify?ch=gone&action=http-204", UriKind.Relative)));
        Assert.True(await WaitForCountersAsync(server, " parked=0 park_woken=0 "), server.Describe());
    }

    [Fact]
    public async Task BeyondMaxParked_TheParkHeadersAreIgnored_AndTheResponseIsSent()
    {
        var arguments = ServerProcess.AppArguments("parking", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--max-parked", "1"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        var id = TestHttp.NewToken();

        var parked = http.GetAsync(new Uri($"/park?ch=full&id={id}", UriKind.Relative));
        await WaitForRunsAsync(http, id, 1);
        using (var second = await http.GetAsync(new Uri("/park?ch=full", UriKind.Relative)).WaitAsync(Patience))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("the app's own response", await second.Content.ReadAsStringAsync());
            Assert.Equal("yes", Assert.Single(second.Headers.GetValues("X-Kept")));
            AssertNoParkHeaders(second);
        }

        Assert.True(await server.WaitForLogAsync("1 requests are parked already (--max-parked)", Patience), server.Describe());
        Assert.False(parked.IsCompleted);
        using var first = await NotifyUntilAnsweredAsync(http, parked, "/notify?ch=full&action=http-204");
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
    }

    [Theory]
    [InlineData("channels", "TypeError: notify_parked() channels must be a str or a list of str, not int")]
    [InlineData("channel", "TypeError: notify_parked() channel names must be str, not int")]
    [InlineData("empty", "ValueError: notify_parked() needs at least one channel name")]
    [InlineData("action", "ValueError: notify_parked() action must be one of retry, disconnect, http-204, http-504, not 'http-200'")]
    [InlineData("actiontype", "TypeError: notify_parked() action must be a str, not NoneType")]
    [InlineData("arg", "TypeError: notify_parked() arg must be a str, not int")]
    [InlineData("argnewline", "ValueError: notify_parked() arg must be a header value: latin-1, without CR, LF or NUL")]
    public async Task NotifyParked_BadArguments_RaiseClearErrors(string @case, string expected)
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);

        Assert.Equal(expected, await http.GetStringAsync(new Uri($"/bad?case={@case}", UriKind.Relative)));
    }

    private static void AssertNoParkHeaders(HttpResponseMessage response)
    {
        foreach (var name in new[] { "X-AkkaWsgi-Park", "X-AkkaWsgi-Park-Timeout", "X-WSGo-Park", "X-WSGo-Park-Timeout" })
        {
            Assert.False(response.Headers.Contains(name) || response.Content.Headers.Contains(name), $"{name} reached the client");
        }
    }

    private static async Task WaitForRunsAsync(HttpClient http, string id, int runs)
    {
        var deadline = Stopwatch.StartNew();
        while (await http.GetStringAsync(new Uri($"/runs?id={id}", UriKind.Relative)) != runs.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            Assert.True(deadline.Elapsed < Patience, $"the app did not run {runs} times");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The application has run once the run counter says so, but the request is parked a moment later, when its
    /// worker has finished: notifying until it is answered keeps that moment from making the test flaky.
    /// </summary>
    private static async Task<HttpResponseMessage> NotifyUntilAnsweredAsync(HttpClient http, Task<HttpResponseMessage> parked, string notify)
    {
        var deadline = Stopwatch.StartNew();
        while (!parked.IsCompleted)
        {
            Assert.True(deadline.Elapsed < Patience, "the parked request was never answered");
            Assert.Equal("notified", await http.GetStringAsync(new Uri(notify, UriKind.Relative)));
            await Task.WhenAny(parked, Task.Delay(200));
        }

        return await parked;
    }

    private static async Task<bool> WaitForCountersAsync(ServerProcess server, string text)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            var mark = server.LineCount;
            server.SendSignal(SigUsr2);
            if (await server.WaitForLogAsync(text, TimeSpan.FromSeconds(1), mark))
            {
                return true;
            }
        }

        return false;
    }

    private static Task<ServerProcess> Start() =>
        ServerProcess.StartAsync(ServerProcess.AppArguments("parking", PythonInstalls.Default, workers: 2));
}
