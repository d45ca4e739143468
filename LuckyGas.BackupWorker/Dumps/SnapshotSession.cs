using Npgsql;

namespace LuckyGas.BackupWorker.Dumps;

/// <summary>
/// A REPEATABLE READ transaction that exports its snapshot, so that pg_dump (through
/// <c>--snapshot</c>) and the row counts see exactly the same data.
/// </summary>
public sealed class SnapshotSession : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private SnapshotSession(NpgsqlConnection connection, NpgsqlTransaction transaction, string snapshotId)
    {
        _connection = connection;
        _transaction = transaction;
        SnapshotId = snapshotId;
    }

    /// <summary>The exported snapshot's id, for <c>pg_dump --snapshot</c>.</summary>
    public string SnapshotId { get; }

    /// <summary>Opens the transaction on <paramref name="connectionString"/> and exports its snapshot.</summary>
    public static async Task<SnapshotSession> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction);
            var snapshotId = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            return new SnapshotSession(connection, transaction, snapshotId);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Counts the rows of every ordinary table outside the system schemas, keyed <c>schema.table</c>.</summary>
    public Task<SortedDictionary<string, long>> CountRowsAsync(CancellationToken cancellationToken) =>
        RowCounts.CountAsync(_connection, _transaction, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>Counts rows of every user table, the same way on the source and on a restored copy.</summary>
public static class RowCounts
{
    /// <summary>
    /// Counts the rows of every ordinary table (<c>relkind = 'r'</c>, partitions included,
    /// partitioned parents excluded so no row counts twice) outside <c>pg_catalog</c>,
    /// <c>information_schema</c> and the TOAST schemas.
    /// </summary>
    public static async Task<SortedDictionary<string, long>> CountAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var tables = new List<(string Schema, string Table)>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT n.nspname, c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
            ORDER BY 1, 2
            """, connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (schema, table) in tables)
        {
            await using var count = new NpgsqlCommand(
                $"SELECT count(*) FROM {Quote(schema)}.{Quote(table)}", connection, transaction);
            counts[$"{schema}.{table}"] = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        return counts;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
