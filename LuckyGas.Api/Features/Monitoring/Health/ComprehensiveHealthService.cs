using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Features.Monitoring.Health;

/// <summary>
/// Builds the comprehensive health report: every registered health check plus the dependency
/// checks, all run at once, each within <see cref="MonitoringOptions.CheckTimeout"/>.
/// </summary>
public sealed class ComprehensiveHealthService(
    HealthCheckService healthChecks,
    IEnumerable<IDependencyCheck> checks,
    IOptions<MonitoringOptions> options,
    TimeProvider clock)
{
    /// <summary>Runs every check and returns the report.</summary>
    public async Task<ComprehensiveHealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var checkedAt = clock.GetUtcNow();

        // Registered checks get the same timeout through their registrations (see AddMonitoring).
        var registered = RunRegisteredAsync(cancellationToken);
        var dependencies = checks.Select(check => RunAsync(check, cancellationToken)).ToList();

        var entries = (await registered).ToList();
        foreach (var result in await Task.WhenAll(dependencies))
        {
            entries.AddRange(result);
        }

        entries.Sort((left, right) => string.CompareOrdinal(left.Name, right.Name));
        return new ComprehensiveHealthReport(Overall(entries), checkedAt, Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1), entries);
    }

    /// <summary>
    /// Unhealthy when a critical entry is Unhealthy; Degraded when any other entry is not Healthy.
    /// </summary>
    internal static HealthStatus Overall(IEnumerable<HealthEntry> entries)
    {
        var status = HealthStatus.Healthy;
        foreach (var entry in entries)
        {
            if (entry.Status == HealthStatus.Unhealthy && entry.IsCritical)
            {
                return HealthStatus.Unhealthy;
            }

            if (entry.Status != HealthStatus.Healthy)
            {
                status = HealthStatus.Degraded;
            }
        }

        return status;
    }

    private async Task<IReadOnlyList<HealthEntry>> RunRegisteredAsync(CancellationToken cancellationToken)
    {
        var report = await healthChecks.CheckHealthAsync(cancellationToken);
        return report.Entries.Select(pair => new HealthEntry(
            pair.Key,
            "health-check",
            pair.Value.Status,
            pair.Value.Description ?? pair.Value.Status.ToString(),
            Math.Round(pair.Value.Duration.TotalMilliseconds, 1),
            pair.Value.Data.ToDictionary(item => item.Key, item => (object?)item.Value),
            // The registered checks are the readiness checks, which a degraded dependency reports
            // as Degraded, so the ones that report Unhealthy mean that the API cannot serve.
            IsCritical: true)).ToList();
    }

    private async Task<IReadOnlyList<HealthEntry>> RunAsync(IDependencyCheck check, CancellationToken cancellationToken)
    {
        var timeout = options.Value.CheckTimeout;
        var stopwatch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // WaitAsync returns at the deadline even when the check ignores its token.
            var entries = await check.CheckAsync(deadline.Token).WaitAsync(timeout, cancellationToken);
            var milliseconds = Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1);
            return entries.Select(entry => entry with { DurationMs = milliseconds }).ToList();
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var description = string.Create(CultureInfo.InvariantCulture,
                $"The check timed out after {timeout.TotalSeconds:0.###} s.");
            return [Failed(check, description, stopwatch)];
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return [Failed(check, $"The check failed: {exception.Message}", stopwatch)];
        }
    }

    private static HealthEntry Failed(IDependencyCheck check, string description, Stopwatch stopwatch) =>
        HealthEntry.Create(check.Name, check.Kind, HealthStatus.Unhealthy, description, check.IsCritical) with
        {
            DurationMs = Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1),
        };
}
