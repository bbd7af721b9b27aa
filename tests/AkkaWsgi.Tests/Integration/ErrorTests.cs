using System.Text.RegularExpressions;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>Application errors: a 500 for the client, the traceback for the log, and a server that keeps serving.</summary>
[Collection(ConformanceSuite.Name)]
public sealed class ErrorTests(ConformanceServers servers)
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Pythons => PythonInstalls.All;

    // Route under /non-bytes/ and the Python type name the log line must name.
    public static IEnumerable<object[]> NonBytesItems => Matrix.WithEveryPython(
        ["str", "str"], ["int", "int"], ["none", "NoneType"], ["after-bytes", "int"]);

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task AppException_Gives500WithoutTracebackInBodyAndLogsTheTraceback(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var before = server.LineCount;
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/raise?token={token}"));

        Assert.Equal(500, response.StatusCode);
        Assert.DoesNotContain("Traceback", response.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("raise-route-marker", response.BodyText, StringComparison.Ordinal);
        Assert.True(await server.WaitForLogAsync(
                log => log.Contains("Traceback (most recent call last)", StringComparison.Ordinal)
                       && log.Contains($"RuntimeError: raise-route-marker {token}", StringComparison.Ordinal), LogWait, before),
            $"traceback missing from the log:\n{server.LogSince(before)}");
        await AssertStillServingAsync(server);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ExceptionBeforeFirstBodyItem_Gives500(string python)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/raise-before-first-item"));

        Assert.Equal(500, response.StatusCode);
        Assert.True(await server.WaitForLogAsync("raise-before-first-item-marker", LogWait, before), server.LogSince(before));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ExceptionAfterFirstBodyItem_CutsTheResponseShortAndLogs(string python)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/raise-in-body"));

        TestHttp.AssertCutShort(response, "sent-before-failure;");
        Assert.True(await server.WaitForLogAsync("raise-in-body-marker", LogWait, before), server.LogSince(before));
        await AssertStillServingAsync(server);
        // Said once, by the server; not again by Kestrel as an unhandled exception.
        Assert.DoesNotContain("IncompleteResponseException", server.LogSince(before), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NonBytesItems))]
    public async Task NonBytesBodyItem_Gives500AndLogsItsType(string python, string route, string typeName)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/non-bytes/{route}"));

        Assert.Equal(500, response.StatusCode);
        Assert.DoesNotContain("a str item", response.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("a bytes item", response.BodyText, StringComparison.Ordinal);
        var typeWord = new Regex($@"\b{typeName}\b");
        Assert.True(await server.WaitForLogAsync(log => typeWord.IsMatch(log), LogWait, before),
            $"no log line names the type {typeName}:\n{server.LogSince(before)}");
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ExceptionInClose_IsLoggedAndTheCompleteResponseStands(string python)
    {
        var server = await servers.ForAsync(python);
        var before = server.LineCount;
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/close-raises"));

        Assert.Equal(200, response.StatusCode);
        Assert.True(response.Complete);
        Assert.Equal("body-before-failing-close", response.BodyText);
        Assert.True(await server.WaitForLogAsync("close-raises-marker", LogWait, before), server.LogSince(before));
        await AssertStillServingAsync(server);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task WsgiErrors_WriteAndWritelines_ReachTheLog(string python)
    {
        var server = await servers.ForAsync(python);
        var token = TestHttp.NewToken();
        var before = server.LineCount;
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, $"/errors?token={token}"));

        Assert.Equal(200, response.StatusCode);
        Assert.True(await server.WaitForLogAsync(
                log => log.Contains($"wsgi-errors-write-{token}", StringComparison.Ordinal)
                       && log.Contains($"wsgi-errors-writelines-{token}", StringComparison.Ordinal), LogWait, before),
            server.LogSince(before));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ManyFailingRequestsInARow_LeaveEveryWorkerUsable(string python)
    {
        var server = await servers.ForAsync(python);
        using var http = TestHttp.Client(server);
        var failures = Enumerable.Range(0, ConformanceServers.Workers * 3)
            .Select(async _ =>
            {
                using var r = await http.GetAsync(new Uri("/raise", UriKind.Relative));
                return (int)r.StatusCode;
            });

        Assert.All(await Task.WhenAll(failures), status => Assert.Equal(500, status));
        var successes = Enumerable.Range(0, ConformanceServers.Workers * 2)
            .Select(_ => http.GetStringAsync(new Uri("/", UriKind.Relative)));
        Assert.All(await Task.WhenAll(successes), body => Assert.Equal("hello from conformance", body));
    }

    private static async Task AssertStillServingAsync(ServerProcess server)
    {
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/"));
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("hello from conformance", response.BodyText);
    }
}
