namespace LuckyGas.Api.Infrastructure.Caching;

/// <summary>
/// One cached value: its Redis key, the key of its version counter and its time to live. Every
/// key starts with <see cref="Prefix"/>.
/// </summary>
/// <remarks>
/// Values are JSON. Every key gets a time to live, because Redis runs with
/// <c>maxmemory-policy volatile-lru</c> and evicts only keys that have one.
/// </remarks>
public sealed class CacheEntry
{
    /// <summary>
    /// The prefix of every cache key: the application, then the version of the value format.
    /// Raise the version when a cached type changes shape, so that old values are never read.
    /// </summary>
    public const string Prefix = "luckygas:v1:";

    private readonly Func<CacheOptions, TimeSpan> _timeToLive;

    private CacheEntry(string key, Func<CacheOptions, TimeSpan> timeToLive)
    {
        Key = key;
        VersionKey = key + ":version";
        _timeToLive = timeToLive;
    }

    /// <summary>The price list: every row of <c>cylinder_prices</c>.</summary>
    public static CacheEntry PriceList { get; } = new(Prefix + "prices", options => options.PriceListTimeToLive);

    /// <summary>The key of the value.</summary>
    public string Key { get; }

    /// <summary>
    /// The key of the counter that every write of the value's source data increments. A reader
    /// stores a value only while the counter is unchanged since before its database read.
    /// </summary>
    public string VersionKey { get; }

    /// <summary>Returns the entry of the customer with id <paramref name="id"/>.</summary>
    public static CacheEntry Customer(long id) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Prefix}customer:{id}"),
            options => options.CustomerTimeToLive);

    /// <summary>Returns the time to live of the value and of its version counter.</summary>
    public TimeSpan TimeToLive(CacheOptions options) => _timeToLive(options);

    public override string ToString() => Key;
}
