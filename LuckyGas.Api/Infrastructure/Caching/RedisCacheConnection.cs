using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LuckyGas.Api.Infrastructure.Caching;

/// <summary>
/// The read cache's access to Redis, with a circuit breaker. After a failed command it hands out
/// no database for <see cref="CacheOptions.RetryInterval"/>, so requests read the database without
/// waiting on Redis; then one request tries Redis again. It logs the switch to the database once
/// and the switch back once.
/// </summary>
public sealed partial class RedisCacheConnection(
    IServiceProvider services, IOptionsMonitor<CacheOptions> options, TimeProvider clock, ILogger<RedisCacheConnection> logger)
{
    // UTC ticks before which Redis is not tried, or 0 while Redis works.
    private long _retryAtTicks;

    // 1 from a failure until the next success, so that each switch is logged once.
    private int _unavailable;

    /// <summary>
    /// Returns the Redis database, or null while the breaker is open, while the multiplexer is not
    /// connected, or when the multiplexer cannot be created.
    /// </summary>
    public IDatabase? TryGetDatabase()
    {
        var retryAt = Volatile.Read(ref _retryAtTicks);
        if (retryAt != 0)
        {
            var now = clock.GetUtcNow().UtcTicks;
            if (now < retryAt)
            {
                return null;
            }

            // Only the request that moves the retry time on tries Redis; the others keep reading
            // the database until it succeeds.
            var next = now + options.CurrentValue.RetryInterval.Ticks;
            if (Interlocked.CompareExchange(ref _retryAtTicks, next, retryAt) != retryAt)
            {
                return null;
            }
        }

        IConnectionMultiplexer multiplexer;
        try
        {
            // Resolved here rather than injected, because creating the multiplexer connects to the
            // sentinels and throws when none of them responds, which must not fail the request.
            multiplexer = services.GetRequiredService<IConnectionMultiplexer>();
        }
        catch (RedisException exception)
        {
            ReportFailure(exception);
            return null;
        }

        if (!multiplexer.IsConnected)
        {
            ReportFailure(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "The Redis multiplexer is not connected."));
            return null;
        }

        return multiplexer.GetDatabase();
    }

    /// <summary>Opens the breaker for <see cref="CacheOptions.RetryInterval"/> after a failed command.</summary>
    public void ReportFailure(Exception exception)
    {
        var retryInterval = options.CurrentValue.RetryInterval;
        Volatile.Write(ref _retryAtTicks, clock.GetUtcNow().UtcTicks + retryInterval.Ticks);
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            LogUnavailable(logger, retryInterval, exception);
        }
        else
        {
            LogStillUnavailable(logger, exception.Message);
        }
    }

    /// <summary>Closes the breaker after a successful command.</summary>
    public void ReportSuccess()
    {
        if (Volatile.Read(ref _unavailable) == 0)
        {
            return;
        }

        Volatile.Write(ref _retryAtTicks, 0);
        if (Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            LogAvailable(logger);
        }
    }

    [LoggerMessage(EventId = 4300, EventName = "CacheUnavailable", Level = LogLevel.Warning,
        Message = "A Redis command failed, so cached reads go to the database; Redis is tried again every {RetryInterval}")]
    private static partial void LogUnavailable(ILogger logger, TimeSpan retryInterval, Exception exception);

    [LoggerMessage(EventId = 4301, EventName = "CacheAvailable", Level = LogLevel.Information,
        Message = "Redis is reachable again, so cached reads use it again")]
    private static partial void LogAvailable(ILogger logger);

    [LoggerMessage(EventId = 4302, EventName = "CacheStillUnavailable", Level = LogLevel.Debug,
        Message = "Redis is still unavailable: {Reason}")]
    private static partial void LogStillUnavailable(ILogger logger, string reason);
}
