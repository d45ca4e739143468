using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LuckyGas.Tests.Web;

/// <summary>The staff pages in a real browser, against web-1 of the shared platform.</summary>
[Collection(SharedPlatform.Name)]
public sealed class StaffWebTests(PlatformFixture fixture, StaffBrowser browser) : IClassFixture<StaffBrowser>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    private static readonly string[] s_healthStatuses = ["Healthy", "Degraded", "Unhealthy"];

    private static readonly object[] s_oneCylinder = [new { sizeKg = 20, quantity = 1 }];

    private string Web1 => StaffSession.AddressOf(fixture.Platform, "web-1");

    [Fact]
    public async Task SignIn_DashboardFiguresMatchApi()
    {
        var cancellationToken = TestContext.Token(s_timeout);
        using var api = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(api, cancellationToken);
        await CreateOrderAsync(api, customerId, cancellationToken);
        var page = await browser.NewPageAsync();

        await StaffSession.SignInAsAdminAsync(page, fixture.Platform, Web1);
        await StaffSession.ByTestId(page, "today-Pending").WaitForAsync();

        foreach (var status in new[] { "Pending", "Scheduled", "OutForDelivery", "Delivered", "Cancelled" })
        {
            var expected = await CountTodayAsync(api, status, cancellationToken);
            var shown = await StaffSession.ByTestId(page, $"today-{status}").InnerTextAsync();
            Assert.Equal(expected, ParseNumber(shown));
        }

        var due = await api.GetFromJsonAsync<JsonElement>("/api/v1/predictions/due?days=7", cancellationToken);
        Assert.Equal(due.GetArrayLength(), ParseNumber(await StaffSession.ByTestId(page, "customers-due").InnerTextAsync()));
        var revenue = await RevenueThisMonthAsync(api, cancellationToken);
        Assert.Equal(revenue.ToString(CultureInfo.InvariantCulture),
            await StaffSession.ByTestId(page, "revenue-month").GetAttributeAsync("data-value"));
        Assert.StartsWith("NT$", await StaffSession.ByTestId(page, "revenue-month").InnerTextAsync(), StringComparison.Ordinal);
        await StaffSession.ByTestId(page, "chart-orders-per-day").Locator("svg").First.WaitForAsync();
        await StaffBrowser.SaveScreenshotAsync(page, "dashboard");

        await page.GotoAsync(Web1 + $"/customers/{customerId}");
        await StaffSession.ByTestId(page, "prediction").WaitForAsync();
        await StaffBrowser.SaveScreenshotAsync(page, "customer-detail");
        await page.GotoAsync(Web1 + "/customers");
        await StaffSession.ByTestId(page, "customer-table").WaitForAsync();
        await StaffBrowser.SaveScreenshotAsync(page, "customers");
    }

    [Fact]
    public async Task CreateOrder_InvalidQuantity_ShowsMessageThenCreates()
    {
        var cancellationToken = TestContext.Token(s_timeout);
        using var api = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(api, cancellationToken);
        var customer = await api.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{customerId}", cancellationToken);
        var page = await browser.NewPageAsync();
        await StaffSession.SignInAsAdminAsync(page, fixture.Platform, Web1);

        await page.GotoAsync(Web1 + "/orders/new");
        await StaffSession.WaitForCircuitAsync(page);
        await StaffSession.Field(page, "customer-search").FillAsync(customer.GetProperty("name").GetString()!);
        await StaffSession.ByTestId(page, "customer-search-button").ClickAsync();
        await StaffSession.ByTestId(page, $"pick-customer-{customerId}").ClickAsync();
        await StaffSession.ByTestId(page, "chosen-customer").WaitForAsync();
        await StaffSession.Field(page, "quantity-0").FillAsync("0");
        await StaffSession.ByTestId(page, "submit-order").ClickAsync();

        var message = StaffSession.ByTestId(page, "line-0").GetByText("quantity must be from 1 to 20.");
        await message.WaitForAsync();
        await StaffBrowser.SaveScreenshotAsync(page, "order-create-invalid");

        await StaffSession.Field(page, "quantity-0").FillAsync("2");
        await StaffSession.ByTestId(page, "submit-order").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("created=", StringComparison.Ordinal));
        var orderId = page.Url[(page.Url.IndexOf("created=", StringComparison.Ordinal) + "created=".Length)..];
        var row = StaffSession.ByTestId(page, $"order-row-{orderId}");
        await row.WaitForAsync();
        Assert.Equal("Pending", await row.GetAttributeAsync("data-status"));
        await StaffBrowser.SaveScreenshotAsync(page, "orders");

        var order = await api.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}", cancellationToken);
        Assert.Equal(customerId, order.GetProperty("customerId").GetInt64());
        Assert.Equal(2, order.GetProperty("lines")[0].GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task Dispatch_AssignDeliverRate_UpdatesApi()
    {
        var cancellationToken = TestContext.Token(s_timeout);
        using var api = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(api, cancellationToken);
        var driverId = await CreateDriverAsync(api, cancellationToken);
        var orderId = await CreateOrderAsync(api, customerId, cancellationToken);
        var page = await browser.NewPageAsync();
        await StaffSession.SignInAsAdminAsync(page, fixture.Platform, Web1);

        await page.GotoAsync(Web1 + "/dispatch");
        await StaffSession.WaitForCircuitAsync(page);
        await StaffSession.ByTestId(page, $"driver-for-{orderId}").SelectOptionAsync(driverId.ToString(CultureInfo.InvariantCulture));
        await StaffSession.ByTestId(page, $"assign-{orderId}").ClickAsync();
        await StaffSession.ByTestId(page, $"delivery-{orderId}").WaitForAsync();
        Assert.Equal("Scheduled", await StaffSession.ByTestId(page, $"delivery-{orderId}").GetAttributeAsync("data-status"));
        await StaffBrowser.SaveScreenshotAsync(page, "dispatch");

        await StaffSession.ByTestId(page, $"deliver-{orderId}").ClickAsync();
        await StaffSession.ByTestId(page, $"rating-{orderId}").SelectOptionAsync("4");
        await StaffSession.ByTestId(page, $"comment-{orderId}").FillAsync("準時送達");
        await StaffSession.ByTestId(page, $"save-rating-{orderId}").ClickAsync();
        await StaffSession.ByTestId(page, "rating-saved").WaitForAsync();

        var order = await api.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}", cancellationToken);
        Assert.Equal("Delivered", order.GetProperty("status").GetString());
        var deliveries = await api.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries?driverId={driverId}", cancellationToken);
        var delivery = deliveries.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("orderId").GetInt64() == orderId);
        Assert.Equal(4, delivery.GetProperty("rating").GetInt32());
        Assert.Equal("準時送達", delivery.GetProperty("ratingComment").GetString());
    }

    [Fact]
    public async Task Language_SwitchToEnglishAndBack()
    {
        var page = await browser.NewPageAsync();
        await StaffSession.SignInAsAdminAsync(page, fixture.Platform, Web1);
        var ordersLink = StaffSession.ByTestId(page, "nav-orders");
        Assert.Equal("訂單", (await ordersLink.InnerTextAsync()).Trim());
        Assert.Equal("zh-TW", await page.Locator("html").GetAttributeAsync("lang"));

        await StaffSession.ByTestId(page, "language-en").ClickAsync();
        await page.Locator("html[lang='en']").WaitForAsync();
        await StaffSession.WaitForCircuitAsync(page);
        Assert.Equal("Orders", (await ordersLink.InnerTextAsync()).Trim());
        Assert.Equal("true", await StaffSession.ByTestId(page, "language-en").GetAttributeAsync("data-current"));
        await StaffSession.ByTestId(page, "revenue-month").WaitForAsync();
        await StaffBrowser.SaveScreenshotAsync(page, "dashboard-english");

        await StaffSession.ByTestId(page, "language-zh-TW").ClickAsync();
        await page.Locator("html[lang='zh-TW']").WaitForAsync();
        await StaffSession.WaitForCircuitAsync(page);
        Assert.Equal("訂單", (await ordersLink.InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsPlainMessage()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(Web1 + "/orders");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        await StaffBrowser.SaveScreenshotAsync(page, "signin");

        await page.FillAsync("#userName", "admin");
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("#signin");

        var error = page.Locator("[data-testid='signin-error']");
        await error.WaitForAsync();
        Assert.Equal("帳號或密碼錯誤，或帳號已停用。", (await error.InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task ApiKeys_CreateShowSecretOnceRevoke()
    {
        var page = await browser.NewPageAsync();
        await StaffSession.SignInAsAdminAsync(page, fixture.Platform, Web1);
        var name = $"browser-{Guid.NewGuid():N}"[..16];

        await page.GotoAsync(Web1 + "/api-keys");
        await StaffSession.WaitForCircuitAsync(page);
        await StaffSession.Field(page, "key-name").FillAsync(name);
        await StaffSession.ByTestId(page, "create-key").ClickAsync();
        var secret = StaffSession.ByTestId(page, "secret-value");
        await secret.WaitForAsync();
        Assert.False(string.IsNullOrWhiteSpace(await secret.InnerTextAsync()));
        await StaffSession.ByTestId(page, $"key-row-{name}").WaitForAsync();
        await StaffBrowser.SaveScreenshotAsync(page, "api-keys");

        // After a reload the secret is gone for good: the list has no secrets.
        await page.ReloadAsync();
        await StaffSession.WaitForCircuitAsync(page);
        await StaffSession.ByTestId(page, $"key-row-{name}").WaitForAsync();
        Assert.Equal(0, await StaffSession.ByTestId(page, "secret-value").CountAsync());

        await StaffSession.ByTestId(page, $"revoke-{name}").ClickAsync();
        await page.Locator($"[data-testid='key-row-{name}'][data-status='revoked']").WaitForAsync();
    }

    [Fact]
    public async Task SystemPage_ShowsEveryDependency()
    {
        var cancellationToken = TestContext.Token(s_timeout);
        using var api = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        using var response = await api.GetAsync("/api/v1/health/comprehensive", cancellationToken);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
        var names = report.GetProperty("entries").EnumerateArray().Select(entry => entry.GetProperty("name").GetString()!).ToList();
        Assert.NotEmpty(names);
        var page = await browser.NewPageAsync();
        await StaffSession.SignInAsAdminAsync(page, fixture.Platform, Web1);

        await page.GotoAsync(Web1 + "/system");
        await StaffSession.ByTestId(page, "health-overall").WaitForAsync();

        foreach (var name in names)
        {
            var entry = StaffSession.ByTestId(page, $"health-entry-{name}");
            await entry.WaitForAsync();
            Assert.Contains(await entry.GetAttributeAsync("data-status"), s_healthStatuses);
        }

        await StaffBrowser.SaveScreenshotAsync(page, "system");
    }

    private static async Task<int> CountTodayAsync(HttpClient api, string status, CancellationToken cancellationToken)
    {
        var (from, to) = TaipeiDay();
        var page = await api.GetFromJsonAsync<JsonElement>(
            $"/api/v1/orders?status={status}&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}&pageSize=1",
            cancellationToken);
        return page.GetProperty("total").GetInt32();
    }

    private static async Task<long> RevenueThisMonthAsync(HttpClient api, CancellationToken cancellationToken)
    {
        var taipei = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, taipei);
        var from = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.FromHours(8));
        long revenue = 0;
        for (var pageNumber = 1; ; pageNumber++)
        {
            var page = await api.GetFromJsonAsync<JsonElement>(
                $"/api/v1/orders?status=Delivered&from={Uri.EscapeDataString(from.ToString("o", CultureInfo.InvariantCulture))}&page={pageNumber}&pageSize=100",
                cancellationToken);
            var items = page.GetProperty("items");
            revenue += items.EnumerateArray().Sum(order => (long)order.GetProperty("totalNtd").GetInt32());
            if (items.GetArrayLength() < 100)
            {
                return revenue;
            }
        }
    }

    private static (string From, string To) TaipeiDay()
    {
        var taipei = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, taipei);
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.FromHours(8));
        return (start.ToString("o", CultureInfo.InvariantCulture), start.AddDays(1).ToString("o", CultureInfo.InvariantCulture));
    }

    private static int ParseNumber(string text) =>
        int.Parse(text.Trim().Replace(",", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture);

    internal static async Task<long> CreateDriverAsync(HttpClient api, CancellationToken cancellationToken)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/drivers",
            new { name = $"司機 {Guid.NewGuid():N}"[..10], phone = "0912-345-678" }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken)).GetProperty("id").GetInt64();
    }

    internal static async Task<long> CreateOrderAsync(HttpClient api, long customerId, CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow.AddHours(2);
        using var response = await api.PostAsJsonAsync("/api/v1/orders", new
        {
            customerId,
            lines = s_oneCylinder,
            windowStart = start,
            windowEnd = start.AddHours(3),
        }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken)).GetProperty("id").GetInt64();
    }
}
