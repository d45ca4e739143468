using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Reports every outbound HTTP client's circuit breaker: Healthy while all are closed, Degraded
/// while any is open or half-open. The data has one entry per client with its state.
/// </summary>
internal sealed class CircuitBreakerHealthCheck(CircuitBreakerRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = registry.Snapshot();
        var data = states.ToDictionary(pair => pair.Key, pair => (object)pair.Value.ToString(), StringComparer.Ordinal);
        var notClosed = states.Where(pair => pair.Value != CircuitBreakerState.Closed).Select(pair => pair.Key).Order().ToList();

        var result = notClosed.Count == 0
            ? HealthCheckResult.Healthy($"{states.Count} circuit breakers, all closed.", data)
            : HealthCheckResult.Degraded($"Circuit breakers not closed: {string.Join(", ", notClosed)}.", data: data);
        return Task.FromResult(result);
    }
}
