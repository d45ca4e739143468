namespace LuckyGas.Api.Data.Entities;

/// <summary>The rate limit tiers of API keys, from the lowest to the highest limits.</summary>
public enum ApiKeyTier
{
    Basic,
    Standard,
    Premium,
    Enterprise,
}

/// <summary>What an API key may do, on top of what its owner's role allows.</summary>
[Flags]
public enum ApiKeyScopes
{
    None = 0,

    /// <summary>Safe methods: GET, HEAD and OPTIONS.</summary>
    Read = 1,

    /// <summary>Every other method, such as POST, PUT and DELETE.</summary>
    Write = 2,

    /// <summary>Endpoints that only administrators may call. Only administrators may grant it.</summary>
    Admin = 4,
}

/// <summary>
/// An API key of a staff member or partner system. The secret itself is never stored: only its
/// HMAC-SHA256 under the pepper of <see cref="PepperVersion"/>.
/// </summary>
public sealed class ApiKey
{
    public long Id { get; set; }

    /// <summary>The lower-case hex HMAC-SHA256 of the secret, 64 characters; also the key's public id.</summary>
    public required string KeyHash { get; set; }

    /// <summary>The first characters of the secret, such as <c>lgk_AbCd</c>, so that people can tell keys apart.</summary>
    public required string DisplayPrefix { get; set; }

    /// <summary>The version of the pepper that <see cref="KeyHash"/> was computed with.</summary>
    public int PepperVersion { get; set; }

    public required string Name { get; set; }

    public ApiKeyTier Tier { get; set; }

    public ApiKeyScopes Scopes { get; set; }

    /// <summary>The staff account whose identity and role the key acts with.</summary>
    public long OwnerId { get; set; }

    public StaffUser? Owner { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the key stops working, or null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When the key was revoked, or null while it is not.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>The requests of one API key on one UTC day, summed over every API instance.</summary>
public sealed class ApiKeyUsage
{
    public long ApiKeyId { get; set; }

    public DateOnly Day { get; set; }

    /// <summary>Every request the key authenticated, rejected ones included.</summary>
    public long Requests { get; set; }

    /// <summary>The requests the rate limiter rejected with 429.</summary>
    public long Rejected { get; set; }
}
