using System.Text.Json.Nodes;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>Request bodies are read whole before dispatch: slow uploads hold no worker, spilled bodies are removed.</summary>
public sealed class RequestBodyTests : IDisposable
{
    private readonly DirectoryInfo temp = Directory.CreateTempSubdirectory("akkawsgi-body-tests-");

    [Fact]
    public async Task SlowUpload_DoesNotHoldTheOnlyWorker()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1));
        using var upload = await RawHttpClient.ConnectAsync(server.Port);
        await upload.SendAsync("POST /input/digest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n" +
            new string('a', 1000));
        await Task.Delay(300);

        // The upload is still trickling in; with its body unread by any worker, the one worker serves others.
        using var http = TestHttp.Client(server);
        var other = await http.GetAsync(new Uri("/interpreter", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(5));
        other.Dispose();

        await upload.SendAsync(new string('b', 1000));
        var response = await upload.ReadResponseAsync();
        Assert.Equal(2000, JsonNode.Parse(response.BodyText)!["length"]!.GetValue<int>());
    }

    [Fact]
    public async Task SpilledBody_TemporaryFileIsRemovedAfterTheRequest_AndWhenTheClientGivesUp()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--buffer-size", "1024"]);
        using var server = await ServerProcess.StartAsync(arguments, new Dictionary<string, string?> { ["TMPDIR"] = temp.FullName });

        var body = new string('x', 200_000);
        var response = await TestHttp.RawAsync(server,
            $"POST /input/digest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
        Assert.Equal(body.Length, JsonNode.Parse(response.BodyText)!["length"]!.GetValue<int>());
        Assert.Empty(temp.GetFiles("akkawsgi-body-*"));

        using (var client = await RawHttpClient.ConnectAsync(server.Port))
        {
            await client.SendAsync($"POST /input/digest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {body.Length}\r\n\r\n" +
                body[..50_000]);
            Assert.True(await WaitFor(() => temp.GetFiles("akkawsgi-body-*").Length == 1), "the spill file was never created");
            client.Abort();
        }

        Assert.True(await WaitFor(() => temp.GetFiles("akkawsgi-body-*").Length == 0), "the spill file of an abandoned upload stayed");
    }

    [Fact]
    public async Task SpilledBody_WhoseTemporaryDirectoryIsMissing_Gets500AndALineThatSaysWhy_AndTheServerServesOn()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--buffer-size", "1024"]);
        var missing = Path.Combine(temp.FullName, "missing");
        using var server = await ServerProcess.StartAsync(arguments, new Dictionary<string, string?> { ["TMPDIR"] = missing });

        // It was answered 400, as if the client had sent a malformed body, and Kestrel logged a reader in a bad state.
        var body = new string('x', 200_000);
        foreach (var framing in new[] { $"Content-Length: {body.Length}", "Transfer-Encoding: chunked" })
        {
            var sent = framing.StartsWith("Content-Length", StringComparison.Ordinal) ? body : $"{body.Length:x}\r\n{body}\r\n0\r\n\r\n";
            var response = await TestHttp.RawAsync(server,
                $"POST /input/digest HTTP/1.1\r\nHost: 127.0.0.1\r\n{framing}\r\nConnection: close\r\n\r\n{sent}");
            Assert.Equal(500, response.StatusCode);
        }

        Assert.Contains($"POST /input/digest: answered 500: the request body could not be kept in a temporary file in {missing}", server.Log,
            StringComparison.Ordinal);
        Assert.DoesNotContain("invalid state", server.Log, StringComparison.Ordinal);
        var small = await TestHttp.RawAsync(server, "POST /input/digest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nsmall");
        Assert.Equal(5, JsonNode.Parse(small.BodyText)!["length"]!.GetValue<int>());
    }

    public void Dispose() => temp.Delete(recursive: true);

    private static async Task<bool> WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return condition();
    }
}
