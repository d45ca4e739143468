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

    // A query through pgBouncer returns within milliseconds, and a failover takes 2 to 3 s, so a
    // query that pgBouncer holds for a second is waiting for a primary.
    private static readonly TimeSpan PrimaryCheckTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Adds <see cref="WriteDbContext"/> and <see cref="ReadDbContext"/> and the Redis multiplexer,
    /// each with a readiness check.
    /// </summary>
    public static WebApplicationBuilder AddDataAccess(this WebApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<WriteDbContext>(WriteConnectionName,
            settings => settings.DisableHealthChecks = true,
            options => options.UseSnakeCaseNamingConvention());

        // The client's own check only opens a pooled connection, which needs no round trip to
        // pgBouncer, so it stays healthy while pgBouncer has no primary. This check queries the
        // primary for whether it accepts writes, without EF's retries and within a time limit,
        // because pgBouncer keeps a query waiting while it has no primary.
        builder.Services.AddHealthChecks().AddDbContextCheck<WriteDbContext>(nameof(WriteDbContext),
            customTestQuery: async (database, cancellationToken) =>
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(PrimaryCheckTimeout);
                var connection = database.Database.GetDbConnection();
                await connection.OpenAsync(deadline.Token);
                try
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = "SELECT NOT pg_is_in_recovery()";
                    return await command.ExecuteScalarAsync(deadline.Token) is true;
                }
                finally
                {
                    await connection.CloseAsync();
                }
            });

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
