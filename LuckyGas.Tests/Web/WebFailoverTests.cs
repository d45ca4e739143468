using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LuckyGas.AppHost.Hosting;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LuckyGas.Tests.Web;

/// <summary>
/// Instances that die under a signed-in page. The class starts its own platform, because it
/// kills instances that the shared platform's other tests use.
/// </summary>
public sealed class WebFailoverTests(PlatformFixture fixture, StaffBrowser browser)
    : IClassFixture<PlatformFixture>, IClassFixture<StaffBrowser>
{
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
            await KillInstanceAsync(platform, "web-1");

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
    public async Task Page_ApiKilled_SaysSoAndRecovers()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        var platform = fixture.Platform;
        var web2 = StaffSession.AddressOf(platform, "web-2");
        var page = await browser.NewPageAsync();
        await StaffSession.SignInAsAdminAsync(page, platform, web2);
        string[] apiInstances = ["api-1", "api-2"];

        try
        {
            // The AppHost restarts a crashed instance within a second, which would hide the outage
            // this test needs, so the test first marks these stops as intended.
            var supervisor = platform.App.Services.GetRequiredService<ResourceSupervisor>();
            foreach (var api in apiInstances)
            {
                supervisor.ExpectStop(api);
                await KillInstanceAsync(platform, api);
            }

            await page.GotoAsync(web2 + "/orders");
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

    private static async Task KillInstanceAsync(PlatformInstance platform, string name)
    {
        var notifications = platform.App.Services.GetRequiredService<ResourceNotificationService>();
        Assert.True(notifications.TryGetCurrentState(name, out var state), $"No state for {name}.");
        var pid = state.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value;
        Assert.NotNull(pid);
        using var process = Process.GetProcessById(Convert.ToInt32(pid, CultureInfo.InvariantCulture));
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>
    /// Starts a killed instance again and waits until it is healthy. Right after the kill the
    /// orchestrator may still report the old process, so the start is retried until accepted.
    /// </summary>
    private static async Task RestartInstanceAsync(PlatformInstance platform, string name, CancellationToken cancellationToken)
    {
        var notifications = platform.App.Services.GetRequiredService<ResourceNotificationService>();
        var commands = platform.App.Services.GetRequiredService<ResourceCommandService>();
        while (true)
        {
            var result = await commands.ExecuteCommandAsync(name, KnownResourceCommands.StartCommand, cancellationToken);
            if (result.Success)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        await notifications.WaitForResourceAsync(name,
            resourceEvent => resourceEvent.Snapshot.State?.Text == KnownResourceStates.Running &&
                resourceEvent.Snapshot.HealthStatus == HealthStatus.Healthy,
            cancellationToken);
    }
}
