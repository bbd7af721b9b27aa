using System.Text.Json.Nodes;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>HTTP/1.x connection handling: keep-alive, pipelining, slow clients, limits, malformed requests.</summary>
[Collection(ConformanceSuite.Name)]
public sealed class ConnectionTests(ConformanceServers servers)
{
    public static TheoryData<string> Pythons => PythonInstalls.All;

    // Requests a server must refuse with 400 before any app code runs (RFC 9112 §6.3, §7.1; RFC 9110 §7.2).
    // "{T}" is the hit route with a per-test token, so the test can prove the app was never called.
    public static IEnumerable<object[]> MalformedRequests => Matrix.WithEveryPython(
        ["ContentLengthWithTransferEncoding",
            "POST {T} HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"],
        ["TwoDifferentContentLengths",
            "POST {T} HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"],
        ["NonNumericContentLength",
            "POST {T} HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\nhello"],
        ["NegativeContentLength",
            "POST {T} HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\nhello"],
        ["ChunkSizeNotHex",
            "POST {T} HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"],
        ["ChunkSizeOverflow",
            "POST {T} HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n"],
        ["ChunkDataLongerThanItsSize",
            "POST {T} HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n"],
        ["MissingHostOnHttp11",
            "GET {T} HTTP/1.1\r\n\r\n"],
        ["MultipleHostHeaders",
            "GET {T} HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"],
        ["WhitespaceBeforeHeaderColon",
            "GET {T} HTTP/1.1\r\nHost : h\r\n\r\n"],
        ["HeaderLineWithoutColon",
            "GET {T} HTTP/1.1\r\nHost: h\r\nNoColonHere\r\n\r\n"],
        ["GarbageRequestLine",
            "GET{T}HTTP/1.1\r\nHost: h\r\n\r\n"]);

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task MalformedRequest_Gives400AndNeverReachesTheApp(string python, string name, string template)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var token = TestHttp.NewToken();
        using (var client = await RawHttpClient.ConnectAsync(server.Port))
        {
            await client.SendAsync(template.Replace("{T}", $"/hit?token={token}", StringComparison.Ordinal));
            var response = await client.ReadResponseAsync();
            Assert.True(response.StatusCode == 400, $"{name}: expected 400, got {response.StatusCode} {response.BodyText}");
        }

