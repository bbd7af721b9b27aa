using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AkkaWsgi.Http.Hosting;

/// <summary>One <c>--https-socket ADDR,CERT,KEY</c>: a TLS listener with its PEM certificate chain and key.</summary>
internal sealed record HttpsSocket(string Address, string CertificatePath, string KeyPath)
{
    /// <summary>The passphrase of an encrypted KEY, read from the environment rather than the command line.</summary>
    public const string PasswordVariable = "AKKAWSGI_HTTPS_KEY_PASSWORD";

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
    /// Reads the certificate chain and key (before privileges are dropped), decrypting the key with
    /// <paramref name="password"/> if it is encrypted; throws <see cref="InvalidOperationException"/> naming the
    /// listener and the file, and saying what is wrong with it, when they cannot be used.
    /// </summary>
    public X509Certificate2 Load(string? password)
    {
        try
        {
            var keyText = File.ReadAllText(KeyPath);
            using var pem = KeyEncryption(keyText) switch
            {
                Encryption.None => X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath),
                Encryption.Pkcs8 when password is not null => X509Certificate2.CreateFromEncryptedPemFile(CertificatePath, password, KeyPath),
                Encryption.Pkcs8 => throw Unusable(
                    $"the key in {KeyPath} is encrypted: give its passphrase in the environment variable {PasswordVariable}, " +
                    $"or write it unencrypted (openssl pkey -in {KeyPath} -out PLAIN.key)"),
                _ => throw Unusable(
                    $"the key in {KeyPath} is encrypted in OpenSSL's legacy form, which cannot be read: convert it " +
                    $"(openssl pkcs8 -topk8 -in {KeyPath} -out NEW.key, then give the passphrase in {PasswordVariable})"),
            };

            // A PEM key is ephemeral, which TLS cannot use on every platform; a PKCS #12 round trip makes it a real one.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw Unusable(Diagnose(e, password), e);
        }
    }

    private InvalidOperationException Unusable(string reason, Exception? inner = null) =>
        new($"--https-socket {Address}: cannot use {CertificatePath} with {KeyPath}: {reason}", inner);

    /// <summary>What is wrong, in words: the framework's one message covers a missing key, a bad file and a mismatch alike.</summary>
    private string Diagnose(Exception failure, string? password)
    {
        if (failure is not CryptographicException)
        {
            return failure.Message;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath));
        }
        catch (CryptographicException)
        {
            return $"{CertificatePath} holds no PEM certificate (a block that starts -----BEGIN CERTIFICATE-----)";
        }

        using (certificate)
        {
            var keyText = File.ReadAllText(KeyPath);
            if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                return $"{KeyPath} holds no PEM private key (a block that starts -----BEGIN PRIVATE KEY-----, or the RSA or EC form)";
            }

            using var rsaPublic = certificate.GetRSAPublicKey();
            using var ecdsaPublic = rsaPublic is null ? certificate.GetECDsaPublicKey() : null;
            using AsymmetricAlgorithm? key = rsaPublic is not null ? RSA.Create() : ecdsaPublic is not null ? ECDsa.Create() : null;
            if (key is null)
            {
                return failure.Message;
            }

            var encrypted = KeyEncryption(keyText) == Encryption.Pkcs8;
            try
            {
                if (encrypted)
                {
                    key.ImportFromEncryptedPem(keyText, password);
                }
                else
                {
                    key.ImportFromPem(keyText);
                }
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                return encrypted
                    ? $"the passphrase in {PasswordVariable} does not decrypt the key in {KeyPath}, or it is not of the certificate's kind"
                    : $"the private key in {KeyPath} cannot be read ({e.Message}), or is not of the certificate's kind";
            }

            return $"the private key in {KeyPath} is not the key of the certificate in {CertificatePath}";
        }
    }

    private static Encryption KeyEncryption(string keyText) =>
        keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal) ? Encryption.Pkcs8
        : keyText.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal) ? Encryption.Legacy
        : Encryption.None;

    private enum Encryption
    {
        None,
        Pkcs8,
        Legacy,
    }
}
