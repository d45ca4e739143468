using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;
using StackExchange.Redis;

namespace LuckyGas.Tests.Security;

/// <summary>
/// A client that crosses the suspicious-activity threshold is blocked on both API instances at
/// once, and only that client. Each client connects from its own loopback source address.
/// </summary>
[Collection(SharedPlatform.Name)]
public sealed class BlockingTests(PlatformFixture fixture)
{
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.3");

    private static readonly IPAddress Bystander = IPAddress.Parse("127.0.0.4");

    // Default settings: a scanner User-Agent scores 15 points and the threshold is 30.
    private const string ScannerAgent = "sqlmap/1.7.2#stable (https://sqlmap.org)";

    [Fact]
    public async Task ClientOverThreshold_IsBlockedOnBothInstancesUntilLifted()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var platform = fixture.Platform;
        var token = await SecurityClients.AdminTokenAsync(platform, cancellationToken);
        using var admin = AdminClient(token);
        await LiftAsync(admin, Attacker, cancellationToken);

        await CrossThresholdAsync(token, cancellationToken);

        foreach (var instance in (string[])["api-1", "api-2"])
        {
            using var attacker = SecurityClients.From(platform, instance, Attacker, token);
            using var blocked = await attacker.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
            Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
            Assert.Equal(instance, blocked.Headers.GetValues("X-Served-By").Single());
            Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
            Assert.Contains("blocked", await blocked.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
            Assert.True(blocked.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{instance} sent no Retry-After.");

            using var bystander = SecurityClients.From(platform, instance, Bystander, token);
            using var allowed = await bystander.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var blocks = await admin.GetStringAsync("/api/v1/admin/blocks", cancellationToken);
        Assert.Contains("\"clientIp\":\"127.0.0.3\"", blocks, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.4", blocks, StringComparison.Ordinal);

        using var lifted = await admin.DeleteAsync("/api/v1/admin/blocks/127.0.0.3", cancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        using var again = await admin.DeleteAsync("/api/v1/admin/blocks/127.0.0.3", cancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        foreach (var instance in (string[])["api-1", "api-2"])
        {
            using var attacker = SecurityClients.From(platform, instance, Attacker, token);
            using var allowed = await attacker.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var audit = await admin.GetStringAsync("/api/v1/admin/audit?limit=200", cancellationToken);
        Assert.Contains("client.blocked", audit, StringComparison.Ordinal);
        Assert.Contains("client.unblocked", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Block_EndsWhenItsTimePasses()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var platform = fixture.Platform;
        var token = await SecurityClients.AdminTokenAsync(platform, cancellationToken);
        using var admin = AdminClient(token);
        await LiftAsync(admin, Attacker, cancellationToken);

        await CrossThresholdAsync(token, cancellationToken);

        // The block lasts the configured 15 minutes. Shortening the expiry of the key in Redis
        // replaces the wait and shows that nothing but the key keeps a client blocked.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(platform.RedisThroughSentinels());
        var key = new RedisKey("luckygas:security:block:127.0.0.3");
        var remaining = await redis.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.InRange(remaining ?? TimeSpan.Zero, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        Assert.True(await redis.GetDatabase().KeyExpireAsync(key, TimeSpan.FromMilliseconds(500)));

        foreach (var instance in (string[])["api-1", "api-2"])
        {
            using var attacker = SecurityClients.From(platform, instance, Attacker, token);
            var status = await Eventually.WaitAsync(
                async token => (await attacker.GetAsync("/api/v1/customers?pageSize=1", token)).StatusCode,
                status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(10), cancellationToken);
            Assert.Equal(HttpStatusCode.OK, status);
        }
    }

    [Fact]
    public async Task InvalidAddress_Returns400()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var token = await SecurityClients.AdminTokenAsync(fixture.Platform, cancellationToken);
        using var admin = AdminClient(token);

        using var response = await admin.DeleteAsync("/api/v1/admin/blocks/not-an-address", cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("ip", out _));
    }

    // Two scanner requests to api-1 reach the threshold, so the second already gets 403.
    private async Task CrossThresholdAsync(string token, CancellationToken cancellationToken)
    {
        using var attacker = SecurityClients.From(fixture.Platform, "api-1", Attacker, token);
        attacker.DefaultRequestHeaders.UserAgent.ParseAdd(ScannerAgent);
        var last = HttpStatusCode.OK;
        for (var attempt = 0; attempt < 5 && last != HttpStatusCode.Forbidden; attempt++)
        {
            using var response = await attacker.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
            last = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, last);
    }

    private HttpClient AdminClient(string token)
    {
        var client = fixture.Platform.App.CreateHttpClient("api-2", "http");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task LiftAsync(HttpClient admin, IPAddress address, CancellationToken cancellationToken)
    {
        using var response = await admin.DeleteAsync($"/api/v1/admin/blocks/{address}", cancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound,
            $"Lifting a leftover block returned {(int)response.StatusCode}.");
    }
}
