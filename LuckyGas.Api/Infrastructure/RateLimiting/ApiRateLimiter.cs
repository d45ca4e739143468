using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>
/// The global limiter of the rate limiting middleware: one <see cref="FailoverRateLimiter"/> per
/// partition, and the <c>RateLimit-*</c> headers on every limited response.
/// </summary>
public sealed class ApiRateLimiter : PartitionedRateLimiter<HttpContext>
{
    /// <summary>The request limit of the window, sent on every limited response.</summary>
    public const string LimitHeader = "RateLimit-Limit";

    /// <summary>The requests left in the window.</summary>
    public const string RemainingHeader = "RateLimit-Remaining";

    /// <summary>The seconds until the window resets.</summary>
    public const string ResetHeader = "RateLimit-Reset";

    private static readonly object PartitionItemKey = new();

    // The one partition of every request that is not limited.
    private static readonly RateLimitPartitionKey Unlimited =
        new("none", "none", "none", EndpointClass.Reads, int.MaxValue, TimeSpan.FromMinutes(1));

    private readonly RateLimitPartitioner _partitioner;
    private readonly PartitionedRateLimiter<HttpContext> _partitions;

    /// <summary>Creates the limiter; partitions are created on first use and dropped after 10 s idle.</summary>
    public ApiRateLimiter(
        RateLimitPartitioner partitioner,
        IServiceProvider services,
        RateLimiterStatus status,
        IOptionsMonitor<RateLimitingOptions> options,
        TimeProvider clock)
    {
        _partitioner = partitioner;
        _partitions = PartitionedRateLimiter.Create<HttpContext, RateLimitPartitionKey>(context =>
        {
            var partition = Partition(context);
            return partition is null
                ? RateLimitPartition.GetNoLimiter(Unlimited)
                : RateLimitPartition.Get(partition, key => new FailoverRateLimiter(key, services, status, options, clock));
        });
    }

    /// <summary>Returns the partition the limiter chose for the request, or null when it was not limited.</summary>
    public static RateLimitPartitionKey? Partition(HttpContext context) =>
        context.Items.TryGetValue(PartitionItemKey, out var value) ? (RateLimitPartitionKey?)value : null;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    /// <summary>
    /// Acquires a lease without waiting only for requests that are not limited. The rate limiting
    /// middleware tries this path first and calls <c>AcquireAsync</c> when it fails, which counts
    /// the request in Redis.
    /// </summary>
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        _partitioner.Resolve(resource) is null ? FixedLease.Acquired : FixedLease.NotAcquired;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(
        HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        resource.Items[PartitionItemKey] = _partitioner.Resolve(resource);
        var lease = await _partitions.AcquireAsync(resource, permitCount, cancellationToken);
        if (lease is WindowLease window)
        {
            var headers = resource.Response.Headers;
            headers[LimitHeader] = window.Limit.ToString(CultureInfo.InvariantCulture);
            headers[RemainingHeader] = window.Remaining.ToString(CultureInfo.InvariantCulture);
            headers[ResetHeader] = window.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return lease;
    }

    private sealed class FixedLease(bool acquired) : RateLimitLease
    {
        public static readonly FixedLease Acquired = new(true);

        public static readonly FixedLease NotAcquired = new(false);

        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _partitions.Dispose();
        }

        base.Dispose(disposing);
    }
}