        Assert.Equal(0, await TestHttp.CounterAsync(server, token, "hit"));
        // A client's malformed request is not the server's error: no error line, no stack trace for a client to flood.
        Assert.DoesNotContain(" error ", server.LogSince(before), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n")]
    [InlineData("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: identity, Chunked\r\n")]
    public async Task TransferCodingOtherThanChunked_Gets501AndNeverReachesTheApp(string codings)
    {
        // The application would otherwise get the still-coded bytes as the body, with nothing saying so.
        var server = await servers.ForAsync(PythonInstalls.Default);
        var before = server.LineCount;
        var token = TestHttp.NewToken();
        var response = await TestHttp.RawAsync(server,
            $"POST /hit?token={token} HTTP/1.1\r\nHost: h\r\n{codings}\r\n5\r\nhello\r\n0\r\n\r\n");

        Assert.Equal(501, response.StatusCode);
        Assert.Equal(0, await TestHttp.CounterAsync(server, token, "hit"));
        Assert.DoesNotContain(" error ", server.LogSince(before), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedInAnyCase_IsStillRead()
    {
        var server = await servers.ForAsync(PythonInstalls.Default);
        var token = TestHttp.NewToken();
        var response = await TestHttp.RawAsync(server,
            $"POST /hit?token={token} HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(1, await TestHttp.CounterAsync(server, token, "hit"));
    }

    [Theory]
    [InlineData("HTTP/1.1\r\nHost: example.com:443")]
    [InlineData("HTTP/1.0")]
    public async Task Connect_Gets501AndClosesWithoutAnErrorInTheLog(string versionAndHeaders)
    {
        // What open-proxy scanners send to every server they find; the application would answer 200, which a
        // tunnel's answer cannot be with a length.
        var server = await servers.ForAsync(PythonInstalls.Default);
        var before = server.LineCount;
        using (var client = await RawHttpClient.ConnectAsync(server.Port))
        {
            await client.SendAsync($"CONNECT example.com:443 {versionAndHeaders}\r\n\r\n");
            var response = await client.ReadResponseAsync();
            Assert.Equal(501, response.StatusCode);
            Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
        }

        var after = await TestHttp.RawAsync(server, TestHttp.Get(server, "/"));
        Assert.Equal(200, after.StatusCode);
        Assert.DoesNotContain(" error ", server.LogSince(before), StringComparison.Ordinal);
        Assert.DoesNotContain(" warn ", server.LogSince(before), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task KeepAlive_SecondRequestReusesTheConnection(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync("GET /environ/one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        var first = await client.ReadResponseAsync();
        await client.SendAsync("GET /environ/two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        var second = await client.ReadResponseAsync();

        Assert.Equal("/environ/one", Environ(first)["PATH_INFO"]!.GetValue<string>());
        Assert.Equal("/environ/two", Environ(second)["PATH_INFO"]!.GetValue<string>());
        Assert.Equal(Environ(first)["REMOTE_PORT"]!.GetValue<string>(), Environ(second)["REMOTE_PORT"]!.GetValue<string>());
        Assert.False(client.PeerClosed);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Pipelining_ResponsesComeBackInRequestOrder(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(
            "GET /sleep?s=0.3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
            "POST /input/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 9\r\n\r\npipelined" +
            "GET /environ/third HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        var first = await client.ReadResponseAsync();
        var second = await client.ReadResponseAsync();
        var third = await client.ReadResponseAsync();
        Assert.NotNull(JsonNode.Parse(first.BodyText)!["finished"]);
        Assert.Equal("pipelined", JsonNode.Parse(second.BodyText)!["body"]!.GetValue<string>());
        Assert.Equal("/environ/third", Environ(third)["PATH_INFO"]!.GetValue<string>());
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Http10WithoutKeepAlive_ClosesAfterTheResponse(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.Equal("hello from conformance", response.BodyText);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(5)), "HTTP/1.0 connection left open");
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Http10WithKeepAlive_KeepsTheConnectionOpen(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
        var first = await client.ReadResponseAsync();
        await client.SendAsync("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        var second = await client.ReadResponseAsync();

        Assert.Equal("hello from conformance", first.BodyText);
        Assert.Equal("hello from conformance", second.BodyText);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ConnectionCloseHeader_ClosesAfterTheResponse(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(TestHttp.Get(server, "/"));
        var response = await client.ReadResponseAsync();

        Assert.Equal(200, response.StatusCode);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(5)), "connection left open after Connection: close");
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task RequestSentOneByteAtATime_IsServed(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendSlowlyAsync(
            "POST /input/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nConnection: close\r\n\r\nslow",
            TimeSpan.FromMilliseconds(5));
        var response = await client.ReadResponseAsync();

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("slow", JsonNode.Parse(response.BodyText)!["body"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task BodyTheAppNeverRead_DoesNotLeakIntoTheNextRequest(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        var body = new string('u', 20_000);
        await client.SendAsync(
            $"POST /input/ignore HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {body.Length}\r\n\r\n{body}" +
            "GET /environ/after HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        var first = await client.ReadResponseAsync();
        var second = await client.ReadResponseAsync();
        Assert.Equal("ignored", first.BodyText);
        Assert.Equal("/environ/after", Environ(second)["PATH_INFO"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ExpectContinue_ServerInvitesTheBodyAndTheAppReadsIt(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(
            "POST /input/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 8\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
        var interim = await client.ReadUntilAsync("\r\n\r\n", TimeSpan.FromSeconds(5));
        await client.SendAsync("expected");
        var response = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 100", interim, StringComparison.Ordinal);
        Assert.Equal("expected", JsonNode.Parse(response.BodyText)!["body"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task HeadersOverTheDefaultLimit_Give431(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var big = new string('h', 40_000);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/hit?token={token}", $"X-Big: {big}\r\n"));

        Assert.Equal(431, response.StatusCode);
        Assert.Equal(0, await TestHttp.CounterAsync(server, token, "hit"));
    }

    [Theory]
    [InlineData(98, 200)]
    [InlineData(99, 431)]
    public async Task HeaderLines_OverAHundred_Give431(int extraHeaders, int status)
    {
        // With Host and Connection, the lines number 100 and 101.
        var server = await servers.ForAsync(PythonInstalls.Default);
        var lines = string.Concat(Enumerable.Range(0, extraHeaders).Select(i => $"X-H{i}: v\r\n"));
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/", lines));

        Assert.Equal(status, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task HeadersJustUnderTheDefaultLimit_AreAccepted(string python)
    {
        var server = await servers.ForAsync(python);
        var big = new string('h', 20_000);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/environ/big", $"X-Big: {big}\r\n"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(big, Environ(response)["HTTP_X_BIG"]!.GetValue<string>());
    }

    private static JsonNode Environ(RawResponse response)
    {
        Assert.True(response.StatusCode == 200, $"{response.StatusCode}: {response.BodyText}");
        return JsonNode.Parse(response.BodyText)!["environ"]!;
    }
}
