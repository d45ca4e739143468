using System.Net;
using System.Net.Http.Headers;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Security;

/// <summary>Every response of the API and the web application carries the security headers, errors included.</summary>
[Collection(SharedPlatform.Name)]
public sealed class SecurityHeaderTests(PlatformFixture fixture)
{
    private static readonly string[] RequiredHeaders =
    [
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
    ];

    [Theory]
    [InlineData("api-1", "/health", HttpStatusCode.OK)]
    [InlineData("api-2", "/api/v1/customers?pageSize=1", HttpStatusCode.OK)]
    [InlineData("api-1", "/api/v1/no-such-route", HttpStatusCode.NotFound)]
    [InlineData("api-2", "/api/v1/customers/999999999", HttpStatusCode.NotFound)]
    [InlineData("api-1", "/api/v1/auth/me", HttpStatusCode.OK)]
    [InlineData("web-1", "/health", HttpStatusCode.OK)]
    [InlineData("web-2", "/no-such-page", HttpStatusCode.NotFound)]
    public async Task Response_HasEverySecurityHeader(string instance, string path, HttpStatusCode expected)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var token = await SecurityClients.AdminTokenAsync(fixture.Platform, cancellationToken);
        using var client = fixture.Platform.App.CreateHttpClient(instance, "http");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.GetAsync(path, cancellationToken);

        Assert.Equal(expected, response.StatusCode);
        AssertSecurityHeaders(response, instance.StartsWith("web", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnhandledException_Returns500ProblemWithEveryHeader()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var token = await SecurityClients.AdminTokenAsync(fixture.Platform, cancellationToken);
        using var client = fixture.Platform.App.CreateHttpClient("api-1", "http");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.PostAsync("/api/v1/admin/diagnostics/unhandled-exception", null, cancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        AssertSecurityHeaders(response, web: false);
    }

    [Fact]
    public async Task PlainHttpResponse_HasNoStrictTransportSecurity()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = fixture.Platform.App.CreateHttpClient("api-1", "http");

        using var response = await client.GetAsync("/health", cancellationToken);

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ApiReference_GetsItsOwnPolicy()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = fixture.Platform.App.CreateHttpClient("api-1", "http");

        using var response = await client.GetAsync("/scalar/", cancellationToken);

        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, bool web)
    {
        foreach (var name in RequiredHeaders)
        {
            Assert.True(response.Headers.Contains(name), $"{name} is missing on a {(int)response.StatusCode} response.");
            Assert.Single(response.Headers.GetValues(name));
        }

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
        Assert.False(response.Headers.Contains("Server"), "The Server header names the server software.");
        Assert.False(response.Headers.Contains("X-Powered-By"));

        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        if (web)
        {
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("connect-src 'self' ws://", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("default-src 'none'", policy, StringComparison.Ordinal);
        }
    }
}
