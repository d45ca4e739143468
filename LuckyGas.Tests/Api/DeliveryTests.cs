using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

[Collection(SharedPlatform.Name)]
public sealed class DeliveryTests(PlatformFixture fixture)
{
    [Theory]
    [InlineData("{}", "orderId")]
    [InlineData("{}", "driverId")]
    [InlineData("{\"orderId\":1}", "driverId")]
    public async Task Assign_MissingId_Returns400NamingField(string body, string field)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.PostAsync("/api/v1/deliveries",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), cancellationToken);

        await ApiClients.AssertInvalidFieldAsync(response, field, cancellationToken);
    }

    [Fact]
    public async Task DriverList_PagesThroughEveryDriver()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        await CreateDriverAsync(client, cancellationToken);
        await CreateDriverAsync(client, cancellationToken);

        var all = await client.GetFromJsonAsync<JsonElement>("/api/v1/drivers", ApiClients.Json, cancellationToken);
        var total = all.GetProperty("total").GetInt32();
        var ids = new HashSet<long>();
        for (var page = 1; page <= total; page++)
        {
            var single = await client.GetFromJsonAsync<JsonElement>($"/api/v1/drivers?page={page}&pageSize=1", ApiClients.Json, cancellationToken);
            Assert.Equal(total, single.GetProperty("total").GetInt32());
            ids.Add(Assert.Single(single.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64());
        }

        Assert.True(total >= 2, $"total is {total}");
        Assert.Equal(total, ids.Count);
    }

    [Fact]
    public async Task AssignDepartCompleteRate_MovesOrderToDelivered()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);
        var driverId = await CreateDriverAsync(client, cancellationToken);
        var orderId = await CreateOrderAsync(client, customerId, cancellationToken);

        using var assigned = await client.PostAsJsonAsync("/api/v1/deliveries", new { orderId, driverId }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);
        var delivery = await assigned.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        Assert.Equal("Scheduled", delivery.GetProperty("orderStatus").GetString());
        var deliveryId = delivery.GetProperty("id").GetInt64();

        using var early = await client.PostAsJsonAsync($"/api/v1/deliveries/{deliveryId}/rating", new { rating = 5 }, cancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        using var departed = await client.PostAsync($"/api/v1/deliveries/{deliveryId}/depart", null, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, departed.StatusCode);

        using var completed = await client.PostAsync($"/api/v1/deliveries/{deliveryId}/complete", null, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var done = await completed.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        Assert.Equal("Delivered", done.GetProperty("orderStatus").GetString());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("deliveredAt").ValueKind);

        using var invalid = await client.PostAsJsonAsync($"/api/v1/deliveries/{deliveryId}/rating", new { rating = 6 }, cancellationToken);
        await ApiClients.AssertInvalidFieldAsync(invalid, "rating", cancellationToken);

        using var rated = await client.PostAsJsonAsync(
            $"/api/v1/deliveries/{deliveryId}/rating", new { rating = 5, comment = "司機很準時" }, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
        var rating = await rated.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        Assert.Equal(5, rating.GetProperty("rating").GetInt32());
    }

    [Fact]
    public async Task Assign_OrderAlreadyScheduled_Returns409()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);
        var driverId = await CreateDriverAsync(client, cancellationToken);
        var orderId = await CreateOrderAsync(client, customerId, cancellationToken);

        using var first = await client.PostAsJsonAsync("/api/v1/deliveries", new { orderId, driverId }, cancellationToken);
        using var second = await client.PostAsJsonAsync("/api/v1/deliveries", new { orderId, driverId }, cancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Prediction_NewCustomer_SaysHistoryTooShort()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);

        using var response = await client.GetAsync($"/api/v1/predictions/customers/{customerId}", cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var prediction = await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        Assert.False(prediction.GetProperty("hasPrediction").GetBoolean());
        Assert.Contains("3 different days", prediction.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Driver_InvalidPhone_Returns400()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.PostAsJsonAsync("/api/v1/drivers", new { name = "王大明", phone = "02-2345-6789" }, cancellationToken);

        await ApiClients.AssertInvalidFieldAsync(response, "phone", cancellationToken);
    }

    private static async Task<long> CreateDriverAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/drivers", new { name = "陳志明", phone = "0912-345-678" }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken)).GetProperty("id").GetInt64();
    }

    private static async Task<long> CreateOrderAsync(HttpClient client, long customerId, CancellationToken cancellationToken)
    {
        var body = new
        {
            customerId,
            lines = new[] { new { sizeKg = 20, quantity = 1 }, new { sizeKg = 4, quantity = 2 } },
            windowStart = DateTimeOffset.UtcNow.AddHours(1),
            windowEnd = DateTimeOffset.UtcNow.AddHours(5),
        };
        using var response = await client.PostAsJsonAsync("/api/v1/orders", body, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken)).GetProperty("id").GetInt64();
    }
}
