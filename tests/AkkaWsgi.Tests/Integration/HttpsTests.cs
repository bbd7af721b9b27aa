using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>--https-socket: TLS with HTTP/1.1 and HTTP/2 by ALPN, under a supervisor and without one.</summary>
public sealed partial class HttpsTests : IDisposable
{
    private readonly TempDirectoryTree files = new();
    private readonly string certificate;
    private readonly string key;
    private readonly string thumbprint;

    public HttpsTests()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        certificate = files.Write("site.pem", self.ExportCertificatePem());
        thumbprint = self.GetCertHashString();
        key = files.Write("site.key", rsa.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose() => files.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Http11AndHttp2_AreBothServed_AndTheApplicationSeesHttps(bool noSupervisor)
    {
        var arguments = Arguments("conformance", noSupervisor);
        using var server = await ServerProcess.StartAsync(arguments);
        var https = HttpsUrl(server);

        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var client = Client(https, version);
            using var response = await client.GetAsync(new Uri("/environ", UriKind.Relative));
            var environ = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["environ"]!;

            Assert.Equal(version, response.Version);
            Assert.Equal("https", environ["wsgi.url_scheme"]!.GetValue<string>());
            Assert.Equal(version == HttpVersion.Version20 ? "HTTP/2" : "HTTP/1.1", environ["SERVER_PROTOCOL"]!.GetValue<string>());
        }
    }

    [RequiresPythonModuleFact("flask")]
    public async Task FlaskApplication_SeesASecureRequest()
    {
        using var server = await ServerProcess.StartAsync(Arguments("flask_app", noSupervisor: false));
        using var client = Client(HttpsUrl(server), HttpVersion.Version20);

        var where = JsonNode.Parse(await client.GetStringAsync(new Uri("/api/where", UriKind.Relative)))!;

        Assert.Equal("https", where["scheme"]!.GetValue<string>());
        Assert.True(where["secure"]!.GetValue<bool>());
    }

    [Fact]
    public async Task BodyOverTheLimit_OnEitherProtocol_Gets413_WithoutAWarningOrError()
    {
        var arguments = Arguments("conformance", noSupervisor: false);
        arguments.AddRange(["--max-body-size", "1000"]);
        using var server = await ServerProcess.StartAsync(arguments);
        var https = HttpsUrl(server);

        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var client = Client(https, version);
            using var body = new ByteArrayContent(new byte[5000]);
            using var response = await client.PostAsync(new Uri("/input/digest", UriKind.Relative), body);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal(version, response.Version);
        }

        // HTTP/2 has no Connection header: one set there was removed with a warning, on every such request.
        Assert.DoesNotContain(" warn ", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(" error ", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http2Streams_OnOneConnection_AreServedInParallelByDifferentWorkers()
    {
        using var server = await ServerProcess.StartAsync(Arguments("conformance", noSupervisor: false));
        using var client = Client(HttpsUrl(server), HttpVersion.Version20);

        // Four streams that each hold a worker for a while: only parallel workers can give four different threads.
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetStringAsync(new Uri("/sleep?s=1", UriKind.Relative))));

        Assert.Equal(4, answers.Select(a => JsonNode.Parse(a)!["thread"]!.GetValue<long>()).Distinct().Count());
    }

    [Fact]
    public async Task MissingKey_IsAClearUsageError()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--https-socket", $"127.0.0.1:0,{certificate},{Path.Combine(files.Root, "nope.key")}"]);
        using var server = ServerProcess.Launch(arguments);

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("no such file", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyThatDoesNotMatchTheCertificate_StopsTheStart_NamingTheFiles()
    {
        using var other = RSA.Create(2048);
        var wrongKey = files.Write("wrong.key", other.ExportPkcs8PrivateKeyPem());
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--https-socket", $"127.0.0.1:0,{certificate},{wrongKey}"]);
        using var server = ServerProcess.Launch(arguments);

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"cannot use {certificate} with {wrongKey}: the private key in {wrongKey} is not the key of the certificate",
            server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EncryptedKey_IsServed_WithThePassphraseFromTheEnvironment(bool noSupervisor)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        var encryptedCertificate = files.Write("encrypted-site.pem", self.ExportCertificatePem());
        var encryptedKey = files.Write("encrypted-site.key", rsa.ExportEncryptedPkcs8PrivateKeyPem("s3cret",
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--https-socket", $"127.0.0.1:0,{encryptedCertificate},{encryptedKey}"]);
        if (noSupervisor)
        {
            arguments.Add("--no-supervisor");
        }

        using var server = await ServerProcess.StartAsync(arguments, new Dictionary<string, string?> { ["AKKAWSGI_HTTPS_KEY_PASSWORD"] = "s3cret" });
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == self.GetCertHashString() },
        }) { Timeout = TimeSpan.FromSeconds(30) };

        using var response = await client.GetAsync(new Uri(HttpsUrl(server), "/environ"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private List<string> Arguments(string module, bool noSupervisor)
    {
        var arguments = ServerProcess.AppArguments(module, PythonInstalls.Default, workers: 4);
        arguments.AddRange(["--https-socket", $"127.0.0.1:0,{certificate},{key}"]);
        if (noSupervisor)
        {
            arguments.Add("--no-supervisor");
        }

        return arguments;
    }

    private static Uri HttpsUrl(ServerProcess server) => new(HttpsAddress().Match(server.Log).Value + "/");

    private HttpClient Client(Uri baseAddress, Version version) => new(new SocketsHttpHandler
    {
        // Exactly the test's own self-signed certificate.
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint },
    })
    {
        BaseAddress = baseAddress,
        DefaultRequestVersion = version,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    [GeneratedRegex(@"https://127\.0\.0\.1:\d+")]
    private static partial Regex HttpsAddress();
}
