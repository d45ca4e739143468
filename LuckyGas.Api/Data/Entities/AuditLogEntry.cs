namespace LuckyGas.Api.Data.Entities;

/// <summary>
/// One row of the append-only audit log. Each row stores the SHA-256 hash of its own canonical
/// form, which includes the previous row's hash, so that a removed or altered row breaks the chain.
/// </summary>
public sealed class AuditLogEntry
{
    /// <summary>The position in the chain: the previous row's id plus one, starting at 1.</summary>
    public long Id { get; set; }

    /// <summary>When the event happened (UTC, whole microseconds as PostgreSQL stores them).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The event kind, such as <c>sign-in.failed</c>; see <c>AuditEventKinds</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>Who acted: <c>user:{name}</c>, <c>key:{id}</c>, <c>anonymous</c> or <c>system</c>.</summary>
    public required string Actor { get; set; }

    /// <summary>The client address after trusted forwarded headers, when a request caused the event.</summary>
    public string? ClientIp { get; set; }

    /// <summary>What the event is about, such as a user name, an address or an API key id.</summary>
    public string? Subject { get; set; }

    /// <summary>Further facts as a JSON object with string values, never secrets or passwords.</summary>
    public required string Details { get; set; }

    /// <summary>The previous row's <see cref="Hash"/>, or 64 zeros for the first row.</summary>
    public required string PreviousHash { get; set; }

    /// <summary>The lowercase hex SHA-256 of this row's canonical form.</summary>
    public required string Hash { get; set; }
}
