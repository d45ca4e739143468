using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

[Collection(SharedPlatform.Name)]
public sealed class OrderTests(PlatformFixture fixture)
{
    private static object OrderBody(long customerId, int quantity = 2) => new
    {
        customerId,
        lines = new[] { new { sizeKg = 20, quantity } },
        windowStart = DateTimeOffset.UtcNow.AddHours(2),
        windowEnd = DateTimeOffset.UtcNow.AddHours(6),
    };

    [Fact]
    public async Task Create_SameKeyTwice_MakesOneOrder()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);
        var body = OrderBody(customerId);
        var key = Guid.NewGuid().ToString();

        var first = await PostOrderAsync(client, body, key, cancellationToken);
        var second = await PostOrderAsync(client, body, key, cancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, await CountOrdersAsync(client, customerId, first.Token, cancellationToken));
    }

    [Fact]
    public async Task Create_SameKeyOnBothInstancesAtOnce_MakesOneOrder()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var first = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        using var second = await ApiClients.AdminAsync(fixture.Platform, "api-2", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(first, cancellationToken);
        var body = OrderBody(customerId);
        var key = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(index =>
            PostOrderAsync(index % 2 == 0 ? first : second, body, key, cancellationToken)));

        Assert.All(results, result => Assert.Equal(HttpStatusCode.Created, result.Status));
        Assert.Single(results.Select(result => result.Id).Distinct());
        Assert.Equal(1, await CountOrdersAsync(first, customerId, results[0].Token, cancellationToken));
    }

    [Fact]
    public async Task Create_SameKeyDifferentBody_Returns422()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);
        var key = Guid.NewGuid().ToString();

        var first = await PostOrderAsync(client, OrderBody(customerId, quantity: 1), key, cancellationToken);
        var second = await PostOrderAsync(client, OrderBody(customerId, quantity: 3), key, cancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.Status);
    }

    [Fact]
    public async Task Create_TwoIdempotencyKeyHeaders_Returns400()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(OrderBody(customerId)) };
        request.Headers.Add("Idempotency-Key", ["first-key", "second-key"]);
        using var response = await client.SendAsync(request, cancellationToken);

        await ApiClients.AssertInvalidFieldAsync(response, "Idempotency-Key", cancellationToken);
    }

    [Fact]
    public async Task Create_EmptyIdempotencyKey_Returns400()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(OrderBody(customerId)) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "");
        using var response = await client.SendAsync(request, cancellationToken);

        await ApiClients.AssertInvalidFieldAsync(response, "Idempotency-Key", cancellationToken);
    }

    [Fact]
    public async Task Create_ThenGetOnOtherInstance_ReturnsOrder()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var writer = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        using var reader = await ApiClients.AdminAsync(fixture.Platform, "api-2", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(writer, cancellationToken);

        var created = await PostOrderAsync(writer, OrderBody(customerId), key: null, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/orders/{created.Id}");
        request.Headers.Add("X-Consistency-Token", created.Token);
        using var read = await reader.SendAsync(request, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var order = await read.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        Assert.Equal(created.Id, order.GetProperty("id").GetInt64());
        Assert.Equal(2 * 880, order.GetProperty("totalNtd").GetInt32());
    }

    [Theory]
    [InlineData("Delivered")]
    [InlineData("OutForDelivery")]
    [InlineData("Pending")]
    [InlineData("Scheduled")]
    public async Task ChangeStatus_InvalidFromPending_Returns409(string target)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);
        var created = await PostOrderAsync(client, OrderBody(customerId), key: null, cancellationToken);

        using var response = await client.PostAsJsonAsync(
            $"/api/v1/orders/{created.Id}/status", new { status = target }, cancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(response, cancellationToken);
        Assert.Contains("Pending", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lifecycle_ToDelivered_ThenCancelReturns409()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);
        var created = await PostOrderAsync(client, OrderBody(customerId), key: null, cancellationToken);

        using var driver = await client.PostAsJsonAsync("/api/v1/drivers", new { name = "林志強", phone = "0922-333-444" }, cancellationToken);
        var driverId = (await driver.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken)).GetProperty("id").GetInt64();
        using var assigned = await client.PostAsJsonAsync("/api/v1/deliveries", new { orderId = created.Id, driverId }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);

        foreach (var status in new[] { "OutForDelivery", "Delivered" })
        {
            using var moved = await client.PostAsJsonAsync(
                $"/api/v1/orders/{created.Id}/status", new { status }, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }

        var deliveryId = (await assigned.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken)).GetProperty("id").GetInt64();
        using var delivery = await client.GetAsync($"/api/v1/deliveries/{deliveryId}", cancellationToken);
        var completed = await delivery.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        Assert.Equal("Delivered", completed.GetProperty("orderStatus").GetString());
        Assert.NotEqual(JsonValueKind.Null, completed.GetProperty("deliveredAt").ValueKind);

        using var cancelled = await client.PostAsync($"/api/v1/orders/{created.Id}/cancel", null, cancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, cancelled.StatusCode);
    }

    [Fact]
    public async Task Create_InvalidSize_Returns400NamingLine()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);
        var body = new
        {
            customerId,
            lines = new[] { new { sizeKg = 12, quantity = 1 } },
            windowStart = DateTimeOffset.UtcNow.AddHours(2),
            windowEnd = DateTimeOffset.UtcNow.AddHours(1),
        };

        using var response = await client.PostAsJsonAsync("/api/v1/orders", body, cancellationToken);

        var errors = await ApiClients.AssertInvalidFieldAsync(response, "lines[0].sizeKg", cancellationToken);
        Assert.True(errors.TryGetProperty("windowEnd", out _), errors.ToString());
    }

    [Fact]
    public async Task Get_UnknownOrder_Returns404()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.GetAsync("/api/v1/orders/987654321", cancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, long Id, string Token)> PostOrderAsync(
        HttpClient client, object body, string? key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await client.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return (response.StatusCode, 0, "");
        }

        var order = await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        return (response.StatusCode, order.GetProperty("id").GetInt64(), response.Headers.GetValues("X-Consistency-Token").Single());
    }

    private static async Task<int> CountOrdersAsync(HttpClient client, long customerId, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/orders?customerId={customerId}");
        request.Headers.Add("X-Consistency-Token", token);
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        return page.GetProperty("total").GetInt32();
    }
}
