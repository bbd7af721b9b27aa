using AkkaWsgi.Hosting.Front.Cache;
using AkkaWsgi.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Tests.Http.Front.Cache;

public sealed class PageCacheTests
{
    private readonly ManualTimeProvider time = new();

    [Fact]
    public void LeastRecentlyUsedPages_AreEvicted_WhenTheBytesExceedTheCapacity()
    {
        var probe = Page("/probe", 1000);
        var cache = new PageCache(probe.Size * 3, time);
        var a = Page("/a", 1000);
        var b = Page("/b", 1000);
        var c = Page("/c", 1000);
        Assert.True(cache.Store(a));
        Assert.True(cache.Store(b));
        Assert.True(cache.Store(c));
        Assert.Equal(a.Size + b.Size + c.Size, cache.Bytes);

        // Using /a makes /b the least recently used.
        Assert.Same(a, cache.Find(a.Key, Request()));
        Assert.True(cache.Store(Page("/d", 1000)));

        Assert.Null(cache.Find(b.Key, Request()));
        Assert.Same(a, cache.Find(a.Key, Request()));
        Assert.Same(c, cache.Find(c.Key, Request()));
        Assert.Equal(1, cache.Evictions);
        Assert.Equal(3, cache.Count);
        Assert.InRange(cache.Bytes, 0, cache.Capacity);
    }

    [Fact]
    public void OnePageLargerThanTheCache_IsNotStored_AndEvictsNothing()
    {
        var small = Page("/small", 10);
        var cache = new PageCache(small.Size + 100, time);
        cache.Store(small);

        Assert.False(cache.Store(Page("/big", 1000)));
        Assert.Same(small, cache.Find(small.Key, Request()));
        Assert.Equal(0, cache.Evictions);
    }

    [Fact]
    public void APage_IsFoundUntilItsLifetimeEnds_ThenDropped()
    {
        var cache = new PageCache(1 << 20, time);
        var page = Page("/a", 10, TimeSpan.FromSeconds(10));
        cache.Store(page);

        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Same(page, cache.Find(page.Key, Request()));
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Null(cache.Find(page.Key, Request()));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Bytes);
        Assert.Equal(0, cache.Evictions);
    }

    [Fact]
    public void StoringTheSameVariantAgain_ReplacesIt_WhileOtherVariantsStay()
    {
        var cache = new PageCache(1 << 20, time);
        var one = Page("/a", 10, cookie: "a=1");
        var two = Page("/a", 10, cookie: "a=2");
        var newer = Page("/a", 20, cookie: "a=1");
        cache.Store(one);
        cache.Store(two);
        cache.Store(newer);

        Assert.Same(newer, cache.Find(one.Key, Request("a=1")));
        Assert.Same(two, cache.Find(one.Key, Request("a=2")));
        Assert.Null(cache.Find(one.Key, Request("a=3")));
        Assert.Equal(2, cache.Count);
        Assert.Equal(two.Size + newer.Size, cache.Bytes);
    }

    private CachedPage Page(string path, int bodyBytes, TimeSpan? lifetime = null, string? cookie = null)
    {
        var variant = CacheVariant.For(Request(cookie), cookie is null ? [] : ["cookie"], null);
        return new CachedPage($"GET http://h{path}", "GET", variant, 200, null, [new("Content-Type", "text/plain")],
            new byte[bodyBytes], time.GetTimestamp(), lifetime ?? TimeSpan.FromMinutes(1));
    }

    private static HttpRequest Request(string? cookie = null)
    {
        var context = new DefaultHttpContext();
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }

        return context.Request;
    }
}
