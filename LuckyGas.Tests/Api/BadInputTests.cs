using System.Net;
using System.Text;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

/// <summary>Requests the framework cannot bind get a 400 problem, never a 500.</summary>
[Collection(SharedPlatform.Name)]
public sealed class BadInputTests(PlatformFixture fixture)
{
    [Theory]
    [InlineData("/api/v1/customers", "{\"name\":")]
    [InlineData("/api/v1/customers", "{\"name\":123}")]
    [InlineData("/api/v1/customers", "{\"kind\":5}")]
    [InlineData("/api/v1/customers", "{\"name\":\"A\\u0000B\"}")]
    [InlineData("/api/v1/orders", "{\"customerId\":\"abc\"}")]
    [InlineData("/api/v1/orders", "{\"customerId\":99999999999999999999}")]
    [InlineData("/api/v1/orders", "{\"customerId\":1,\"lines\":[null]}")]
    [InlineData("/api/v1/orders", "[]")]
    [InlineData("/api/v1/orders/1/status", "{\"status\":1}")]
    [InlineData("/api/v1/orders/1/status", "{\"status\":\"NotAStatus\"}")]
    public async Task Post_UnreadableBody_Returns400Problem(string path, string body)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content, cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ApiClients.ReadProblemAsync(response, cancellationToken);
    }

    [Theory]
    [InlineData("/api/v1/orders?page=2147483647")]
    [InlineData("/api/v1/orders?page=abc")]
    [InlineData("/api/v1/orders?status=NotAStatus")]
    [InlineData("/api/v1/orders?from=notadate")]
    [InlineData("/api/v1/customers?search=a%00b")]
    [InlineData("/api/v1/deliveries?pageSize=1000")]
    [InlineData("/api/v1/customers?page=2147483647")]
    [InlineData("/api/v1/deliveries?page=2147483647")]
    public async Task Get_InvalidQuery_Returns400Problem(string path)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.GetAsync(path, cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ApiClients.ReadProblemAsync(response, cancellationToken);
    }

    [Fact]
    public async Task Get_DateFilterWithOffset_Returns200()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.GetAsync(
            "/api/v1/orders?from=2026-01-01T00:00:00%2B08:00&to=2027-01-01T00:00:00%2B08:00", cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
