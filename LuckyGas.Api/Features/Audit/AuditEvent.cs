namespace LuckyGas.Api.Features.Audit;

/// <summary>A security event to append to the audit log.</summary>
/// <param name="Kind">One of <see cref="AuditEventKinds"/>.</param>
/// <param name="Actor">Who acted: <c>user:{name}</c>, <c>key:{id}</c>, <c>anonymous</c> or <c>system</c>.</param>
/// <param name="ClientIp">The client address after trusted forwarded headers, if a request caused the event.</param>
/// <param name="Subject">What the event is about, such as a user name, an address or an API key id.</param>
/// <param name="Details">Further facts. Never put a secret, token or password here.</param>
public sealed record AuditEvent(
    string Kind,
    string Actor,
    string? ClientIp = null,
    string? Subject = null,
    IReadOnlyDictionary<string, string?>? Details = null);

/// <summary>The kinds of audit events, as stored in the <c>kind</c> column and the metric's <c>kind</c> label.</summary>
public static class AuditEventKinds
{
    /// <summary>A staff member signed in.</summary>
    public const string SignInSucceeded = "sign-in.succeeded";

    /// <summary>A sign-in was rejected: unknown user name, wrong password or deactivated account.</summary>
    public const string SignInFailed = "sign-in.failed";

    /// <summary>A staff account was created.</summary>
    public const string StaffCreated = "staff.created";

    /// <summary>A staff account's role or active flag changed.</summary>
    public const string StaffChanged = "staff.changed";

    /// <summary>An API key was created. Written by the API key feature.</summary>
    public const string ApiKeyCreated = "api-key.created";

    /// <summary>An API key was revoked. Written by the API key feature.</summary>
    public const string ApiKeyRevoked = "api-key.revoked";

    /// <summary>A client address was blocked after crossing the suspicious-activity threshold.</summary>
    public const string ClientBlocked = "client.blocked";

    /// <summary>An administrator lifted a block.</summary>
    public const string ClientUnblocked = "client.unblocked";

    /// <summary>A request with a path traversal attempt was rejected with 400.</summary>
    public const string TraversalRejected = "request.traversal-rejected";

    /// <summary>A request carried SQL or script injection patterns or a scanner signature.</summary>
    public const string SuspiciousRequest = "request.suspicious";

    /// <summary>An administrator replaced the demo data.</summary>
    public const string DemoDataReset = "admin.demo-data-reset";

    /// <summary>An administrator ran the audit chain verification.</summary>
    public const string AuditVerified = "admin.audit-verified";
}
