using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Actors.Cluster;

public sealed class ClusterTlsTests
{
    [Fact]
    public void Trusted_AcceptsTheSharedCertificate_AndRefusesAnotherWithTheSameName()
    {
        using var shared = SelfSigned("CN=akkawsgi-cluster");
        using var stranger = SelfSigned("CN=akkawsgi-cluster");
        var roots = new X509Certificate2Collection { shared };

        Assert.True(ClusterTls.Trusted(shared, roots));
        Assert.False(ClusterTls.Trusted(stranger, roots));
        Assert.False(ClusterTls.Trusted(null, roots));
    }

    [Fact]
    public void Trusted_AcceptsANodeCertificateIssuedByTheCa()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=cluster-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var nodeKey = RSA.Create(2048);
        var nodeRequest = new CertificateRequest("CN=node-1", nodeKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var node = nodeRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3, 4]);

        Assert.True(ClusterTls.Trusted(node, [ca]));
        using var other = SelfSigned("CN=cluster-ca");
        Assert.False(ClusterTls.Trusted(node, [other]));
    }

    [Fact]
    public void Setup_FromAPemFileWithoutKey_SaysSo()
    {
        using var files = new TempDirectoryTree();
        using var certificate = SelfSigned("CN=no-key");
        var path = files.Write("node.pem", certificate.ExportCertificatePem());

        var e = Assert.Throws<InvalidOperationException>(() => ClusterTls.Setup(path, null, null, null));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
