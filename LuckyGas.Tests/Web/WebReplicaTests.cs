using System.Diagnostics;
using System.Globalization;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LuckyGas.Tests.Web;

/// <summary>The two web instances share data protection keys, so a session survives either one.</summary>
[Collection(SharedPlatform.Name)]
public sealed class WebReplicaTests(PlatformFixture fixture, StaffBrowser browser) : IClassFixture<StaffBrowser>
{
    [Fact]
    public async Task Cookie_IssuedByWeb1_AcceptedByWeb2()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var web1 = StaffSession.AddressOf(fixture.Platform, "web-1");
        var web2 = StaffSession.AddressOf(fixture.Platform, "web-2");
        var page = await browser.NewPageAsync();
        await StaffSession.SignInAsAdminAsync(page, fixture.Platform, web1);
        Assert.Equal("web-1", await StaffSession.ByTestId(page, "served-by").InnerTextAsync());

        // The same cookie, sent by a plain HTTP client to web-2: no redirect to the sign-in page.
        var cookies = await page.Context.CookiesAsync();
        var header = string.Join("; ", cookies.Select(cookie => $"{cookie.Name}={cookie.Value}"));
        Assert.Contains(".LuckyGas.Staff", header, StringComparison.Ordinal);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, web2 + "/orders");
        request.Headers.Add("Cookie", header);
        using var response = await client.SendAsync(request, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("web-2", Assert.Single(response.Headers.GetValues("X-Served-By")));

        using var anonymous = await client.GetAsync(web2 + "/orders", cancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);

        // And in the browser, which sends the cookie to web-2 because cookies ignore the port.
        var served = await page.GotoAsync(web2 + "/orders");
        Assert.Equal("web-2", await served!.HeaderValueAsync("X-Served-By"));
        await StaffSession.WaitForCircuitAsync(page);
        Assert.Equal("web-2", await StaffSession.ByTestId(page, "served-by").InnerTextAsync());
        Assert.Contains("admin", await StaffSession.ByTestId(page, "signed-in-user").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Circuit_InstanceKilled_ReconnectsToOtherSignedIn()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(3));
        var platform = fixture.Platform;
        await using var proxy = new FailoverProxy([platform.PortOf("web-1"), platform.PortOf("web-2")]);
        var page = await browser.NewPageAsync();
        await StaffSession.SignInAsAdminAsync(page, platform, proxy.Address);
        await page.GotoAsync(proxy.Address + "/orders");
        await StaffSession.WaitForCircuitAsync(page);
        Assert.Equal("web-1", await StaffSession.ByTestId(page, "served-by").InnerTextAsync());

        try
        {
            KillInstance(platform, "web-1");

            // The circuit's connection drops, and the reconnect attempt reaches web-2, which has no
            // such circuit. The page then reloads from web-2, and the cookie keeps the user signed in.
            await page.Locator("[data-testid='served-by']:text-is('web-2')").WaitForAsync(new() { Timeout = 90_000 });
            await StaffSession.WaitForCircuitAsync(page);
            Assert.EndsWith("/orders", page.Url, StringComparison.Ordinal);
            Assert.Contains("admin", await StaffSession.ByTestId(page, "signed-in-user").InnerTextAsync(), StringComparison.Ordinal);
            await StaffSession.ByTestId(page, "order-table").WaitForAsync();
            await StaffBrowser.SaveScreenshotAsync(page, "orders-after-failover");
        }
        finally
        {
            await RestartInstanceAsync(platform, "web-1", cancellationToken);
        }
    }

    [Fact]
    public async Task Page_ApiStopped_SaysSoAndRecovers()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        var platform = fixture.Platform;
        var web1 = StaffSession.AddressOf(platform, "web-1");
        var page = await browser.NewPageAsync();
        await StaffSession.SignInAsAdminAsync(page, platform, web1);
        var commands = platform.App.Services.GetRequiredService<ResourceCommandService>();
        string[] apiInstances = ["api-1", "api-2"];

        try
        {
            foreach (var api in apiInstances)
            {
                var stopped = await commands.ExecuteCommandAsync(api, KnownResourceCommands.StopCommand, cancellationToken);
                Assert.True(stopped.Success, stopped.Message);
            }

            await page.GotoAsync(web1 + "/orders");
            var failure = page.Locator("[data-testid='api-failure'][data-failure='Unavailable']");
            await failure.WaitForAsync(new() { Timeout = 90_000 });
            var text = await page.Locator("body").InnerTextAsync();
            Assert.Contains("目前無法連線到系統服務", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
            await StaffBrowser.SaveScreenshotAsync(page, "orders-api-unavailable");
        }
        finally
        {
            foreach (var api in apiInstances)
            {
                await RestartInstanceAsync(platform, api, cancellationToken);
            }
        }

        // The page retries by itself and shows the orders once the API responds again.
        await StaffSession.ByTestId(page, "order-table").WaitForAsync(new() { Timeout = 90_000 });
        Assert.Equal(0, await page.Locator("[data-testid='api-failure']").CountAsync());
    }

    private static void KillInstance(PlatformInstance platform, string name)
    {
        var notifications = platform.App.Services.GetRequiredService<ResourceNotificationService>();
        Assert.True(notifications.TryGetCurrentState(name, out var state), $"No state for {name}.");
        var pid = state.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value;
        Assert.NotNull(pid);
        using var process = Process.GetProcessById(Convert.ToInt32(pid, CultureInfo.InvariantCulture));
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    private static async Task RestartInstanceAsync(PlatformInstance platform, string name, CancellationToken cancellationToken)
    {
        var notifications = platform.App.Services.GetRequiredService<ResourceNotificationService>();
        await notifications.WaitForResourceAsync(name,
            resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text), cancellationToken);
        var commands = platform.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(name, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(result.Success, result.Message);
        await notifications.WaitForResourceAsync(name,
            resourceEvent => resourceEvent.Snapshot.State?.Text == KnownResourceStates.Running &&
                resourceEvent.Snapshot.HealthStatus == HealthStatus.Healthy,
            cancellationToken);
    }
}
