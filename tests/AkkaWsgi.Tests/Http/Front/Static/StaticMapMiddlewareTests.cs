using AkkaWsgi.Hosting.Front.Static;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Front.Static;

public sealed class StaticMapMiddlewareTests : IDisposable
{
    private readonly TempDirectoryTree tree = new();

    public StaticMapMiddlewareTests()
    {
        tree.Write("secret.txt", "top secret");
        tree.Write("site/style.css", "from site");
        tree.Write("site/img/logo.txt", "from site");
        tree.Write("site/img/only-site.txt", "from site");
        tree.Write("images/logo.txt", "from images");
        tree.Write("site/app.js", "plain");
        tree.WriteGzip("site/app.js", "plain");
    }

    [Fact]
    public async Task ExistingFile_IsServedWithoutTheApp()
    {
        await using var pipeline = new StaticPipeline([Map("/static", "site")], maxAge: 600);

        var context = await pipeline.SendAsync("/static/style.css");

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("from site", StaticPipeline.BodyOf(context));
        Assert.Equal("text/css", context.Response.ContentType);
        Assert.Equal("public, max-age=600", context.Response.Headers.CacheControl.ToString());
        Assert.Equal(0, pipeline.AppCalls);
    }

    [Fact]
    public async Task MissingFile_FallsThroughWithItsPathRestored()
    {
        await using var pipeline = new StaticPipeline([Map("/static", "site")]);

        var context = await pipeline.SendAsync("/static/nope.css");

        Assert.Equal(StaticPipeline.AppStatus, context.Response.StatusCode);
        Assert.Equal("/static/nope.css", context.Request.Path.Value);
        Assert.Equal(1, pipeline.AppCalls);
    }

    [Theory]
    [InlineData("/static/img/logo.txt", "from images")]
    [InlineData("/static/style.css", "from site")]
    public async Task TwoMaps_LongestPrefixServes_WhateverTheirOrder(string target, string expected)
    {
        await using var shortFirst = new StaticPipeline([Map("/static", "site"), Map("/static/img", "images")]);
        await using var longFirst = new StaticPipeline([Map("/static/img", "images"), Map("/static", "site")]);

        Assert.Equal(expected, StaticPipeline.BodyOf(await shortFirst.SendAsync(target)));
        Assert.Equal(expected, StaticPipeline.BodyOf(await longFirst.SendAsync(target)));
    }

    [Fact]
    public async Task TwoMaps_FileOnlyInTheShorterMap_GoesToTheAppNotTheShorterMap()
    {
        await using var pipeline = new StaticPipeline([Map("/static", "site"), Map("/static/img", "images")]);

        var context = await pipeline.SendAsync("/static/img/only-site.txt");

        Assert.Equal(StaticPipeline.AppStatus, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("/static/../secret.txt", "/secret.txt")]
    [InlineData("/static/%2e%2e/secret.txt", "/secret.txt")]
    [InlineData("/static/%2E%2E/secret.txt", "/secret.txt")]
    [InlineData("/static/..%2fsecret.txt", "/static/..%2Fsecret.txt")]
    [InlineData("/static/img/..%2F..%2F..%2Fsecret.txt", "/static/img/..%2F..%2F..%2Fsecret.txt")]
    [InlineData("/static/..\\secret.txt", "/static/..\\secret.txt")]
    [InlineData("/static/..%5csecret.txt", "/static/..\\secret.txt")]
    [InlineData("/static/style.css%00.txt", "/static/style.css\0.txt")]
    public async Task Traversal_Is404WithoutTheApp(string target, string kestrelPath)
    {
        await using var pipeline = new StaticPipeline([Map("/static", "site")]);

        var context = await pipeline.SendAsync(target, normalisedPath: kestrelPath);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("", StaticPipeline.BodyOf(context));
        Assert.Equal(0, pipeline.AppCalls);
    }

    [Fact]
    public async Task TraversalOutsideEveryPrefix_IsTheAppsBusiness()
    {
        await using var pipeline = new StaticPipeline([Map("/static", "site")]);

        var context = await pipeline.SendAsync("/other/../x", normalisedPath: "/x");

        Assert.Equal(StaticPipeline.AppStatus, context.Response.StatusCode);
    }

    [Fact]
    public async Task GzipSibling_AcceptedAndSent_WithTheFilesContentType()
    {
        await using var pipeline = new StaticPipeline([Map("/static", "site")]);

        var context = await pipeline.SendAsync("/static/app.js", acceptEncoding: "gzip");

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("gzip", context.Response.Headers.ContentEncoding.ToString());
        Assert.Equal("Accept-Encoding", context.Response.Headers.Vary.ToString());
        Assert.Equal("text/javascript", context.Response.ContentType);
        Assert.Equal(new FileInfo(tree.PathOf("site/app.js.gz")).Length, context.Response.ContentLength);
        Assert.Equal("/static/app.js", context.Request.Path.Value);
    }

    [Fact]
    public async Task PostToAStaticFile_GoesToTheApp()
    {
        await using var pipeline = new StaticPipeline([Map("/static", "site")]);

        var context = await pipeline.SendAsync("/static/style.css", method: "POST");

        Assert.Equal(StaticPipeline.AppStatus, context.Response.StatusCode);
    }

    public void Dispose() => tree.Dispose();

    private StaticMapping Map(string prefix, string directory) => new(prefix, tree.PathOf(directory));
}
