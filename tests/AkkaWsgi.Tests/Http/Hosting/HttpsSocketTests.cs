using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Hosting;

public sealed class HttpsSocketTests : IDisposable
{
    private readonly TempDirectoryTree files = new();
    private readonly RSA rsa = RSA.Create(2048);
    private readonly string certificate;
    private readonly string key;

    public HttpsSocketTests()
    {
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        certificate = files.Write("site.pem", self.ExportCertificatePem());
        key = files.Write("site.key", rsa.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        rsa.Dispose();
        files.Dispose();
    }

    [Fact]
    public void MatchingPair_Loads_WithItsPrivateKey()
    {
        using var loaded = Socket(certificate, key).Load(password: null);

        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void EncryptedKey_IsDecryptedWithThePassphrase()
    {
        var encrypted = files.Write("encrypted.key", EncryptedPem("correct horse"));

        using var loaded = Socket(certificate, encrypted).Load("correct horse");

        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void EncryptedKey_WithoutAPassphrase_SaysWhereToGiveIt()
    {
        var encrypted = files.Write("encrypted.key", EncryptedPem("correct horse"));

        var message = Failure(certificate, encrypted, password: null);

        Assert.Contains($"the key in {encrypted} is encrypted: give its passphrase in the environment variable {HttpsSocket.PasswordVariable}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncryptedKey_WithTheWrongPassphrase_SaysSo()
    {
        var encrypted = files.Write("encrypted.key", EncryptedPem("correct horse"));

        var message = Failure(certificate, encrypted, "battery staple");

        Assert.Contains($"the passphrase in {HttpsSocket.PasswordVariable} does not decrypt the key in {encrypted}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void LegacyEncryptedKey_SaysHowToConvertIt()
    {
        var legacy = files.Write("legacy.key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");

        var message = Failure(certificate, legacy, "x");

        Assert.Contains("encrypted in OpenSSL's legacy form", message, StringComparison.Ordinal);
        Assert.Contains($"openssl pkcs8 -topk8 -in {legacy}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOfAnotherCertificate_IsNamedAsTheMismatch()
    {
        using var other = RSA.Create(2048);
        var wrong = files.Write("wrong.key", other.ExportPkcs8PrivateKeyPem());

        Assert.EndsWith($"the private key in {wrong} is not the key of the certificate in {certificate}", Failure(certificate, wrong, null), StringComparison.Ordinal);
    }

    [Fact]
    public void FilesGivenTheWrongWayRound_SayWhichHoldsWhat()
    {
        Assert.EndsWith($"{key} holds no PEM certificate (a block that starts -----BEGIN CERTIFICATE-----)", Failure(key, certificate, null), StringComparison.Ordinal);
        Assert.Contains($"{certificate} holds no PEM private key", Failure(certificate, certificate, null), StringComparison.Ordinal);
    }

    private static HttpsSocket Socket(string certificatePath, string keyPath) => HttpsSocket.Parse($"127.0.0.1:0,{certificatePath},{keyPath}");

    private static string Failure(string certificatePath, string keyPath, string? password) =>
        Assert.Throws<InvalidOperationException>(() => Socket(certificatePath, keyPath).Load(password).Dispose()).Message;

    private string EncryptedPem(string password) =>
        rsa.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));
}
