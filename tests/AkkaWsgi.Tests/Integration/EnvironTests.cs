using System.Globalization;
using System.Text.Json.Nodes;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>The environ dictionary of PEP 3333 ("environ Variables"), checked value by value.</summary>
[Collection(ConformanceSuite.Name)]
public sealed class EnvironTests(ConformanceServers servers)
{
    public static TheoryData<string> Pythons => PythonInstalls.All;

    // Each raw target and the PATH_INFO PEP 3333 asks for: percent-decoded bytes, each byte one
    // latin-1 code point ("native strings"), so UTF-8 shows up as two characters, never one.
    public static IEnumerable<object[]> PathCases => Matrix.WithEveryPython(
        ["/environ/plain", "/environ/plain"],
        ["/environ/a%20b", "/environ/a b"],
        ["/environ/caf%C3%A9", "/environ/caf\u00c3\u00a9"],
        ["/environ/%ff%FE", "/environ/\u00ff\u00fe"],
        ["/environ/a%2Fb", "/environ/a/b"],
        ["/environ/plus+sign", "/environ/plus+sign"],
        ["/environ/%7Euser", "/environ/~user"]);

    public static IEnumerable<object[]> Methods => Matrix.WithEveryPython(
        ["GET"], ["POST"], ["PUT"], ["DELETE"], ["PATCH"], ["OPTIONS"], ["PURGE"]);

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Environ_SimpleGet_HasExactCgiValues(string python)
    {
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(TestHttp.Get(server, "/environ/simple?a=1"));
        var environ = await ReadEnvironAsync(client);

        Assert.Equal("GET", Str(environ, "REQUEST_METHOD"));
        Assert.Equal(string.Empty, Str(environ, "SCRIPT_NAME"));
        Assert.Equal("/environ/simple", Str(environ, "PATH_INFO"));
        Assert.Equal("a=1", Str(environ, "QUERY_STRING"));
        Assert.Equal("/environ/simple?a=1", Str(environ, "REQUEST_URI"));
        Assert.Equal("HTTP/1.1", Str(environ, "SERVER_PROTOCOL"));
        Assert.Equal("127.0.0.1", Str(environ, "SERVER_NAME"));
        Assert.Equal(server.Port.ToString(CultureInfo.InvariantCulture), Str(environ, "SERVER_PORT"));
        Assert.Equal("127.0.0.1", Str(environ, "REMOTE_ADDR"));
        Assert.Equal(client.LocalPort.ToString(CultureInfo.InvariantCulture), Str(environ, "REMOTE_PORT"));
        Assert.Equal($"127.0.0.1:{server.Port}", Str(environ, "HTTP_HOST"));
        Assert.Equal("http", Str(environ, "wsgi.url_scheme"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Environ_WsgiKeys_HaveThePep3333TypesAndValues(string python)
    {
        var server = await servers.ForAsync(python);
        var report = await TestHttp.GetJsonAsync(server, "/environ/wsgi");
        var environ = report["environ"]!;
        var types = report["types"]!;

        Assert.Equal("tuple", types["wsgi.version"]!.GetValue<string>());
        Assert.Equal([1, 0], environ["wsgi.version"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Equal("bool", types["wsgi.multithread"]!.GetValue<string>());
        Assert.True(environ["wsgi.multithread"]!.GetValue<bool>());
        Assert.False(environ["wsgi.multiprocess"]!.GetValue<bool>());
        Assert.False(environ["wsgi.run_once"]!.GetValue<bool>());
        Assert.True(environ["wsgi.input_terminated"]!.GetValue<bool>());
        Assert.Equal(["__iter__", "read", "readline", "readlines"],
            report["input_methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(["flush", "write", "writelines"],
            report["errors_methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.True(report["file_wrapper_callable"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Environ_CgiAndHttpValues_AreNativeStrings(string python)
    {
        var server = await servers.ForAsync(python);
        var report = await TestHttp.GetJsonAsync(server, "/environ/types?x=1");
        var nonStr = report["types"]!.AsObject()
            .Where(kv => !kv.Key.StartsWith("wsgi.", StringComparison.Ordinal) && kv.Value!.GetValue<string>() != "str")
            .Select(kv => $"{kv.Key}={kv.Value}")
            .ToList();

        Assert.Empty(nonStr);
    }

    [Theory]
    [MemberData(nameof(PathCases))]
    public async Task PathInfo_RawTarget_IsPercentDecodedIntoLatin1Text(string python, string target, string expected)
    {
        var server = await servers.ForAsync(python);
        var environ = await RawEnvironAsync(server, TestHttp.Get(server, target));

        Assert.Equal(expected, Str(environ, "PATH_INFO"));
        Assert.Equal(target, Str(environ, "REQUEST_URI"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task QueryString_IsPassedRawWithoutDecoding(string python)
    {
        var server = await servers.ForAsync(python);
        const string Target = "/environ/q?x=%20a+b&y=%C3%A9&z&w=a%2Fb";
        var environ = await RawEnvironAsync(server, TestHttp.Get(server, Target));

        Assert.Equal("x=%20a+b&y=%C3%A9&z&w=a%2Fb", Str(environ, "QUERY_STRING"));
        Assert.Equal("/environ/q", Str(environ, "PATH_INFO"));
        Assert.Equal(Target, Str(environ, "REQUEST_URI"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task QueryString_Absent_IsEmptyString(string python)
    {
        var server = await servers.ForAsync(python);
        var environ = await RawEnvironAsync(server, TestHttp.Get(server, "/environ/no-query"));

        Assert.Equal(string.Empty, Str(environ, "QUERY_STRING"));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task RequestMethod_IsPassedVerbatim(string python, string method)
    {
        var server = await servers.ForAsync(python);
        var request = $"{method} /environ/method HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        var environ = await RawEnvironAsync(server, request);

        Assert.Equal(method, Str(environ, "REQUEST_METHOD"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task RepeatedHeaders_AreJoinedWithCommaAndSpace(string python)
    {
        var server = await servers.ForAsync(python);
        var environ = await RawEnvironAsync(server,
            TestHttp.Get(server, "/environ/repeat", "X-Repeat: one\r\nX-Repeat: two\r\nX-Repeat: three\r\n"));

        Assert.Equal("one, two, three", Str(environ, "HTTP_X_REPEAT"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task HeaderNames_AreUppercasedWithDashesAsUnderscoresAndValuesKept(string python)
    {
        var server = await servers.ForAsync(python);
        var environ = await RawEnvironAsync(server,
            TestHttp.Get(server, "/environ/names", "x-MiXeD-case: Value With  Two Spaces\r\nAccept: text/x-one\r\n"));

        Assert.Equal("Value With  Two Spaces", Str(environ, "HTTP_X_MIXED_CASE"));
        Assert.Equal("text/x-one", Str(environ, "HTTP_ACCEPT"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task HeaderWithUnderscoreInName_IsDroppedSoItCannotSpoofADashedOne(string python)
    {
        var server = await servers.ForAsync(python);
        var environ = await RawEnvironAsync(server,
            TestHttp.Get(server, "/environ/spoof", "X_Remote_User: attacker\r\nX-Real-User: alice\r\nX_Real_User: mallory\r\n"));

        Assert.Null(environ["HTTP_X_REMOTE_USER"]);
        Assert.Equal("alice", Str(environ, "HTTP_X_REAL_USER"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ContentTypeAndLength_AreCgiKeysWithoutHttpTwins(string python)
    {
        var server = await servers.ForAsync(python);
        var request = "POST /environ/body HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/x-test; charset=latin-1\r\n" +
                      "Content-Length: 5\r\nConnection: close\r\n\r\nhello";
        var environ = await RawEnvironAsync(server, request);

        Assert.Equal("text/x-test; charset=latin-1", Str(environ, "CONTENT_TYPE"));
        Assert.Equal("5", Str(environ, "CONTENT_LENGTH"));
        Assert.Null(environ["HTTP_CONTENT_TYPE"]);
        Assert.Null(environ["HTTP_CONTENT_LENGTH"]);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Http10Request_HasServerProtocolHttp10(string python)
    {
        var server = await servers.ForAsync(python);
        var environ = await RawEnvironAsync(server, "GET /environ/old HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");

        Assert.Equal("HTTP/1.0", Str(environ, "SERVER_PROTOCOL"));
        Assert.Equal("/environ/old", Str(environ, "PATH_INFO"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ServerName_FromAnIPv6Host_KeepsItsBrackets_SoAUrlRebuiltFromItIsValid(string python)
    {
        var server = await servers.ForAsync(python);
        var environ = await RawEnvironAsync(server, "GET /environ/v6 HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n");

        Assert.Equal("[::1]", Str(environ, "SERVER_NAME"));
        Assert.Equal("8080", Str(environ, "SERVER_PORT"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ServerName_OfAnInternationalisedDomain_IsItsPunycodeAsSent(string python)
    {
        var server = await servers.ForAsync(python);
        var environ = await RawEnvironAsync(server, "GET /environ/idn HTTP/1.1\r\nHost: xn--bcher-kva.example:8080\r\nConnection: close\r\n\r\n");

        Assert.Equal("xn--bcher-kva.example", Str(environ, "SERVER_NAME"));
        Assert.Equal("8080", Str(environ, "SERVER_PORT"));
        Assert.Equal("xn--bcher-kva.example:8080", Str(environ, "HTTP_HOST"));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ServerName_WithoutAHost_IsTheAddressTheRequestCameTo(string python)
    {
        var server = await servers.ForAsync(python);
        var environ = await RawEnvironAsync(server, "GET /environ/nohost HTTP/1.0\r\n\r\n");

        Assert.Equal("127.0.0.1", Str(environ, "SERVER_NAME"));
        Assert.Equal(server.Port.ToString(CultureInfo.InvariantCulture), Str(environ, "SERVER_PORT"));
    }

    private static async Task<JsonNode> RawEnvironAsync(ServerProcess server, string request)
    {
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(request);
        return await ReadEnvironAsync(client);
    }

    private static async Task<JsonNode> ReadEnvironAsync(RawHttpClient client)
    {
        var response = await client.ReadResponseAsync();
        Assert.True(response.StatusCode == 200, $"{response.StatusCode}: {response.BodyText}");
        return JsonNode.Parse(response.BodyText)!["environ"]!;
    }

    private static string Str(JsonNode environ, string key) =>
        environ[key]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"environ has no {key}");
}
