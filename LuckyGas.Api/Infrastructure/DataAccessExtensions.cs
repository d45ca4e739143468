using StackExchange.Redis;

namespace LuckyGas.Api.Infrastructure;

/// <summary>Registers the API's connections to PostgreSQL and Redis.</summary>
public static class DataAccessExtensions
{
    /// <summary>The connection string name of the write path, through pgBouncer to the primary.</summary>
    public const string WriteConnectionName = "luckygas-write";

    /// <summary>The connection string name of the read path, to the standbys.</summary>
    public const string ReadConnectionName = "luckygas-read";

    /// <summary>The connection string name of Redis, reached through the sentinels.</summary>
    public const string RedisConnectionName = "luckygas-redis";

    /// <summary>
    /// Adds the write data source (the default), the read data source (keyed by
    /// <see cref="ReadConnectionName"/>) and the Redis multiplexer, each with a readiness check.
    /// </summary>
    public static WebApplicationBuilder AddDataAccess(this WebApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(WriteConnectionName);
        builder.AddKeyedNpgsqlDataSource(ReadConnectionName);

        // The client's own health check pings every server the multiplexer has seen, so after a
        // Sentinel failover it stays unhealthy while the old master is dead. The check below asks
        // only whether the current master answers.
        builder.AddRedisClient(RedisConnectionName, settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks().AddCheck<RedisMasterHealthCheck>("redis-master");

        return builder;
    }
}
