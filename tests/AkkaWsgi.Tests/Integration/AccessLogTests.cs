using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>--access-log and the request counters see every response the front gives, not only the application's.</summary>
public sealed class AccessLogTests : IDisposable
{
    private readonly DirectoryInfo site = Directory.CreateTempSubdirectory("akkawsgi-access-log-");

    [Fact]
    public async Task StaticFileAndApplicationResponses_AreBothLoggedAndCounted()
    {
        File.WriteAllText(Path.Combine(site.FullName, "note.txt"), "static text");
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--access-log", "--static-map", $"/files={site.FullName}"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);

        Assert.Equal("static text", await http.GetStringAsync(new Uri("/files/note.txt", UriKind.Relative)));
        (await http.GetAsync(new Uri("/interpreter", UriKind.Relative))).Dispose();
        server.SendSignal(12); // SIGUSR2

        Assert.True(await server.WaitForLogAsync("\"GET /files/note.txt HTTP/1.1\" 200 11", TimeSpan.FromSeconds(10)), server.Log);
        Assert.True(await server.WaitForLogAsync("\"GET /interpreter HTTP/1.1\" 200", TimeSpan.FromSeconds(10)), server.Log);
        Assert.True(await server.WaitForLogAsync("requests=2 responses: 1xx=0 2xx=2 ", TimeSpan.FromSeconds(10)), server.Log);
    }

    [Fact]
    public async Task TheSizeField_IsTheBodyBytesSent_ForStreamedBodiesAndFilesToo()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.Add("--access-log");
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);

        // Neither declares a Content-Length: the generator's body goes out chunked, the file is sent by the server.
        Assert.Equal(200_000, (await http.GetByteArrayAsync(new Uri("/sized?size=200000&chunk=7000", UriKind.Relative))).Length);
        var token = TestHttp.NewToken();
        Assert.Equal(300_000, (await http.GetByteArrayAsync(new Uri($"/file-wrapper?token={token}&size=300000", UriKind.Relative))).Length);
        using (var head = new HttpRequestMessage(HttpMethod.Head, new Uri("/head-probe", UriKind.Relative)))
        {
            (await http.SendAsync(head)).Dispose();
        }

        Assert.True(await server.WaitForLogAsync("\"GET /sized?size=200000&chunk=7000 HTTP/1.1\" 200 200000 ", TimeSpan.FromSeconds(10)), server.Log);
        Assert.True(await server.WaitForLogAsync($"\"GET /file-wrapper?token={token}&size=300000 HTTP/1.1\" 200 300000 ", TimeSpan.FromSeconds(10)), server.Log);
        // The Content-Length of a HEAD response describes a body that is not sent: CLF writes "-" for no bytes.
        Assert.True(await server.WaitForLogAsync("\"HEAD /head-probe HTTP/1.1\" 200 - ", TimeSpan.FromSeconds(10)), server.Log);
    }

    [Fact]
    public async Task QuotesAndControlCharactersAClientSends_AreEscaped_SoItCannotWriteFieldsOfItsOwn()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.Add("--access-log");
        using var server = await ServerProcess.StartAsync(arguments);

        await TestHttp.RawAsync(server,
            "GET /interpreter?q=\"x HTTP/1.1\r\nHost: h\r\nUser-Agent: evil\" 200 0 \"-\" \"forged\u001b[31m\r\n" +
            "Referer: r\\ef\r\nConnection: close\r\n\r\n");

        Assert.True(await server.WaitForLogAsync("\"GET /interpreter?q=\\\"x HTTP/1.1\" 200", TimeSpan.FromSeconds(10)), server.Log);
        Assert.Contains("\"r\\\\ef\" \"evil\\\" 200 0 \\\"-\\\" \\\"forged\\x1b[31m\"", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", server.Log, StringComparison.Ordinal);
    }

    public void Dispose() => site.Delete(recursive: true);
}
