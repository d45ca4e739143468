using System.Net;
using LuckyGas.Tests.Infrastructure;

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
}
