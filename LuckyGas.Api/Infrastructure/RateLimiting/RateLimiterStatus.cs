using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>
/// Whether the limiter counts in Redis (distributed) or in this instance (local fallback). After a
/// Redis failure the local limiter decides for <see cref="RateLimitingOptions.RetryInterval"/>;
/// then one request tries Redis again. Each switch is logged once.
/// </summary>
public sealed partial class RateLimiterStatus
{
    /// <summary>The gauge of the mode: 1 while Redis counts, 0 on the local fallback.</summary>
    public const string DistributedGaugeName = "luckygas_rate_limit_distributed";

    /// <summary>The counter of 429 responses; Prometheus shows it with a <c>_total</c> suffix.</summary>
    public const string RejectionsCounterName = "luckygas_rate_limit_rejections";

    /// <summary>The meter of the API's own instruments.</summary>
    public const string MeterName = "LuckyGas.Api";

    private readonly IOptionsMonitor<RateLimitingOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<RateLimiterStatus> _logger;
    private readonly Counter<long> _rejections;

    // UTC ticks before which Redis is not tried, or 0 while Redis works.
    private long _retryAtTicks;

    // 1 from a failure until the next success, so that each switch is logged once.
    private int _local;

    /// <summary>Creates the status and its instruments.</summary>
    public RateLimiterStatus(
        IOptionsMonitor<RateLimitingOptions> options, TimeProvider clock, IMeterFactory meters, ILogger<RateLimiterStatus> logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(DistributedGaugeName, () => IsDistributed ? 1 : 0,
            description: "1 while the rate limiter counts in Redis, 0 while each instance counts locally.");
        _rejections = meter.CreateCounter<long>(RejectionsCounterName,
            description: "Requests rejected with 429 by the rate limiter.");

        // A zero from the start, so the series exists and rate() over it works before the first 429.
        _rejections.Add(0);
    }

    /// <summary>Whether Redis counts requests, as of the last attempt.</summary>
    public bool IsDistributed => Volatile.Read(ref _local) == 0;

    /// <summary>
    /// Returns whether this request should use Redis: true while Redis works, and for one request
    /// per retry interval while it does not.
    /// </summary>
    public bool ShouldTryRedis()
    {
        var retryAt = Volatile.Read(ref _retryAtTicks);
        if (retryAt == 0)
        {
            return true;
        }

        var now = _clock.GetUtcNow().UtcTicks;
        if (now < retryAt)
        {
            return false;
        }

        var next = now + _options.CurrentValue.RetryInterval.Ticks;
        return Interlocked.CompareExchange(ref _retryAtTicks, next, retryAt) == retryAt;
    }

    /// <summary>Switches to the local limiter after a failed Redis call.</summary>
    public void ReportFailure(Exception exception)
    {
        var retryInterval = _options.CurrentValue.RetryInterval;
        Volatile.Write(ref _retryAtTicks, _clock.GetUtcNow().UtcTicks + retryInterval.Ticks);
        if (Interlocked.Exchange(ref _local, 1) == 0)
        {
            LogSwitchedToLocal(_logger, retryInterval, exception);
        }
        else
        {
            LogStillLocal(_logger, exception.Message);
        }
    }

    /// <summary>Switches back to Redis after a successful call.</summary>
    public void ReportSuccess()
    {
        if (Volatile.Read(ref _local) == 0)
        {
            return;
        }

        Volatile.Write(ref _retryAtTicks, 0);
        if (Interlocked.Exchange(ref _local, 0) == 1)
        {
            LogSwitchedToRedis(_logger);
        }
    }

    /// <summary>Counts one rejected request.</summary>
    public void CountRejection(RateLimitPartitionKey partition) =>
        _rejections.Add(1,
            new KeyValuePair<string, object?>("tier", partition.Tier),
            new KeyValuePair<string, object?>("endpoint_class", partition.EndpointClass.ToString().ToLowerInvariant()));

    [LoggerMessage(EventId = 4400, EventName = "RateLimiterLocal", Level = LogLevel.Warning,
        Message = "Redis failed, so each API instance limits requests on its own; Redis is tried again every {RetryInterval}")]
    private static partial void LogSwitchedToLocal(ILogger logger, TimeSpan retryInterval, Exception exception);

    [LoggerMessage(EventId = 4401, EventName = "RateLimiterDistributed", Level = LogLevel.Information,
        Message = "Redis answers again, so the API instances share their rate limits again")]
    private static partial void LogSwitchedToRedis(ILogger logger);

    [LoggerMessage(EventId = 4402, EventName = "RateLimiterStillLocal", Level = LogLevel.Debug,
        Message = "Redis still fails, so the local limiter decides: {Reason}")]
    private static partial void LogStillLocal(ILogger logger, string reason);
}
