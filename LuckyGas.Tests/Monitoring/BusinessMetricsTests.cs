using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Monitoring;

[Collection(MonitoringPlatform.Name)]
public sealed class BusinessMetricsTests(MonitoringPlatformFixture fixture)
{
    [Fact]
    public async Task BusinessFigures_MatchCreatedOrders()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);
        var driverId = await CreateDriverAsync(client, cancellationToken);
        var before = await GetFiguresAsync(client, "today", null, cancellationToken);

        // Three orders: two delivered (one rated 4), one left pending.
        var totals = new List<int>();
        var orders = new List<long>();
        for (var index = 0; index < 3; index++)
        {
            var (id, total) = await CreateOrderAsync(client, customerId, cancellationToken);
            orders.Add(id);
            totals.Add(total);
        }

        string? token = null;
        var deliveries = new List<long>();
        foreach (var orderId in orders.Take(2))
        {
            using var assigned = await client.PostAsJsonAsync("/api/v1/deliveries", new { orderId, driverId }, cancellationToken);
            Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);
            var deliveryId = (await assigned.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetInt64();
            deliveries.Add(deliveryId);
            using var departed = await client.PostAsync($"/api/v1/deliveries/{deliveryId}/depart", null, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, departed.StatusCode);
            using var completed = await client.PostAsync($"/api/v1/deliveries/{deliveryId}/complete", null, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        }

        using (var rated = await client.PostAsJsonAsync($"/api/v1/deliveries/{deliveries[0]}/rating", new { rating = 4 }, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
            token = rated.Headers.GetValues("X-Consistency-Token").Single();
        }

        var after = await GetFiguresAsync(client, "today", token, cancellationToken);

        Assert.Equal("today", after.GetProperty("period").GetString());
        Assert.Equal(3, Delta(before, after, "ordersCreated"));
        Assert.Equal(1, DeltaByStatus(before, after, "Pending"));
        Assert.Equal(2, DeltaByStatus(before, after, "Delivered"));
        Assert.Equal(2, Delta(before, after, "ordersDelivered"));
        Assert.Equal(2, Delta(before, after, "deliveriesCompleted"));
        Assert.Equal(totals[0] + totals[1], Delta(before, after, "revenueNtd"));
        Assert.Equal(1, Delta(before, after, "ratingsCount"));
        Assert.NotEqual(JsonValueKind.Null, after.GetProperty("averageRating").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, after.GetProperty("averageDeliveryMinutes").ValueKind);
    }

    [Fact]
    public async Task BusinessFigures_WeekAndMonth_CoverToday()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        var today = await GetFiguresAsync(client, "today", null, cancellationToken);
        var week = await GetFiguresAsync(client, "week", null, cancellationToken);
        var month = await GetFiguresAsync(client, "month", null, cancellationToken);

        Assert.True(week.GetProperty("from").GetDateTimeOffset() <= today.GetProperty("from").GetDateTimeOffset());
        Assert.True(month.GetProperty("from").GetDateTimeOffset() <= today.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(TimeSpan.FromHours(8), today.GetProperty("from").GetDateTimeOffset().Offset);
        Assert.True(week.GetProperty("ordersCreated").GetInt64() >= today.GetProperty("ordersCreated").GetInt64());
    }

    [Fact]
    public async Task BusinessFigures_UnknownPeriod_Returns400NamingPeriod()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.GetAsync("/api/v1/metrics/business?period=year", cancellationToken);

        await ApiClients.AssertInvalidFieldAsync(response, "period", cancellationToken);
    }

    [Fact]
    public async Task BusinessFigures_WithoutToken_Returns401()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = Aspire.Hosting.Testing.DistributedApplicationHostingTestingExtensions.CreateHttpClient(
            fixture.Platform.App, "api-1", "http");

        using var response = await client.GetAsync("/api/v1/metrics/business", cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<JsonElement> GetFiguresAsync(
        HttpClient client, string period, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/metrics/business?period={period}");
        if (token is not null)
        {
            request.Headers.Add("X-Consistency-Token", token);
        }

        using var response = await client.SendAsync(request, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    private static long Delta(JsonElement before, JsonElement after, string property) =>
        after.GetProperty(property).GetInt64() - before.GetProperty(property).GetInt64();

    private static long DeltaByStatus(JsonElement before, JsonElement after, string status) =>
        after.GetProperty("ordersByStatus").GetProperty(status).GetInt64() -
        before.GetProperty("ordersByStatus").GetProperty(status).GetInt64();

    private static async Task<long> CreateDriverAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/drivers", new { name = "林志豪", phone = "0912-345-678" }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetInt64();
    }

    private static async Task<(long Id, int TotalNtd)> CreateOrderAsync(HttpClient client, long customerId, CancellationToken cancellationToken)
    {
        var body = new
        {
            customerId,
            lines = new[] { new { sizeKg = 20, quantity = 1 } },
            windowStart = DateTimeOffset.UtcNow.AddHours(1),
            windowEnd = DateTimeOffset.UtcNow.AddHours(5),
        };
        using var response = await client.PostAsJsonAsync("/api/v1/orders", body, cancellationToken);
        response.EnsureSuccessStatusCode();
        var order = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (order.GetProperty("id").GetInt64(), order.GetProperty("totalNtd").GetInt32());
    }
}
