using System.Net;
using System.Text.Json.Nodes;

namespace AkkaWsgi.Tests.Support;

/// <summary>HttpClient set up for tests: loopback only, bounded, no redirects, no proxy.</summary>
public static class TestHttp
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static HttpClient Client(ServerProcess server, CookieContainer? cookies = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = server.BaseUrl, Timeout = Timeout };
    }

    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidDataException($"null JSON: {text}");
    }

    /// <summary>GETs a conformance route and parses its JSON answer, insisting on a 200.</summary>
    public static async Task<JsonNode> GetJsonAsync(ServerProcess server, string target)
    {
        using var client = Client(server);
        using var response = await client.GetAsync(new Uri(target, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {target}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text) ?? throw new InvalidDataException($"null JSON: {text}");
    }

    /// <summary>The conformance app's per-token counters (close, produced, hit, reraised, swallowed).</summary>
    public static async Task<int> CounterAsync(ServerProcess server, string token, string name)
    {
        var json = await GetJsonAsync(server, $"/counters?token={token}");
        return json[name]!.GetValue<int>();
    }

    /// <summary>Polls a counter until it reaches <paramref name="expected"/> or the time is up; returns the last value.</summary>
    public static async Task<int> WaitForCounterAsync(ServerProcess server, string token, string name, int expected, TimeSpan timeout)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        int value;
        while ((value = await CounterAsync(server, token, name)) != expected && started.Elapsed < timeout)
        {
            await Task.Delay(50);
        }

        return value;
    }

    public static string NewToken() => Guid.NewGuid().ToString("N");

    /// <summary>Sends one raw request on a new connection and reads one response.</summary>
    public static async Task<RawResponse> RawAsync(ServerProcess server, string request, bool headRequest = false)
    {
        using var client = await RawHttpClient.ConnectAsync(server.Port);
        await client.SendAsync(request);
        return await client.ReadResponseAsync(headRequest);
    }

    /// <summary>
    /// What a client must see when the app fails after its response started: the status and every byte sent before
    /// the failure, then the connection closing without the response's end (no final chunk), so that the client
    /// can tell the response is incomplete. Never a complete 200, never lost bytes.
    /// </summary>
    public static void AssertCutShort(RawResponse response, string sentBeforeFailure)
    {
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(sentBeforeFailure, response.BodyText);
        Assert.False(response.Complete, $"a failed response looked complete: {response.BodyText}");
        Assert.True(response.EndedByClose, "the connection stayed open after a response that cannot be completed");
    }

    /// <summary>A minimal well-formed HTTP/1.1 request that closes the connection after the response.</summary>
    public static string Get(ServerProcess server, string target, string extraHeaders = "") =>
        $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\n{extraHeaders}Connection: close\r\n\r\n";
}
