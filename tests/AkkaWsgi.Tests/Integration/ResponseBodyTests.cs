using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// The response body: streaming as produced, framing (app Content-Length, chunked, close-delimited),
/// HEAD, close() exactly once in every ending, and wsgi.file_wrapper.
/// </summary>
[Collection(ConformanceSuite.Name)]
public sealed class ResponseBodyTests(ConformanceServers servers)
{
    private static readonly TimeSpan CounterWait = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Pythons => PythonInstalls.All;

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Streaming_FirstChunkReachesClientWhileAppIsStillProducing(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(TestHttp.Get(server, $"/stream?token={token}"));

        // The app blocks after its first chunk until /release; a buffering server never gets here.
        var head = await client.ReadUntilAsync("first-chunk;", TimeSpan.FromSeconds(5));
        Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.OrdinalIgnoreCase);
        using var http = TestHttp.Client(server);
        using (var release = await http.GetAsync(new Uri($"/release?token={token}", UriKind.Relative)))
        {
            Assert.Equal(200, (int)release.StatusCode);
        }

        var rest = await client.ReadUntilAsync("last-chunk", TimeSpan.FromSeconds(5));
        Assert.Contains("released;", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("timed-out;", rest, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Close_AfterCompleteResponse_IsCalledExactlyOnce(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/close-counted?token={token}&count=3"));

        Assert.Equal("item-0;item-1;item-2;", response.BodyText);
        Assert.Equal(1, await TestHttp.WaitForCounterAsync(server, token, "close", 1, CounterWait));
        await Task.Delay(300);
        Assert.Equal(1, await TestHttp.CounterAsync(server, token, "close"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Close_WhenClientDisconnectsMidResponse_IsCalledOnceAndIterationStops(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        using (var client = await RawHttpClient.ConnectAsync(server.Port))
        {
            // 200 items 50 ms apart: ten seconds of body unless the server notices the client left.
            await client.SendAsync(TestHttp.Get(server, $"/close-counted?token={token}&count=200&delay=0.05"));
            await client.ReadUntilAsync("item-1;", TimeSpan.FromSeconds(5));
            client.Abort();
        }

        Assert.Equal(1, await TestHttp.WaitForCounterAsync(server, token, "close", 1, CounterWait));
        var produced = await TestHttp.CounterAsync(server, token, "produced");
        Assert.True(produced < 200, $"the app produced all {produced} items for a client that had gone");
        await Task.Delay(300);
        Assert.Equal(1, await TestHttp.CounterAsync(server, token, "close"));
    }

    [Fact]
    public async Task SlowClient_HoldsTheApplicationBackInsteadOfBufferingItsOutput()
    {
        var server = await servers.ForAsync(PythonInstalls.Default);
        var token = TestHttp.NewToken();
        using var client = await RawHttpClient.ConnectAsync(server.Port);

        // 200 items of 1 MiB: without backpressure the generator would run to the end at once.
        await client.SendAsync(TestHttp.Get(server, $"/big-stream?token={token}&count=200&size=1048576"));
        await client.ReadAtLeastAsync(1);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the client reads nothing more meanwhile
        var produced = await TestHttp.CounterAsync(server, token, "produced");
        client.Abort();

        // Kestrel's pipe and the loopback socket buffers hold a few MiB at most.
        Assert.InRange(produced, 1, 32);
        Assert.Equal(1, await TestHttp.WaitForCounterAsync(server, token, "close", 1, CounterWait));
        Assert.True(await TestHttp.CounterAsync(server, token, "produced") < 200, "the application ran to the end for a client that left");
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Close_WhenIterationRaises_IsStillCalledOnce(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        await TestHttp.RawAsync(server, TestHttp.Get(server, $"/close-counted?token={token}&count=3&fail_at=1"));

        Assert.Equal(1, await TestHttp.WaitForCounterAsync(server, token, "close", 1, CounterWait));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Head_SendsHeadersWithoutBodyAndStillClosesTheIterable(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        using var client = await RawHttpClient.ConnectAsync(server.Port);

        // Pipelined: if any body byte followed the HEAD response, the GET's status line would be garbled.
        await client.SendAsync(
            $"HEAD /head-probe?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
            "GET /head-probe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        var head = await client.ReadResponseAsync(headRequest: true);
        var get = await client.ReadResponseAsync();

        Assert.Equal(200, head.StatusCode);
        Assert.Equal("HEAD", head.Header("X-Method-Seen"));
        Assert.Equal("15", head.Header("Content-Length"));
        Assert.Equal(200, get.StatusCode);
        Assert.Equal("GET", get.Header("X-Method-Seen"));
        Assert.Equal("head-probe-body", get.BodyText);
        Assert.Equal(1, await TestHttp.WaitForCounterAsync(server, token, "close", 1, CounterWait));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task AppContentLength_IsKeptAndBodyIsNotChunked(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/sized?size=100000&chunk=30000&length=1"));

        Assert.Equal("100000", response.Header("Content-Length"));
        Assert.Null(response.Header("Transfer-Encoding"));
        Assert.Equal(Pattern(100_000), response.Body);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task NoContentLengthOnHttp11_IsChunked(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/sized?size=200000&chunk=50000"));

        Assert.Equal("chunked", response.Header("Transfer-Encoding"));
        Assert.Null(response.Header("Content-Length"));
        Assert.True(response.Complete);
        Assert.Equal(Pattern(200_000), response.Body);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ListWithoutContentLength_GetsTheWholeBodysLengthInsteadOfChunks(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/sized?size=200000&chunk=50000&kind=list"));

        Assert.Equal("200000", response.Header("Content-Length"));
        Assert.Null(response.Header("Transfer-Encoding"));
        Assert.Equal(Pattern(200_000), response.Body);
    }

    [Fact]
    public async Task ListWithoutContentLength_KeepsAnHttp10ClientsConnection()
    {
        var server = await servers.ForAsync(PythonInstalls.Default);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        const string request = "GET /sized?size=3000&chunk=1000&kind=list HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n";

        await client.SendAsync(request);
        var first = await client.ReadResponseAsync();
        await client.SendAsync(request);
        var second = await client.ReadResponseAsync();

        Assert.Equal("3000", first.Header("Content-Length"));
        Assert.Equal("keep-alive", first.Header("Connection"));
        Assert.Equal(Pattern(3_000), first.Body);
        Assert.Equal(Pattern(3_000), second.Body);
    }

    [Fact]
    public async Task EmptyListForHead_DeclaresNoLength()
    {
        // A HEAD's application may return nothing for what a GET would fill: a length measured from it would lie.
        var server = await servers.ForAsync(PythonInstalls.Default);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync("HEAD /sized?size=0&kind=list HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        var response = await client.ReadResponseAsync(headRequest: true);
        Assert.Equal(200, response.StatusCode);
        Assert.NotEqual("0", response.Header("Content-Length"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task NoContentLengthOnHttp10_EndsBodyByClosingTheConnection(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, "GET /sized?size=70000&chunk=10000 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");

        Assert.Null(response.Header("Transfer-Encoding"));
        Assert.True(response.EndedByClose);
        Assert.Equal(Pattern(70_000), response.Body);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task LargeStreamedBody_ArrivesByteForByte(string python)
    {
        var server = await servers.ForAsync(python);
        using var http = TestHttp.Client(server);
        var body = await http.GetByteArrayAsync(new Uri("/sized?size=8000000&chunk=65536", UriKind.Relative));

        Assert.Equal(8_000_000, body.Length);
        Assert.Equal(SHA256.HashData(Pattern(8_000_000)), SHA256.HashData(body));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task EmptyBody_IsAValidEmptyResponse(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/empty"));

        Assert.Equal(200, response.StatusCode);
        Assert.True(response.Complete);
        Assert.Empty(response.Body);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task NoContentStatus_HasNoBodyAndKeepsTheConnectionUsable(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(
            "GET /empty?status=204%20No%20Content HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        var first = await client.ReadResponseAsync();
        var second = await client.ReadResponseAsync();
        Assert.Equal(204, first.StatusCode);
        Assert.Null(first.Header("Transfer-Encoding"));
        Assert.Equal(200, second.StatusCode);
        Assert.Equal("hello from conformance", second.BodyText);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task FileWrapper_SendsTheWholeFileAndClosesIt(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/file-wrapper?token={token}&size=300000"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(Pattern(300_000), response.Body);
        var state = await WaitForFileClosedAsync(server, token);
        Assert.True(state["closed"]!.GetValue<bool>(), "the wrapped file was never closed");
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task FileWrapper_RealFile_IsSentWithoutPythonReadingIt(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/file-wrapper?token={token}&size=300000"));

        Assert.Equal(Pattern(300_000), response.Body);
        var state = await WaitForFileClosedAsync(server, token);
        Assert.Equal(0, state["reads"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task FileWrapper_StartsAtTheFilesCurrentPosition(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/file-wrapper?token={token}&size=50000&offset=1000"));

        Assert.Equal(Pattern(50_000).Skip(1000), response.Body);
    }

    // A file the server sends itself, and an object it reads through its read method.
    public static IEnumerable<object[]> FileKinds => Matrix.WithEveryPython(["file"], ["nofileno"]);

    [Theory]
    [MemberData(nameof(FileKinds))]
    public async Task FileWrapper_WithAppContentLength_SendsNoMoreThanThatLength(string python, string kind)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/file-wrapper?token={token}&size=100000&length=5000&kind={kind}"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("5000", response.Header("Content-Length"));
        Assert.Equal(Pattern(5000), response.Body);
        Assert.True(response.Complete);
        var state = await WaitForFileClosedAsync(server, token);
        Assert.True(state["closed"]!.GetValue<bool>(), "the wrapped file was never closed");
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task FileWrapper_ObjectWithoutFileno_IsReadThroughItsReadMethod(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/file-wrapper?token={token}&size=40000&kind=nofileno"));

        Assert.Equal(Pattern(40_000), response.Body);
        var state = await WaitForFileClosedAsync(server, token);
        Assert.True(state["closed"]!.GetValue<bool>(), "the wrapped object was never closed");
    }

    /// <summary>The bytes conformance._pattern produces: 0..255 repeating.</summary>
    internal static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i % 256);
        }

        return bytes;
    }

    private static async Task<JsonNode> WaitForFileClosedAsync(ServerProcess server, string token)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonNode state;
        while (!(state = await TestHttp.GetJsonAsync(server, $"/file-state?token={token}"))["closed"]!.GetValue<bool>()
               && waited.Elapsed < CounterWait)
        {
            await Task.Delay(50);
        }

        return state;
    }
}
