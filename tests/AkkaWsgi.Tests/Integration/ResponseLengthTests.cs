using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// A body that contradicts the application's own Content-Length: the request is named in the log, a response that
/// has not gone out becomes a clean 500, one that has is cut short, and nothing beyond the declared length reaches
/// the connection.
/// </summary>
[Collection(ConformanceSuite.Name)]
public sealed class ResponseLengthTests(ConformanceServers servers)
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(5);

    // A list body's parts, the length it declares, and what the log line says about them.
    public static IEnumerable<object[]> ListMismatches => Matrix.WithEveryPython(
        ["10", "100", "shorter than its Content-Length: 10 bytes, 100 declared"],
        ["", "100", "shorter than its Content-Length: 0 bytes, 100 declared"],
        ["4,6", "5", "longer than its Content-Length: 10 bytes, 5 declared"]);

    public static TheoryData<string> Pythons => PythonInstalls.All;

    [Theory]
    [MemberData(nameof(ListMismatches))]
    public async Task ListBody_OfTheWrongLength_Gets500AndTheConnectionStaysUsable(string python, string parts, string declared, string logged)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var target = $"/length-mismatch?parts={parts}&declared={declared}";

        var (first, second) = await ThenHelloAsync(server, "GET", target);

        // Nothing of the application's body may follow the 500: on a kept-alive connection those bytes would be
        // read as the start of the next response.
        Assert.Equal(500, first.StatusCode);
        Assert.Equal("Internal Server Error\n", first.BodyText);
        Assert.Equal(200, second.StatusCode);
        Assert.Equal("hello from conformance", second.BodyText);
        Assert.True(await server.WaitForLogAsync(l => l.Contains($"GET {target} failed, answered 500", StringComparison.Ordinal) &&
                                                      l.Contains(logged, StringComparison.Ordinal), LogWait, before),
            server.LogSince(before));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ContentLength_GivenTwiceAlike_IsSentOnce(string python)
    {
        var server = await servers.ForAsync(python);

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/length-mismatch?parts=4,6&declared=10&again=10"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(new string('m', 10), response.BodyText);
        Assert.Equal(["10"], response.HeaderValues("Content-Length"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ContentLength_GivenTwiceWithTwoValues_Gets500NamingBoth(string python)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        const string Target = "/length-mismatch?parts=10&declared=10&again=11";

        var (first, second) = await ThenHelloAsync(server, "GET", Target);

        Assert.Equal(500, first.StatusCode);
        Assert.Equal(200, second.StatusCode);
        Assert.True(await server.WaitForLogAsync(l => l.Contains($"GET {Target} failed, answered 500", StringComparison.Ordinal), LogWait, before),
            server.LogSince(before));
        Assert.Contains("Content-Length is given twice, as 10 and as 11", server.LogSince(before), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Generator_ShorterThanContentLength_IsCutShortAndTheRequestIsNamed(string python)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var target = "/length-mismatch?kind=generator&parts=10&declared=100";

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, target));

        TestHttp.AssertCutShort(response, new string('m', 10));
        Assert.True(await server.WaitForLogAsync(l => l.Contains($"GET {target} failed after the response started", StringComparison.Ordinal) &&
                                                      l.Contains("shorter than its Content-Length: 10 bytes, 100 declared", StringComparison.Ordinal),
            LogWait, before), server.LogSince(before));
        Assert.DoesNotContain("Content-Length mismatch", server.LogSince(before), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Generator_LongerThanContentLength_SendsNothingPastItAndIsCutShort(string python)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var target = "/length-mismatch?kind=generator&parts=5,5&declared=7";

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, target));

        TestHttp.AssertCutShort(response, new string('m', 5));
        Assert.True(await server.WaitForLogAsync(l => l.Contains($"GET {target} failed after the response started", StringComparison.Ordinal) &&
                                                      l.Contains("longer than its Content-Length of 7 bytes (5 sent, then 5 more)", StringComparison.Ordinal),
            LogWait, before), server.LogSince(before));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Write_PastContentLength_RaisesValueErrorInTheApplication(string python)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var target = "/length-mismatch?kind=write&parts=4,2&declared=5";

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, target));

        TestHttp.AssertCutShort(response, new string('m', 4));
        Assert.True(await server.WaitForLogAsync(
                l => l.Contains($"GET {target}", StringComparison.Ordinal) &&
                     l.Contains("ValueError: write() of 2 bytes would take the body past its Content-Length of 5 bytes (4 sent)", StringComparison.Ordinal),
                LogWait, before), server.LogSince(before));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Head_WithABodyLongerThanContentLength_IsAnsweredWithTheHeaders(string python)
    {
        // The body of a HEAD response is never sent, so its length cannot contradict anything.
        var server = await servers.ForAsync(python);

        var (first, second) = await ThenHelloAsync(server, "HEAD", "/length-mismatch?parts=10&declared=5");

        Assert.Equal(200, first.StatusCode);
        Assert.Equal("5", first.Header("Content-Length"));
        Assert.Empty(first.Body);
        Assert.Equal("hello from conformance", second.BodyText);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task FileWrapper_FileShorterThanContentLength_Gets500NamingTheFile(string python)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var target = $"/file-wrapper?token={TestHttp.NewToken()}&size=1000&length=5000";

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, target));

        Assert.Equal(500, response.StatusCode);
        Assert.True(await server.WaitForLogAsync(
                l => l.Contains($"GET {target} failed, answered 500", StringComparison.Ordinal) &&
                     l.Contains("the file has 1000 bytes from offset 0, 5000 declared", StringComparison.Ordinal),
                LogWait, before), server.LogSince(before));
    }

    /// <summary>Sends a request and then GET / on the same connection, and reads both responses.</summary>
    private static async Task<(RawResponse First, RawResponse Second)> ThenHelloAsync(ServerProcess server, string method, string target)
    {
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(
            $"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        var first = await client.ReadResponseAsync(headRequest: method == "HEAD");
        var second = await client.ReadResponseAsync();
        return (first, second);
    }
}
