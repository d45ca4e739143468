using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Security;

/// <summary>
/// Classic SQL injection inputs in every query and body field of the customer and order endpoints
/// get 400 or ordinary results: never a 500, a database error or rows the filter does not match.
/// </summary>
[Collection(SharedPlatform.Name)]
public sealed class SqlInjectionTests(PlatformFixture fixture)
{
    private static readonly string[] Payloads =
    [
        "' OR '1'='1",
        "' OR 1=1 --",
        "1; DROP TABLE customers; --",
        "' UNION SELECT password_hash, user_name FROM staff_users --",
        "1' AND (SELECT pg_sleep(3)) IS NULL --",
        "admin'--",
        "\" OR \"\"=\"",
        "%' OR 1=1 --",
        "1)) OR ((1=1",
    ];

    private static readonly string[] CustomerQueryFields = ["search", "city", "district", "kind", "page", "pageSize"];

    private static readonly string[] OrderQueryFields = ["status", "customerId", "district", "from", "to", "page", "pageSize"];

    [Fact]
    public async Task CustomerQueryFields_ReturnOrdinaryResultsOr400()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        foreach (var field in CustomerQueryFields)
        {
            foreach (var payload in Payloads)
            {
                using var response = await client.GetAsync(
                    $"/api/v1/customers?{field}={Uri.EscapeDataString(payload)}", cancellationToken);
                var body = await AssertHarmlessAsync(response, field, payload, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    AssertItemsMatch(body, field, payload);
                }
            }
        }
    }

    [Fact]
    public async Task OrderQueryFields_ReturnOrdinaryResultsOr400()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-2", cancellationToken);

        foreach (var field in OrderQueryFields)
        {
            foreach (var payload in Payloads)
            {
                using var response = await client.GetAsync(
                    $"/api/v1/orders?{field}={Uri.EscapeDataString(payload)}", cancellationToken);
                var body = await AssertHarmlessAsync(response, field, payload, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    // Only district is free text; an injected district matches no real district.
                    Assert.Equal(0, body.GetProperty("total").GetInt32());
                }
            }
        }
    }

    [Fact]
    public async Task CustomerBodyFields_AreStoredAsTextOrRejected()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var countBefore = await CountCustomersAsync(client, cancellationToken);
        var created = 0;

        foreach (var field in (string[])["kind", "name", "phone", "city", "district", "street", "cylinderSizes"])
        {
            foreach (var payload in Payloads)
            {
                var customer = ApiClients.ValidCustomer();
                customer[field] = payload;
                using var response = await client.PostAsJsonAsync("/api/v1/customers", customer, cancellationToken);
                var body = await AssertHarmlessAsync(response, field, payload, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    created++;
                    Assert.Equal(payload, body.GetProperty(field).GetString());
                }
            }
        }

        // Reads go to a standby, which may not have replayed the last inserts yet.
        var countAfter = await Eventually.WaitAsync(
            token => CountCustomersAsync(client, token), count => count == countBefore + created,
            TimeSpan.FromSeconds(10), cancellationToken);
        Assert.Equal(countBefore + created, countAfter);
    }

    [Fact]
    public async Task OrderBodyFields_AreRejected()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-2", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);

        foreach (var payload in Payloads)
        {
            var bodies = new (string Field, object Body)[]
            {
                ("customerId", new { customerId = payload, lines = new[] { new { sizeKg = 20, quantity = 1 } } }),
                ("lines.sizeKg", new { customerId, lines = new[] { new { sizeKg = payload, quantity = (object)1 } } }),
                ("lines.quantity", new { customerId, lines = new[] { new { sizeKg = (object)20, quantity = payload } } }),
                ("windowStart", new { customerId, lines = new[] { new { sizeKg = 20, quantity = 1 } }, windowStart = payload }),
                ("windowEnd", new { customerId, lines = new[] { new { sizeKg = 20, quantity = 1 } }, windowEnd = payload }),
            };
            foreach (var (field, body) in bodies)
            {
                using var response = await client.PostAsJsonAsync("/api/v1/orders", body, cancellationToken);
                await AssertHarmlessAsync(response, field, payload, cancellationToken);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            }

            using var status = await client.PostAsJsonAsync("/api/v1/orders/1/status", new { status = payload }, cancellationToken);
            await AssertHarmlessAsync(status, "status", payload, cancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, status.StatusCode);
        }
    }

    private static async Task<JsonElement> AssertHarmlessAsync(
        HttpResponseMessage response, string field, string payload, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        Assert.True(status is 200 or 201 or 400,
            $"'{payload}' in {field} returned {status}: {text}");
        // Validation messages and created rows repeat the payload, so the checks look for what only a
        // leak would contain: database error text and ASP.NET Core Identity password hashes (AQAAAA...).
        foreach (var leak in (string[])["Npgsql", "PostgresException", "syntax error", "SQLSTATE", "AQAAAA", "   at "])
        {
            Assert.DoesNotContain(leak, text, StringComparison.OrdinalIgnoreCase);
        }

        return string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    // The search matches names containing the text, and phones containing its digits when it has
    // at least three.
    private static void AssertItemsMatch(JsonElement body, string field, string payload)
    {
        var digits = new string([.. payload.Where(char.IsAsciiDigit)]);
        foreach (var item in body.GetProperty("items").EnumerateArray())
        {
            var matches = field switch
            {
                "search" => item.GetProperty("name").GetString()!.Contains(payload.Trim(), StringComparison.OrdinalIgnoreCase)
                    || (digits.Length >= 3
                        && item.GetProperty("phone").GetString()!.Replace("-", "", StringComparison.Ordinal).Contains(digits, StringComparison.Ordinal)),
                "city" => item.GetProperty("city").GetString() == payload,
                "district" => item.GetProperty("district").GetString() == payload,
                _ => false,
            };
            Assert.True(matches, $"'{payload}' in {field} returned a customer it does not match: {item}");
        }
    }

    private static async Task<int> CountCustomersAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync("/api/v1/customers?pageSize=1", cancellationToken));
        return document.RootElement.GetProperty("total").GetInt32();
    }
}
