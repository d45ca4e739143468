using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LuckyGas.Api.Data;

/// <summary>
/// The API's migrate-only mode: applies pending migrations on the primary and exits, so that API
/// instances never race to migrate.
/// </summary>
public static partial class DatabaseMigrator
{
    /// <summary>The command-line switch that selects the migrate-only mode.</summary>
    public const string Switch = "--migrate";

    // An arbitrary constant that identifies this lock among the database's advisory locks.
    private const long MigrationLockKey = 0x4C75636B79476173;

    /// <summary>Returns whether the process was started in migrate-only mode.</summary>
    public static bool IsRequested(string[] args) => args.Contains(Switch, StringComparer.Ordinal);

    /// <summary>
    /// Applies every pending migration while holding a session-level advisory lock, so that
    /// migrators started at the same moment run one after another and the later ones find
    /// nothing left to do.
    /// </summary>
    public static async Task MigrateAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        var options = new DbContextOptionsBuilder<WriteDbContext>()
            .UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention()
            .Options;
        await using var database = new WriteDbContext(options);

        // EF Core keeps a connection it did not open itself for the whole MigrateAsync call, so
        // the advisory lock taken on it covers every migration.
        await database.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)database.Database.GetDbConnection();

        LogWaitingForLock(logger, connection.Host, connection.Port);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = MigrationLockKey });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var pending = (await database.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        var names = pending.Count == 0 ? "none" : string.Join(", ", pending);
        LogApplying(logger, pending.Count, names);
        await database.Database.MigrateAsync(cancellationToken);
        LogApplied(logger, pending.Count);
    }

    [LoggerMessage(EventId = 2000, EventName = "MigrationLockWaiting", Level = LogLevel.Information,
        Message = "Waiting for the migration lock on {Host}:{Port}")]
    private static partial void LogWaitingForLock(ILogger logger, string? host, int port);

    [LoggerMessage(EventId = 2001, EventName = "MigrationsApplying", Level = LogLevel.Information,
        Message = "Applying {Count} pending migrations: {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, string migrations);

    [LoggerMessage(EventId = 2002, EventName = "MigrationsApplied", Level = LogLevel.Information,
        Message = "Applied {Count} migrations; the database is up to date")]
    private static partial void LogApplied(ILogger logger, int count);
}
