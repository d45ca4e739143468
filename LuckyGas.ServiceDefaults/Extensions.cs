using System.Diagnostics.Metrics;
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

    /// <summary>The Prometheus scraping endpoint, in the Prometheus text format.</summary>
    public const string MetricsEndpointPath = "/metrics";

    /// <summary>
    /// The meters of the database and cache clients: Npgsql's connection pool and command
    /// instruments, and StackExchange.Redis's operation instruments.
    /// </summary>
    private static readonly string[] s_clientMeters = ["Npgsql", "StackExchange.Redis"];

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

        builder.Services.RemoveServerHeader();

        return builder;
    }

    /// <summary>
    /// Configures OpenTelemetry logging, metrics and tracing, exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and metrics also for Prometheus to scrape.
    /// </summary>
    /// <remarks>
    /// The OTLP exporter sends from a background batch, so an unreachable collector delays no
    /// request. Request metrics carry the route template (<c>http.route</c>), never the raw
    /// path, so unknown URLs add no series.
    /// </remarks>
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
                .AddMeter(PlatformMeterPattern)
                .AddMeter(s_clientMeters)
                .AddView(RenameNonCounterCounts)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !IsHealthRequest(context.Request.Path) && !IsMetricsRequest(context.Request.Path))
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
    /// Maps <c>/health</c> (readiness, all checks), <c>/alive</c> (liveness) and
    /// <c>/metrics</c> (Prometheus) in every environment.
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

        app.MapPrometheusScrapingEndpoint(MetricsEndpointPath);

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

    /// <summary>
    /// Appends <c>.current</c> to gauges and up-down counters named <c>*.count</c>, such as
    /// <c>dotnet.thread_pool.thread.count</c> and Npgsql's <c>db.client.connection.count</c>.
    /// </summary>
    /// <remarks>
    /// Prometheus reserves the <c>_count</c> suffix for histograms and summaries, and
    /// <c>promtool check metrics</c> rejects other metrics named so. The new name keeps the
    /// OpenTelemetry name as its prefix, so a search for it still finds the series.
    /// </remarks>
    private static MetricStreamConfiguration? RenameNonCounterCounts(Instrument instrument)
    {
        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        var isNonMonotonic = definition == typeof(UpDownCounter<>) || definition == typeof(ObservableUpDownCounter<>) ||
            definition == typeof(ObservableGauge<>) || definition == typeof(Gauge<>);

        return isNonMonotonic && instrument.Name.EndsWith(".count", StringComparison.Ordinal)
            ? new MetricStreamConfiguration { Name = instrument.Name + ".current" }
            : null;
    }

    private static bool IsMetricsRequest(PathString path) => path.StartsWithSegments(MetricsEndpointPath);

    private static bool IsHealthRequest(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(AlivenessEndpointPath);
}
