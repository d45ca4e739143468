using System.Text.RegularExpressions;

namespace LuckyGas.Api.Features.Security;

/// <summary>The kinds of suspicious signals, as used in the metric's <c>kind</c> label and in audit details.</summary>
public static class SuspiciousKinds
{
    /// <summary>A path traversal attempt, rejected with 400.</summary>
    public const string Traversal = "traversal";

    /// <summary>A SQL injection pattern in the query string or a header.</summary>
    public const string SqlInjection = "sql-injection";

    /// <summary>A script injection pattern in the query string or a header.</summary>
    public const string ScriptInjection = "script-injection";

    /// <summary>A scanner's User-Agent.</summary>
    public const string Scanner = "scanner";

    /// <summary>A 401, 403 or 404 response.</summary>
    public const string ErrorResponse = "error-response";
}

/// <summary>
/// Recognizes SQL and script injection patterns and scanner signatures. A match only adds to the
/// client's score: it never decides whether a query is safe, because every query is parameterized.
/// </summary>
public static partial class SuspiciousPatterns
{
    // Request headers that carry client-chosen text, besides the query string.
    private static readonly string[] InspectedHeaders = ["User-Agent", "Referer", "Cookie", "X-Forwarded-Host"];

    /// <summary>
    /// Returns the suspicious kinds found in the decoded query values and the inspected headers of
    /// <paramref name="request"/>, each kind once.
    /// </summary>
    public static IReadOnlyList<string> Inspect(HttpRequest request)
    {
        var found = new List<string>(3);
        foreach (var (_, values) in request.Query)
        {
            foreach (var value in values)
            {
                AddMatches(found, value);
            }
        }

        foreach (var name in InspectedHeaders)
        {
            foreach (var value in request.Headers[name])
            {
                AddMatches(found, value);
            }
        }

        if (IsScanner(request.Headers.UserAgent.ToString()) && !found.Contains(SuspiciousKinds.Scanner))
        {
            found.Add(SuspiciousKinds.Scanner);
        }

        return found;
    }

    /// <summary>Returns whether <paramref name="value"/> looks like a SQL injection attempt.</summary>
    public static bool IsSqlInjection(string? value) => Matches(SqlInjection(), value);

    /// <summary>Returns whether <paramref name="value"/> looks like a script injection attempt.</summary>
    public static bool IsScriptInjection(string? value) => Matches(ScriptInjection(), value);

    /// <summary>Returns whether <paramref name="userAgent"/> names a vulnerability scanner.</summary>
    public static bool IsScanner(string? userAgent) => Matches(Scanner(), userAgent);

    // A value that takes the pattern longer than its timeout to scan counts as a match, because
    // ordinary input never does.
    private static bool Matches(Regex pattern, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        try
        {
            return pattern.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return true;
        }
    }

    private static void AddMatches(List<string> found, string? value)
    {
        if (IsSqlInjection(value) && !found.Contains(SuspiciousKinds.SqlInjection))
        {
            found.Add(SuspiciousKinds.SqlInjection);
        }

        if (IsScriptInjection(value) && !found.Contains(SuspiciousKinds.ScriptInjection))
        {
            found.Add(SuspiciousKinds.ScriptInjection);
        }
    }

    // Tautologies (' OR 1=1, ' OR 'a'='a), UNION SELECT, stacked statements, comments after a quote,
    // time-based probes (SLEEP, PG_SLEEP, WAITFOR DELAY, BENCHMARK) and catalog reads.
    [GeneratedRegex(
        @"('|\b)\s*(or|and)\s+'?(\w+)'?\s*=\s*'?\3\b|\bunion\b(\s+all)?\s+select\b|;\s*(drop|delete|insert|update|alter|create|truncate|select)\b|'\s*(--|#|/\*)|\b(pg_)?sleep\s*\(|\bwaitfor\s+delay\b|\bbenchmark\s*\(|\binformation_schema\b|\bpg_catalog\b|\bcast\s*\(.+\bas\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex SqlInjection();

    [GeneratedRegex(
        @"<\s*/?\s*(script|iframe|object|embed|svg|img)\b|javascript\s*:|vbscript\s*:|\bon(error|load|click|mouseover|focus)\s*=|\bsrcdoc\s*=",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ScriptInjection();

    [GeneratedRegex(
        @"sqlmap|nikto|nmap|masscan|zgrab|acunetix|nessus|openvas|wpscan|dirbuster|gobuster|feroxbuster|ffuf|nuclei|w3af|havij|arachni|skipfish|burp|zap/|jaeles",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Scanner();
}
