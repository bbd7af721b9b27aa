using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>The command line: help, usage errors, module naming, and each limit flag's effect.</summary>
public sealed class CommandLineTests
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);

    public static TheoryData<string[], string> BadUsages => new()
    {
        { ["--no-such-flag"], "--no-such-flag" },
        { ["--workers", "many"], "--workers" },
        { ["--workers", "0"], "--workers" },
        { ["--max-body-size", "-5"], "--max-body-size" },
        { ["--header-timeout", "soon"], "--header-timeout" },
        { ["--log-level", "loud"], "--log-level" },
        { ["--http-socket", "not-an-endpoint"], "--http-socket" },
        { ["--static-map", "/static=/no/such/akkawsgi/dir"], "does not exist" },
        { ["--static-map", "static=/tmp"], "--static-map" },
        { ["--request-timeout", "0"], "--request-timeout must be more than 0 and at most 86400 seconds" },
    };

    public static TheoryData<string, string> ModuleSpecs => new()
    {
        { "pkg", "pkg package application" },
        { "pkg.sub", "pkg.sub application" },
        { "pkg.sub:other", "pkg.sub other" },
    };

    [Fact]
    public async Task Help_ListsEveryFlagWithItsDefaultAndExitsZero()
    {
        using var server = ServerProcess.Launch(["--help"]);
        var exit = await server.WaitForExitAsync(ExitWait);

        Assert.Equal(0, exit);
        foreach (var flag in new[]
                 {
                     "--module", "--chdir", "--http-socket", "--workers", "--processes", "--python", "--venv",
                     "--log-level", "--access-log", "--max-body-size", "--header-timeout", "--max-header-size",
                     "--keepalive-timeout", "--graceful-timeout", "--buffer-size",
                 })
        {
            Assert.Contains(flag, server.Log, StringComparison.Ordinal);
        }

        Assert.Contains("104857600", server.Log, StringComparison.Ordinal);
        Assert.Contains("32768", server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadUsages))]
    public async Task BadFlagOrValue_ExitsWith2NamingTheFlag(string[] extra, string named)
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default);
        arguments.AddRange(extra);
        using var server = ServerProcess.Launch(arguments);
        var exit = await server.WaitForExitAsync(ExitWait);

        Assert.True(exit == 2, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains(named, server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingModule_ExitsWith2()
    {
        using var server = ServerProcess.Launch(["--http-socket", "127.0.0.1:0", "--python", PythonInstalls.Default]);
        var exit = await server.WaitForExitAsync(ExitWait);

        Assert.True(exit == 2, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains("--module", server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--processes", "2")]
    [InlineData("--uid", "nobody")]
    [InlineData("--max-requests", "100")]
    [InlineData("--max-rss", "500")]
    public async Task SupervisorFlag_WithNoSupervisor_ExitsWith2(string flag, string value)
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default);
        arguments.AddRange(["--no-supervisor", flag, value]);
        using var server = ServerProcess.Launch(arguments);
        var exit = await server.WaitForExitAsync(ExitWait);

        Assert.True(exit == 2, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains($"{flag} needs the supervisor", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GidWithoutUid_ExitsWith2()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default);
        arguments.AddRange(["--gid", "nogroup"]);
        using var server = ServerProcess.Launch(arguments);
        var exit = await server.WaitForExitAsync(ExitWait);

        Assert.True(exit == 2, $"exit code {exit}\n{server.Describe()}");
        Assert.Contains("--gid needs --uid", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSupervisor_ServesFromTheProcessItself()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.Add("--no-supervisor");
        using var server = await ServerProcess.StartAsync(arguments);

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/interpreter"));
        Assert.Equal(200, response.StatusCode);
        Assert.DoesNotContain("akkawsgi.supervisor", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("[worker", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneProcess_IsAccepted()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default);
        arguments.AddRange(["--processes", "1"]);
        using var server = await ServerProcess.StartAsync(arguments);

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/"));
        Assert.Equal("hello from conformance", response.BodyText);
    }

    [Theory]
    [MemberData(nameof(ModuleSpecs))]
    public async Task ModuleSpec_ServesTheNamedCallable(string module, string expectedBody)
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments(module, PythonInstalls.Default, workers: 1));

        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/"));
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(expectedBody, response.BodyText);
    }

    [Fact]
    public async Task Chdir_BecomesWorkingDirectoryAndFirstOnSysPath()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1));
        var json = await TestHttp.GetJsonAsync(server, "/interpreter");

        Assert.Equal(RepoPaths.AppsDir, json["cwd"]!.GetValue<string>());
        Assert.Equal(RepoPaths.AppsDir, json["path0"]!.GetValue<string>());
    }

    [Fact]
    public async Task AccessLog_WhenEnabled_LogsMethodPathAndStatus()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.Add("--access-log");
        using var server = await ServerProcess.StartAsync(arguments);
        var token = TestHttp.NewToken();
        await TestHttp.RawAsync(server, TestHttp.Get(server, $"/environ/{token}"));

        Assert.True(await server.WaitForLogAsync(
                log => log.Split('\n').Any(line => line.Contains($"/environ/{token}", StringComparison.Ordinal)
                                                   && line.Contains("GET", StringComparison.Ordinal)
                                                   && line.Contains("200", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(5)),
            server.Describe());
    }

    [Fact]
    public async Task AccessLog_ByDefault_IsOff()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1));
        var token = TestHttp.NewToken();
        await TestHttp.RawAsync(server, TestHttp.Get(server, $"/environ/{token}"));

        Assert.False(await server.WaitForLogAsync(token, TimeSpan.FromSeconds(1)), server.Describe());
    }

    [Fact]
    public async Task MaxBodySize_BodyOverTheLimit_Gives413WithoutCallingTheApp()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--max-body-size", "1000"]);
        using var server = await ServerProcess.StartAsync(arguments);
        var token = TestHttp.NewToken();

        var atLimit = await Post(server, $"/input/digest?token={token}", new string('a', 1000), chunked: false);
        var over = await Post(server, $"/input/digest?token={token}", new string('a', 1001), chunked: false);
        var overChunked = await Post(server, $"/input/digest?token={token}", new string('a', 1001), chunked: true);

        Assert.Equal(200, atLimit.StatusCode);
        Assert.Equal(413, over.StatusCode);
        Assert.Equal(413, overChunked.StatusCode);
        Assert.Equal(1, await TestHttp.CounterAsync(server, token, "hit"));
        // Any client can send these: not an error of the application, with a stack trace, each time.
        Assert.DoesNotContain("unhandled exception", server.Log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" error ", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderTimeout_IncompleteHeaders_CloseTheConnectionWithoutCallingTheApp()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--header-timeout", "1"]);
        using var server = await ServerProcess.StartAsync(arguments);
        var token = TestHttp.NewToken();
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync($"GET /hit?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        var clock = Stopwatch.StartNew();

        var reply = await client.ReadUntilCloseAsync(TimeSpan.FromSeconds(8));
        var elapsed = clock.Elapsed;

        Assert.True(elapsed >= TimeSpan.FromSeconds(0.5), $"closed after only {elapsed}");
        Assert.DoesNotContain("200 OK", Encoding.Latin1.GetString(reply), StringComparison.Ordinal);
        Assert.Equal(0, await TestHttp.CounterAsync(server, token, "hit"));
    }

    [Fact]
    public async Task MaxHeaderSize_HeadersOverTheLimit_Give431()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--max-header-size", "2048"]);
        using var server = await ServerProcess.StartAsync(arguments);

        var small = await TestHttp.RawAsync(server, TestHttp.Get(server, "/", $"X-Pad: {new string('p', 1000)}\r\n"));
        var large = await TestHttp.RawAsync(server, TestHttp.Get(server, "/", $"X-Pad: {new string('p', 3000)}\r\n"));

        Assert.Equal(200, small.StatusCode);
        Assert.Equal(431, large.StatusCode);
    }

    [Fact]
    public async Task KeepaliveTimeout_IdleConnectionIsClosed()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--keepalive-timeout", "1"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.Equal(200, response.StatusCode);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(8)), "idle connection outlived --keepalive-timeout 1");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BufferSize_BodyLargerThanTheBuffer_ReachesTheAppWhole(bool chunked)
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--buffer-size", "1024"]);
        using var server = await ServerProcess.StartAsync(arguments);
        var body = new string('z', 300_000) + "end";

        var response = await Post(server, "/input/digest", body, chunked);

        Assert.Equal(200, response.StatusCode);
        var json = JsonNode.Parse(response.BodyText)!;
        Assert.Equal(body.Length, json["length"]!.GetValue<int>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.Latin1.GetBytes(body))), json["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task BodyArrivingSlowly_IsDispatchedOnlyOnceComplete()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--buffer-size", "1024"]);
        using var server = await ServerProcess.StartAsync(arguments);
        var token = TestHttp.NewToken();
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(
            $"POST /input/digest?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4000\r\nConnection: close\r\n\r\n" +
            new string('a', 2000));

        await Task.Delay(1000);
        Assert.Equal(0, await TestHttp.CounterAsync(server, token, "hit"));
        await client.SendAsync(new string('b', 2000));
        var response = await client.ReadResponseAsync();

        Assert.Equal(4000, JsonNode.Parse(response.BodyText)!["length"]!.GetValue<int>());
        Assert.Equal(1, await TestHttp.CounterAsync(server, token, "hit"));
    }

    private static async Task<RawResponse> Post(ServerProcess server, string target, string body, bool chunked)
    {
        var framing = chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n";
        var payload = chunked ? $"{body.Length:x}\r\n{body}\r\n0\r\n\r\n" : body;
        return await TestHttp.RawAsync(server,
            $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{framing}Connection: close\r\n\r\n{payload}");
    }
}
