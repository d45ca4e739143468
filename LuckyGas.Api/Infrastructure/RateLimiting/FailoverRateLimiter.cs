using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>
/// The limiter of one partition: a RedisRateLimiting fixed window shared by every API instance,
/// and a local fixed window that decides while Redis fails or is slower than
/// <see cref="RateLimitingOptions.CommandTimeout"/>.
/// </summary>
internal sealed class FailoverRateLimiter(
    RateLimitPartitionKey partition,
    IServiceProvider services,
    RateLimiterStatus status,
    IOptionsMonitor<RateLimitingOptions> options,
    TimeProvider clock) : RateLimiter
{
    private readonly LocalFixedWindow _local = new(partition.PermitLimit, partition.Window, clock);
    private RedisFixedWindowRateLimiter<RateLimitPartitionKey>? _redis;
    private long _lastUsedTimestamp = clock.GetTimestamp();

    /// <summary>The time since the last request, so that the partitioned limiter drops idle partitions.</summary>
    public override TimeSpan? IdleDuration => clock.GetElapsedTime(Volatile.Read(ref _lastUsedTimestamp));

    public override RateLimiterStatistics? GetStatistics() => null;

    // Counting without waiting would need a blocking Redis call, so this path never acquires and
    // callers use AcquireAsync; ApiRateLimiter never calls it.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        new WindowLease(false, partition.PermitLimit, 0, TimeSpan.Zero, distributed: false);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastUsedTimestamp, clock.GetTimestamp());
        if (status.ShouldTryRedis())
        {
            try
            {
                var lease = await AcquireInRedisAsync(permitCount, cancellationToken);
                status.ReportSuccess();
                return lease;
            }
            catch (Exception exception) when (IsRedisFailure(exception) && !cancellationToken.IsCancellationRequested)
            {
                status.ReportFailure(exception);
            }
        }

        return _local.Acquire();
    }

    private async Task<WindowLease> AcquireInRedisAsync(int permitCount, CancellationToken cancellationToken)
    {
        _redis ??= new RedisFixedWindowRateLimiter<RateLimitPartitionKey>(partition, new RedisFixedWindowRateLimiterOptions
        {
            PermitLimit = partition.PermitLimit,
            Window = partition.Window,

            // Resolved on first use, because creating the multiplexer connects to the sentinels
            // and throws when none responds, which must not fail the request.
            ConnectionMultiplexerFactory = services.GetRequiredService<IConnectionMultiplexer>,
        });

        using var lease = await _redis.AcquireAsync(permitCount, cancellationToken).AsTask()
            .WaitAsync(options.CurrentValue.CommandTimeout, cancellationToken);

        // RedisRateLimiting 1.2.1 reports the remaining permits and the seconds until the window
        // ends (its retry-after, set for acquired leases too).
        var remaining = lease.TryGetMetadata(RateLimitMetadataName.Remaining.Name, out var remainingValue)
            ? Convert.ToInt64(remainingValue, CultureInfo.InvariantCulture)
            : 0;
        var reset = lease.TryGetMetadata(RateLimitMetadataName.RetryAfter.Name, out var retryAfterValue)
            ? TimeSpan.FromSeconds(Convert.ToInt32(retryAfterValue, CultureInfo.InvariantCulture))
            : partition.Window;
        return new WindowLease(lease.IsAcquired, partition.PermitLimit, remaining, reset, distributed: true);
    }

    private static bool IsRedisFailure(Exception exception) =>
        // RedisTimeoutException and the timeout of WaitAsync are both TimeoutException.
        exception is RedisException or TimeoutException or ObjectDisposedException;
}
