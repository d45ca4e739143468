namespace LuckyGas.Tests.Web;

/// <summary>The browser itself, without a platform: Debian's Chromium starts offline.</summary>
public sealed class StaffBrowserTests(StaffBrowser browser) : IClassFixture<StaffBrowser>
{
    [Fact]
    public async Task Chromium_RendersPageWithoutDownload()
    {
        var page = await browser.NewPageAsync();

        await page.SetContentAsync("<html><head><title>幸運瓦斯</title></head><body><p id='x'>NT$1,240</p></body></html>");

        Assert.Equal("幸運瓦斯", await page.TitleAsync());
        Assert.Equal("NT$1,240", await page.Locator("#x").InnerTextAsync());
        Assert.False(string.IsNullOrEmpty(browser.Browser.Version));
    }
}
