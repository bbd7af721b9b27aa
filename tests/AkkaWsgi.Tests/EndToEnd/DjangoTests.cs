using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.EndToEnd;

/// <summary>A single-file Django project (tests/apps/django_app.py) with CsrfViewMiddleware on.</summary>
public sealed partial class DjangoTests(DjangoAppFixture fixture) : IClassFixture<DjangoAppFixture>
{
    [RequiresPythonModuleFact("django")]
    public async Task FormPage_RendersTheTemplateAndSetsTheCsrfCookie()
    {
        var server = await fixture.GetAsync();
        var cookies = new CookieContainer();
        using var client = TestHttp.Client(server, cookies);
        using var response = await client.GetAsync(new Uri("/form/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<title>Django on akkawsgi</title>", html, StringComparison.Ordinal);
        Assert.Contains("<li>item:1:ALPHA</li><li>item:2:BETA</li><li>item:3:GAMMA</li>", html, StringComparison.Ordinal);
        Assert.Matches(CsrfField(), html);
        Assert.NotNull(cookies.GetCookies(server.BaseUrl)["csrftoken"]);
    }

    [RequiresPythonModuleFact("django")]
    public async Task FormPost_WithCookieAndHiddenToken_IsAcceptedAndEscaped()
    {
        var server = await fixture.GetAsync();
        using var client = TestHttp.Client(server, new CookieContainer());
        var token = await Form.FetchTokenAsync(client);

        using var response = await Form.PostAsync(client, token, "Ada <Lovelace>");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("<p>Hello, Ada &lt;Lovelace&gt;! (14 characters)</p>", html);
    }

    [RequiresPythonModuleFact("django")]
    public async Task FormPost_WithoutToken_IsForbiddenByTheMiddleware()
    {
        var server = await fixture.GetAsync();
        using var client = TestHttp.Client(server, new CookieContainer());
        await Form.FetchTokenAsync(client);

        using var response = await Form.PostAsync(client, token: null, "Mallory");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [RequiresPythonModuleFact("django")]
    public async Task FormPost_WithTokenButNoCookie_IsForbidden()
    {
        var server = await fixture.GetAsync();
        using var withCookie = TestHttp.Client(server, new CookieContainer());
        using var withoutCookie = TestHttp.Client(server);
        var token = await Form.FetchTokenAsync(withCookie);

        using var response = await Form.PostAsync(withoutCookie, token, "Mallory");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [RequiresPythonModuleFact("django")]
    public async Task JsonView_RoundTripsUnicodeAndComputes()
    {
        using var client = TestHttp.Client(await fixture.GetAsync());
        var payload = new JsonObject { ["name"] = "caf\u00e9 \u2713", ["numbers"] = new JsonArray(40, 2) };

        using var response = await client.PostAsJsonAsync(new Uri("/api/echo/", UriKind.Relative), payload);
        var json = await TestHttp.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("caf\u00e9 \u2713", json["received"]!["name"]!.GetValue<string>());
        Assert.Equal(42, json["total"]!.GetValue<int>());
        Assert.Equal("django", json["server"]!.GetValue<string>());
    }

    [RequiresPythonModuleFact("django")]
    public async Task FileUpload_WithCsrfHeader_ReachesRequestFilesByteForByte()
    {
        var server = await fixture.GetAsync();
        var cookies = new CookieContainer();
        using var client = TestHttp.Client(server, cookies);
        await Form.FetchTokenAsync(client);
        var cookie = cookies.GetCookies(server.BaseUrl)["csrftoken"]!.Value;
        var data = new byte[3_000_017];
        new Random(7).NextBytes(data);

        // Larger than Django's 2.5 MB in-memory limit, so it goes through a temporary upload file too.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/upload/", UriKind.Relative))
        {
            Content = new MultipartFormDataContent
            {
                { new ByteArrayContent(data), "file", "big.bin" },
                { new StringContent("django upload"), "description" },
            },
        };
        request.Headers.Add("X-CSRFToken", cookie);
        using var response = await client.SendAsync(request);
        var json = await TestHttp.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("big.bin", json["filename"]!.GetValue<string>());
        Assert.Equal(data.Length, json["size"]!.GetValue<int>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), json["sha256"]!.GetValue<string>());
        Assert.Equal("django upload", json["description"]!.GetValue<string>());
    }

    [RequiresPythonModuleFact("django")]
    public async Task FileUpload_WithoutCsrfToken_IsForbidden()
    {
        using var client = TestHttp.Client(await fixture.GetAsync(), new CookieContainer());
        await Form.FetchTokenAsync(client);
        using var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "small.bin" } };

        using var response = await client.PostAsync(new Uri("/upload/", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static readonly CsrfForm Form = new("/form/", "/form/", "csrfmiddlewaretoken", CsrfField());

    [GeneratedRegex("name=\"csrfmiddlewaretoken\" value=\"([A-Za-z0-9]{64})\"")]
    private static partial Regex CsrfField();
}
