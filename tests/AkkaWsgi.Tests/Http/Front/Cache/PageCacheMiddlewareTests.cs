using System.Diagnostics;
using System.Net;
using System.Text;
using AkkaWsgi.Hosting.Front.Cache;
using AkkaWsgi.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Http.Front.Cache;

public sealed class PageCacheMiddlewareTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider time = new();
    private readonly PageCache cache;
    private readonly PageCacheMiddleware middleware;
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<HttpContext> seen = [];
    private int calls;

    public PageCacheMiddlewareTests()
    {
        cache = new PageCache(64 * 1024 * 1024, time);
        middleware = new PageCacheMiddleware(cache, TimeSpan.FromSeconds(60), NullLogger.Instance);
    }

    private int Calls => Volatile.Read(ref calls);

    [Fact]
    public async Task SecondGet_IsAnsweredFromTheCache_WithAge_WithoutTheApp()
    {
        var app = App();
        Assert.Equal("call 1", await Run(app, Context()));
        time.Advance(TimeSpan.FromSeconds(5));

        var context = Context();
        Assert.Equal("call 1", await Run(app, context));

        Assert.Equal(1, Calls);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.Age.ToString());
        Assert.Equal("max-age=30", context.Response.Headers.CacheControl.ToString());
        Assert.Equal(6, context.Response.ContentLength);
        Assert.Equal((1, 1), (cache.Hits, cache.Misses));
    }

    [Fact]
    public async Task Hit_SendsTheStoredHeaders_AnEmptyValueIncluded()
    {
        var app = App(headers: r =>
        {
            r.Headers["X-Empty"] = "";
            r.Headers["X-Two"] = new(["", "second"]);
        });
        await Run(app, Context());

        var hit = Context();
        Assert.Equal("call 1", await Run(app, hit));

        Assert.Equal(1, Calls);
        Assert.Equal("", Assert.Single(hit.Response.Headers["X-Empty"]));
        Assert.Equal(["", "second"], hit.Response.Headers["X-Two"].Select(v => v ?? "null"));
    }

    [Fact]
    public async Task Head_IsAnsweredFromTheGetEntry_WithoutItsBody()
    {
        var app = App();
        await Run(app, Context());

        var head = Context("HEAD");
        Assert.Equal("", await Run(app, head));

        Assert.Equal(1, Calls);
        Assert.Equal(6, head.Response.ContentLength);
        Assert.Equal("0", head.Response.Headers.Age.ToString());
    }

    [Fact]
    public async Task Lifetime_IsTheSmallerOfTheResponsesMaxAgeAndTheServers()
    {
        try
        {
            var app = App("max-age=30");
            Assert.Equal("call 1", await Run(app, Context()));
            time.Advance(TimeSpan.FromSeconds(29.9));
            Assert.Equal("call 1", await Run(app, Context())); // also starts a refresh, held back by the test
            Assert.True(await WaitFor(() => Calls == 2), "no refresh");
            time.Advance(TimeSpan.FromSeconds(0.1));
            Assert.Equal("call 3", await Run(app, Context()));

            var capped = new PageCacheMiddleware(cache, TimeSpan.FromSeconds(10), NullLogger.Instance);
            var other = App("max-age=30");
            await capped.InvokeAsync(Context(target: "/other"), other);
            time.Advance(TimeSpan.FromSeconds(9.9));
            await capped.InvokeAsync(Context(target: "/other"), other);
            Assert.True(await WaitFor(() => Calls == 5), "no refresh"); // the hit's refresh, not the hit
            time.Advance(TimeSpan.FromSeconds(0.1));
            await capped.InvokeAsync(Context(target: "/other"), other);
            Assert.Equal(6, Calls);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task ResponseSettingACookie_IsNotStored()
    {
        var app = App(headers: r => r.Headers.SetCookie = "session=abc");
        Assert.Equal("call 1", await Run(app, Context()));
        Assert.Equal("call 2", await Run(app, Context()));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task RequestWithAuthorization_NeitherReadsNorFillsTheCache()
    {
        var app = App();
        await Run(app, Context(headers: ("Authorization", "Bearer x")));
        Assert.Equal(0, cache.Count);
        await Run(app, Context());
        Assert.Equal("call 3", await Run(app, Context(headers: ("Authorization", "Bearer x"))));
        Assert.Equal(1, cache.Misses);
    }

    [Fact]
    public async Task Post_GoesToTheAppEveryTime_UncountedByTheCache()
    {
        var app = App();
        await Run(app, Context("POST"));
        Assert.Equal("call 2", await Run(app, Context("POST")));
        Assert.Equal((0, 0, 0), (cache.Hits, cache.Misses, cache.Count));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("REINDEX")]
    public async Task UnsafeRequestThatSucceeds_DropsEveryPageStoredForItsUrl_AndNoOther(string method)
    {
        var page = App();
        await Run(page, Context());
        await Run(page, Context("OPTIONS"));
        await Run(page, Context(target: "/other"));
        Assert.Equal(3, cache.Count);

        await Run(App(cacheControl: "no-store", status: 204), Context(method));

        Assert.Equal(1, cache.Count);
        Assert.Equal("call 5", await Run(page, Context()));
        Assert.Equal("call 3", await Run(page, Context(target: "/other")));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(500)]
    public async Task UnsafeRequestThatFails_LeavesThePagesStored(int status)
    {
        var page = App();
        await Run(page, Context());

        await Run(App(cacheControl: "no-store", status: status), Context("POST"));

        Assert.Equal("call 1", await Run(page, Context()));
    }

    [Theory]
    [InlineData("Location", "/article")]
    [InlineData("Location", "http://example.test/article")]
    [InlineData("Location", "article")]
    [InlineData("Location", "/article#comment-7")]
    [InlineData("Content-Location", "/article")]
    public async Task UnsafeRequest_RedirectingToAPageOfThisSite_DropsThatPage(string header, string reference)
    {
        var article = App();
        await Run(article, Context(target: "/article"));

        // Post/redirect/get: the comment is posted to one URL, and the browser is sent back to the article.
        await Run(App(cacheControl: "no-store", status: 303, headers: r => r.Headers[header] = reference), Context("POST", "/comments"));

        Assert.Equal("call 3", await Run(article, Context(target: "/article")));
    }

    [Theory]
    [InlineData("http://elsewhere.test/article")]
    [InlineData("//elsewhere.test/article")]
    [InlineData("https://example.test/article")]
    [InlineData("http://example.test:8080/article")]
    public async Task UnsafeRequest_RedirectingToAnotherSite_LeavesThisSitesPageStored(string location)
    {
        var article = App();
        await Run(article, Context(target: "/article"));

        await Run(App(cacheControl: "no-store", status: 303, headers: r => r.Headers.Location = location), Context("POST", "/comments"));

        Assert.Equal("call 1", await Run(article, Context(target: "/article")));
    }

    [Fact]
    public async Task BodyOverTheLimit_IsSentWhole_ButNotStored()
    {
        var app = App(bodyBytes: CachePolicy.MaxBodyBytes + 1);
        Assert.Equal(CachePolicy.MaxBodyBytes + 1, (await Run(app, Context())).Length);
        Assert.Equal(0, cache.Count);

        var fits = App(bodyBytes: CachePolicy.MaxBodyBytes);
        await Run(fits, Context(target: "/fits"));
        Assert.Equal(CachePolicy.MaxBodyBytes, (await Run(fits, Context(target: "/fits"))).Length);
        Assert.Equal(2, Calls);
    }

    [Fact]
    public async Task VaryCookie_NarrowedToNamedCookies_ServesOtherCookieChangesFromTheCache()
    {
        var app = App(headers: r => r.Headers.Vary = "Cookie", varyCookies: "session");
        Assert.Equal("call 1", await Run(app, Context(headers: ("Cookie", "session=x; theme=dark"))));
        Assert.Equal("call 1", await Run(app, Context(headers: ("Cookie", "theme=light; session=x"))));
        Assert.Equal("call 2", await Run(app, Context(headers: ("Cookie", "session=y; theme=dark"))));
        Assert.Equal("call 1", await Run(app, Context(headers: ("Cookie", "session=x"))));
        Assert.Equal("call 2", await Run(app, Context(headers: ("Cookie", "session=y"))));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task PastHalfItsLifetime_APageIsServed_AndRefreshedOnce_InTheBackground()
    {
        var app = App("max-age=60");
        await Run(app, Context(headers: ("X-Client", "one")));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("call 1", await Run(app, Context()));
        await Task.Delay(100);
        Assert.Equal(1, Calls);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("call 1", await Run(app, Context(headers: ("X-Client", "two"))));
        Assert.Equal("call 1", await Run(app, Context()));
        Assert.True(await WaitFor(() => Calls == 2), "no background refresh");
        Assert.Equal("call 1", await Run(app, Context()));
        await Task.Delay(100);
        Assert.Equal(2, Calls);

        var refresh = seen[1];
        Assert.Equal("/page?q=1", refresh.Features.Get<IHttpRequestFeature>()!.RawTarget);
        Assert.Equal("two", refresh.Request.Headers["X-Client"].ToString());
        Assert.Equal(IPAddress.Parse("203.0.113.9"), refresh.Connection.RemoteIpAddress);
        Assert.False(refresh.Request.Headers.ContainsKey("If-None-Match"));

        release.TrySetResult();
        var body = "";
        Assert.True(await WaitFor(() => (body = Run(app, Context()).GetAwaiter().GetResult()) == "call 2"), body);
        Assert.Equal(2, Calls);
        Assert.Equal(1, cache.Count);
    }

    [Theory]
    [InlineData("\"v1\"", 304)]
    [InlineData("W/\"v1\"", 304)]
    [InlineData("\"v0\", \"v1\"", 304)]
    [InlineData("*", 304)]
    [InlineData("\"v2\"", 200)]
    public async Task Hit_WithIfNoneMatch_IsAnswered304WhenTheETagMatches(string ifNoneMatch, int expected)
    {
        var app = App(headers: r => r.Headers.ETag = "\"v1\"");
        await Run(app, Context());

        var context = Conditional(ifNoneMatch: ifNoneMatch);
        var body = await Run(app, context);

        Assert.Equal(1, Calls);
        Assert.Equal(expected, context.Response.StatusCode);
        Assert.Equal(expected == 304 ? "" : "call 1", body);
        Assert.Equal("\"v1\"", context.Response.Headers.ETag.ToString());
        Assert.Equal("max-age=30", context.Response.Headers.CacheControl.ToString());
        Assert.Equal("0", context.Response.Headers.Age.ToString());
    }

    [Theory]
    [InlineData("Sat, 21 Nov 2026 10:00:00 GMT", null, 304)]
    [InlineData("Sat, 21 Nov 2026 11:00:00 GMT", null, 304)]
    [InlineData("Sat, 21 Nov 2026 09:59:59 GMT", null, 200)]
    [InlineData("Sat, 21 Nov 2026 11:00:00 GMT", "\"other\"", 200)] // If-None-Match decides when present
    public async Task Hit_WithIfModifiedSince_IsAnswered304WhenNotModifiedSince(string ifModifiedSince, string? ifNoneMatch, int expected)
    {
        var app = App(headers: r => r.Headers.LastModified = "Sat, 21 Nov 2026 10:00:00 GMT");
        await Run(app, Context());

        var context = Conditional(ifNoneMatch, ifModifiedSince);
        await Run(app, context);

        Assert.Equal(expected, context.Response.StatusCode);
        Assert.Equal(1, Calls);
    }

    [Fact]
    public async Task Hit_OfAPageWithoutValidators_IsAlwaysAnsweredInFull()
    {
        var app = App();
        await Run(app, Context());

        var context = Conditional("*", "Sat, 21 Nov 2099 10:00:00 GMT");

        Assert.Equal("call 1", await Run(app, context));
        Assert.Equal(200, context.Response.StatusCode);
    }

    private static DefaultHttpContext Conditional(string? ifNoneMatch = null, string? ifModifiedSince = null)
    {
        var context = Context();
        context.Request.Headers.Remove("If-None-Match");
        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        if (ifModifiedSince is not null)
        {
            context.Request.Headers.IfModifiedSince = ifModifiedSince;
        }

        return context;
    }

    /// <summary>An application that counts its calls and writes "call N" as the interpreter worker does.</summary>
    private RequestDelegate App(string cacheControl = "max-age=30", Action<HttpResponse>? headers = null, int bodyBytes = 0,
        string? varyCookies = null, int status = 200) => async context =>
    {
        var call = Interlocked.Increment(ref calls);
        lock (seen)
        {
            seen.Add(context);
        }

        if (context.Features.Get<IHttpRequestLifetimeFeature>() is RefreshLifetimeFeature)
        {
            await release.Task.WaitAsync(Patience);
        }

        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = cacheControl;
        headers?.Invoke(context.Response);
        if (varyCookies is not null)
        {
            context.Items[VaryCookiesDirective.ItemsKey] = varyCookies;
        }

        var body = bodyBytes > 0 ? Enumerable.Repeat((byte)'x', bodyBytes).ToArray() : Encoding.ASCII.GetBytes($"call {call}");
        var writer = context.Response.BodyWriter;
        for (var offset = 0; offset < body.Length;)
        {
            var span = writer.GetSpan(1);
            var count = Math.Min(Math.Min(span.Length, 16 * 1024), body.Length - offset);
            body.AsSpan(offset, count).CopyTo(span);
            writer.Advance(count);
            offset += count;
            await writer.FlushAsync();
        }
    };

    private async Task<string> Run(RequestDelegate app, DefaultHttpContext context)
    {
        await middleware.InvokeAsync(context, app).WaitAsync(Patience);
        return Encoding.ASCII.GetString(((MemoryStream)context.Response.Body).ToArray());
    }

    private static DefaultHttpContext Context(string method = "GET", string target = "/page?q=1", params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        var request = context.Features.Get<IHttpRequestFeature>()!;
        request.Method = method;
        request.Scheme = "http";
        request.RawTarget = target;
        request.Path = target.Split('?')[0];
        context.Request.Host = new HostString("example.test");
        context.Request.Headers.IfNoneMatch = "\"etag\"";
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static async Task<bool> WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
