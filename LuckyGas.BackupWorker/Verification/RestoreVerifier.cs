using LuckyGas.BackupWorker.Encryption;
using LuckyGas.BackupWorker.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LuckyGas.BackupWorker.Verification;

/// <summary>
/// Verifies a backup the way a restore would use it: download, check the SHA-256, decrypt,
/// restore into a scratch database on the verification server, compare every table's row count
/// with the counts taken at dump time, then drop the scratch database.
/// </summary>
public sealed partial class RestoreVerifier(
    BackupStore store, BackupKeyRing keys, IOptions<BackupOptions> options, ILogger<RestoreVerifier> logger)
{
    /// <summary>Verifies backup <paramref name="name"/> against the expected row counts.</summary>
    /// <exception cref="BackupStepException">Any step failed (step verify).</exception>
    public async Task VerifyAsync(
        string name, string expectedSha256, IReadOnlyDictionary<string, long> expectedCounts, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.VerifyConnectionString))
        {
            throw new BackupStepException(BackupSteps.Verify,
                "Backup:VerifyConnectionString is missing, so there is no server to restore the backup on. " +
                "The AppHost sets it to the pg-verify server.");
        }

        Directory.CreateDirectory(settings.LocalDirectory);
        var download = Path.Combine(settings.LocalDirectory, $"{name}.verify.partial");
        var scratch = $"verify_{Guid.NewGuid():N}";
        var server = new NpgsqlConnectionStringBuilder(settings.VerifyConnectionString) { Pooling = false };
        try
        {
            var (actual, recorded) = await store.DownloadAsync(store.DataKey(name), download, cancellationToken);
            if (actual != expectedSha256 || !string.Equals(recorded, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new BackupStepException(BackupSteps.Verify,
                    $"The downloaded {name} has SHA-256 {actual} and its metadata records {recorded}, but {expectedSha256} was expected.");
            }

            await ExecuteAsync(server.ConnectionString, $"CREATE DATABASE \"{scratch}\"", cancellationToken);
            var target = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = scratch };
            await BackupRestorer.RestoreAsync(download, keys, settings.PgRestorePath, target.ConnectionString, cancellationToken);

            var restoredCounts = await CountAsync(target.ConnectionString, cancellationToken);
            CompareCounts(name, expectedCounts, restoredCounts);
            var rows = restoredCounts.Values.Sum();
            LogVerified(logger, name, restoredCounts.Count, rows);
        }
        catch (BackupFormatException exception)
        {
            throw new BackupStepException(BackupSteps.Verify, $"Decrypting {name} failed: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is NpgsqlException or Amazon.Runtime.AmazonServiceException or IOException)
        {
            throw new BackupStepException(BackupSteps.Verify, $"Verifying {name} failed: {exception.Message}", exception);
        }
        finally
        {
            File.Delete(download);
            await DropQuietlyAsync(server.ConnectionString, scratch);
        }
    }

    private static void CompareCounts(
        string name, IReadOnlyDictionary<string, long> expected, IReadOnlyDictionary<string, long> restored)
    {
        var differences = expected.Keys.Union(restored.Keys, StringComparer.Ordinal)
            .Where(table => !expected.TryGetValue(table, out var count) || !restored.TryGetValue(table, out var other) || count != other)
            .Select(table => $"{table}: {(expected.TryGetValue(table, out var count) ? count : "absent")} at dump time, " +
                $"{(restored.TryGetValue(table, out var other) ? other : "absent")} restored")
            .ToList();
        if (differences.Count > 0)
        {
            throw new BackupStepException(BackupSteps.Verify,
                $"The restored {name} differs from the source: {string.Join("; ", differences)}.");
        }
    }

    private static async Task<SortedDictionary<string, long>> CountAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return await Dumps.RowCounts.CountAsync(connection, null, cancellationToken);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task DropQuietlyAsync(string connectionString, string database)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await ExecuteAsync(connectionString, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", timeout.Token);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException)
        {
            LogDropFailed(logger, exception, database);
        }
    }

    [LoggerMessage(EventId = 7200, EventName = "BackupVerified", Level = LogLevel.Information,
        Message = "Verified backup {Name}: {Tables} tables and {Rows} rows match the source at dump time")]
    private static partial void LogVerified(ILogger logger, string name, int tables, long rows);

    [LoggerMessage(EventId = 7201, EventName = "ScratchDropFailed", Level = LogLevel.Warning,
        Message = "Dropping the scratch database {Database} on the verification server failed")]
    private static partial void LogDropFailed(ILogger logger, Exception exception, string database);
}
