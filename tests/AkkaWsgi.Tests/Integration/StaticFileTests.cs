using System.Globalization;
using System.IO.Compression;
using System.Text;
using AkkaWsgi.Tests.Support;
using Microsoft.AspNetCore.StaticFiles;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// <c>--static-map</c> seen from outside, with raw requests (HttpClient would normalise the paths under test). The
/// application counts the requests it receives by PATH_INFO, which tells served requests from fallen-through ones.
/// </summary>
public sealed class StaticFileTests(StaticSiteFixture site) : IClassFixture<StaticSiteFixture>
{
    public static TheoryData<string, string> Traversals => new()
    {
        { "/static/../secret.txt", "/static/../secret.txt" },
        { "/static/%2e%2e/secret.txt", "/static/../secret.txt" },
        { "/static/%2E%2E/%2e%2e/secret.txt", "/static/../../secret.txt" },
        { "/static/..%2fsecret.txt", "/static/../secret.txt" },
        { "/static/img/..%2F..%2Fsecret.txt", "/static/img/../../secret.txt" },
        { "/static/..\\secret.txt", "/static/..\\secret.txt" },
        { "/static/..%5csecret.txt", "/static/..\\secret.txt" },
        { "/static/%2e%2e%5csecret.txt", "/static/..\\secret.txt" },
    };

