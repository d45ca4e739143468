namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>
/// One limit of one caller: the caller, the bucket it counts in, and the limit. Two requests
/// share a window only when all of these are equal, so a changed limit starts a new window.
/// </summary>
/// <param name="Subject">The caller: <c>key:{id}</c>, <c>user:{id}</c> or <c>ip:{address}</c>.</param>
/// <param name="Bucket">The endpoint class in lower case, or <c>endpoint:{name}</c> for an endpoint with its own limit.</param>
/// <param name="Tier">The tier label for metrics: a key tier, <c>Staff</c> or <c>Anonymous</c>.</param>
/// <param name="EndpointClass">The endpoint class, for metrics.</param>
/// <param name="PermitLimit">The requests allowed per window.</param>
/// <param name="Window">The window length.</param>
public sealed record RateLimitPartitionKey(
    string Subject, string Bucket, string Tier, EndpointClass EndpointClass, int PermitLimit, TimeSpan Window)
{
    /// <summary>The version of the window format in Redis keys. Raise it when the format changes.</summary>
    public const string KeyPrefix = "luckygas:v1:rl:";

    /// <summary>
    /// Returns the name the Redis limiter builds its keys from: RedisRateLimiting stores a window
    /// in <c>rl:fw:{name}</c> and its end in <c>rl:fw:{name}:exp</c>, both with an expiry.
    /// </summary>
    public override string ToString() => $"{KeyPrefix}{Subject}:{Bucket}";

    /// <summary>Returns the Redis key of the window's request count.</summary>
    public static string CountKey(string subject, string bucket) => $"rl:fw:{{{KeyPrefix}{subject}:{bucket}}}";

    /// <summary>Returns the Redis key of the window's end, in Unix seconds.</summary>
    public static string ExpiryKey(string subject, string bucket) => CountKey(subject, bucket) + ":exp";
}
