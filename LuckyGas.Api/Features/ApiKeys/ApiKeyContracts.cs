using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Infrastructure.RateLimiting;

namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>A new API key for the caller.</summary>
/// <param name="Name">What the key is for, 1 to 100 characters.</param>
/// <param name="Tier">Basic, Standard, Premium or Enterprise, in any case.</param>
/// <param name="Scopes">At least one of <c>read</c>, <c>write</c> and <c>admin</c>; only administrators may grant admin.</param>
/// <param name="ExpiresAt">When the key stops working, in the future and at most two years ahead; null for never.</param>
public sealed record CreateApiKeyRequest(string? Name, string? Tier, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt);

/// <summary>A created key with its secret, which is shown only in this response.</summary>
/// <param name="Key">The secret to send in <c>X-API-Key</c>. It cannot be retrieved again.</param>
/// <param name="Details">The stored key, as the list returns it.</param>
public sealed record CreatedApiKeyResponse(string Key, ApiKeyResponse Details);

/// <summary>An API key without its secret. Times are UTC.</summary>
/// <param name="KeyHash">The key's public id: the hex HMAC-SHA256 of the secret.</param>
/// <param name="Prefix">The first characters of the secret.</param>
/// <param name="Name">What the key is for.</param>
/// <param name="Tier">The rate limit tier.</param>
/// <param name="Scopes">The scopes, in lower case.</param>
/// <param name="Owner">The user name of the staff account the key acts for.</param>
/// <param name="PepperVersion">The version of the pepper that hashed the key.</param>
/// <param name="Status">active, revoked or expired.</param>
public sealed record ApiKeyResponse(
    string KeyHash, string Prefix, string Name, ApiKeyTier Tier, IReadOnlyList<string> Scopes, string Owner,
    int PepperVersion, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Maps an entity whose owner is loaded.</summary>
    public static ApiKeyResponse From(ApiKey key, DateTimeOffset now) => new(
        key.KeyHash, key.DisplayPrefix, key.Name, key.Tier, ApiKeyScopeRules.Names(key.Scopes),
        key.Owner?.UserName ?? "", key.PepperVersion,
        key.RevokedAt is not null ? "revoked" : key.ExpiresAt is { } expiresAt && expiresAt <= now ? "expired" : "active",
        key.CreatedAt, key.ExpiresAt, key.RevokedAt);
}

/// <summary>The limits of every tier, of signed-in staff and of anonymous callers.</summary>
/// <param name="WindowSeconds">The fixed window every limit counts in.</param>
/// <param name="Tiers">The limits of API keys by tier.</param>
/// <param name="StaffBaseTier">The tier whose limits signed-in staff get, times their role's multiplier.</param>
/// <param name="RoleMultipliers">The multiplier by staff role.</param>
/// <param name="Anonymous">The limits of requests without key or token, per client IP address.</param>
public sealed record TiersResponse(
    double WindowSeconds, IReadOnlyList<TierResponse> Tiers, ApiKeyTier StaffBaseTier,
    IReadOnlyDictionary<string, int> RoleMultipliers, LimitsResponse Anonymous);

/// <summary>One tier and its limits.</summary>
public sealed record TierResponse(ApiKeyTier Name, LimitsResponse Limits);

/// <summary>Requests per window by endpoint class, and endpoints with their own limits.</summary>
public sealed record LimitsResponse(int Reads, int Writes, int Expensive, IReadOnlyDictionary<string, int> Endpoints)
{
    /// <summary>Maps configured limits.</summary>
    public static LimitsResponse From(TierLimits limits) =>
        new(limits.Reads, limits.Writes, limits.Expensive, new SortedDictionary<string, int>(limits.Endpoints, StringComparer.Ordinal));
}

/// <summary>A key's usage per day and its current windows.</summary>
/// <param name="KeyHash">The key's public id.</param>
/// <param name="Days">Requests per UTC day, newest first, for the last 30 days with requests.</param>
/// <param name="Windows">The current window of each endpoint class, from Redis.</param>
/// <param name="WindowsAvailable">False when Redis could not be read, so <paramref name="Windows"/> is empty.</param>
public sealed record ApiKeyUsageResponse(
    string KeyHash, ApiKeyTier Tier, IReadOnlyList<UsageDayResponse> Days, IReadOnlyList<UsageWindowResponse> Windows,
    bool WindowsAvailable);

/// <summary>The requests of one UTC day; the counts reach the database within a few seconds.</summary>
public sealed record UsageDayResponse(DateOnly Day, long Requests, long Rejected);

/// <summary>The current window of one endpoint class or endpoint.</summary>
/// <param name="Bucket">reads, writes, expensive, or endpoint:{name}.</param>
/// <param name="Limit">The requests allowed per window.</param>
/// <param name="Used">The requests counted in the window.</param>
/// <param name="Remaining">The requests left.</param>
/// <param name="ResetsAt">When the window ends.</param>
public sealed record UsageWindowResponse(string Bucket, int Limit, long Used, long Remaining, DateTimeOffset ResetsAt);
