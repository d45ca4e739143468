using System.Net;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

[Collection(SharedPlatform.Name)]
public sealed class OpenApiTests(PlatformFixture fixture)
{
    [Fact]
    public async Task Document_ListsEveryFeature()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = fixture.Platform.App.CreateHttpClient("api-1", "http");

        using var response = await client.GetAsync("/openapi/v1.json", cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        foreach (var expected in new[]
        {
            "/api/v1/customers", "/api/v1/orders", "/api/v1/orders/{id}/status", "/api/v1/drivers",
            "/api/v1/deliveries", "/api/v1/predictions/due", "/api/v1/auth/token",
        })
        {
            Assert.Contains(expected, paths);
        }
    }

    [Fact]
    public async Task Reference_IsBrowsableInRunMode()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = fixture.Platform.App.CreateHttpClient("api-1", "http");

        using var response = await client.GetAsync("/scalar/", cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
