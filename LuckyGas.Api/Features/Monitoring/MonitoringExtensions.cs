using LuckyGas.Api.Features.Monitoring.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Features.Monitoring;

/// <summary>Registers the business metrics and the comprehensive health report.</summary>
public static class MonitoringExtensions
{
    /// <summary>
    /// Adds <see cref="BusinessMetrics"/> with its gauge refresher, the dependency checks of the
    /// comprehensive report, and a timeout on every registered health check that has none.
    /// </summary>
    public static WebApplicationBuilder AddMonitoring(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MonitoringOptions>()
            .BindConfiguration(MonitoringOptions.SectionName)
            .Validate(options => options.CheckTimeout > TimeSpan.Zero,
                "Monitoring:CheckTimeout must be a positive time span, such as 00:00:03.")
            .ValidateOnStart();

        builder.Services.AddSingleton<BusinessMetrics>();
        builder.Services.AddHostedService<BusinessGaugeRefresher>();
        builder.Services.AddSingleton<RedisClientMetrics>();

        builder.Services.AddSingleton<IDependencyCheck, PostgresNodesCheck>();
        builder.Services.AddSingleton<PgBouncerPoolsCheck>();
        builder.Services.AddSingleton<IDependencyCheck>(services => services.GetRequiredService<PgBouncerPoolsCheck>());
        builder.Services.AddHostedService<PgBouncerPoolMetrics>();
        builder.Services.AddSingleton<IDependencyCheck, RedisNodesCheck>();
        builder.Services.AddSingleton<IDependencyCheck, RedisSentinelsCheck>();
        builder.Services.AddSingleton<IDependencyCheck, HostResourcesCheck>();
        builder.Services.AddScoped<ComprehensiveHealthService>();

        // A health check without a timeout holds /health and the report for as long as its
        // dependency hangs. This gives every check registered without one, by any feature, a timeout.
        builder.Services.AddSingleton<IPostConfigureOptions<HealthCheckServiceOptions>, HealthCheckTimeouts>();

        return builder;
    }

    private sealed class HealthCheckTimeouts(IOptions<MonitoringOptions> monitoring) : IPostConfigureOptions<HealthCheckServiceOptions>
    {
        public void PostConfigure(string? name, HealthCheckServiceOptions options)
        {
            foreach (var registration in options.Registrations)
            {
                if (registration.Timeout == Timeout.InfiniteTimeSpan)
                {
                    registration.Timeout = monitoring.Value.CheckTimeout;
                }
            }
        }
    }
}
