using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// wsgi.input as a file object (PEP 3333 "Input and Error Streams"): every reading method,
/// for bodies framed by Content-Length and by chunked transfer coding, small and spilled to disk.
/// </summary>
[Collection(ConformanceSuite.Name)]
public sealed class InputTests(ConformanceServers servers)
{
    // Lines of different shapes, a CRLF, an empty line, a byte above 0x7F and no final newline.
    private const string LinesBody = "first line\nsecond\r\n\ncaf\u00e9 \u00ff\nlast-no-newline";

    public static TheoryData<string> Pythons => PythonInstalls.All;

    public static IEnumerable<object[]> Framings => Matrix.WithEveryPython([false], [true]);

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task Read_ReturnsWholeBodyThenEmptyBytes(string python, bool chunked)
    {
        var json = await PostAsync(python, "/input/read", LinesBody, chunked);

        Assert.Equal(LinesBody, json["body"]!.GetValue<string>());
        Assert.Equal(string.Empty, json["tail"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task ReadN_ReturnsFullPiecesUntilTheEnd(string python, bool chunked)
    {
        var body = new string('x', 30);
        var json = await PostAsync(python, "/input/read-n?n=7", body, chunked);

        Assert.Equal([7, 7, 7, 7, 2], json["sizes"]!.AsArray().Select(s => s!.GetValue<int>()));
        Assert.Equal(body, json["body"]!.GetValue<string>());
        Assert.Equal(string.Empty, json["tail"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task Readline_SplitsAfterEachLineFeed(string python, bool chunked)
    {
        var json = await PostAsync(python, "/input/readline", LinesBody, chunked);

        Assert.Equal(["first line\n", "second\r\n", "\n", "caf\u00e9 \u00ff\n", "last-no-newline"], Strings(json["lines"]));
        Assert.Equal(string.Empty, json["tail"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task ReadlineWithSize_StopsAtSizeOrLineFeed(string python, bool chunked)
    {
        var json = await PostAsync(python, "/input/readline-n?n=4", "abcdefghij\nxy\nz", chunked);

        Assert.Equal(["abcd", "efgh", "ij\n", "xy\n", "z"], Strings(json["lines"]));
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task Readlines_ReturnsEveryLine(string python, bool chunked)
    {
        var json = await PostAsync(python, "/input/readlines", LinesBody, chunked);

        Assert.Equal(["first line\n", "second\r\n", "\n", "caf\u00e9 \u00ff\n", "last-no-newline"], Strings(json["lines"]));
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task Iteration_YieldsEveryLine(string python, bool chunked)
    {
        var json = await PostAsync(python, "/input/iter", LinesBody, chunked);

        Assert.Equal(["first line\n", "second\r\n", "\n", "caf\u00e9 \u00ff\n", "last-no-newline"], Strings(json["lines"]));
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ReadContentLength_ThenReadMore_ReturnsBodyThenEmptyBytes(string python)
    {
        var json = await PostAsync(python, "/input/content-length", "exactly-this", chunked: false);

        Assert.Equal("exactly-this", json["body"]!.GetValue<string>());
        Assert.Equal(string.Empty, json["tail"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task MixedReads_ContinueWhereThePreviousOneStopped(string python, bool chunked)
    {
        var json = await PostAsync(python, "/input/mixed", "abcdef\nxyz\nend", chunked);

        Assert.Equal("abc", json["first"]!.GetValue<string>());
        Assert.Equal("def\n", json["line"]!.GetValue<string>());
        Assert.Equal("xyz\nend", json["rest"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Read_RequestWithoutBody_ReturnsEmptyBytes(string python)
    {
        var server = await servers.ForAsync(python);
        var response = await TestHttp.RawAsync(server, TestHttp.Get(server, "/input/read"));

        Assert.Equal(200, response.StatusCode);
        var json = JsonNode.Parse(response.BodyText)!;
        Assert.Equal(string.Empty, json["body"]!.GetValue<string>());
        Assert.Equal(string.Empty, json["tail"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task LargeBody_ArrivesWholeAndUnchanged(string python, bool chunked)
    {
        // Larger than any sensible in-memory buffer default, so the temp-file path is taken too.
        var body = new byte[3 * 1024 * 1024 + 17];
        new Random(1234).NextBytes(body);
        var server = await servers.ForAsync(python);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(RequestHead(server, "/input/digest", body.Length, chunked));
        await client.SendAsync(chunked ? Chunk(body, 100_000) : body, TimeSpan.FromSeconds(30));
        var response = await client.ReadResponseAsync(timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(200, response.StatusCode);
        var json = JsonNode.Parse(response.BodyText)!;
        Assert.Equal(body.Length, json["length"]!.GetValue<int>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), json["sha256"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ChunkedBody_WithTinyChunksAndExtensions_IsReassembled(string python)
    {
        var server = await servers.ForAsync(python);
        var request = "POST /input/read HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                      "1\r\na\r\n2;name=value\r\nbc\r\nA\r\n0123456789\r\n0\r\n\r\n";
        var response = await TestHttp.RawAsync(server, request);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("abc0123456789", JsonNode.Parse(response.BodyText)!["body"]!.GetValue<string>());
    }

    private static IEnumerable<string> Strings(JsonNode? array) => array!.AsArray().Select(s => s!.GetValue<string>());

    private static byte[] RequestHead(ServerProcess server, string target, int length, bool chunked) =>
        Encoding.Latin1.GetBytes(
            $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nContent-Type: application/octet-stream\r\n" +
            (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {length}\r\n") +
            "Connection: close\r\n\r\n");

    private static byte[] Chunk(byte[] body, int size)
    {
        using var output = new MemoryStream();
        for (var offset = 0; offset < body.Length; offset += size)
        {
            var length = Math.Min(size, body.Length - offset);
            output.Write(Encoding.ASCII.GetBytes($"{length:x}\r\n"));
            output.Write(body, offset, length);
            output.Write("\r\n"u8);
        }

        output.Write("0\r\n\r\n"u8);
        return output.ToArray();
    }

    private async Task<JsonNode> PostAsync(string python, string target, string body, bool chunked)
    {
        var server = await servers.ForAsync(python);
        var bytes = Encoding.Latin1.GetBytes(body);
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(RequestHead(server, target, bytes.Length, chunked));
        await client.SendAsync(chunked ? Chunk(bytes, 5) : bytes);
        var response = await client.ReadResponseAsync();
        Assert.True(response.StatusCode == 200, $"{response.StatusCode}: {response.BodyText}");
        return JsonNode.Parse(response.BodyText)!;
    }
}
