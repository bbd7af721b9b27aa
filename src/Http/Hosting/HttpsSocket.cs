using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AkkaWsgi.Http.Hosting;

/// <summary>One <c>--https-socket ADDR,CERT,KEY</c>: a TLS listener with its PEM certificate chain and key.</summary>
internal sealed record HttpsSocket(string Address, string CertificatePath, string KeyPath)
{
    /// <summary>Splits ADDR,CERT,KEY; throws <see cref="FormatException"/> saying what is missing.</summary>
    public static HttpsSocket Parse(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 3 || parts.Any(p => p.Trim().Length == 0))
        {
            throw new FormatException("expected ADDR,CERT,KEY (such as :443,/etc/ssl/site.pem,/etc/ssl/site.key)");
        }

        ListenAddress.Parse(parts[0].Trim());
        return new HttpsSocket(parts[0].Trim(), Path.GetFullPath(parts[1].Trim()), Path.GetFullPath(parts[2].Trim()));
    }

    /// <summary>
    /// Reads the certificate chain and key (before privileges are dropped); throws <see cref="InvalidOperationException"/>
    /// naming the listener and the file when they cannot be used.
    /// </summary>
    public X509Certificate2 Load()
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
            // A PEM key is ephemeral, which TLS cannot use on every platform; a PKCS #12 round trip makes it a real one.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"--https-socket {Address}: cannot use {CertificatePath} with {KeyPath}: {e.Message}", e);
        }
    }
}
