using System.Globalization;
using LuckyGas.Api.Infrastructure.ReadRouting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LuckyGas.Api.Features.Monitoring.Health;

/// <summary>
/// Reports the primary and each standby from the last round of the standby lag probe, which
/// measures every node about once a second, so the report queries no node itself.
/// </summary>
internal sealed class PostgresNodesCheck(StandbyLagMonitor monitor) : IDependencyCheck
{
    public string Name => "postgres";

    public string Kind => "postgres";

    public bool IsCritical => true;

    public Task<IReadOnlyList<HealthEntry>> CheckAsync(CancellationToken cancellationToken)
    {
        var snapshot = monitor.Snapshot;
        if (!snapshot.IsMeasured)
        {
            IReadOnlyList<HealthEntry> none =
                [HealthEntry.Create(Name, Kind, HealthStatus.Degraded, "The standby lag probe has not measured the nodes yet.")];
            return Task.FromResult(none);
        }

        var entries = snapshot.Nodes.Select(Describe).ToList();
        if (snapshot.PrimaryEndpoint is null)
        {
            entries.Add(HealthEntry.Create("postgres primary", "postgres-primary", HealthStatus.Unhealthy,
                "No node responded as the primary, so writes fail.", isCritical: true));
        }

        return Task.FromResult<IReadOnlyList<HealthEntry>>(entries);
    }

    private static HealthEntry Describe(ReadNodeStatus node)
    {
        var data = new Dictionary<string, object?>
        {
            ["endpoint"] = node.Endpoint,
            ["role"] = node.Role.ToString(),
            ["reachable"] = node.Role != ReadNodeRole.Unknown,
            ["lagBytes"] = node.ReplayLagBytes,
            ["lagSeconds"] = node.ReplayLagSeconds,
            ["servesReads"] = node.IsEligible,
            ["checkedAt"] = node.CheckedAt,
        };
        var name = $"postgres {node.Endpoint}";

        return node.Role switch
        {
            ReadNodeRole.Primary => new HealthEntry(name, "postgres-primary", HealthStatus.Healthy,
                "The primary accepts writes.", 0, data, IsCritical: true),
            ReadNodeRole.Standby when node.IsEligible => new HealthEntry(name, "postgres-standby", HealthStatus.Healthy,
                string.Create(CultureInfo.InvariantCulture,
                    $"The standby replays within the lag limits ({node.ReplayLagBytes} bytes, {node.ReplayLagSeconds} s)."),
                0, data),
            ReadNodeRole.Standby => new HealthEntry(name, "postgres-standby", HealthStatus.Degraded,
                string.Create(CultureInfo.InvariantCulture,
                    $"The standby lags beyond the limits ({node.ReplayLagBytes?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} bytes, " +
                    $"{node.ReplayLagSeconds?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} s), so it serves no reads."),
                0, data),
            // Only one node is the primary, so an unreachable node counts as a standby while a
            // primary responds. Without a primary, the entry added for the missing primary is critical.
            _ => new HealthEntry(name, "postgres-standby", HealthStatus.Unhealthy,
                $"The node is unreachable: {node.Error}", 0, data),
        };
    }
}
