using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// Mutual TLS between nodes: every node presents its certificate, and accepts a peer only if the peer's certificate
/// chains to a trusted root: those of --cluster-ca, or else the root of its own certificate (so nodes given
/// certificates from one private CA, or one shared self-signed certificate, trust each other and nobody else). Host
/// names are not checked: nodes are often addressed by IP, and the trusted root already says who may join.
/// </summary>
public static class ClusterTls
{
    /// <summary>
    /// Loads the node's certificate (PKCS #12, or PEM with its key in the same file or in <paramref name="keyPath"/>) and
    /// the trusted roots; throws <see cref="InvalidOperationException"/> saying what is wrong with which file.
    /// </summary>
    public static DotNettySslSetup Setup(string certificatePath, string? keyPath, string? password, string? caPath)
    {
        var certificate = LoadCertificate(certificatePath, keyPath, password, out var bundled);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"--cluster-certificate {certificatePath}: the file has no private key (give it with --cluster-key)");
        }

        var roots = new X509Certificate2Collection();
        if (caPath is not null)
        {
            try
            {
                roots.ImportFromPemFile(caPath);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"--cluster-ca {caPath}: {e.Message}", e);
            }

            if (roots.Count == 0)
            {
                throw new InvalidOperationException($"--cluster-ca {caPath}: no PEM certificate in the file");
            }
        }
        else
        {
            roots.Add(OwnRoot(certificate, bundled));
        }

        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: (peer, _, _, _, _) => Trusted(peer, roots));
    }

    /// <summary>True when <paramref name="peer"/> chains to one of <paramref name="roots"/>.</summary>
    public static bool Trusted(X509Certificate? peer, X509Certificate2Collection roots)
    {
        if (peer is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(peer);
        return chain.Build(certificate);
    }

    private static X509Certificate2 LoadCertificate(string path, string? keyPath, string? password, out X509Certificate2Collection bundled)
    {
        bundled = [];
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (X509Certificate2.GetCertContentType(bytes) == X509ContentType.Pkcs12)
            {
                bundled = X509CertificateLoader.LoadPkcs12Collection(bytes, password);
                var leaf = bundled.FirstOrDefault(c => c.HasPrivateKey) ?? bundled.FirstOrDefault()
                    ?? throw new InvalidOperationException($"--cluster-certificate {path}: no certificate in the file");
                return leaf;
            }

            bundled.ImportFromPemFile(path);
            using var pem = password is null
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);

            // An ephemeral PEM key cannot be used by TLS on every platform; a PKCS #12 round trip makes it a real one.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"--cluster-certificate {path}: {e.Message}", e);
        }
    }

    // The self-signed root of the certificate's chain, as far as the file or the system store has it.
    private static X509Certificate2 OwnRoot(X509Certificate2 certificate, X509Certificate2Collection bundled)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(bundled);
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        chain.Build(certificate);
        return chain.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate : certificate;
    }
}
