namespace LuckyGas.Api.Infrastructure.Caching;

/// <summary>Where a cached read got its value, as the <c>X-Cache</c> response header reports it.</summary>
public enum CacheOutcome
{
    /// <summary>The value came from Redis.</summary>
    Hit,

    /// <summary>Redis had no value, so it was read from the database and stored.</summary>
    Miss,

    /// <summary>An administrator sent <c>X-Cache-Bypass: 1</c>, so the database was read and Redis was not used.</summary>
    Bypass,

    /// <summary><c>Cache:Enabled</c> is false, so the database was read.</summary>
    Disabled,

    /// <summary>Redis was unreachable or failed, so the database was read.</summary>
    Unavailable,
}

/// <summary>The HTTP headers of the read cache.</summary>
public static class CacheHeaders
{
    /// <summary>
    /// The response header that reports the <see cref="CacheOutcome"/> of a cached read, in lower
    /// case: <c>hit</c>, <c>miss</c>, <c>bypass</c>, <c>disabled</c> or <c>unavailable</c>.
    /// </summary>
    public const string Outcome = "X-Cache";

    /// <summary>
    /// The request header that makes a request skip the cache, with the value <c>1</c>. It is a
    /// diagnostic for measuring the database load without the cache, so only administrators may
    /// use it; the cache ignores it from other callers.
    /// </summary>
    public const string Bypass = "X-Cache-Bypass";

    /// <summary>Returns the <see cref="Outcome"/> header value of <paramref name="outcome"/>.</summary>
    public static string ToHeaderValue(this CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.Hit => "hit",
        CacheOutcome.Miss => "miss",
        CacheOutcome.Bypass => "bypass",
        CacheOutcome.Disabled => "disabled",
        CacheOutcome.Unavailable => "unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "The cache outcome is not known."),
    };
}
