using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace LuckyGas.Api.Infrastructure;

/// <summary>Checks that the Redis master the sentinels name responds to PING.</summary>
/// <param name="multiplexer">The shared Redis connection.</param>
internal sealed class RedisMasterHealthCheck(IConnectionMultiplexer multiplexer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var master = multiplexer.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica);
        if (master is null)
        {
            return HealthCheckResult.Unhealthy("No connected Redis master.");
        }

        try
        {
            var latency = await master.PingAsync();
            return HealthCheckResult.Healthy($"Master {master.EndPoint} answered in {latency.TotalMilliseconds:F1} ms.");
        }
        catch (RedisException exception)
        {
            return HealthCheckResult.Unhealthy($"Master {master.EndPoint} did not answer PING.", exception);
        }
    }
}
