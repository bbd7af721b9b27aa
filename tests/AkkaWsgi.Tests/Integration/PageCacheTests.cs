using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// The page cache seen from outside: tests/apps/cached.py answers every path with the path and its own call count,
/// so a body repeating an earlier count came from the cache, and /calls says how often the application really ran.
/// </summary>
public sealed class PageCacheTests
{
    private const int SigUsr2 = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly string[] OldOrRefreshed = ["/refresh 1", "/refresh 2"];

    [Fact]
    public async Task SecondGet_IsAHit_WithAge_AndTheAppIsNotCalledAgain()
    {
        using var server = await Start("--max-age", "60");
        using var http = TestHttp.Client(server);

        using (var first = await Send(http, "/plain"))
        {
            Assert.Equal("/plain 1", await first.Content.ReadAsStringAsync());
            Assert.Null(first.Headers.Age);
        }

        using (var second = await Send(http, "/plain"))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("/plain 1", await second.Content.ReadAsStringAsync());
            Assert.NotNull(second.Headers.Age);
            Assert.Equal("public, max-age=60", second.Headers.CacheControl?.ToString());
            Assert.Equal("text/plain", second.Content.Headers.ContentType?.MediaType);
        }

        var mark = server.LineCount;
        server.SendSignal(SigUsr2);
        Assert.True(await server.WaitForLogAsync(" cache_hits=1 cache_misses=1 cache_evictions=0 ", Patience, mark), server.Describe());
        Assert.Equal(1, await Calls(http, "/plain"));
    }

    [Fact]
    public async Task ConditionalGet_OfACachedPageWithItsETag_Is304WithoutTheApp()
    {
        using var server = await Start("--max-age", "60");
        using var http = TestHttp.Client(server);
        Assert.Equal("/etag 1", await Body(http, "/etag"));

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/etag", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"v1\""));
        using var response = await http.SendAsync(request).WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal("\"v1\"", response.Headers.ETag?.ToString());
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await Calls(http, "/etag"));
    }

    [Fact]
    public async Task ResponseSettingACookie_IsNotCached()
    {
        using var server = await Start("--max-age", "60");
        using var http = TestHttp.Client(server);

        Assert.Equal("/set-cookie 1", await Body(http, "/set-cookie"));
        Assert.Equal("/set-cookie 2", await Body(http, "/set-cookie"));
    }

    [Fact]
    public async Task RequestWithAuthorization_IsNeitherAnsweredFromNorStoredInTheCache()
    {
        using var server = await Start("--max-age", "60");
        using var http = TestHttp.Client(server);
        var credentials = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");

        Assert.Equal("/auth 1", await Body(http, "/auth", authorization: credentials));
        Assert.Equal("/auth 2", await Body(http, "/auth", authorization: credentials));
        Assert.Equal("/auth 3", await Body(http, "/auth"));
        Assert.Equal("/auth 4", await Body(http, "/auth", authorization: credentials));
    }

    [Fact]
    public async Task VaryCookie_KeepsOneEntryPerCookieHeader()
    {
        using var server = await Start("--max-age", "60");
        using var http = TestHttp.Client(server);

        Assert.Equal("/vary-cookie 1", await Body(http, "/vary-cookie", "a=1"));
        Assert.Equal("/vary-cookie 2", await Body(http, "/vary-cookie", "a=2"));
        Assert.Equal("/vary-cookie 1", await Body(http, "/vary-cookie", "a=1"));
        Assert.Equal("/vary-cookie 2", await Body(http, "/vary-cookie", "a=2"));
        Assert.Equal("/vary-cookie 3", await Body(http, "/vary-cookie"));
        Assert.Equal(3, await Calls(http, "/vary-cookie"));
    }

    [Fact]
    public async Task VaryCookiesHeader_NarrowsTheMatchToTheNamedCookies_AndIsNotSentToTheClient()
    {
        using var server = await Start("--max-age", "60");
        using var http = TestHttp.Client(server);

        using (var first = await Send(http, "/vary-named", "session=x; theme=dark"))
        {
            Assert.Equal("/vary-named 1", await first.Content.ReadAsStringAsync());
            Assert.False(first.Headers.Contains("X-AkkaWsgi-Vary-Cookies"), "the control header reached the client");
        }

        using (var unrelated = await Send(http, "/vary-named", "theme=light; session=x"))
        {
            Assert.Equal("/vary-named 1", await unrelated.Content.ReadAsStringAsync());
            Assert.False(unrelated.Headers.Contains("X-AkkaWsgi-Vary-Cookies"), "the control header was served from the cache");
        }

        Assert.Equal("/vary-named 2", await Body(http, "/vary-named", "session=y; theme=dark"));
        Assert.Equal("/vary-named 3", await Body(http, "/vary-named", "theme=dark"));
        Assert.Equal(3, await Calls(http, "/vary-named"));
    }

    [Fact]
    public async Task PastHalfItsLifetime_APageIsServedFromTheCache_AndRefreshedOnceInTheBackground()
    {
        using var server = await Start("--max-age", "6");
        using var http = TestHttp.Client(server);
        Assert.Equal("/refresh 1", await Body(http, "/refresh"));
        var stored = Stopwatch.StartNew();

        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var askedAt = stored.Elapsed;
        using (var stale = await Send(http, "/refresh"))
        {
            var answeredAt = stored.Elapsed;
            Assert.Equal("/refresh 1", await stale.Content.ReadAsStringAsync());

            // Age is the page's age in whole seconds when it was sent: between the two clocks read around the request
            // (the page was stored a moment before this test's clock started).
            Assert.InRange(stale.Headers.Age!.Value.TotalSeconds, Math.Floor(askedAt.TotalSeconds), Math.Ceiling(answeredAt.TotalSeconds));
        }

        // Either page, depending on whether the refresh has finished; never a third call (one refresh per page).
        // No bound on how long these took: the application answers at once, so a wall-clock limit would only measure
        // the machine (a loaded one took 0.79 s); the Age header above is what shows the page came from the cache.
        Assert.Contains(await Body(http, "/refresh"), OldOrRefreshed);

        // The application runs again before the page expires (at 6 s; the margins are wide, for a loaded machine), with no client waiting for it.
        var calls = 0;
        while ((calls = await Calls(http, "/refresh")) < 2 && stored.Elapsed < TimeSpan.FromSeconds(5.9))
        {
            await Task.Delay(20);
        }

        Assert.Equal(2, calls);
        Assert.InRange(stored.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5.95));

        // The refreshed page replaces the old one once its response is complete.
        string body;
        var waited = Stopwatch.StartNew();
        while ((body = await Body(http, "/refresh")) != "/refresh 2" && waited.Elapsed < Patience)
        {
            await Task.Delay(20);
        }

        Assert.Equal("/refresh 2", body);
        await Task.Delay(300);
        Assert.Equal(2, await Calls(http, "/refresh"));
    }

    [Fact]
    public async Task SharedMaxAge_DecidesOverMaxAge_AndReachesTheClientUnchanged()
    {
        using var server = await Start("--max-age", "60");
        using var http = TestHttp.Client(server);

        Assert.Equal("/shared-only 1", await Body(http, "/shared-only"));
        using (var hit = await Send(http, "/shared-only"))
        {
            Assert.Equal("/shared-only 1", await hit.Content.ReadAsStringAsync());
            Assert.NotNull(hit.Headers.Age);
            Assert.Equal("public, max-age=0, s-maxage=60", hit.Headers.CacheControl?.ToString());
        }

        Assert.Equal("/browser-only 1", await Body(http, "/browser-only"));
        Assert.Equal("/browser-only 2", await Body(http, "/browser-only"));
    }

    [Fact]
    public async Task PostToAPage_OrRedirectingToIt_DropsItsStoredCopy()
    {
        using var server = await Start("--max-age", "60");
        using var http = TestHttp.Client(server);
        Assert.Equal("/plain 1", await Body(http, "/plain"));
        Assert.Equal("/plain 1", await Body(http, "/plain"));

        using (var post = await http.PostAsync(new Uri("/plain", UriKind.Relative), new StringContent("edit")).WaitAsync(Patience))
        {
            Assert.Equal("/plain 2", await post.Content.ReadAsStringAsync());
        }

        Assert.Equal("/plain 3", await Body(http, "/plain"));
        Assert.Equal("/plain 3", await Body(http, "/plain"));

        // Post/redirect/get: the form posts elsewhere and sends the browser back to the page, which must show the change.
        using (var redirect = await http.PostAsync(new Uri("/comment?/plain", UriKind.Relative), new StringContent("hi")).WaitAsync(Patience))
        {
            Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
            Assert.Equal("/plain", redirect.Headers.Location?.ToString());
        }

        Assert.Equal("/plain 4", await Body(http, "/plain"));
    }

    [Fact]
    public async Task RedirectToAnInternationalisedDomainsPage_DropsItsStoredCopy()
    {
        // The form handler writes its Location from the Host it was sent, punycode and all.
        using var server = await Start("--max-age", "60");
        var host = $"xn--bcher-kva.example:{server.Port}";
        string Get() => $"GET /plain HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n";
        Assert.Equal("/plain 1", (await TestHttp.RawAsync(server, Get())).BodyText);
        Assert.Equal("/plain 1", (await TestHttp.RawAsync(server, Get())).BodyText);

        var redirect = await TestHttp.RawAsync(server,
            $"POST /comment?http://{host}/plain HTTP/1.1\r\nHost: {host}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
        Assert.Equal(303, redirect.StatusCode);

        Assert.Equal("/plain 2", (await TestHttp.RawAsync(server, Get())).BodyText);
    }

    [Fact]
    public async Task PostInOneWorkerProcess_DropsThePageStoredByTheOthers()
    {
        using var server = await Start("--max-age", "60", "--processes", "2");

        // Until each process has stored its own copy, made by itself.
        var before = new HashSet<(string Pid, string Body)>();
        for (var i = 0; i < 400 && before.Select(p => p.Pid).Distinct().Count() < 2; i++)
        {
            before.Add(await PageOnNewConnection(server, HttpMethod.Get));
        }

        Assert.True(before.Select(p => p.Pid).Distinct().Count() == 2, string.Join(", ", before));
        await Task.Delay(TimeSpan.FromSeconds(2)); // for the processes' subscriptions to have reached each other
        var poster = (await PageOnNewConnection(server, HttpMethod.Post)).Pid;

        // The other process hears of it by a message, within a round trip.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var after = new HashSet<(string Pid, string Body)>();
        for (var i = 0; i < 400 && !after.Any(p => p.Pid != poster); i++)
        {
            after.Add(await PageOnNewConnection(server, HttpMethod.Get));
        }

        Assert.Contains(after, p => p.Pid != poster);
        Assert.Empty(after.Intersect(before));
    }

    [Fact]
    public async Task WithoutMaxAge_NothingIsCached()
    {
        using var server = await Start();
        using var http = TestHttp.Client(server);

        Assert.Equal("/plain 1", await Body(http, "/plain"));
        using var second = await Send(http, "/plain");
        Assert.Equal("/plain 2", await second.Content.ReadAsStringAsync());
        Assert.Null(second.Headers.Age);
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, string target, string? cookie = null,
        AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, UriKind.Relative));
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        request.Headers.Authorization = authorization;
        var response = await http.SendAsync(request).WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task<string> Body(HttpClient http, string target, string? cookie = null,
        AuthenticationHeaderValue? authorization = null)
    {
        using var response = await Send(http, target, cookie, authorization);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<(string Pid, string Body)> PageOnNewConnection(ServerProcess server, HttpMethod method)
    {
        using var http = TestHttp.Client(server);
        using var request = new HttpRequestMessage(method, new Uri("/plain", UriKind.Relative));
        request.Headers.ConnectionClose = true;
        using var response = await http.SendAsync(request).WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.GetValues("X-Pid").Single(), await response.Content.ReadAsStringAsync());
    }

    private static async Task<int> Calls(HttpClient http, string path) =>
        int.Parse(await http.GetStringAsync(new Uri($"/calls?path={path}", UriKind.Relative)), System.Globalization.CultureInfo.InvariantCulture);

    private static Task<ServerProcess> Start(params string[] extra) =>
        ServerProcess.StartAsync([.. ServerProcess.AppArguments("cached", PythonInstalls.Default, workers: 2), .. extra]);
}
