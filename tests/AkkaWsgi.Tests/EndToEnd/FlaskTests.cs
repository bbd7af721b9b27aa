using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.EndToEnd;

/// <summary>A real Flask site (tests/apps/flask_app.py) driven like a browser would.</summary>
public sealed partial class FlaskTests(FlaskAppFixture fixture) : IClassFixture<FlaskAppFixture>
{
    [RequiresPythonModuleFact("flask")]
    public async Task IndexPage_RendersTheJinjaTemplateWithItsValues()
    {
        using var client = TestHttp.Client(await fixture.GetAsync(), new CookieContainer());
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Flask on akkawsgi</title>", html, StringComparison.Ordinal);
        Assert.Contains("<li>item:1:alpha</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li>item:3:gamma</li>", html, StringComparison.Ordinal);
        Assert.Matches(CsrfField(), html);
    }

    [RequiresPythonModuleFact("flask")]
    public async Task FormPost_WithTheSessionsCsrfToken_IsAcceptedAndEscaped()
    {
        using var client = TestHttp.Client(await fixture.GetAsync(), new CookieContainer());
        var token = await Form.FetchTokenAsync(client);

        using var response = await Form.PostAsync(client, token, "Ada <Lovelace>");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<p>Thanks, Ada &lt;Lovelace&gt;!</p>", html, StringComparison.Ordinal);
    }

    [RequiresPythonModuleFact("flask")]
    public async Task FormPost_WithoutCsrfToken_IsForbidden()
    {
        using var client = TestHttp.Client(await fixture.GetAsync(), new CookieContainer());
        await Form.FetchTokenAsync(client);

        using var response = await Form.PostAsync(client, token: null, "Mallory");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [RequiresPythonModuleFact("flask")]
    public async Task FormPost_WithAnotherSessionsToken_IsForbidden()
    {
        var server = await fixture.GetAsync();
        using var victim = TestHttp.Client(server, new CookieContainer());
        using var attacker = TestHttp.Client(server, new CookieContainer());
        var victimToken = await Form.FetchTokenAsync(victim);
        await Form.FetchTokenAsync(attacker);

        using var response = await Form.PostAsync(attacker, victimToken, "Mallory");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [RequiresPythonModuleFact("flask")]
    public async Task JsonApi_RoundTripsUnicodeAndComputes()
    {
        using var client = TestHttp.Client(await fixture.GetAsync());
        var payload = new JsonObject { ["name"] = "caf\u00e9 \u2713", ["numbers"] = new JsonArray(1, 2, 39) };

        using var response = await client.PostAsJsonAsync(new Uri("/api/echo", UriKind.Relative), payload);
        var json = await TestHttp.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("caf\u00e9 \u2713", json["received"]!["name"]!.GetValue<string>());
        Assert.Equal(42, json["total"]!.GetValue<int>());
        Assert.Equal("flask", json["server"]!.GetValue<string>());
    }

    [RequiresPythonModuleFact("flask")]
    public async Task FileUpload_ReachesRequestFilesByteForByte()
    {
        using var client = TestHttp.Client(await fixture.GetAsync());
        var data = new byte[300_001];
        new Random(42).NextBytes(data);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(data), "file", "data.bin" },
            { new StringContent("random bytes"), "description" },
        };

        using var response = await client.PostAsync(new Uri("/upload", UriKind.Relative), form);
        var json = await TestHttp.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("data.bin", json["filename"]!.GetValue<string>());
        Assert.Equal(data.Length, json["size"]!.GetValue<int>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), json["sha256"]!.GetValue<string>());
        Assert.Equal("random bytes", json["description"]!.GetValue<string>());
    }

    private static readonly CsrfForm Form = new("/", "/submit", "csrf_token", CsrfField());

    [GeneratedRegex("name=\"csrf_token\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex CsrfField();
}
