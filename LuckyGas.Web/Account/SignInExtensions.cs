using System.Globalization;
using System.Security.Claims;
using LuckyGas.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace LuckyGas.Web.Account;

/// <summary>Cookie sign-in of staff, backed by the API's token endpoint.</summary>
public static class SignInExtensions
{
    /// <summary>The sign-in cookie's name.</summary>
    public const string CookieName = ".LuckyGas.Staff";

    /// <summary>The sign-in page.</summary>
    public const string SignInPath = "/signin";

    /// <summary>The sign-out page, whose form posts with an antiforgery token.</summary>
    public const string SignOutPath = "/signout";

    /// <summary>
    /// Adds cookie authentication: HttpOnly, <c>SameSite=Strict</c>, <c>Secure</c> whenever the
    /// request came over HTTPS, and valid until the API token inside it expires.
    /// </summary>
    public static WebApplicationBuilder AddStaffSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = SignInPath;
                options.AccessDeniedPath = "/access-denied";
                options.SlidingExpiration = false;
                options.Events.OnValidatePrincipal = RejectExpiredTokenAsync;
            });

        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = ".LuckyGas.Antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        return builder;
    }

    /// <summary>Builds the principal kept in the cookie from the API's token response.</summary>
    public static ClaimsPrincipal CreatePrincipal(TokenDto token)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, token.UserName),
                new Claim(ClaimTypes.Role, token.Role),
                new Claim(StaffClaims.AccessToken, token.AccessToken),
                new Claim(StaffClaims.ExpiresAt,
                    token.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Signs in with the token, for as long as the token is valid.</summary>
    public static Task SignInStaffAsync(this HttpContext context, TokenDto token) =>
        context.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            CreatePrincipal(token),
            new AuthenticationProperties { IsPersistent = false, ExpiresUtc = token.ExpiresAt });

    private static async Task RejectExpiredTokenAsync(CookieValidatePrincipalContext context)
    {
        var expiresAt = context.Principal?.FindFirstValue(StaffClaims.ExpiresAt);
        if (!long.TryParse(expiresAt, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
            DateTimeOffset.FromUnixTimeSeconds(seconds) <= TimeProvider.System.GetUtcNow())
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
