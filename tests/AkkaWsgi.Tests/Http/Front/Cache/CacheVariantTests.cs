using AkkaWsgi.Hosting.Front.Cache;
using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Tests.Http.Front.Cache;

public sealed class CacheVariantTests
{
    [Fact]
    public void WithoutVary_EveryRequestMatches()
    {
        var variant = CacheVariant.For(Request(("Accept", "text/html")), [], null);

        Assert.True(variant.Matches(Request()));
        Assert.True(variant.Matches(Request(("Accept", "application/json"), ("Cookie", "a=1"))));
    }

    [Fact]
    public void VaryNamedHeaders_MatchOnlyTheSameValues()
    {
        var variant = CacheVariant.For(Request(("Accept-Language", "fr")), ["accept-language"], null);

        Assert.True(variant.Matches(Request(("Accept-Language", "fr"), ("Accept", "x"))));
        Assert.False(variant.Matches(Request(("Accept-Language", "de"))));
        Assert.False(variant.Matches(Request()));
    }

    [Fact]
    public void VaryCookie_ComparesTheWholeCookieHeader()
    {
        var variant = CacheVariant.For(Request(("Cookie", "session=x; theme=dark")), ["cookie"], null);

        Assert.True(variant.Matches(Request(("Cookie", "session=x; theme=dark"))));
        Assert.False(variant.Matches(Request(("Cookie", "session=x; theme=light"))));
        Assert.False(variant.Matches(Request()));
    }

    [Fact]
    public void NamedCookies_NarrowTheCookieMatch_ToThoseCookies()
    {
        var variant = CacheVariant.For(Request(("Cookie", "session=x; theme=dark")), ["cookie"], ["session"]);

        Assert.True(variant.Matches(Request(("Cookie", "theme=light; session=x; tracking=1"))));
        Assert.False(variant.Matches(Request(("Cookie", "session=y; theme=dark"))));
        Assert.False(variant.Matches(Request(("Cookie", "theme=dark"))));
    }

    [Fact]
    public void NamedCookies_WithoutVaryCookie_StillVaryOnThoseCookies()
    {
        var variant = CacheVariant.For(Request(("Cookie", "session=x")), [], ["session"]);

        Assert.True(variant.Matches(Request(("Cookie", "session=x; other=1"))));
        Assert.False(variant.Matches(Request(("Cookie", "session=y"))));
    }

    private static HttpRequest Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        return context.Request;
    }
}
