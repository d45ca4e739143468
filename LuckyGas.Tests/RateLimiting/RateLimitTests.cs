using System.Diagnostics;
using System.Globalization;
using System.Net;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.ApiKeys;
using LuckyGas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LuckyGas.Tests.RateLimiting;

[Collection(RateLimitPlatform.Name)]
public sealed class RateLimitTests(RateLimitPlatformFixture fixture, ITestOutputHelper output)
{
    private const int Limit = RateLimitPlatformFixture.SmallLimit;

    private const string ReadPath = "/api/v1/customers?pageSize=1";

    private const string AnonymousReadPath = ApiKeyClients.BasePath + "/tiers";

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task BasicTier_SixthRejected_RetryAfterIsRemainingWindow()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var key = await ApiKeyClients.CreateAsync(admin, "Basic", ["read"], cancellationToken);
        using var client = ApiKeyClients.KeyClient(Platform, "api-1", key.Secret);

        var windowStart = Stopwatch.StartNew();
        var remaining = new List<int>();
        for (var request = 0; request < Limit; request++)
        {
            using var accepted = await client.GetAsync(ReadPath, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal(Limit, ApiKeyClients.IntHeader(accepted, "RateLimit-Limit"));
            remaining.Add(ApiKeyClients.IntHeader(accepted, "RateLimit-Remaining"));
        }

        using var sixth = await client.GetAsync(ReadPath, cancellationToken);

        // Two thirds into the window, as 40 s into a 60 s window: a third of it remains.
        var untilTwoThirds = RateLimitPlatformFixture.Window * 2 / 3 - windowStart.Elapsed;
        Assert.True(untilTwoThirds > TimeSpan.Zero, $"The first six requests took {windowStart.Elapsed}, too long for the window.");
        await Task.Delay(untilTwoThirds, cancellationToken);
        using var later = await client.GetAsync(ReadPath, cancellationToken);
        var laterRetryAfter = RetryAfterSeconds(later);
        await Task.Delay(TimeSpan.FromSeconds(laterRetryAfter + 1), cancellationToken);
        using var nextWindow = await client.GetAsync(ReadPath, cancellationToken);

        Assert.Equal([4, 3, 2, 1, 0], remaining);
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(sixth, cancellationToken);
        Assert.Contains("Retry after", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, ApiKeyClients.IntHeader(sixth, "RateLimit-Remaining"));
        Assert.InRange(RetryAfterSeconds(sixth), 8, 9);
        Assert.Equal(HttpStatusCode.TooManyRequests, later.StatusCode);
        Assert.InRange(laterRetryAfter, 2, 4);
        Assert.Equal(laterRetryAfter, ApiKeyClients.IntHeader(later, "RateLimit-Reset"));
        Assert.Equal(HttpStatusCode.OK, nextWindow.StatusCode);
    }

    [Fact]
    public async Task TwoInstances_ShareOneLimit()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var key = await ApiKeyClients.CreateAsync(admin, "Basic", ["read"], cancellationToken);
        using var first = ApiKeyClients.KeyClient(Platform, "api-1", key.Secret);
        using var second = ApiKeyClients.KeyClient(Platform, "api-2", key.Secret);

        var outcomes = new List<(string Instance, HttpStatusCode Status, int Remaining)>();
        for (var request = 0; request < Limit + 2; request++)
        {
            using var response = await (request % 2 == 0 ? first : second).GetAsync(ReadPath, cancellationToken);
            outcomes.Add((ApiKeyClients.Header(response, "X-Served-By"), response.StatusCode,
                ApiKeyClients.IntHeader(response, "RateLimit-Remaining")));
        }

        output.WriteLine(string.Join(", ", outcomes));
        Assert.Equal(["api-1", "api-2"], outcomes.Select(outcome => outcome.Instance).Distinct().Order());
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, Limit).Concat([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]),
            outcomes.Select(outcome => outcome.Status));
        Assert.Equal([4, 3, 2, 1, 0, 0, 0], outcomes.Select(outcome => outcome.Remaining));
    }

    [Fact]
    public async Task ForwardedFor_FromUntrustedPeer_Ignored()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = fixture.ClientFrom("api-1", IPAddress.Loopback);

        var statuses = new List<HttpStatusCode>();
        for (var request = 0; request < Limit + 1; request++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, AnonymousReadPath);
            message.Headers.Add("X-Forwarded-For", $"203.0.113.{request + 1}");
            using var response = await client.SendAsync(message, cancellationToken);
            statuses.Add(response.StatusCode);
        }

        // Each request named another client, but all counted against the real peer.
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task ForwardedFor_FromTrustedProxy_Honoured()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var proxy = fixture.ClientFrom("api-2", IPAddress.Parse("127.0.0.2"));
        var clientBase = $"198.51.100.{Random.Shared.Next(1, 250)}";

        var distinctClients = new List<(HttpStatusCode Status, int Remaining)>();
        for (var request = 0; request < Limit + 2; request++)
        {
            distinctClients.Add(await GetThroughProxyAsync(proxy, $"2001:db8::{Guid.NewGuid().ToString("N")[..4]}", cancellationToken));
        }

        var sameClient = new List<(HttpStatusCode Status, int Remaining)>();
        for (var request = 0; request < Limit + 1; request++)
        {
            // A client-supplied entry before the proxy's own one is not trusted.
            sameClient.Add(await GetThroughProxyAsync(proxy, $"192.0.2.66, {clientBase}", cancellationToken));
        }

        Assert.All(distinctClients, outcome => Assert.Equal((HttpStatusCode.OK, Limit - 1), outcome));
        Assert.Equal([4, 3, 2, 1, 0, 0], sameClient.Select(outcome => outcome.Remaining));
        Assert.Equal(HttpStatusCode.TooManyRequests, sameClient[^1].Status);
    }

    private static async Task<(HttpStatusCode, int)> GetThroughProxyAsync(
        HttpClient proxy, string forwardedFor, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, AnonymousReadPath);
        message.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await proxy.SendAsync(message, cancellationToken);
        return (response.StatusCode, ApiKeyClients.IntHeader(response, "RateLimit-Remaining"));
    }

    private static int RetryAfterSeconds(HttpResponseMessage response) =>
        int.Parse(ApiKeyClients.Header(response, "Retry-After"), CultureInfo.InvariantCulture);
}
