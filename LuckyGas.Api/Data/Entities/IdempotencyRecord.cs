namespace LuckyGas.Api.Data.Entities;

/// <summary>
/// The first result of a request sent with an <c>Idempotency-Key</c>, kept so that a retry with
/// the same key and body returns it instead of creating a second resource.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>The caller the key belongs to, so one caller's key never returns another's result.</summary>
    public required string Scope { get; set; }

    public required string Key { get; set; }

    /// <summary>The SHA-256 of the request body, to reject the same key with a different body.</summary>
    public required string RequestHash { get; set; }

    /// <summary>The id of the resource the first request created, once it completed.</summary>
    public long? ResourceId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
