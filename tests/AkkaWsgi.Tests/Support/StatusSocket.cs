using System.Text.Json.Nodes;

namespace AkkaWsgi.Tests.Support;

/// <summary>
/// A test server's status socket (<c>--status-socket</c>), read to wait until the server holds the requests a test sent
/// before it signals the server: a fixed delay can end while a request is still in the client on a loaded machine.
/// </summary>
public sealed class StatusSocket : IDisposable
{
    private readonly HttpClient http;

    public StatusSocket()
    {
        Port = TestPorts.Free();
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/"), Timeout = TestHttp.Timeout };
    }

    public int Port { get; }

    /// <summary>The server flags that open this socket.</summary>
    public string[] Arguments => ["--status-socket", $"127.0.0.1:{Port}"];

    /// <summary>
    /// Polls for up to five seconds until the server runs <paramref name="running"/> requests with
    /// <paramref name="waiting"/> more in its queue; returns what it held last, as "running+waiting".
    /// </summary>
    public async Task<string> WaitUntilHoldingAsync(int running, int waiting)
    {
        var wanted = $"{running}+{waiting}";
        var held = "";
        for (var i = 0; i < 100 && held != wanted; i++)
        {
            var queue = JsonNode.Parse(await http.GetStringAsync(new Uri("/status.json", UriKind.Relative)))!["queue"]!;
            held = $"{queue["busy"]!.GetValue<int>()}+{queue["waiting"]!.GetValue<int>()}";
            await Task.Delay(held == wanted ? 0 : 50);
        }

        return held;
    }

    public void Dispose() => http.Dispose();
}
