using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace LuckyGas.Web.Localization;

/// <summary>The staff's languages: Traditional Chinese by default, English on request.</summary>
public static class LocalizationExtensions
{
    /// <summary>The default culture.</summary>
    public const string DefaultCulture = "zh-TW";

    /// <summary>The endpoint that stores the chosen culture in a cookie and goes back.</summary>
    public const string SetCulturePath = "/culture";

    /// <summary>Every supported culture, the default first.</summary>
    public static readonly string[] Cultures = [DefaultCulture, "en"];

    /// <summary>Adds localization from the resource files under <c>Resources/</c>.</summary>
    public static WebApplicationBuilder AddStaffLocalization(this WebApplicationBuilder builder)
    {
        builder.Services.AddLocalization(options => options.ResourcesPath = "Resources");
        return builder;
    }

    /// <summary>
    /// Sets each request's culture from the culture cookie only, so the browser's own language
    /// never overrides the default.
    /// </summary>
    public static WebApplication UseStaffLocalization(this WebApplication app)
    {
        var options = new RequestLocalizationOptions()
            .SetDefaultCulture(DefaultCulture)
            .AddSupportedCultures(Cultures)
            .AddSupportedUICultures(Cultures);
        options.RequestCultureProviders = [new CookieRequestCultureProvider()];
        app.UseRequestLocalization(options);
        return app;
    }

    /// <summary>Maps <c>GET /culture?culture=en&amp;returnUrl=/orders</c>.</summary>
    public static IEndpointRouteBuilder MapCultureSelection(this IEndpointRouteBuilder app)
    {
        app.MapGet(SetCulturePath, (string? culture, string? returnUrl, HttpContext context) =>
        {
            if (culture is not null && Cultures.Contains(culture, StringComparer.OrdinalIgnoreCase))
            {
                var value = CookieRequestCultureProvider.MakeCookieValue(
                    new RequestCulture(CultureInfo.GetCultureInfo(culture)));
                context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, value,
                    new CookieOptions
                    {
                        Expires = TimeProvider.System.GetUtcNow().AddYears(1),
                        IsEssential = true,
                        HttpOnly = true,
                        SameSite = SameSiteMode.Lax,
                        Secure = context.Request.IsHttps,
                    });
            }

            var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
                ? returnUrl
                : "/";
            return TypedResults.LocalRedirect(target);
        });
        return app;
    }
}
