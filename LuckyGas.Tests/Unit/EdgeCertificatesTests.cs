using System.Security.Cryptography.X509Certificates;
using LuckyGas.AppHost.Edge;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Unit;

public sealed class EdgeCertificatesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("luckygas-edge-certificates-").FullName;

    private string AuthorityDirectory => Path.Combine(_directory, "edge-ca");

    private string ServerDirectory => Path.Combine(_directory, "edge");

    [Fact]
    public void Ensure_FirstRun_IssuesServerCertificateFromLocalCa()
    {
        var certificates = Ensure(TimeProvider.System);

        using var authority = X509Certificate2.CreateFromPem(File.ReadAllText(certificates.AuthorityCertificatePath));
        using var server = X509Certificate2.CreateFromPemFile(certificates.ServerCertificatePath, certificates.ServerKeyPath);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(server), string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation)));

        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost"], names.EnumerateDnsNames());
        Assert.Equal(["127.0.0.1", "::1"], names.EnumerateIPAddresses().Select(address => address.ToString()));
        Assert.True(server.HasPrivateKey);
        Assert.Equal(new DateTimeOffset(server.NotAfter.ToUniversalTime()), certificates.ServerExpiry);
    }

    [Fact]
    public void Ensure_PrivateKeys_AreReadableByOwnerOnly()
    {
        var certificates = Ensure(TimeProvider.System);

        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(certificates.AuthorityKeyPath));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(certificates.ServerKeyPath));
    }

    [Fact]
    public void Ensure_SecondRun_KeepsBothCertificates()
    {
        var first = Ensure(TimeProvider.System);
        var authority = File.ReadAllText(first.AuthorityCertificatePath);
        var server = File.ReadAllText(first.ServerCertificatePath);

        var second = Ensure(TimeProvider.System);

        Assert.Equal(authority, File.ReadAllText(second.AuthorityCertificatePath));
        Assert.Equal(server, File.ReadAllText(second.ServerCertificatePath));
    }

    [Fact]
    public void Ensure_NearExpiry_RenewsServerCertificateOnly()
    {
        var first = Ensure(TimeProvider.System);
        var authority = File.ReadAllText(first.AuthorityCertificatePath);
        var server = File.ReadAllText(first.ServerCertificatePath);

        var later = new ShiftedClock(first.ServerExpiry - EdgeCertificates.RenewalWindow + TimeSpan.FromDays(1));
        var renewed = Ensure(later);

        Assert.Equal(authority, File.ReadAllText(renewed.AuthorityCertificatePath));
        Assert.NotEqual(server, File.ReadAllText(renewed.ServerCertificatePath));
        Assert.True(renewed.ServerExpiry > first.ServerExpiry);
    }

    public void Dispose() => TestState.Delete(_directory);

    private EdgeCertificates Ensure(TimeProvider clock)
    {
        Directory.CreateDirectory(AuthorityDirectory);
        Directory.CreateDirectory(ServerDirectory);
        return EdgeCertificates.Ensure(AuthorityDirectory, ServerDirectory, clock);
    }

    private sealed class ShiftedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
