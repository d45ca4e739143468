using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>
/// Healthy while Redis counts requests for every API instance, Degraded while this instance
/// limits on its own because Redis failed.
/// </summary>
internal sealed class RateLimiterHealthCheck(RateLimiterStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["distributed"] = status.IsDistributed };
        return Task.FromResult(status.IsDistributed
            ? HealthCheckResult.Healthy("Rate limits are counted in Redis and shared by every API instance.", data)
            : HealthCheckResult.Degraded(
                "Redis failed, so this instance limits requests on its own until Redis answers again.", data: data));
    }
}
