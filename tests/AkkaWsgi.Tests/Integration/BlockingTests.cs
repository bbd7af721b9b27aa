using System.Diagnostics;
using System.Net;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// X-AkkaWsgi-Block seen from outside. The tests speak as public clients through X-Forwarded-For, which the server
/// believes from loopback (a trusted proxy), so that blocking one client leaves the others, and the test's own
/// loopback requests, alone.
/// </summary>
public sealed class BlockingTests
{
    private const int SigUsr2 = 12;
    private const string Blocked = "203.0.113.10";
    private const string Bystander = "198.51.100.20";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task BlockHeader_IsNotSentToTheClient_AndTheAppsResponseIsOtherwiseUnchanged()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);

        using var response = await Send(http, "/block?s=2", Blocked);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("blocked", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("X-AkkaWsgi-Block"), "the block header reached the client");
        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("X-Kept")));
        Assert.True(await server.WaitForLogAsync($"blocked {Blocked} for 2 s, as the application asked answering GET /block?s=2", Patience),
            server.Describe());
    }

    [Fact]
    public async Task BlockedClient_Gets429AfterTheRestOfTheBlock_WithoutTheApp_WhileOthersAreServed_ThenIsServedAgain()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);

        // Timed from before the block is asked for: however long its own response takes to come back on a busy
        // machine, the block cannot have begun before this, so the 429 cannot come less than 2 s after it.
        var clock = Stopwatch.StartNew();
        (await Send(http, "/block?s=2", Blocked)).Dispose();

        var refused = Send(http, "/count", Blocked);
        await Task.Delay(300);
        using (var other = await Send(http, "/count", Bystander).WaitAsync(Patience))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            Assert.Equal($"served {Bystander}", await other.Content.ReadAsStringAsync());
            Assert.False(refused.IsCompleted, "the blocked client was answered before the other client was served");
        }

        using (var response = await refused.WaitAsync(Patience))
        {
            var waited = clock.Elapsed;
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("", await response.Content.ReadAsStringAsync());
            Assert.InRange(waited, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));
        }

        Assert.Equal("1", await http.GetStringAsync(new Uri("/calls", UriKind.Relative)));

        // The 429 came when the block ended; a moment more keeps a late timer tick from counting as a refusal.
        await Task.Delay(200);
        using var again = await Send(http, "/count", Blocked).WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("2", await http.GetStringAsync(new Uri("/calls", UriKind.Relative)));
        Assert.True(await server.WaitForLogAsync($"block on {Blocked} ended after 2 s: 1 request refused with 429", Patience),
            server.Describe());
        Assert.Single(server.Log.Split('\n'), line => line.Contains($"block on {Blocked} ended", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AliasHeaderInAnyCase_BlocksToo_AndSigusr2CountsTheRefusals()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);

        using (var response = await Send(http, "/block?s=30&header=x-wsgo-block", Blocked))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.False(response.Headers.Contains("X-WSGo-Block"), "the alias header reached the client");
        }

        // A 30 s block holds each refusal 25 s; a client that gives up sooner still counts as refused.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Send(http, "/count", Blocked, giveUp.Token));
        Assert.Equal("0", await http.GetStringAsync(new Uri("/calls", UriKind.Relative)));

        var mark = server.LineCount;
        server.SendSignal(SigUsr2);
        Assert.True(await server.WaitForLogAsync(" blocked=1 ", Patience, mark), server.Describe());
    }

    [Fact]
    public async Task ResponseThatBlocks_IsNotKeptByThePageCache_SoTheNextClientAskingIsBlockedToo()
    {
        using var server = await Start("--max-age", "60");
        using var http = TestHttp.Client(server);

        foreach (var client in new[] { Blocked, Bystander })
        {
            using var response = await Send(http, "/block?s=2&cacheable=1", client);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Null(response.Headers.Age);
            Assert.True(await server.WaitForLogAsync($"blocked {client} for 2 s", Patience), server.Describe());
        }
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, string target, string client, CancellationToken cancel = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", client);
        return await http.SendAsync(request, cancel);
    }

    private static Task<ServerProcess> Start(params string[] extra) =>
        ServerProcess.StartAsync([.. ServerProcess.AppArguments("blocking", PythonInstalls.Default, workers: 2), .. extra]);
}
