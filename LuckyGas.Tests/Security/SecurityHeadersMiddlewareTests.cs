using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LuckyGas.Tests.Security;

/// <summary>
/// The shared security headers middleware on a small Kestrel app with the framework's own
/// rate limiter, exception handler and forwarded-headers middleware, in this process.
/// </summary>
/// <remarks>
/// The API has no rate limiter of its own yet, so the 429 here comes from ASP.NET Core's rate
/// limiting middleware. HTTPS is what the forwarded-headers middleware makes of
/// <c>X-Forwarded-Proto: https</c> from a trusted loopback peer, as the edge sends it.
/// </remarks>
public sealed class SecurityHeadersMiddlewareTests : IAsyncLifetime, IDisposable
{
    private WebApplication? _app;
    private HttpClient? _client;

    private HttpClient Client => _client ?? throw new InvalidOperationException("The app is not started.");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.RemoveServerHeader();
        builder.Services.AddProblemDetails();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddFixedWindowLimiter("one", window =>
            {
                window.PermitLimit = 1;
                window.Window = TimeSpan.FromMinutes(10);
                window.QueueLimit = 0;
            });
        });

        _app = builder.Build();
        _app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto });
        _app.UseSecurityHeaders();
        _app.UseExceptionHandler();
        _app.UseStatusCodePages();
        _app.UseRateLimiter();
        _app.MapGet("/ok", () => "ok");
        _app.MapGet("/limited", () => "ok").RequireRateLimiting("one");
        _app.MapGet("/throw", IResult () => throw new InvalidOperationException("Test failure."));
        await _app.StartAsync();

        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public void Dispose() => _client?.Dispose();

    [Theory]
    [InlineData("/ok", HttpStatusCode.OK)]
    [InlineData("/missing", HttpStatusCode.NotFound)]
    [InlineData("/throw", HttpStatusCode.InternalServerError)]
    public async Task Response_HasEveryHeader(string path, HttpStatusCode expected)
    {
        using var response = await Client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        AssertHeaders(response);
    }

    [Fact]
    public async Task RateLimitedResponse_HasEveryHeader()
    {
        using var first = await Client.GetAsync("/limited");
        using var second = await Client.GetAsync("/limited");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        AssertHeaders(second);
    }

    [Fact]
    public async Task ForwardedHttps_GetsStrictTransportSecurity()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/missing");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await Client.SendAsync(request);

        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task PlainHttp_GetsNoStrictTransportSecurity()
    {
        using var response = await Client.GetAsync("/ok");

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    private static void AssertHeaders(HttpResponseMessage response)
    {
        string[] required =
        [
            "Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
            "Permissions-Policy", "Cross-Origin-Opener-Policy",
        ];
        foreach (var name in required)
        {
            Assert.True(response.Headers.Contains(name), $"{name} is missing on a {(int)response.StatusCode} response.");
        }

        Assert.Equal(ContentSecurityPolicies.Api, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(response.Headers.Contains("Server"));
    }
}
