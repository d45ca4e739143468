using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

/// <summary>Concurrent moves of one order never lose an acknowledged move.</summary>
[Collection(SharedPlatform.Name)]
public sealed class OrderRaceTests(PlatformFixture fixture)
{
    [Fact]
    public async Task CancelRacingAssign_IsNeverLost()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var first = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        using var second = await ApiClients.AdminAsync(fixture.Platform, "api-2", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(first, cancellationToken);
        using var driver = await first.PostAsJsonAsync("/api/v1/drivers", new { name = "黃建國", phone = "0933-111-222" }, cancellationToken);
        var driverId = (await driver.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken)).GetProperty("id").GetInt64();

        for (var round = 0; round < 10; round++)
        {
            var body = new
            {
                customerId,
                lines = new[] { new { sizeKg = 20, quantity = 1 } },
                windowStart = DateTimeOffset.UtcNow.AddHours(1),
                windowEnd = DateTimeOffset.UtcNow.AddHours(4),
            };
            using var created = await first.PostAsJsonAsync("/api/v1/orders", body, cancellationToken);
            var orderId = (await created.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken)).GetProperty("id").GetInt64();

            var cancel = second.PostAsync($"/api/v1/orders/{orderId}/cancel", null, cancellationToken);
            var assign = first.PostAsJsonAsync("/api/v1/deliveries", new { orderId, driverId }, cancellationToken);
            using var cancelled = await cancel;
            using var assigned = await assign;

            using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/orders/{orderId}");
            read.Headers.Add("X-Consistency-Token", (cancelled.Headers.TryGetValues("X-Consistency-Token", out var tokens)
                ? tokens : assigned.Headers.GetValues("X-Consistency-Token")).Single());
            using var final = await first.SendAsync(read, cancellationToken);
            var status = (await final.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken)).GetProperty("status").GetString();

            // A cancel is allowed before and after scheduling, so it always succeeds and is final.
            // The assignment succeeds only when it ran first; run second, it finds a cancelled order.
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
            Assert.True(assigned.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"assign: {assigned.StatusCode}");
            Assert.Equal("Cancelled", status);
        }
    }
}
