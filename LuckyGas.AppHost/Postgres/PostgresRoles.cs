using Npgsql;

namespace LuckyGas.AppHost.Postgres;

/// <summary>Asks the nodes for their roles, for the dashboard commands.</summary>
internal static class PostgresRoles
{
    /// <summary>Returns each node's role, or null for a node that does not respond.</summary>
    public static async Task<IReadOnlyDictionary<PostgresNode, NodeRole?>> QueryAsync(
        IEnumerable<PostgresNode> nodes, string? password, CancellationToken cancellationToken)
    {
        var list = nodes.ToList();
        var roles = await Task.WhenAll(list.Select(node => TryQueryAsync(node, password, cancellationToken)));
        return list.Zip(roles).ToDictionary(pair => pair.First, pair => pair.Second);
    }

    /// <summary>Returns the node's role, or null when it does not respond.</summary>
    public static async Task<NodeRole?> TryQueryAsync(PostgresNode node, string? password, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresProbe.QueryRoleAsync(ConnectionString(node, password), cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until <paramref name="node"/> is a standby whose WAL receiver streams, and returns whether it
    /// did within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<bool> WaitForStandbyAsync(
        PostgresNode node, string? password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString(node, password));
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand(
                    "SELECT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')",
                    connection);
                if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                // The node is still starting or rejoining.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return false;
    }

    public static string ConnectionString(PostgresNode node, string? password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = node.Port,
        Username = "postgres",
        Password = password,
        Database = "postgres",
        Timeout = 3,
        CommandTimeout = 5,
        Pooling = false,
    }.ConnectionString;
}
