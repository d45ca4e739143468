using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LuckyGas.AppHost.Edge;

/// <summary>
/// Checks that nginx returns 200 for its probe path over HTTPS with a certificate that chains to the
/// local CA.
/// </summary>
/// <param name="httpsPort">The edge's HTTPS port on 127.0.0.1.</param>
/// <param name="authorityPath">The PEM file of the local CA.</param>
internal sealed class EdgeHealthCheck(int httpsPort, string authorityPath) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var url = $"https://127.0.0.1:{httpsPort}{EdgeExtensions.HealthPath}";
        try
        {
            // A client per check, because the CA file may appear or change between checks.
            using var client = CreateClient(authorityPath);
            using var response = await client.GetAsync(url, cancellationToken);
            return response.StatusCode == HttpStatusCode.OK
                ? HealthCheckResult.Healthy($"nginx returns 200 for {EdgeExtensions.HealthPath} over HTTPS.")
                : HealthCheckResult.Unhealthy($"GET {url} returned HTTP {(int)response.StatusCode}.");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException or CryptographicException)
        {
            return HealthCheckResult.Unhealthy($"GET {url} failed or timed out.", exception);
        }
    }

    /// <summary>Returns a client that trusts only the certificate authority in <paramref name="authorityPath"/>.</summary>
    public static HttpClient CreateClient(string authorityPath)
    {
        var authority = X509Certificate2.CreateFromPem(File.ReadAllText(authorityPath));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { authority },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
    }
}
