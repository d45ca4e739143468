using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace LuckyGas.AppHost.Postgres;

/// <summary>Checks that one node accepts a query, and reports its role.</summary>
/// <param name="port">The node's port on 127.0.0.1.</param>
/// <param name="nodeDirectory">The node's state folder.</param>
/// <param name="postgresPassword">The superuser password.</param>
internal sealed class PostgresNodeHealthCheck(int port, string nodeDirectory, ParameterResource postgresPassword) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The start script keeps this marker while it initializes or clones the node, when a
        // temporary server may accept connections on the node's port.
        if (File.Exists(Path.Combine(nodeDirectory, "initializing")))
        {
            return HealthCheckResult.Unhealthy("The node is being initialized or cloned.");
        }

        try
        {
            var connectionString = await PostgresProbe.ConnectionStringAsync(port, postgresPassword, cancellationToken);
            var role = await PostgresProbe.QueryRoleAsync(connectionString, cancellationToken);
            return HealthCheckResult.Healthy(role.IsStandby ? "standby" : "primary");
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"No response from PostgreSQL on port {port}.", exception);
        }
    }
}

/// <summary>
/// Checks that exactly one node is a primary and at least one standby streams from it, which is
/// what a commit needs under quorum synchronous replication.
/// </summary>
/// <param name="nodes">Every node's name and port.</param>
/// <param name="postgresPassword">The superuser password.</param>
/// <param name="metricsDirectory">
/// The textfile collector's folder, where each check writes <c>luckygas_postgres_primaries</c> and
/// <c>luckygas_postgres_streaming_standbys</c> for alerts, or null to write nothing.
/// </param>
internal sealed class PostgresClusterHealthCheck(
    IReadOnlyList<(string Name, int Port)> nodes, ParameterResource postgresPassword, string? metricsDirectory = null) : IHealthCheck
{
    /// <summary>The file in the textfile collector's folder that the check writes.</summary>
    public const string MetricsFileName = "postgres-cluster.prom";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var roles = await Task.WhenAll(nodes.Select(node => ProbeAsync(node.Port, cancellationToken)));
        var primaries = nodes.Zip(roles).Where(pair => pair.Second is { IsStandby: false }).ToList();
        WriteMetrics(primaries.Count, primaries.Count == 1 ? primaries[0].Second!.StreamingStandbys : 0);

        var data = new Dictionary<string, object>();
        for (var index = 0; index < nodes.Count; index++)
        {
            data[nodes[index].Name] = roles[index] switch
            {
                null => "down",
                { IsStandby: true } => "standby",
                { StreamingStandbys: var count } => $"primary with {count} streaming standbys",
            };
        }

        return primaries switch
        {
            [] => HealthCheckResult.Unhealthy("No node is a primary.", data: data),
            [_, _, ..] => HealthCheckResult.Unhealthy(
                $"More than one node is a primary: {string.Join(", ", primaries.Select(pair => pair.First.Name))}.",
                data: data),
            [var (primary, role)] when role!.StreamingStandbys == 0 => HealthCheckResult.Unhealthy(
                $"{primary.Name} is the primary but no standby streams from it, so commits wait.", data: data),
            [var (primary, role)] when role!.StreamingStandbys < nodes.Count - 1 => HealthCheckResult.Degraded(
                $"{primary.Name} is the primary with {role.StreamingStandbys} of {nodes.Count - 1} standbys streaming.",
                data: data),
            [var (primary, _)] => HealthCheckResult.Healthy($"{primary.Name} is the primary; every standby streams.", data),
        };
    }

    private void WriteMetrics(int primaries, int streamingStandbys)
    {
        if (metricsDirectory is null)
        {
            return;
        }

        // With no streaming standby every commit waits under quorum commit, so writes block.
        var text = $"""
            # HELP luckygas_postgres_primaries PostgreSQL nodes that answer as primary (1 when the cluster is sound).
            # TYPE luckygas_postgres_primaries gauge
            luckygas_postgres_primaries {primaries}
            # HELP luckygas_postgres_streaming_standbys Standbys that stream from the one primary; 0 means commits wait.
            # TYPE luckygas_postgres_streaming_standbys gauge
            luckygas_postgres_streaming_standbys {streamingStandbys}

            """;
        try
        {
            Hosting.TextfileMetrics.Write(metricsDirectory, MetricsFileName, text);
        }
        catch (IOException)
        {
            // The health result carries the same facts; the metric file is refreshed by the next check.
        }
    }

    private async Task<NodeRole?> ProbeAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            var connectionString = await PostgresProbe.ConnectionStringAsync(port, postgresPassword, cancellationToken);
            return await PostgresProbe.QueryRoleAsync(connectionString, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }
}

/// <summary>A node's role and, for a primary, how many standbys stream from it.</summary>
internal sealed record NodeRole(bool IsStandby, int StreamingStandbys);

internal static class PostgresProbe
{
    public static async Task<string> ConnectionStringAsync(int port, ParameterResource password, CancellationToken cancellationToken)
    {
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Password = await password.GetValueAsync(cancellationToken),
            Database = "postgres",
            Timeout = 3,
            CommandTimeout = 3,
            Pooling = false,
        }.ConnectionString;
    }

    public static async Task<NodeRole> QueryRoleAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_is_in_recovery(),
                   (SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming')::int
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new NodeRole(reader.GetBoolean(0), reader.GetInt32(1));
    }
}
