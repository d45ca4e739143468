using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LuckyGas.Api.Features.Monitoring.Health;

/// <summary>One dependency in the comprehensive health report.</summary>
/// <param name="Name">The entry name, unique in the report, such as <c>postgres 127.0.0.1:5432</c>.</param>
/// <param name="Kind">What the entry checks, such as <c>postgres-standby</c> or <c>health-check</c>.</param>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
/// <param name="Description">What was found, in a sentence.</param>
/// <param name="DurationMs">How long the check took, in milliseconds.</param>
/// <param name="Data">The figures the check measured.</param>
/// <param name="IsCritical">
/// Whether an Unhealthy status makes the whole report Unhealthy. Entries that the platform can run
/// without for a while, such as one standby or one sentinel, only degrade the report.
/// </param>
public sealed record HealthEntry(
    string Name,
    string Kind,
    HealthStatus Status,
    string Description,
    double DurationMs,
    IReadOnlyDictionary<string, object?> Data,
    [property: JsonIgnore] bool IsCritical = false)
{
    /// <summary>Returns an entry with no data.</summary>
    public static HealthEntry Create(string name, string kind, HealthStatus status, string description, bool isCritical = false) =>
        new(name, kind, status, description, 0, new Dictionary<string, object?>(), isCritical);
}

/// <summary>The comprehensive health report.</summary>
/// <param name="Status">The overall status: Unhealthy when a critical entry is, else Degraded when any entry is not Healthy.</param>
/// <param name="CheckedAt">When the report was made.</param>
/// <param name="DurationMs">How long the whole report took, in milliseconds.</param>
/// <param name="Entries">Every entry, ordered by name.</param>
public sealed record ComprehensiveHealthReport(
    HealthStatus Status, DateTimeOffset CheckedAt, double DurationMs, IReadOnlyList<HealthEntry> Entries);

/// <summary>A check that contributes one or more entries to the comprehensive report.</summary>
public interface IDependencyCheck
{
    /// <summary>The name of the entry that reports a timeout or failure of the whole check.</summary>
    string Name { get; }

    /// <summary>The kind of that entry.</summary>
    string Kind { get; }

    /// <summary>Whether a timeout or failure of the whole check makes the report Unhealthy.</summary>
    bool IsCritical { get; }

    /// <summary>Checks the dependency and returns its entries.</summary>
    Task<IReadOnlyList<HealthEntry>> CheckAsync(CancellationToken cancellationToken);
}
