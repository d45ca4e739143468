using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using LuckyGas.AppHost.Edge;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Edge;

/// <summary>HTTP clients of the edge that trust only the platform's local certificate authority.</summary>
public static class EdgeClients
{
    /// <summary>Returns the path of the local CA's certificate in the platform's state folder.</summary>
    public static string AuthorityPath(this PlatformInstance platform) =>
        Path.Combine(platform.StateDirectory, "edge-ca", "ca.crt");

    /// <summary>Returns the edge's HTTPS base address, <c>https://localhost:{port}</c>.</summary>
    public static Uri HttpsAddress(this PlatformInstance platform) =>
        new($"https://localhost:{platform.PortOf(EdgeExtensions.HttpsPortName)}");

    /// <summary>Returns the edge's plain HTTP base address.</summary>
    public static Uri HttpAddress(this PlatformInstance platform) =>
        new($"http://localhost:{platform.PortOf(EdgeExtensions.HttpPortName)}");

    /// <summary>
    /// Returns a client of the edge that trusts only the local CA, follows no redirect, keeps no
    /// cookies and leaves compressed bodies compressed, so tests see what the edge sent.
    /// </summary>
    public static HttpClient Create(PlatformInstance platform, Uri? baseAddress = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            SslOptions = TrustOnlyLocalAuthority(platform),
        };
        return new HttpClient(handler) { BaseAddress = baseAddress ?? platform.HttpsAddress(), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Returns TLS options that accept only certificates issued by the local CA.</summary>
    public static SslClientAuthenticationOptions TrustOnlyLocalAuthority(PlatformInstance platform) => new()
    {
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(platform.AuthorityPath())) },
            RevocationMode = X509RevocationMode.NoCheck,
        },
    };

    /// <summary>Signs in as the bootstrapped admin through the edge and returns the bearer token.</summary>
    public static async Task<string> SignInAsync(HttpClient client, PlatformInstance platform, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token",
            new { userName = "admin", password = platform.Secrets.AdminPassword }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Returns a request that carries <paramref name="token"/> as its bearer token.</summary>
    public static HttpRequestMessage Authorized(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>Returns the single value of a response header, failing when it is missing or repeated.</summary>
    public static string SingleHeader(HttpResponseMessage response, string name)
    {
        var values = response.Headers.TryGetValues(name, out var headers) ? headers.ToList() : [];
        if (response.Content.Headers.TryGetValues(name, out var contentHeaders))
        {
            values.AddRange(contentHeaders);
        }

        return Assert.Single(values);
    }
}
