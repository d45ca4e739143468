using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LuckyGas.Tests.Web;

/// <summary>Steps that browser tests share: addresses, signing in, waiting for the circuit.</summary>
public static partial class StaffSession
{
    /// <summary>Returns the base address of a web instance, without a trailing slash.</summary>
    public static string AddressOf(PlatformInstance platform, string instance) =>
        platform.App.GetEndpoint(instance, "http").ToString().TrimEnd('/');

    /// <summary>Signs in as the bootstrapped admin through the sign-in form and waits for the dashboard.</summary>
    public static async Task SignInAsAdminAsync(IPage page, PlatformInstance platform, string baseAddress)
    {
        await page.GotoAsync(baseAddress + "/signin");
        await page.FillAsync("#userName", "admin");
        await page.FillAsync("#password", platform.Secrets.AdminPassword);
        await page.ClickAsync("#signin");
        await page.WaitForURLAsync(DashboardAddress());
        await WaitForCircuitAsync(page);
    }

    /// <summary>
    /// Waits until the page runs over a live circuit: before that, buttons render but do nothing.
    /// </summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("footer[data-interactive='true']").WaitForAsync();

    /// <summary>Returns a locator of the input inside a MudBlazor field marked with <c>data-testid</c>.</summary>
    public static ILocator Field(IPage page, string testId) =>
        page.Locator($"[data-testid='{testId}'] input, input[data-testid='{testId}']").First;

    /// <summary>Returns a locator of an element marked with <c>data-testid</c>.</summary>
    public static ILocator ByTestId(IPage page, string testId) => page.Locator($"[data-testid='{testId}']");

    [GeneratedRegex(@"^http://[^/]+/$")]
    private static partial Regex DashboardAddress();
}
