using System.Globalization;
using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Infrastructure;
using LuckyGas.Api.Infrastructure.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>The caller of a key management request.</summary>
/// <param name="UserId">The staff account.</param>
/// <param name="IsAdmin">Whether the account is an administrator.</param>
/// <param name="Description">The caller for logs, such as <c>user:admin</c>.</param>
public sealed record ApiKeyCaller(long UserId, bool IsAdmin, string Description);

/// <summary>The outcome of creating a key.</summary>
public abstract record CreateApiKeyResult
{
    /// <summary>The request has invalid fields.</summary>
    public sealed record Invalid(Validation Validation) : CreateApiKeyResult;

    /// <summary>A caller who is not an administrator requested the admin scope.</summary>
    public sealed record AdminScopeDenied : CreateApiKeyResult;

    /// <summary>The key was created; the secret is in <paramref name="Secret"/>.</summary>
    public sealed record Created(string Secret, ApiKey Key) : CreateApiKeyResult;
}

/// <summary>Creates, lists and revokes API keys, and reads their usage, on the primary.</summary>
public sealed partial class ApiKeyService(
    WriteDbContext database,
    ApiKeySecrets secrets,
    IOptionsMonitor<RateLimitingOptions> limits,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<ApiKeyService> logger)
{
    /// <summary>The maximum length of a key name, the column's length.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The furthest expiry of a new key.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(730);

    private static readonly string TierNames = string.Join(", ", Enum.GetNames<ApiKeyTier>());

    /// <summary>Validates the request and creates a key owned by the caller.</summary>
    public async Task<CreateApiKeyResult> CreateAsync(
        CreateApiKeyRequest request, ApiKeyCaller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var validation = new Validation();
        var name = request.Name?.Trim() ?? "";
        validation.Require(name.Length > 0, "name", "name is required: say what the key is for.");
        validation.Require(name.Length <= MaxNameLength, "name",
            $"name must be at most {MaxNameLength} characters long, but it has {name.Length}.");

        var tier = ParseTier(validation, request.Tier);
        var scopes = ParseScopes(validation, request.Scopes);
        if (request.ExpiresAt is { } expiresAt)
        {
            validation.Require(expiresAt > now, "expiresAt",
                $"expiresAt must be in the future, but it is {expiresAt:O}. Leave it out for a key that does not expire.");
            validation.Require(expiresAt <= now + MaxLifetime, "expiresAt",
                $"expiresAt must be at most {MaxLifetime.TotalDays:0} days ahead.");
        }

        if (!validation.IsValid)
        {
            return new CreateApiKeyResult.Invalid(validation);
        }

        if (scopes.HasFlag(ApiKeyScopes.Admin) && !caller.IsAdmin)
        {
            LogAdminScopeDenied(logger, caller.Description);
            return new CreateApiKeyResult.AdminScopeDenied();
        }

        var secret = secrets.Generate();
        var key = new ApiKey
        {
            KeyHash = secret.Hash,
            DisplayPrefix = secret.DisplayPrefix,
            PepperVersion = secret.PepperVersion,
            Name = name,
            Tier = tier!.Value,
            Scopes = scopes,
            OwnerId = caller.UserId,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };
        database.ApiKeys.Add(key);
        await database.SaveChangesAsync(cancellationToken);
        await database.Entry(key).Reference(entity => entity.Owner).LoadAsync(cancellationToken);

        LogCreated(logger, key.Id, key.DisplayPrefix, key.Tier, scopes, caller.Description);
        return new CreateApiKeyResult.Created(secret.Secret, key);
    }

    /// <summary>Lists the caller's keys, or every key for an administrator, newest first.</summary>
    public async Task<List<ApiKey>> ListAsync(ApiKeyCaller caller, CancellationToken cancellationToken) =>
        await database.ApiKeys.AsNoTracking()
            .Include(key => key.Owner)
            .Where(key => caller.IsAdmin || key.OwnerId == caller.UserId)
            .OrderByDescending(key => key.CreatedAt)
            .ThenByDescending(key => key.Id)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Returns the key with <paramref name="keyHash"/> when the caller owns it or is an
    /// administrator, or null, so that other callers cannot tell whether it exists.
    /// </summary>
    public Task<ApiKey?> FindAsync(string keyHash, ApiKeyCaller caller, bool tracking, CancellationToken cancellationToken)
    {
        var keys = tracking ? database.ApiKeys : database.ApiKeys.AsNoTracking();
        return keys.Include(key => key.Owner)
            .SingleOrDefaultAsync(key => key.KeyHash == keyHash && (caller.IsAdmin || key.OwnerId == caller.UserId),
                cancellationToken);
    }

    /// <summary>Revokes a key; revoking a revoked key changes nothing. Returns false when the key is not found.</summary>
    public async Task<bool> RevokeAsync(string keyHash, ApiKeyCaller caller, CancellationToken cancellationToken)
    {
        var key = await FindAsync(keyHash, caller, tracking: true, cancellationToken);
        if (key is null)
        {
            return false;
        }

        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow();
            await database.SaveChangesAsync(cancellationToken);
            LogRevoked(logger, key.Id, key.DisplayPrefix, caller.Description);
        }

        return true;
    }

    /// <summary>Returns the key's usage of the last 30 days and its current windows.</summary>
    public async Task<ApiKeyUsageResponse> GetUsageAsync(ApiKey key, CancellationToken cancellationToken)
    {
        var since = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-29);
        var days = await database.ApiKeyUsage.AsNoTracking()
            .Where(usage => usage.ApiKeyId == key.Id && usage.Day >= since)
            .OrderByDescending(usage => usage.Day)
            .Select(usage => new UsageDayResponse(usage.Day, usage.Requests, usage.Rejected))
            .ToListAsync(cancellationToken);

        var windows = await ReadWindowsAsync(key);
        return new ApiKeyUsageResponse(key.KeyHash, key.Tier, days, windows ?? [], windows is not null);
    }

    private async Task<List<UsageWindowResponse>?> ReadWindowsAsync(ApiKey key)
    {
        var settings = limits.CurrentValue;
        var tierLimits = settings.Tiers[key.Tier];
        var subject = string.Create(CultureInfo.InvariantCulture, $"key:{key.Id}");
        var buckets = Enum.GetValues<EndpointClass>()
            .Select(endpointClass => (Bucket: endpointClass.ToString().ToLowerInvariant(), Limit: tierLimits.ForClass(endpointClass)))
            .Concat(tierLimits.Endpoints.Select(pair => (Bucket: $"endpoint:{pair.Key}", Limit: pair.Value)))
            .ToList();
        var redisKeys = buckets
            .SelectMany(bucket => new RedisKey[]
            {
                RateLimitPartitionKey.CountKey(subject, bucket.Bucket),
                RateLimitPartitionKey.ExpiryKey(subject, bucket.Bucket),
            })
            .ToArray();

        RedisValue[] values;
        try
        {
            var redis = services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
            values = await redis.StringGetAsync(redisKeys).WaitAsync(settings.CommandTimeout);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogWindowsUnavailable(logger, key.Id, exception);
            return null;
        }

        var now = clock.GetUtcNow();
        var windows = new List<UsageWindowResponse>();
        for (var index = 0; index < buckets.Count; index++)
        {
            var used = values[2 * index].TryParse(out long count) ? count : 0;
            var endsAt = values[(2 * index) + 1].TryParse(out long seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : now;
            if (endsAt < now)
            {
                used = 0;
                endsAt = now;
            }

            var (bucket, limit) = buckets[index];
            windows.Add(new UsageWindowResponse(bucket, limit, used, Math.Max(limit - used, 0), endsAt));
        }

        return windows;
    }

    private static ApiKeyTier? ParseTier(Validation validation, string? tier)
    {
        if (string.IsNullOrEmpty(tier))
        {
            validation.Add("tier", $"tier is required: one of {TierNames}.");
            return null;
        }

        var name = Enum.GetNames<ApiKeyTier>()
            .FirstOrDefault(candidate => string.Equals(candidate, tier, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            validation.Add("tier", $"tier must be one of {TierNames}, but it is '{tier}'.");
            return null;
        }

        return Enum.Parse<ApiKeyTier>(name);
    }

    private static ApiKeyScopes ParseScopes(Validation validation, IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            validation.Add("scopes", "scopes is required: at least one of read, write and admin.");
            return ApiKeyScopes.None;
        }

        var scopes = ApiKeyScopes.None;
        foreach (var name in names)
        {
            var scope = name?.ToLowerInvariant() switch
            {
                "read" => ApiKeyScopes.Read,
                "write" => ApiKeyScopes.Write,
                "admin" => ApiKeyScopes.Admin,
                _ => ApiKeyScopes.None,
            };
            if (scope == ApiKeyScopes.None)
            {
                validation.Add("scopes", $"scopes may contain only read, write and admin, but it contains '{name}'.");
            }

            scopes |= scope;
        }

        return scopes;
    }

    [LoggerMessage(EventId = 4510, EventName = "ApiKeyCreated", Level = LogLevel.Information,
        Message = "Created API key {KeyId} ({Prefix}…), tier {Tier}, scopes {Scopes}, by {Caller}")]
    private static partial void LogCreated(
        ILogger logger, long keyId, string prefix, ApiKeyTier tier, ApiKeyScopes scopes, string caller);

    [LoggerMessage(EventId = 4511, EventName = "ApiKeyRevoked", Level = LogLevel.Information,
        Message = "Revoked API key {KeyId} ({Prefix}…) by {Caller}")]
    private static partial void LogRevoked(ILogger logger, long keyId, string prefix, string caller);

    [LoggerMessage(EventId = 4512, EventName = "ApiKeyAdminScopeDenied", Level = LogLevel.Warning,
        Message = "Rejected an API key with the admin scope requested by {Caller}, who is not an administrator")]
    private static partial void LogAdminScopeDenied(ILogger logger, string caller);

    [LoggerMessage(EventId = 4513, EventName = "ApiKeyWindowsUnavailable", Level = LogLevel.Warning,
        Message = "Could not read the rate limit windows of API key {KeyId} from Redis")]
    private static partial void LogWindowsUnavailable(ILogger logger, long keyId, Exception exception);
}
