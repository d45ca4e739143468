namespace LuckyGas.Api.Infrastructure.Caching;

/// <summary>Settings of the Redis read cache, from the <c>Cache</c> configuration section.</summary>
/// <remarks>
/// The cache reads these settings on every request, so a configuration reload applies without a
/// restart.
/// </remarks>
public sealed class CacheOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Cache";

    /// <summary>
    /// Whether reads use the cache. When false, reads go to the database, but writes still delete
    /// cached values, so that an instance with the cache on never serves a value that an instance
    /// with it off has changed.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a cached customer lives. It bounds how long a value stays stale when its
    /// deletion after a write fails, for example while Redis is unreachable.
    /// </summary>
    public TimeSpan CustomerTimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the cached price list lives. No endpoint writes prices, so a row added to
    /// <c>cylinder_prices</c> by hand or by a migration is used at the latest this long after it
    /// was added.
    /// </summary>
    public TimeSpan PriceListTimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The maximum wait for one Redis round trip. After it, the request reads the database instead,
    /// so a stalled Redis slows a request by at most this much.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the cache is skipped after a Redis command failed, before Redis is tried again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);
}
