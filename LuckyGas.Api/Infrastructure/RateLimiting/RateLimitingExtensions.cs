using System.Globalization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>Registers the API's rate limiter: limits by tier, counted in Redis with a local fallback.</summary>
public static class RateLimitingExtensions
{
    /// <summary>The name of the health check that reports whether Redis counts requests.</summary>
    public const string HealthCheckName = "rate-limiter";

    /// <summary>
    /// Adds the rate limiter, configured from the <c>RateLimiting</c> section, its health check
    /// and its metrics. The application fails at start when a limit or duration is not positive
    /// or a tier is missing.
    /// </summary>
    public static WebApplicationBuilder AddApiRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>()
            .BindConfiguration(RateLimitingOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RateLimiterStatus>();
        builder.Services.AddSingleton<RateLimitPartitioner>();
        builder.Services.AddSingleton<ApiRateLimiter>();

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<ApiRateLimiter>((options, limiter) =>
            {
                options.GlobalLimiter = limiter;
                options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                options.OnRejected = WriteRejectionAsync;
            });

        builder.Services.AddHealthChecks()
            .AddCheck<RateLimiterHealthCheck>(HealthCheckName);

        return builder;
    }

    /// <summary>Adds the rate limiting middleware. Call it after authentication, so the caller is known.</summary>
    public static IApplicationBuilder UseApiRateLimiting(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>Puts the endpoint in <paramref name="endpointClass"/> instead of the class of its method.</summary>
    public static TBuilder WithEndpointClass<TBuilder>(this TBuilder builder, EndpointClass endpointClass)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointClassMetadata(endpointClass));

    private static async ValueTask WriteRejectionAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var partition = ApiRateLimiter.Partition(http);
        var retryAfter = context.Lease is WindowLease window ? window.ResetSeconds : 1;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);

        var detail = partition is null
            ? $"Too many requests. Retry after {retryAfter} s."
            : string.Create(CultureInfo.InvariantCulture,
                $"The limit of {partition.PermitLimit} {partition.EndpointClass.ToString().ToLowerInvariant()} " +
                $"per {partition.Window.TotalSeconds:0} s for this caller ({partition.Tier}) is used up. " +
                $"Retry after {retryAfter} s, or ask for a higher tier.");
        if (partition is not null)
        {
            http.RequestServices.GetRequiredService<RateLimiterStatus>().CountRejection(partition);
        }

        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = detail,
            },
        });
    }

    private sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
        {
            var failures = options.Validate();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
