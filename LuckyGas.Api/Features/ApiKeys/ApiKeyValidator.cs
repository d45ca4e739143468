using System.Collections.Concurrent;
using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>A valid API key and the owner it acts for, as of when it was checked.</summary>
public sealed record ApiKeyIdentity(
    long KeyId,
    string KeyHash,
    string Name,
    ApiKeyTier Tier,
    ApiKeyScopes Scopes,
    DateTimeOffset? ExpiresAt,
    long OwnerId,
    string OwnerName,
    StaffRole OwnerRole);

/// <summary>
/// Checks presented API keys against the database (the primary, so a revocation counts at once),
/// caching only valid keys and only for <see cref="ApiKeyOptions.ValidationCacheDuration"/>.
/// </summary>
/// <remarks>
/// Unknown and malformed keys are never cached, so a flood of random keys adds no entries. The
/// cache contains at most <see cref="ApiKeyOptions.ValidationCacheSize"/> keys and is emptied when
/// full.
/// </remarks>
public sealed class ApiKeyValidator(
    IServiceScopeFactory scopes, ApiKeySecrets secrets, IOptionsMonitor<ApiKeyOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);

    /// <summary>Returns the key's identity, or null when it is malformed, unknown, revoked, expired or its owner is inactive.</summary>
    public async Task<ApiKeyIdentity?> ValidateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!ApiKeySecrets.IsWellFormed(presented))
        {
            return null;
        }

        var candidates = secrets.Candidates(presented);
        var now = clock.GetUtcNow();
        foreach (var candidate in candidates)
        {
            if (_cache.TryGetValue(candidate.Hash, out var cached) && cached.ValidUntil > now)
            {
                return IsExpired(cached.Identity, now) ? null : cached.Identity;
            }
        }

        var identity = await LoadAsync(candidates, now, cancellationToken);
        if (identity is not null)
        {
            var settings = options.CurrentValue;
            if (_cache.Count >= settings.ValidationCacheSize)
            {
                _cache.Clear();
            }

            _cache[identity.KeyHash] = new CachedKey(identity, now + settings.ValidationCacheDuration);
        }

        return identity;
    }

    private static bool IsExpired(ApiKeyIdentity identity, DateTimeOffset now) =>
        identity.ExpiresAt is { } expiresAt && expiresAt <= now;

    private async Task<ApiKeyIdentity?> LoadAsync(
        IReadOnlyList<ApiKeyHashCandidate> candidates, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hashes = candidates.Select(candidate => candidate.Hash).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<WriteDbContext>();
        var rows = await database.ApiKeys.AsNoTracking()
            .Where(key => hashes.Contains(key.KeyHash))
            .Select(key => new
            {
                key.Id,
                key.KeyHash,
                key.PepperVersion,
                key.Name,
                key.Tier,
                key.Scopes,
                key.ExpiresAt,
                key.RevokedAt,
                key.OwnerId,
                OwnerName = key.Owner!.UserName,
                OwnerRole = key.Owner.Role,
                OwnerActive = key.Owner.Active,
            })
            .ToListAsync(cancellationToken);

        foreach (var candidate in candidates)
        {
            // The index lookup found the row; the comparison below also checks that the row was
            // hashed with the same pepper version, in constant time.
            var row = rows.FirstOrDefault(row => row.PepperVersion == candidate.PepperVersion &&
                ApiKeySecrets.HashesEqual(row.KeyHash, candidate.Hash));
            if (row is null)
            {
                continue;
            }

            if (row.RevokedAt is not null || row.ExpiresAt is { } expiresAt && expiresAt <= now || !row.OwnerActive)
            {
                return null;
            }

            return new ApiKeyIdentity(row.Id, row.KeyHash, row.Name, row.Tier, row.Scopes, row.ExpiresAt,
                row.OwnerId, row.OwnerName, row.OwnerRole);
        }

        return null;
    }

    private sealed record CachedKey(ApiKeyIdentity Identity, DateTimeOffset ValidUntil);
}
