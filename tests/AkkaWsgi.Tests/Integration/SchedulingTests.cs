using System.Globalization;
using System.Net;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// The priority queue seen from outside. Loopback clients are exempt from the client and bot rules, so the tests
/// speak as public clients through X-Forwarded-For, which the server believes from loopback (a trusted proxy).
/// </summary>
public sealed class SchedulingTests
{
    private const string Bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task BotQueuedBeforeThreeNormalRequests_RunsAfterThem()
    {
        using var server = await Start("--workers", "1");
        using var http = TestHttp.Client(server);
        var blocker = await OccupyTheWorkerAsync(http);

        var requests = new List<Task<HttpResponseMessage>> { Send(http, "bot", "203.0.113.50", Bot) };
        await Task.Delay(100);
        for (var i = 0; i < 3; i++)
        {
            requests.Add(Send(http, $"normal{i}", $"198.51.100.{10 + i}", Browser));
            await Task.Delay(100);
        }

        var responses = await Task.WhenAll(requests.Append(blocker)).WaitAsync(Patience);
        var order = await http.GetStringAsync(new Uri("/order", UriKind.Relative));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal("normal0,normal1,normal2,bot", order);
    }

    [Fact]
    public async Task FullQueue_TurnsAwayTheLowestPriorityRequestWith503()
    {
        using var server = await Start("--workers", "1", "--max-queue", "2");
        using var http = TestHttp.Client(server);
        var blocker = await OccupyTheWorkerAsync(http);

        var first = Send(http, "first", "198.51.100.20", Browser);
        await Task.Delay(100);
        var bot = Send(http, "bot", "203.0.113.51", Bot);
        await Task.Delay(100);
        var third = Send(http, "third", "198.51.100.21", Browser);

        using var botResponse = await bot.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, botResponse.StatusCode);
        Assert.False(blocker.IsCompleted, "the 503 should come at once, while the worker is still busy");
        Assert.NotNull(botResponse.Headers.RetryAfter);
        using var firstResponse = await first.WaitAsync(Patience);
        using var thirdResponse = await third.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, thirdResponse.StatusCode);
        Assert.Contains("queue full (2 waiting): answered 503 to GET /record?name=bot from 203.0.113.51", server.Log, StringComparison.Ordinal);
        (await blocker).Dispose();
    }

    [Fact]
    public async Task DefaultQueue_ThreeHundredClientsWaitingAtOnce_AreAllServed()
    {
        // A burst of a few hundred clients is load to wait through, not an overload to shed: with room for 128, 172
        // of these were answered 503.
        using var server = await Start("--workers", "1");
        using var http = TestHttp.Client(server);
        var blocker = await OccupyTheWorkerAsync(http);

        var requests = Enumerable.Range(0, 300)
            .Select(i => http.GetAsync(new Uri($"/record?name=r{i}", UriKind.Relative)))
            .Append(blocker)
            .ToList();
        var responses = await Task.WhenAll(requests).WaitAsync(Patience);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.DoesNotContain("queue full", server.Log, StringComparison.Ordinal);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task ForwardedFor_FromATrustedProxy_IsTheClientAddressAndScheme()
    {
        using var server = await Start();

        // 10.0.0.2 is not a trusted proxy, so it is the client, not the address it claims to forward for.
        Assert.Equal("10.0.0.2 https", await RemoteAsSeen(server,
            ("X-Forwarded-For", "198.51.100.7, 10.0.0.2"), ("X-Forwarded-Proto", "https")));
    }

    [Fact]
    public async Task ForwardedFor_FromAnUntrustedPeer_IsIgnored()
    {
        using var server = await Start("--trusted-proxy", "192.0.2.0/24");

        Assert.Equal("127.0.0.1 http", await RemoteAsSeen(server,
            ("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-Proto", "https")));
    }

    [Fact]
    public async Task StandardForwardedHeader_FromATrustedProxy_IsTheClientAddressAndScheme()
    {
        using var server = await Start();

        Assert.Equal("2001:db8::7 https", await RemoteAsSeen(server, ("Forwarded", "for=\"[2001:db8::7]:5000\";proto=https")));
    }

    [Fact]
    public async Task StandardForwardedHeader_FromAnUntrustedPeer_IsIgnored()
    {
        using var server = await Start("--trusted-proxy", "192.0.2.0/24");

        Assert.Equal("127.0.0.1 http", await RemoteAsSeen(server, ("Forwarded", "for=198.51.100.7;proto=https")));
    }

    /// <summary>REMOTE_ADDR and wsgi.url_scheme as the application sees them for a request with these headers.</summary>
    private static async Task<string> RemoteAsSeen(ServerProcess server, params (string Name, string Value)[] headers)
    {
        using var http = TestHttp.Client(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/remote", UriKind.Relative));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Keeps the one worker busy for 1.5 s, so that what is sent next waits in the queue; returns that request.</summary>
    private static async Task<Task<HttpResponseMessage>> OccupyTheWorkerAsync(HttpClient http)
    {
        var blocker = http.GetAsync(new Uri("/block?s=1.5", UriKind.Relative));
        await Task.Delay(300);
        return blocker;
    }

    private static Task<HttpResponseMessage> Send(HttpClient http, string name, string client, string userAgent)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/record?name={name}", UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", client);
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        return http.SendAsync(request);
    }

    private static Task<ServerProcess> Start(params string[] extra)
    {
        var arguments = ServerProcess.AppArguments("scheduling", PythonInstalls.Default, workers: 2);
        var workers = Array.IndexOf(extra, "--workers");
        if (workers >= 0)
        {
            arguments[arguments.IndexOf("--workers") + 1] = extra[workers + 1];
            extra = [.. extra[..workers], .. extra[(workers + 2)..]];
        }

        arguments.AddRange(extra);
        return ServerProcess.StartAsync(arguments);
    }
}
