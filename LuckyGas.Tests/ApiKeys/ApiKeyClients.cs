using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.ApiKeys;

/// <summary>A created API key: the secret shown once and its public hash.</summary>
public sealed record CreatedKey(string Secret, string KeyHash, JsonElement Body);

/// <summary>Creates API keys and clients that send them.</summary>
public static class ApiKeyClients
{
    /// <summary>The key endpoints' route prefix.</summary>
    public const string BasePath = "/api/v1/api-keys";

    /// <summary>Creates a key through <paramref name="bearerClient"/>, which must send a bearer token.</summary>
    public static async Task<CreatedKey> CreateAsync(
        HttpClient bearerClient, string tier, string[] scopes, CancellationToken cancellationToken,
        DateTimeOffset? expiresAt = null)
    {
        using var response = await bearerClient.PostAsJsonAsync($"{BasePath}/",
            new { name = $"test key {Guid.NewGuid():N}"[..20], tier, scopes, expiresAt }, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating a key returned {(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        return new CreatedKey(
            body.GetProperty("key").GetString()!,
            body.GetProperty("details").GetProperty("keyHash").GetString()!,
            body);
    }

    /// <summary>Returns a client of <paramref name="instance"/> that sends <paramref name="secret"/> in <c>X-API-Key</c>.</summary>
    public static HttpClient KeyClient(PlatformInstance platform, string instance, string secret)
    {
        var client = platform.App.CreateHttpClient(instance, "http");
        client.DefaultRequestHeaders.Add("X-API-Key", secret);
        return client;
    }

    /// <summary>Returns the single value of a response header.</summary>
    public static string Header(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.GetValues(name));

    /// <summary>Returns the single value of an integer response header.</summary>
    public static int IntHeader(HttpResponseMessage response, string name) =>
        int.Parse(Header(response, name), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Signs in a new staff account of <paramref name="role"/> on api-1 and returns its client.</summary>
    public static async Task<HttpClient> StaffAsync(
        PlatformInstance platform, HttpClient admin, string role, CancellationToken cancellationToken)
    {
        var userName = $"{role.ToLowerInvariant()}{Guid.NewGuid():N}"[..20];
        var password = Guid.NewGuid().ToString("N");
        using (var created = await admin.PostAsJsonAsync("/api/v1/auth/users",
            new { userName, displayName = $"Key test {role}", password, role }, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var client = platform.App.CreateHttpClient("api-1", "http");
        using var token = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password }, cancellationToken);
        token.EnsureSuccessStatusCode();
        var body = await token.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        client.DefaultRequestHeaders.Authorization =
            new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        return client;
    }
}
