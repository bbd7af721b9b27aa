using System.Text.RegularExpressions;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>start_response (PEP 3333 "The start_response() Callable"): validation, exc_info, write().</summary>
[Collection(ConformanceSuite.Name)]
public sealed class StartResponseTests(ConformanceServers servers)
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Pythons => PythonInstalls.All;

    // Case name in conformance.BAD_STATUSES, and a regex the log must match: the value itself, or
    // for a wrongly typed one the type it must be (null: nothing unique to look for).
    public static IEnumerable<object[]> BadStatuses => Matrix.WithEveryPython(
        ["no-reason", null!],
        ["two-digits", "Short-Status-Marker"],
        ["letters", "Letters-Status-Marker"],
        ["four-digits", "Big-Status-Marker"],
        ["below-range", "Low-Status-Marker"],
        ["not-str", @"\bstr\b"]);

    // Case name in conformance.BAD_HEADERS, and a regex the log must match: the header's name, or
    // for a wrongly typed or shaped header what it must be instead.
    public static IEnumerable<object[]> BadHeaders => Matrix.WithEveryPython(
        ["space-in-name", "X-Bad Name"],
        ["colon-in-name", "X-Bad:Colon"],
        ["crlf-in-value", "X-Crlf-Marker"],
        ["lf-in-value", "X-Lf-Marker"],
        ["nul-in-value", "X-Nul-Marker"],
        ["bytes-name", @"\bstr\b"],
        ["bytes-value", @"\bstr\b"],
        ["non-latin1-value", "X-Euro-Marker"],
        ["three-tuple", @"\(name, value\)|\bpair\b|\b2\b|two"]);

    // Case name in conformance.HOP_BY_HOP. The names are oddly cased so that the server must compare
    // case-insensitively, and so that its own messages about connections cannot satisfy the log check by accident.
    public static IEnumerable<object[]> HopByHopHeaders => Matrix.WithEveryPython(
        ["conNection", "close"], ["transfer-Encoding", "chunked"], ["keep-Alive", "timeout=5"], ["upGrade", "websocket"]);

    [Theory]
    [MemberData(nameof(BadStatuses))]
    public async Task InvalidStatus_Gives500AndALogLineNamingIt(string python, string @case, string? marker)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/bad-status/{@case}"));

        Assert.Equal(500, response.StatusCode);
        Assert.DoesNotContain("bad status was accepted", response.BodyText, StringComparison.Ordinal);
        if (marker is not null)
        {
            Assert.True(await server.WaitForLogAsync(log => Regex.IsMatch(log, marker), LogWait, before),
                $"no log line matches {marker}:\n{server.LogSince(before)}");
        }
    }

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task InvalidHeader_Gives500WithoutSendingItAndLogsWhatWasWrong(string python, string @case, string pattern)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/bad-header/{@case}"));

        Assert.Equal(500, response.StatusCode);
        Assert.DoesNotContain("bad header was accepted", response.BodyText, StringComparison.Ordinal);
        Assert.Null(response.Header("X-Injected"));
        Assert.DoesNotContain(response.Headers, h => h.Key.EndsWith("Marker", StringComparison.Ordinal));
        Assert.True(await server.WaitForLogAsync(log => Regex.IsMatch(log, pattern), LogWait, before),
            $"no log line matches {pattern}:\n{server.LogSince(before)}");
    }

    [Theory]
    [MemberData(nameof(HopByHopHeaders))]
    public async Task HopByHopHeader_IsLeftOutWithAWarningAndTheResponseServed(string python, string name, string value)
    {
        // gunicorn leaves them out as well: applications that copy a proxied response's headers work there.
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(
            $"GET /hop-by-hop?name={name}&value={value} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        var first = await client.ReadResponseAsync();
        var second = await client.ReadResponseAsync();

        Assert.Equal(200, first.StatusCode);
        Assert.True(first.Complete);
        Assert.Equal("sent with a hop-by-hop header", first.BodyText);
        Assert.Equal("1", first.Header("X-Upstream"));
        Assert.DoesNotContain(first.Headers, h => h.Key == name); // the server's own framing headers are spelt otherwise
        Assert.Equal("hello from conformance", second.BodyText);
        Assert.True(await server.WaitForLogAsync($"the application sent the hop-by-hop header '{name}: {value}', which is left out", LogWait, 0),
            server.LogSince(before));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task HeadersAsTupleInsteadOfList_AreAccepted(string python)
    {
        // PEP 3333 asks for a list, but gunicorn and uWSGI take a tuple too; applications that work there must
        // work here, so a tuple of (name, value) pairs is accepted and its headers are sent.
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/headers-tuple"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("text/plain", response.Header("Content-Type"));
        Assert.Equal("headers tuple was accepted", response.BodyText);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task CustomStatus_KeepsCodeAndReasonPhrase(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/custom-reason"));

        Assert.Equal(299, response.StatusCode);
        Assert.Equal("Custom Reason Phrase", response.Reason);
        Assert.Equal("custom", response.BodyText);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ExcInfo_BeforeAnyBody_ReplacesStatusAndHeaders(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/exc-info/before-body"));

        Assert.Equal(503, response.StatusCode);
        Assert.Equal("Replaced", response.Reason);
        Assert.Equal("yes", response.Header("X-Replaced"));
        Assert.Null(response.Header("X-First"));
        Assert.Equal("replacement body", response.BodyText);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ExcInfo_AfterBodyWasSent_ReraisesAndCutsTheResponseShort(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/exc-info/after-body?token={token}"));

        TestHttp.AssertCutShort(response, "partial-body");
        Assert.Equal(1, await TestHttp.CounterAsync(server, token, "reraised"));
        Assert.Equal(0, await TestHttp.CounterAsync(server, token, "swallowed"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task SecondStartResponseWithoutExcInfo_Gives500(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/start-response-twice"));

        Assert.Equal(500, response.StatusCode);
        Assert.DoesNotContain("accepted", response.BodyText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task BodyWithoutStartResponse_Gives500(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/no-start-response"));

        Assert.Equal(500, response.StatusCode);
        Assert.DoesNotContain("never started", response.BodyText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task EmptyFirstItemThenException_StillGives500BecauseNothingWasSent(string python)
    {
        // PEP 3333: headers must not be sent until the first non-empty bytestring.
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/empty-then-raise"));

        Assert.Equal(500, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task RepeatedResponseHeaders_AreAllSentInOrder(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/multi-headers"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(["a=1; Path=/", "b=2; Path=/"], response.HeaderValues("Set-Cookie"));
        Assert.Equal(["one", "two"], response.HeaderValues("X-Multi").SelectMany(v => v.Split(", ")));
        Assert.Equal([""], response.HeaderValues("X-Empty")); // HTTP allows an empty value, and the application sent one
        Assert.Equal(["", "then"], response.HeaderValues("X-Empty-First").SelectMany(v => v.Split(", ")));
        Assert.Equal("ok", response.BodyText);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task WriteCallable_SendsItsDataBeforeTheReturnedItems(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/write"));

        Assert.Equal(200, response.StatusCode);
        Assert.True(response.Complete);
        Assert.Equal("written-1;written-2;returned-3", response.BodyText);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task WriteCallable_WithEmptyReturnedIterable_SendsWrittenData(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/write-only"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("only-written", response.BodyText);
    }
}