    [Fact]
    public async Task File_IsServedWithItsTypeAndCacheControl_WithoutTheApp()
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/style.css"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("body { color: red }\n", response.BodyText);
        Assert.Equal("text/css", response.Header("Content-Type"));
        Assert.Equal($"public, max-age={StaticSiteFixture.MaxAge}", response.Header("Cache-Control"));
        Assert.NotNull(response.Header("ETag"));
        Assert.NotNull(response.Header("Last-Modified"));
        Assert.Null(response.Header("Vary"));
        Assert.Equal(0, await AppCallsAsync(server, "/static/style.css"));
    }

    [Fact]
    public async Task MissingFile_FallsThroughToTheApp()
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/missing.css"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("app /static/missing.css", response.BodyText);
        Assert.Equal(1, await AppCallsAsync(server, "/static/missing.css"));
    }

    [Theory]
    [MemberData(nameof(Traversals))]
    public async Task Traversal_Is404_WithoutTheApp(string target, string pathInfo)
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, target));

        Assert.True(response.StatusCode == 404, $"{target}: {response.StatusCode} {response.BodyText}");
        Assert.DoesNotContain(StaticSiteFixture.Secret, response.BodyText, StringComparison.Ordinal);
        Assert.Equal(0, await AppCallsAsync(server, pathInfo));
    }

    [Theory]
    [InlineData("/static/escape.txt")]
    [InlineData("/static/outside/secret.txt")]
    public async Task SymlinkLeavingTheDirectory_IsNotServed_AndFallsThroughToTheApp(string target)
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, target));

        Assert.DoesNotContain(StaticSiteFixture.Secret, response.BodyText, StringComparison.Ordinal);
        Assert.Equal($"app {target}", response.BodyText);
        Assert.Equal(1, await AppCallsAsync(server, target));
    }

    [Fact]
    public async Task SymlinkInsideTheDirectory_IsServed()
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/alias.css"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("body { color: red }\n", response.BodyText);
        Assert.Equal(0, await AppCallsAsync(server, "/static/alias.css"));
    }

    [Fact]
    public async Task DotDirectory_IsNotServed()
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/.git/config"));

        Assert.Equal("app /static/.git/config", response.BodyText);
    }

    [Fact]
    public async Task GzipSibling_WhenGzipIsAccepted_IsSentEncodedWithTheFilesType()
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/app.js", "Accept-Encoding: gzip\r\n"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("gzip", response.Header("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Header("Vary"));
        Assert.Equal(ContentTypeOf("app.js"), response.Header("Content-Type"));
        Assert.Equal(StaticSiteFixture.Script, Decompress(response.Body, s => new GZipStream(s, CompressionMode.Decompress)));
        Assert.Equal(0, await AppCallsAsync(server, "/static/app.js"));
    }

    [Fact]
    public async Task BrotliSibling_WhenBothAreAccepted_IsPreferred()
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/app.js", "Accept-Encoding: gzip, deflate, br\r\n"));

        Assert.Equal("br", response.Header("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Header("Vary"));
        Assert.Equal(ContentTypeOf("app.js"), response.Header("Content-Type"));
        Assert.Equal(StaticSiteFixture.Script, Decompress(response.Body, s => new BrotliStream(s, CompressionMode.Decompress)));
    }

    [Theory]
    [InlineData("/static/app.js", "")]
    [InlineData("/static/app.js", "Accept-Encoding: identity\r\n")]
    [InlineData("/static/app.js", "Accept-Encoding: gzip;q=0, br;q=0\r\n")]
    [InlineData("/static/gz-only.js", "Accept-Encoding: br\r\n")]
    public async Task Sibling_NotAccepted_SendsTheFileItselfWithVary(string target, string headers)
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, target, headers));

        Assert.Equal(200, response.StatusCode);
        Assert.Null(response.Header("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Header("Vary"));
        Assert.Equal(StaticSiteFixture.Script, response.BodyText);
    }

    [Fact]
    public async Task IfNoneMatch_WithTheETag_Is304()
    {
        var server = await site.GetAsync();
        var first = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/style.css"));
        var etag = first.Header("ETag")!;

        var second = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/style.css", $"If-None-Match: {etag}\r\n"));

        Assert.Equal(304, second.StatusCode);
        Assert.Equal(etag, second.Header("ETag"));
        Assert.Empty(second.Body);
    }

    [Fact]
    public async Task Range_Is206WithThoseBytes()
    {
        var server = await site.GetAsync();

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/numbers.txt", "Range: bytes=40-47\r\n"));

        Assert.Equal(206, response.StatusCode);
        Assert.Equal("010\n011\n", response.BodyText);
        Assert.Equal("bytes 40-47/400", response.Header("Content-Range"));
    }

    [Fact]
    public async Task Head_SendsTheHeadersWithoutTheBody()
    {
        var server = await site.GetAsync();
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync($"HEAD /static/numbers.txt HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nConnection: close\r\n\r\n");

        var response = await client.ReadResponseAsync(headRequest: true);
        var after = await client.ReadUntilCloseAsync();

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("400", response.Header("Content-Length"));
        Assert.Equal("text/plain", response.Header("Content-Type"));
        Assert.Empty(after);
        Assert.Equal(0, await AppCallsAsync(server, "/static/numbers.txt"));
    }

    [Fact]
    public async Task TwoMaps_TheLongestPrefixWins()
    {
        var server = await site.GetAsync();

        var logo = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/img/logo.txt"));
        var onlyInShorter = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/img/only-site.txt"));

        Assert.Equal("from images", logo.BodyText);
        Assert.Equal("app /static/img/only-site.txt", onlyInShorter.BodyText);
    }

    [Fact]
    public async Task Fifo_IsNotOpened_AndFallsThroughToTheApp()
    {
        var server = await site.GetAsync();

        // Opened for reading, a FIFO holds the opening thread until a writer comes: the request would never end.
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/pipe.txt")).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal("app /static/pipe.txt", response.BodyText);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task FileTheWorkersUserMayNotRead_Is403_WithAWarningNamingIt()
    {
        Assert.True(Privileges.EffectiveUserId == 0, Privileges.RootNeeded);
        using var tree = new TempDirectoryTree();
        tree.Write("static_fallback.py", File.ReadAllText(Path.Combine(RepoPaths.AppsDir, "static_fallback.py")));
        tree.Write("site/open.txt", "anyone");
        File.SetUnixFileMode(tree.Write("site/locked.txt", StaticSiteFixture.Secret), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var arguments = ServerProcess.AppArguments("static_fallback", PythonInstalls.Default, workers: 2, chdir: tree.Root);
        arguments.AddRange(["--static-map", $"/static={tree.PathOf("site")}", "--uid", "nobody"]);
        using var server = await ServerProcess.StartAsync(arguments);

        var open = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/open.txt"));
        var locked = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/locked.txt"));
        var ranged = await TestHttp.RawAsync(server, TestHttp.Get(server, "/static/locked.txt", "Range: bytes=0-2\r\n"));

        Assert.Equal("anyone", open.BodyText);
        Assert.Equal((403, ""), (locked.StatusCode, locked.BodyText));
        Assert.Equal((403, ""), (ranged.StatusCode, ranged.BodyText));
        Assert.True(await server.WaitForLogAsync("GET /static/locked.txt answered 403: this process's user may not read the file", TimeSpan.FromSeconds(10)),
            server.Describe());
        Assert.DoesNotContain("unhandled exception", server.Log, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await AppCallsAsync(server, "/static/locked.txt"));
    }

    private static async Task<int> AppCallsAsync(ServerProcess server, string pathInfo)
    {
        using var http = TestHttp.Client(server);
        var text = await http.GetStringAsync(new Uri("/_calls?path=" + Uri.EscapeDataString(pathInfo), UriKind.Relative));
        return int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static string ContentTypeOf(string name) =>
        new FileExtensionContentTypeProvider().TryGetContentType(name, out var type) ? type : throw new InvalidOperationException(name);

    private static string Decompress(IReadOnlyList<byte> body, Func<Stream, Stream> decompressor)
    {
        using var input = new MemoryStream([.. body]);
        using var stream = decompressor(input);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
