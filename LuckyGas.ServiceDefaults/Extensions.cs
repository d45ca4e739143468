using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Adds the services every Lucky Gas project shares: OpenTelemetry, health checks, service
/// discovery and the standard HTTP resilience pipeline.
/// </summary>
public static class Extensions
{
    /// <summary>The readiness endpoint: every registered health check must pass.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>The liveness endpoint: only checks tagged <see cref="LiveTag"/> run.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>The tag of health checks that report whether the process itself is running.</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Every meter of the platform's own code is named <c>LuckyGas.{Project}</c>, such as
    /// <c>LuckyGas.Api</c>, and is exported with the framework's instruments.
    /// </summary>
    public const string PlatformMeterPattern = "LuckyGas.*";

    /// <summary>
    /// Adds OpenTelemetry, default health checks, service discovery, HTTP resilience with a
    /// registry of circuit breaker states, forwarded headers from trusted proxies only, and the
    /// instance name to the application.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler().SelectPipelinePerDependency();
            http.AddServiceDiscovery();
        });

        builder.AddCircuitBreakerRegistry();

        builder.AddTrustedProxies();

        builder.Services.AddSingleton(InstanceIdentity.FromConfiguration(builder.Configuration));

        return builder;
    }

    /// <summary>
    /// Configures OpenTelemetry logging, metrics and tracing, exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(PlatformMeterPattern))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !IsHealthRequest(context.Request.Path))
                .AddHttpClientInstrumentation());

        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Adds the liveness check that every project has.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (readiness, all checks) and <c>/alive</c> (liveness) in every
    /// environment, and names the serving instance on every response.
    /// </summary>
    /// <remarks>
    /// Orchestrators and the edge probe these endpoints in production too, so they are not
    /// limited to Development. The reports carry only status words, never exception text.
    /// </remarks>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);

        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
        });

        return app;
    }

    /// <summary>
    /// Adds the <see cref="InstanceIdentity.HeaderName"/> header to every response, errors
    /// included. Call it first, so that it wraps every other middleware.
    /// </summary>
    public static IApplicationBuilder UseInstanceHeader(this IApplicationBuilder app)
    {
        var identity = app.ApplicationServices.GetRequiredService<InstanceIdentity>();

        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[InstanceIdentity.HeaderName] = identity.Name;
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    private static bool IsHealthRequest(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(AlivenessEndpointPath);
}
