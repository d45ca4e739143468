using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LuckyGas.Tests.ApiKeys;

[Collection(SharedPlatform.Name)]
public sealed class ApiKeyEndpointTests(PlatformFixture fixture, ITestOutputHelper output)
{
    private const string BasePath = ApiKeyClients.BasePath;

    private static readonly string[] InvalidScopes = ["read", "delete"];

    private static readonly string[] AdminScopes = ["read", "admin"];

    private static readonly string[] ReadScope = ["read"];

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task Create_ShowsSecretOnce()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);

        var key = await ApiKeyClients.CreateAsync(admin, "Premium", ["read", "write"], cancellationToken);

        Assert.StartsWith("lgk_", key.Secret, StringComparison.Ordinal);
        Assert.Equal(47, key.Secret.Length);
        Assert.Matches("^[0-9a-f]{64}$", key.KeyHash);
        var details = key.Body.GetProperty("details");
        Assert.Equal(key.Secret[..8], details.GetProperty("prefix").GetString());
        Assert.Equal("Premium", details.GetProperty("tier").GetString());
        Assert.Equal("active", details.GetProperty("status").GetString());
        Assert.Equal(["read", "write"], details.GetProperty("scopes").EnumerateArray().Select(scope => scope.GetString()));

        // No later response contains the secret.
        using var list = await admin.GetAsync($"{BasePath}/", cancellationToken);
        var listText = await list.Content.ReadAsStringAsync(cancellationToken);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(key.KeyHash, listText, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, listText, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret[8..], listText, StringComparison.Ordinal);

        using var usage = await admin.GetAsync($"{BasePath}/usage/{key.KeyHash}", cancellationToken);
        var usageText = await usage.Content.ReadAsStringAsync(cancellationToken);
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        Assert.DoesNotContain(key.Secret[8..], usageText, StringComparison.Ordinal);

        // The secret works on both instances.
        foreach (var instance in new[] { "api-1", "api-2" })
        {
            using var client = ApiKeyClients.KeyClient(Platform, instance, key.Secret);
            using var response = await client.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(instance, ApiKeyClients.Header(response, "X-Served-By"));
        }
    }

    [Fact]
    public async Task ValidKey_WithBadBearerToken_Returns401()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var key = await ApiKeyClients.CreateAsync(admin, "Basic", ["read"], cancellationToken);
        using var client = ApiKeyClients.KeyClient(Platform, "api-1", key.Secret);
        using var alone = await client.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, alone.StatusCode);

        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-token");
        using var both = await client.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, both.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(both, cancellationToken);
        Assert.Contains("not both", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_InvalidFields_NamesEachField()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);

        using var response = await admin.PostAsJsonAsync($"{BasePath}/",
            new { name = "", tier = "Gold", scopes = InvalidScopes, expiresAt = DateTimeOffset.UtcNow.AddDays(-1) },
            cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(response, cancellationToken);
        var errors = problem.GetProperty("errors");
        Assert.Contains("required", errors.GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("'Gold'", errors.GetProperty("tier")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("'delete'", errors.GetProperty("scopes")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("future", errors.GetProperty("expiresAt")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AdminScopeByDispatcher_Forbidden()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        using var dispatcher = await ApiKeyClients.StaffAsync(Platform, admin, "Dispatcher", cancellationToken);

        using var denied = await dispatcher.PostAsJsonAsync($"{BasePath}/",
            new { name = "partner", tier = "Basic", scopes = AdminScopes }, cancellationToken);
        var allowed = await ApiKeyClients.CreateAsync(dispatcher, "Basic", ["read"], cancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(denied, cancellationToken);
        Assert.Contains("Only administrators", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Basic", allowed.Body.GetProperty("details").GetProperty("tier").GetString());
    }

    [Fact]
    public async Task List_DispatcherSeesOwnKeysOnly()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        using var dispatcher = await ApiKeyClients.StaffAsync(Platform, admin, "Dispatcher", cancellationToken);
        var adminKey = await ApiKeyClients.CreateAsync(admin, "Standard", ["read"], cancellationToken);
        var dispatcherKey = await ApiKeyClients.CreateAsync(dispatcher, "Standard", ["read"], cancellationToken);

        var adminSees = await ListHashesAsync(admin, cancellationToken);
        var dispatcherSees = await ListHashesAsync(dispatcher, cancellationToken);
        using var foreignRevoke = await dispatcher.DeleteAsync($"{BasePath}/{adminKey.KeyHash}", cancellationToken);
        using var foreignUsage = await dispatcher.GetAsync($"{BasePath}/usage/{adminKey.KeyHash}", cancellationToken);

        Assert.Contains(adminKey.KeyHash, adminSees);
        Assert.Contains(dispatcherKey.KeyHash, adminSees);
        Assert.Equal([dispatcherKey.KeyHash], dispatcherSees);
        Assert.Equal(HttpStatusCode.NotFound, foreignRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignUsage.StatusCode);
    }

    [Fact]
    public async Task Revoke_BadOrUnknownHash_Rejected()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);

        using var malformed = await admin.DeleteAsync($"{BasePath}/not-a-hash", cancellationToken);
        using var unknown = await admin.DeleteAsync($"{BasePath}/{new string('a', 64)}", cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(malformed, cancellationToken);
        Assert.Contains("key_hash", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Revoke_RejectedByBothInstancesWithinOneSecond()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var key = await ApiKeyClients.CreateAsync(admin, "Enterprise", ["read"], cancellationToken);
        using var first = ApiKeyClients.KeyClient(Platform, "api-1", key.Secret);
        using var second = ApiKeyClients.KeyClient(Platform, "api-2", key.Secret);

        // Both instances have checked and cached the key before the revocation.
        foreach (var client in new[] { first, second })
        {
            using var before = await client.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var revoked = await admin.DeleteAsync($"{BasePath}/{key.KeyHash}", cancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var sinceRevoke = Stopwatch.StartNew();
        var rejectedAfter = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        while (rejectedAfter.Count < 2 && sinceRevoke.Elapsed < TimeSpan.FromSeconds(3))
        {
            foreach (var client in new[] { first, second })
            {
                using var response = await client.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
                var servedBy = ApiKeyClients.Header(response, "X-Served-By");
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    rejectedAfter.TryAdd(servedBy, sinceRevoke.Elapsed);
                }
            }
        }

        output.WriteLine(string.Join(", ", rejectedAfter.Select(pair => $"{pair.Key} rejected after {pair.Value.TotalMilliseconds:F0} ms")));
        Assert.Equal(["api-1", "api-2"], rejectedAfter.Keys.Order());
        Assert.All(rejectedAfter.Values, elapsed => Assert.True(elapsed < TimeSpan.FromSeconds(1), $"Rejected only after {elapsed}."));

        using var list = await admin.GetAsync($"{BasePath}/", cancellationToken);
        var keys = await list.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        var listed = keys.EnumerateArray().Single(item => item.GetProperty("keyHash").GetString() == key.KeyHash);
        Assert.Equal("revoked", listed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ExpiredKey_Rejected()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var key = await ApiKeyClients.CreateAsync(admin, "Basic", ["read"], cancellationToken,
            expiresAt: DateTimeOffset.UtcNow.AddSeconds(3));
        using var client = ApiKeyClients.KeyClient(Platform, "api-2", key.Secret);

        using var before = await client.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3.5), cancellationToken);
        using var after = await client.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Theory]
    [InlineData("lgk_short")]
    [InlineData("lgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not a key at all")]
    public async Task BadKey_GetsProblem401EvenOnAnonymousEndpoint(string presented)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = ApiKeyClients.KeyClient(Platform, "api-1", presented);

        using var anonymousEndpoint = await client.GetAsync($"{BasePath}/tiers", cancellationToken);
        using var staffEndpoint = await client.GetAsync("/api/v1/customers", cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousEndpoint.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, staffEndpoint.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(staffEndpoint, cancellationToken);
        Assert.Contains("unknown, revoked or expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(anonymousEndpoint.Headers.Contains("RateLimit-Limit"));
    }

    [Fact]
    public async Task Scopes_LimitMethodsAndAdminEndpoints()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var readOnly = await ApiKeyClients.CreateAsync(admin, "Standard", ["read"], cancellationToken);
        var readWrite = await ApiKeyClients.CreateAsync(admin, "Standard", ["read", "write"], cancellationToken);
        var withAdmin = await ApiKeyClients.CreateAsync(admin, "Standard", ["read", "write", "admin"], cancellationToken);

        using var readOnlyClient = ApiKeyClients.KeyClient(Platform, "api-1", readOnly.Secret);
        using var readWriteClient = ApiKeyClients.KeyClient(Platform, "api-2", readWrite.Secret);
        using var adminClient = ApiKeyClients.KeyClient(Platform, "api-1", withAdmin.Secret);

        using var read = await readOnlyClient.GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
        using var writeWithoutScope = await readOnlyClient.PostAsJsonAsync("/api/v1/customers", ApiClients.ValidCustomer(), cancellationToken);
        using var write = await readWriteClient.PostAsJsonAsync("/api/v1/customers", ApiClients.ValidCustomer(), cancellationToken);
        using var adminWithoutScope = await readWriteClient.PostAsJsonAsync("/api/v1/auth/users", NewUser(), cancellationToken);
        using var adminWithScope = await adminClient.PostAsJsonAsync("/api/v1/auth/users", NewUser(), cancellationToken);
        using var createKeyWithKey = await adminClient.PostAsJsonAsync($"{BasePath}/",
            new { name = "minted", tier = "Basic", scopes = ReadScope }, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, writeWithoutScope.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(writeWithoutScope, cancellationToken);
        Assert.Contains("write scope", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, adminWithoutScope.StatusCode);
        Assert.Equal(HttpStatusCode.Created, adminWithScope.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, createKeyWithKey.StatusCode);
    }

    [Fact]
    public async Task Tiers_ListsFourTiersAnonymously()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = Platform.App.CreateHttpClient("api-2", "http");

        using var response = await client.GetAsync($"{BasePath}/tiers", cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        Assert.Equal(60, body.GetProperty("windowSeconds").GetDouble());
        var tiers = body.GetProperty("tiers").EnumerateArray().ToList();
        Assert.Equal(["Basic", "Standard", "Premium", "Enterprise"], tiers.Select(tier => tier.GetProperty("name").GetString()));
        var basic = tiers[0].GetProperty("limits");
        Assert.Equal(60, basic.GetProperty("reads").GetInt32());
        Assert.Equal(20, basic.GetProperty("writes").GetInt32());
        Assert.Equal(2, basic.GetProperty("expensive").GetInt32());
        Assert.Equal(1, basic.GetProperty("endpoints").GetProperty("ListDuePredictions").GetInt32());
        Assert.Equal(10, body.GetProperty("roleMultipliers").GetProperty("Admin").GetInt32());
        Assert.Equal("Standard", body.GetProperty("staffBaseTier").GetString());
        Assert.NotNull(ApiKeyClients.Header(response, "RateLimit-Limit"));
    }

    [Fact]
    public async Task Usage_CountsRequestsPerDayAndWindow()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var key = await ApiKeyClients.CreateAsync(admin, "Basic", ["read"], cancellationToken);
        using var first = ApiKeyClients.KeyClient(Platform, "api-1", key.Secret);
        using var second = ApiKeyClients.KeyClient(Platform, "api-2", key.Secret);
        for (var request = 0; request < 4; request++)
        {
            using var response = await (request % 2 == 0 ? first : second).GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(60 - request - 1, ApiKeyClients.IntHeader(response, "RateLimit-Remaining"));
        }

        // Each instance adds its counts to the database every 5 s.
        var usage = await Eventually.WaitAsync(async token =>
            {
                using var response = await admin.GetAsync($"{BasePath}/usage/{key.KeyHash}", token);
                return await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, token);
            },
            body => body.GetProperty("days").GetArrayLength() == 1 &&
                body.GetProperty("days")[0].GetProperty("requests").GetInt64() >= 4,
            TimeSpan.FromSeconds(15), cancellationToken, TimeSpan.FromSeconds(1));

        var day = usage.GetProperty("days")[0];
        Assert.Equal(4, day.GetProperty("requests").GetInt64());
        Assert.Equal(0, day.GetProperty("rejected").GetInt64());
        Assert.True(usage.GetProperty("windowsAvailable").GetBoolean());
        var reads = usage.GetProperty("windows").EnumerateArray().Single(window => window.GetProperty("bucket").GetString() == "reads");
        Assert.Equal(60, reads.GetProperty("limit").GetInt32());
        Assert.Equal(4, reads.GetProperty("used").GetInt64());
        Assert.Equal(56, reads.GetProperty("remaining").GetInt64());
    }

    private static object NewUser() => new
    {
        userName = $"keyuser{Guid.NewGuid():N}"[..20],
        displayName = "Created with a key",
        password = Guid.NewGuid().ToString("N"),
        role = "Driver",
    };

    private static async Task<List<string>> ListHashesAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"{BasePath}/", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        return body.EnumerateArray().Select(item => item.GetProperty("keyHash").GetString()!).ToList();
    }
}
