using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

/// <summary>Each role reaches what its work needs and gets 403 elsewhere.</summary>
[Collection(SharedPlatform.Name)]
public sealed class RoleRuleTests(PlatformFixture fixture)
{
    [Theory]
    [InlineData("Driver", "POST", "/api/v1/orders", HttpStatusCode.Forbidden)]
    [InlineData("Driver", "POST", "/api/v1/customers", HttpStatusCode.Forbidden)]
    [InlineData("Driver", "POST", "/api/v1/drivers", HttpStatusCode.Forbidden)]
    [InlineData("Driver", "GET", "/api/v1/drivers", HttpStatusCode.Forbidden)]
    [InlineData("Driver", "GET", "/api/v1/orders", HttpStatusCode.OK)]
    [InlineData("Driver", "GET", "/api/v1/deliveries", HttpStatusCode.OK)]
    [InlineData("Dispatcher", "POST", "/api/v1/drivers", HttpStatusCode.Forbidden)]
    [InlineData("Dispatcher", "GET", "/api/v1/drivers", HttpStatusCode.OK)]
    [InlineData("Dispatcher", "GET", "/api/v1/predictions/due", HttpStatusCode.OK)]
    [InlineData("Manager", "GET", "/api/v1/customers", HttpStatusCode.OK)]
    public async Task Role_ReachesOnlyItsWork(string role, string method, string path, HttpStatusCode expected)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await SignInAsNewUserAsync(role, cancellationToken);

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { });
        }

        using var response = await client.SendAsync(request, cancellationToken);

        // A permitted POST with an empty body fails validation (400), which still proves access.
        var status = expected == HttpStatusCode.OK && response.StatusCode == HttpStatusCode.BadRequest
            ? HttpStatusCode.OK
            : response.StatusCode;
        Assert.Equal(expected, status);
    }

    private async Task<HttpClient> SignInAsNewUserAsync(string role, CancellationToken cancellationToken)
    {
        using var admin = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var userName = $"{role.ToLowerInvariant()}.{Guid.NewGuid():N}"[..30];
        var password = $"Pw-{Guid.NewGuid():N}";
        using var created = await admin.PostAsJsonAsync("/api/v1/auth/users",
            new { userName, displayName = $"Test {role}", password, role }, cancellationToken);
        created.EnsureSuccessStatusCode();

        var client = fixture.Platform.App.CreateHttpClient("api-1", "http");
        using var token = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password }, cancellationToken);
        token.EnsureSuccessStatusCode();
        var body = await token.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        return client;
    }
}
