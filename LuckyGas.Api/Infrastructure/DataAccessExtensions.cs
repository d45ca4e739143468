using LuckyGas.Api.Data;
using LuckyGas.Api.Infrastructure.ReadRouting;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Infrastructure;

/// <summary>Registers the API's connections to PostgreSQL and Redis.</summary>
public static class DataAccessExtensions
{
    /// <summary>The connection string name of the write path, through pgBouncer to the primary.</summary>
    public const string WriteConnectionName = "luckygas-write";

    /// <summary>The connection string name of the read path, to the standbys.</summary>
    public const string ReadConnectionName = "luckygas-read";

    /// <summary>The connection string name of the direct connection to the primary, for migrations.</summary>
    public const string MigrationConnectionName = "luckygas-migrations";

    /// <summary>The connection string name of Redis, reached through the sentinels.</summary>
    public const string RedisConnectionName = "luckygas-redis";

    /// <summary>
    /// Adds <see cref="WriteDbContext"/> and <see cref="ReadDbContext"/> and the Redis multiplexer,
    /// each with a readiness check.
    /// </summary>
    public static WebApplicationBuilder AddDataAccess(this WebApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<WriteDbContext>(WriteConnectionName,
            configureDbContextOptions: options => options.UseSnakeCaseNamingConvention());

        // Reads go to the standbys whose replay lag the probe measured within the limits, so each
        // request's context takes the data source of the current routing, and its options are built
        // per request. Aspire's AddNpgsqlDbContext would pool contexts with fixed options, so
        // EnrichNpgsqlDbContext adds Aspire's retries, health check and telemetry instead.
        builder.AddReadRouting(ReadConnectionName);
        builder.Services.AddDbContext<ReadDbContext>((services, options) => options
            .UseNpgsql(services.GetRequiredService<ReadDataSources>().ForReads())
            .UseSnakeCaseNamingConvention()
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
        builder.EnrichNpgsqlDbContext<ReadDbContext>();

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ConsistentReads>();
        builder.Services.AddSingleton(TimeProvider.System);

        // The client's own health check pings every server the multiplexer has seen, so after a
        // Sentinel failover it stays unhealthy while the old master is dead. The check below asks
        // only whether the current master responds.
        builder.AddRedisClient(RedisConnectionName, settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks().AddCheck<RedisMasterHealthCheck>("redis-master");

        return builder;
    }
}
