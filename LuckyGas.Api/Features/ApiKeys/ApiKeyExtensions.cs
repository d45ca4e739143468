using System.Text;
using LuckyGas.Api.Features.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>Registers API keys: the authentication scheme, scope checks, usage counts and the endpoints' services.</summary>
public static class ApiKeyExtensions
{
    /// <summary>The default scheme: the API key scheme for requests with <c>X-API-Key</c>, else the bearer scheme.</summary>
    public const string SelectorScheme = "StaffOrApiKey";

    /// <summary>
    /// Adds the <c>ApiKey</c> authentication scheme and makes the default scheme choose it or the
    /// bearer scheme by the request's headers. Call it after <see cref="AuthenticationExtensions.AddStaffAuthentication"/>.
    /// The application fails at start when <c>ApiKeys:Pepper</c> is missing or shorter than 32 bytes.
    /// </summary>
    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>()
            .BindConfiguration(ApiKeyOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();

        builder.Services.AddSingleton<ApiKeySecrets>();
        builder.Services.AddSingleton<ApiKeyValidator>();
        builder.Services.AddScoped<ApiKeyService>();
        builder.Services.AddSingleton<ApiKeyUsageRecorder>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ApiKeyUsageRecorder>());
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<IAuthorizationHandler, ApiKeyScopeHandler>();

        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(SelectorScheme, "Bearer token or API key", options => options.ForwardDefaultSelector =
                context => context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme);
        builder.Services.Configure<AuthenticationOptions>(options =>
        {
            options.DefaultScheme = SelectorScheme;
            options.DefaultAuthenticateScheme = SelectorScheme;
            options.DefaultChallengeScheme = SelectorScheme;
            options.DefaultForbidScheme = SelectorScheme;
        });

        return builder;
    }

    /// <summary>
    /// Rejects with 401 at once a request whose <c>X-API-Key</c> is malformed, unknown, revoked or
    /// expired, even on anonymous endpoints, so that a bad key never reaches the rate limiter or
    /// an endpoint; and counts the usage of valid keys. Call it right after <c>UseAuthentication</c>.
    /// </summary>
    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app)
    {
        var usage = app.ApplicationServices.GetRequiredService<ApiKeyUsageRecorder>();
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName))
            {
                await next(context);
                return;
            }

            // With both credentials, one would be ignored unchecked, so a wrong bearer token
            // beside a valid key would pass. Such a request is rejected instead.
            if (context.Request.Headers.ContainsKey(HeaderNames.Authorization))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status401Unauthorized,
                        Title = "Authentication required.",
                        Detail = $"Send either {ApiKeyAuthenticationHandler.HeaderName} or an Authorization bearer token, not both.",
                    },
                });
                return;
            }

            var identity = context.Features.Get<ApiKeyIdentity>();
            if (identity is null)
            {
                await context.ChallengeAsync(ApiKeyAuthenticationHandler.SchemeName);
                return;
            }

            context.Response.OnCompleted(() =>
            {
                usage.Record(identity.KeyId, rejected: context.Response.StatusCode == StatusCodes.Status429TooManyRequests);
                return Task.CompletedTask;
            });
            await next(context);
        });
    }

    private sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
    {
        public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
        {
            var failures = new List<string>();
            var section = ApiKeyOptions.SectionName;
            if (Encoding.UTF8.GetByteCount(options.Pepper) < ApiKeyOptions.MinPepperBytes)
            {
                failures.Add($"{section}:Pepper is missing or shorter than {ApiKeyOptions.MinPepperBytes} bytes. " +
                    $"Set it to a random secret; the AppHost passes its api-key-pepper parameter as {section}__Pepper.");
            }

            if (options.PreviousPepper.Length > 0 &&
                Encoding.UTF8.GetByteCount(options.PreviousPepper) < ApiKeyOptions.MinPepperBytes)
            {
                failures.Add($"{section}:PreviousPepper is shorter than {ApiKeyOptions.MinPepperBytes} bytes. " +
                    "Set it to the pepper before the rotation, or leave it empty.");
            }

            if (options.PreviousPepper.Length > 0 && options.PreviousPepperVersion == options.PepperVersion)
            {
                failures.Add($"{section}:PreviousPepperVersion is {options.PreviousPepperVersion}, the same as " +
                    $"{section}:PepperVersion. Give the new pepper a higher version.");
            }

            if (options.ValidationCacheDuration < TimeSpan.Zero || options.ValidationCacheDuration > TimeSpan.FromSeconds(1))
            {
                failures.Add($"{section}:ValidationCacheDuration must be from 0 to 1 s, so a revoked key stops " +
                    "working within a second, such as 00:00:00.5.");
            }

            if (options.ValidationCacheSize <= 0)
            {
                failures.Add($"{section}:ValidationCacheSize must be a positive number of keys, such as 10000.");
            }

            if (options.UsageFlushInterval <= TimeSpan.Zero)
            {
                failures.Add($"{section}:UsageFlushInterval must be a positive duration, such as 00:00:05.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
