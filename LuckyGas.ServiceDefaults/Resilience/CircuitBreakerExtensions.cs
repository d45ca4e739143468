using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the circuit breaker registry and its health check.</summary>
public static class CircuitBreakerExtensions
{
    /// <summary>The name of the health check that reports every breaker.</summary>
    public const string HealthCheckName = "circuit-breakers";

    /// <summary>
    /// Adds <see cref="CircuitBreakerRegistry"/> as a Polly telemetry listener of every resilience
    /// pipeline, and the <c>circuit-breakers</c> health check.
    /// </summary>
    public static TBuilder AddCircuitBreakerRegistry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<CircuitBreakerRegistry>();

        // Polly.Extensions builds every pipeline registered in the container, the standard HTTP
        // handler's included, with these telemetry options.
        builder.Services.AddOptions<TelemetryOptions>()
            .Configure<CircuitBreakerRegistry>((options, registry) => options.TelemetryListeners.Add(registry));

        builder.Services.AddHealthChecks()
            .AddCheck<CircuitBreakerHealthCheck>(HealthCheckName);

        return builder;
    }

    /// <summary>
    /// Gives every dependency, identified by the request's scheme, host and port, its own pipeline
    /// instance and so its own circuit breaker, named by that authority.
    /// </summary>
    /// <remarks>
    /// A handler added through <c>ConfigureHttpClientDefaults</c> gets no client name, so without
    /// this every client of the process would share one breaker, and a failing webhook would stop
    /// calls to the API too. The authority never contains a path or query, where secrets such as
    /// webhook tokens live.
    /// </remarks>
    public static IHttpStandardResiliencePipelineBuilder SelectPipelinePerDependency(
        this IHttpStandardResiliencePipelineBuilder builder) =>
        builder.SelectPipelineBy(_ => request => request.RequestUri is { IsAbsoluteUri: true } uri
            ? uri.GetLeftPart(UriPartial.Authority)
            : "unknown");
}
