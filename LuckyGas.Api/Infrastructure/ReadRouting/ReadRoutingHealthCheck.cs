using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Infrastructure.ReadRouting;

/// <summary>
/// Reports where reads go: Healthy while every standby serves reads, Degraded while a node is
/// unreachable, a standby lags beyond the limits or the probe has stopped measuring. Reads still
/// work in every Degraded case, because the primary serves them as the last resort. The data contains
/// each node's <see cref="ReadNodeStatus"/> under its <c>host:port</c>.
/// </summary>
internal sealed class ReadRoutingHealthCheck(
    StandbyLagMonitor monitor, IOptions<ReadRoutingOptions> options, TimeProvider clock) : IHealthCheck
{
    /// <summary>The name of the check in health reports.</summary>
    public const string Name = "read-routing";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        return Task.FromResult(Check(monitor.Snapshot));
    }

    private HealthCheckResult Check(StandbyLagSnapshot snapshot)
    {
        if (snapshot.CompletedAt is not { } completedAt)
        {
            return HealthCheckResult.Degraded("Standby replay lag has not been measured yet.");
        }

        var data = snapshot.Nodes.ToDictionary(node => node.Endpoint, node => (object)node);

        // A round takes about one probe timeout at most, so a snapshot older than a few rounds means
        // that the probe has stopped and routing follows old measurements.
        var age = clock.GetUtcNow() - completedAt;
        var maxAge = 3 * options.Value.ProbeInterval + options.Value.ProbeTimeout;
        if (age > maxAge)
        {
            return HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture, $"The last standby lag probe round finished {age.TotalSeconds:F0} s ago."),
                data: data);
        }

        var eligible = snapshot.EligibleStandbys.Select(node => node.Endpoint).ToList();
        if (eligible.Count == 0)
        {
            var target = snapshot.PrimaryEndpoint is { } primary ? $"the primary {primary}" : "any node that accepts connections";
            return HealthCheckResult.Degraded($"No standby is reachable within the replay lag limits, so reads go to {target}.", data: data);
        }

        var excluded = snapshot.Nodes
            .Where(node => node.Role == ReadNodeRole.Unknown || (node.Role == ReadNodeRole.Standby && !node.IsEligible))
            .Select(Describe)
            .ToList();
        if (excluded.Count > 0)
        {
            return HealthCheckResult.Degraded(
                $"Reads go to {string.Join(", ", eligible)}. Excluded: {string.Join("; ", excluded)}.", data: data);
        }

        return HealthCheckResult.Healthy($"Reads go to {string.Join(", ", eligible)}.", data);
    }

    private static string Describe(ReadNodeStatus node) => node.Role == ReadNodeRole.Unknown
        ? $"{node.Endpoint} did not respond ({node.Error})"
        : string.Create(CultureInfo.InvariantCulture,
            $"{node.Endpoint} lags {node.ReplayLagBytes?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} bytes and {node.ReplayLagSeconds?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} s");
}
