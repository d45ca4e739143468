using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LuckyGas.AppHost.Edge;

/// <summary>
/// The edge's local certificate authority and the TLS server certificate it signs, kept as PEM
/// files in two folders of the state folder: the authority's, which nginx cannot read, and the
/// edge's own.
/// </summary>
/// <remarks>
/// Both are created on the first start. Later starts keep the authority, so a developer trusts
/// it once, and issue a new server certificate only when the current one expires within
/// <see cref="RenewalWindow"/> or lacks a name in <see cref="SubjectAlternativeNames"/>.
/// Private keys are written with mode 0600.
/// </remarks>
public sealed class EdgeCertificates
{
    /// <summary>The host names and addresses the server certificate is valid for.</summary>
    public static readonly IReadOnlyList<string> SubjectAlternativeNames = ["localhost", "127.0.0.1", "::1"];

    /// <summary>How long before its expiry the server certificate is replaced on start.</summary>
    public static readonly TimeSpan RenewalWindow = TimeSpan.FromDays(30);

    private static readonly TimeSpan s_authorityLifetime = TimeSpan.FromDays(3650);

    // Safari and Chrome reject server certificates issued since September 2020 that are valid
    // for more than 398 days.
    private static readonly TimeSpan s_serverLifetime = TimeSpan.FromDays(397);

    private EdgeCertificates(string authorityDirectory, string serverDirectory)
    {
        AuthorityCertificatePath = Path.Combine(authorityDirectory, "ca.crt");
        AuthorityKeyPath = Path.Combine(authorityDirectory, "ca.key");
        ServerCertificatePath = Path.Combine(serverDirectory, "server.crt");
        ServerKeyPath = Path.Combine(serverDirectory, "server.key");
    }

    /// <summary>The PEM file of the authority's certificate, which clients trust.</summary>
    public string AuthorityCertificatePath { get; }

    /// <summary>The PEM file of the authority's private key.</summary>
    public string AuthorityKeyPath { get; }

    /// <summary>The PEM file of the server certificate that nginx presents.</summary>
    public string ServerCertificatePath { get; }

    /// <summary>The PEM file of the server certificate's private key.</summary>
    public string ServerKeyPath { get; }

    /// <summary>When the server certificate expires.</summary>
    public DateTimeOffset ServerExpiry { get; private set; }

    /// <summary>
    /// Loads the certificates, creating the authority when it is missing and the server
    /// certificate when it is missing, expires within <see cref="RenewalWindow"/>, was issued by
    /// another authority or lacks a name.
    /// </summary>
    public static EdgeCertificates Ensure(string authorityDirectory, string serverDirectory, TimeProvider clock)
    {
        var certificates = new EdgeCertificates(authorityDirectory, serverDirectory);
        using var authority = certificates.LoadOrCreateAuthority(clock);
        certificates.LoadOrIssueServerCertificate(authority, clock);
        return certificates;
    }

    private X509Certificate2 LoadOrCreateAuthority(TimeProvider clock)
    {
        if (File.Exists(AuthorityCertificatePath) && File.Exists(AuthorityKeyPath))
        {
            return X509Certificate2.CreateFromPemFile(AuthorityCertificatePath, AuthorityKeyPath);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Lucky Gas local edge CA, O=Lucky Gas", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(
            certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        var now = clock.GetUtcNow();
        var authority = request.CreateSelfSigned(now.AddMinutes(-5), now + s_authorityLifetime);
        WritePrivateKey(AuthorityKeyPath, key);
        WriteAtomically(AuthorityCertificatePath, authority.ExportCertificatePem(), UnixFileMode.UserRead |
            UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return authority;
    }

    private void LoadOrIssueServerCertificate(X509Certificate2 authority, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (File.Exists(ServerCertificatePath) && File.Exists(ServerKeyPath))
        {
            using var existing = X509Certificate2.CreateFromPemFile(ServerCertificatePath, ServerKeyPath);
            var expiry = new DateTimeOffset(existing.NotAfter.ToUniversalTime());
            if (expiry - now > RenewalWindow && IsIssuedBy(existing, authority) && CoversEveryName(existing))
            {
                ServerExpiry = expiry;
                return;
            }
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost, O=Lucky Gas", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        request.CertificateExtensions.Add(BuildSubjectAlternativeNames());

        var notAfter = now + s_serverLifetime;
        var serialNumber = RandomNumberGenerator.GetBytes(16);
        serialNumber[0] &= 0x7F;
        using var server = request.Create(authority, now.AddMinutes(-5), notAfter, serialNumber);
        WritePrivateKey(ServerKeyPath, key);
        WriteAtomically(ServerCertificatePath, server.ExportCertificatePem(), UnixFileMode.UserRead |
            UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        ServerExpiry = new DateTimeOffset(server.NotAfter.ToUniversalTime());
    }

    private static X509Extension BuildSubjectAlternativeNames()
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in SubjectAlternativeNames)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(name);
            }
        }

        return names.Build(critical: false);
    }

    private static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static bool CoversEveryName(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null)
        {
            return false;
        }

        var present = extension.EnumerateDnsNames()
            .Concat(extension.EnumerateIPAddresses().Select(address => address.ToString()))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return SubjectAlternativeNames.All(present.Contains);
    }

    private static void WritePrivateKey(string path, ECDsa key) =>
        WriteAtomically(path, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);

    private static void WriteAtomically(string path, string text, UnixFileMode mode)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        // The mode is set on creation, so the key is never readable by others, not even briefly.
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = mode,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
