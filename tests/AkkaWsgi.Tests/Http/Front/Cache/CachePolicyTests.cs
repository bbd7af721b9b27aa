using AkkaWsgi.Hosting.Front.Cache;
using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Tests.Http.Front.Cache;

public sealed class CachePolicyTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(300);

    [Theory]
    [InlineData("GET", true)]
    [InlineData("HEAD", true)]
    [InlineData("OPTIONS", true)]
    [InlineData("POST", false)]
    [InlineData("PUT", false)]
    [InlineData("DELETE", false)]
    public void IsCacheable_DependsOnTheMethod(string method, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;

        Assert.Equal(expected, CachePolicy.IsCacheable(context.Request));
    }

    [Theory]
    [InlineData("Authorization", "Basic dXNlcjpwYXNz")]
    [InlineData("Content-Length", "3")]
    [InlineData("Transfer-Encoding", "chunked")]
    public void IsCacheable_IsFalseForCredentialsAndBodies(string header, string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Headers[header] = value;

        Assert.False(CachePolicy.IsCacheable(context.Request));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(301)]
    [InlineData(404)]
    public void Lifetime_IsTheResponsesMaxAge_ForTheKeptStatuses(int status)
    {
        Assert.Equal(TimeSpan.FromSeconds(60), CachePolicy.Lifetime(status, Headers(("Cache-Control", "public, max-age=60")), MaxAge));
    }

    [Fact]
    public void Lifetime_IsCappedByTheServersMaxAge()
    {
        Assert.Equal(MaxAge, CachePolicy.Lifetime(200, Headers(("Cache-Control", "max-age=86400")), MaxAge));
    }

    [Theory]
    [InlineData("max-age=0, s-maxage=60", 60.0)]
    [InlineData("public, s-maxage=60", 60.0)]
    [InlineData("s-maxage=45, max-age=600", 45.0)]
    [InlineData("max-age=600, s-maxage=0", null)]
    [InlineData("s-maxage=0", null)]
    public void Lifetime_IsTheSharedMaxAge_WhenTheResponseGivesOne(string cacheControl, double? seconds)
    {
        var expected = seconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;

        Assert.Equal(expected, CachePolicy.Lifetime(200, Headers(("Cache-Control", cacheControl)), MaxAge));
    }

    [Theory]
    [InlineData(201)]
    [InlineData(206)]
    [InlineData(302)]
    [InlineData(304)]
    [InlineData(307)]
    [InlineData(410)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public void Lifetime_IsNull_ForOtherStatuses(int status)
    {
        Assert.Null(CachePolicy.Lifetime(status, Headers(("Cache-Control", "max-age=60")), MaxAge));
    }

    [Theory]
    [InlineData("Set-Cookie", "session=abc")]
    [InlineData("Vary", "*")]
    [InlineData("Vary", "Accept, *")]
    [InlineData("Cache-Control", "private")]
    [InlineData("Cache-Control", "no-store")]
    [InlineData("Cache-Control", "no-cache")]
    public void Lifetime_IsNull_ForResponsesThatMustNotBeShared(string header, string value)
    {
        var headers = Headers(("Cache-Control", "public, max-age=60"));
        headers.Append(header, value);

        Assert.Null(CachePolicy.Lifetime(200, headers, MaxAge));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("public")]
    [InlineData("max-age=0")]
    [InlineData("max-age=nonsense")]
    public void Lifetime_IsNull_WithoutAPositiveMaxAge(string? cacheControl)
    {
        var headers = cacheControl is null ? Headers() : Headers(("Cache-Control", cacheControl));

        Assert.Null(CachePolicy.Lifetime(200, headers, MaxAge));
    }

    [Fact]
    public void VaryNames_AreLowerCased_SplitAndWithoutDuplicates()
    {
        var headers = Headers(("Vary", "Accept-Encoding, Cookie"), ("Vary", "cookie,Accept-Language"));

        Assert.Equal(["accept-encoding", "cookie", "accept-language"], CachePolicy.VaryNames(headers));
    }

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary.Append(name, value);
        }

        return dictionary;
    }
}
