using Npgsql;

namespace LuckyGas.BackupWorker.Dumps;

/// <summary>The node a dump is taken from.</summary>
/// <param name="Host">The host name or address.</param>
/// <param name="Port">The port.</param>
/// <param name="IsStandby">Whether the node was a streaming standby when it was chosen.</param>
/// <param name="ConnectionString">A connection string to this node alone, without pooling.</param>
public sealed record DumpSource(string Host, int Port, bool IsStandby, string ConnectionString)
{
    /// <summary>Returns <c>host:port (standby)</c> or <c>host:port (primary)</c>.</summary>
    public override string ToString() => $"{Host}:{Port} ({(IsStandby ? "standby" : "primary")})";
}

/// <summary>Chooses the node to dump from: a streaming standby, else the primary, always directly.</summary>
public static class DumpSourceSelector
{
    /// <summary>
    /// Probes every host of <paramref name="connectionString"/> (a multi-host Npgsql connection
    /// string such as <c>Host=127.0.0.1:5433,127.0.0.1:5434</c>) and returns the first standby
    /// that has received WAL by streaming replication, or the primary when no standby has.
    /// </summary>
    /// <exception cref="BackupStepException">No node answered as a standby or a primary.</exception>
    public static async Task<DumpSource> SelectAsync(string connectionString, string? database, CancellationToken cancellationToken)
    {
        var template = new NpgsqlConnectionStringBuilder(connectionString);
        var hosts = ParseHosts(template.Host ?? "", template.Port);
        DumpSource? primary = null;
        var failures = new List<string>();

        foreach (var (host, port) in hosts)
        {
            var single = new NpgsqlConnectionStringBuilder(template.ConnectionString)
            {
                Host = host,
                Port = port,
                Database = database ?? template.Database,
                Pooling = false,
                Timeout = 3,
                CommandTimeout = 10,
                TargetSessionAttributes = null,
                LoadBalanceHosts = false,
                ApplicationName = "luckygas-backup",
            };
            try
            {
                var (isStandby, streaming) = await ProbeAsync(single.ConnectionString, cancellationToken);
                var source = new DumpSource(host, port, isStandby, single.ConnectionString);
                if (isStandby && streaming)
                {
                    return source;
                }

                if (!isStandby)
                {
                    primary ??= source;
                }
                else
                {
                    failures.Add($"{host}:{port} is a standby that is not streaming");
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                failures.Add($"{host}:{port}: {exception.Message}");
            }
        }

        return primary ?? throw new BackupStepException(BackupSteps.Source,
            $"No PostgreSQL node answered as a streaming standby or a primary ({string.Join("; ", failures)}). " +
            "Check that the cluster runs.");
    }

    private static async Task<(bool IsStandby, bool Streaming)> ProbeAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // pg_stat_wal_receiver shows its status only to roles with pg_read_all_stats, which the
        // application role lacks, so a received WAL position shows that a WAL receiver streamed.
        // NOTE: a standby whose receiver stopped after receiving WAL still passes; its dump is
        // consistent but older.
        await using var command = new NpgsqlCommand(
            "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn() IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetBoolean(0), reader.GetBoolean(1));
    }

    private static List<(string Host, int Port)> ParseHosts(string hostList, int defaultPort)
    {
        var hosts = new List<(string, int)>();
        foreach (var entry in hostList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            hosts.Add(colon > 0 && int.TryParse(entry[(colon + 1)..], out var port)
                ? (entry[..colon], port)
                : (entry, defaultPort));
        }

        return hosts;
    }
}
