namespace LuckyGas.Api.Features.Security;

/// <summary>Settings of suspicious-activity scoring and blocking, from the <c>Security</c> configuration section.</summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Security";

    /// <summary>Whether clients that cross <see cref="BlockThreshold"/> are blocked. Scoring and auditing go on either way.</summary>
    public bool BlockingEnabled { get; set; } = true;

    /// <summary>The score within <see cref="ScoreWindow"/> at which a client is blocked.</summary>
    public int BlockThreshold { get; set; } = 30;

    /// <summary>How long points count towards the threshold, from a client's first point.</summary>
    public TimeSpan ScoreWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a block lasts unless an administrator lifts it first.</summary>
    public TimeSpan BlockDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Client addresses that are never scored or blocked, such as the platform's own processes that
    /// call the API directly on loopback (the web application, the AppHost's commands, health probes).
    /// Clients behind the edge are seen by their forwarded address, never as loopback.
    /// </summary>
    public List<string> ExemptClients { get; set; } = [];

    /// <summary>Points for a path traversal attempt.</summary>
    public int TraversalPoints { get; set; } = 10;

    /// <summary>Points for a SQL injection pattern in the query string or a header.</summary>
    public int SqlInjectionPoints { get; set; } = 5;

    /// <summary>Points for a script injection pattern in the query string or a header.</summary>
    public int ScriptInjectionPoints { get; set; } = 5;

    /// <summary>Points for a scanner's User-Agent, such as sqlmap or nikto.</summary>
    public int ScannerPoints { get; set; } = 15;

    /// <summary>Points for each 401, 403 or 404 response.</summary>
    public int ErrorResponsePoints { get; set; } = 1;
}
