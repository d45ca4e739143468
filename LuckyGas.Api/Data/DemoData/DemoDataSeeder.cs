using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>
/// Stores <see cref="DemoDataGenerator"/> data: once into a database without customers, or again after deleting the
/// previous data.
/// </summary>
/// <remarks>
/// Both operations run in one transaction that holds a transaction-level advisory lock, so concurrent migrators and
/// resets run one after another. The lock is released at commit or rollback, which also works through pgBouncer in
/// transaction pooling mode, where a session-level lock would stay on a pooled server connection.
/// </remarks>
public static partial class DemoDataSeeder
{
    /// <summary>Configuration key that turns off <see cref="SeedOnFirstStartAsync"/> when set to <c>false</c>.</summary>
    public const string SeedOnFirstStartKey = "DemoData:SeedOnFirstStart";

    // An arbitrary constant that identifies this lock among the database's advisory locks ("LGDemoDt" in ASCII).
    private const long DemoDataLockKey = 0x4C4744656D6F4474;

    // Customers saved per SaveChanges call, with their orders and deliveries: about 2,000 rows.
    private const int CustomersPerBatch = 50;

    /// <summary>
    /// Inserts demo data from <see cref="DemoDataGenerator.DefaultSeed"/> when the database has no customers, and
    /// returns what it inserted, or null when there were customers already. Customers inserted by a concurrent caller
    /// while this one waited for the lock count as existing.
    /// </summary>
    public static async Task<DemoDataSummary?> SeedIfEmptyAsync(
        WriteDbContext database, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);

        // Checked once without the lock, so that every start after the first returns at once.
        if (await database.Customers.AnyAsync(cancellationToken))
        {
            LogSkippedNotEmpty(logger);
            return null;
        }

        var strategy = database.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            token => SeedIfEmptyInTransactionAsync(database, clock, logger, token), cancellationToken);
    }

    /// <summary>
    /// Deletes every delivery, order, driver, customer and idempotency record, then inserts demo data from
    /// <paramref name="seed"/>, all in one transaction. Staff users and cylinder prices stay.
    /// </summary>
    public static async Task<DemoDataSummary> ResetAsync(
        WriteDbContext database, TimeProvider clock, ILogger logger, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);

        var strategy = database.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            token => ResetInTransactionAsync(database, clock, logger, seed, token), cancellationToken);
    }

    /// <summary>
    /// Runs <see cref="SeedIfEmptyAsync"/> on the database of <paramref name="connectionString"/>, for the migrator,
    /// unless <see cref="SeedOnFirstStartKey"/> is <c>false</c>. A database error is logged and not thrown, because the
    /// platform works without demo data.
    /// </summary>
    public static async Task SeedOnFirstStartAsync(
        string connectionString, IConfiguration configuration, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!configuration.GetValue(SeedOnFirstStartKey, defaultValue: true))
        {
            LogSkippedDisabled(logger, SeedOnFirstStartKey);
            return;
        }

        var options = new DbContextOptionsBuilder<WriteDbContext>()
            .UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention()
            .Options;
        await using var database = new WriteDbContext(options);

        try
        {
            await SeedIfEmptyAsync(database, TimeProvider.System, logger, cancellationToken);
        }
        catch (Exception exception) when (IsDatabaseFailure(exception))
        {
            LogSeedFailed(logger, exception);
        }
    }

    // EF Core wraps a transient connection failure in an InvalidOperationException, or in a
    // RetryLimitExceededException once its retries are spent, so the cause may be an inner exception.
    private static bool IsDatabaseFailure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException or DbUpdateException or RetryLimitExceededException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<DemoDataSummary?> SeedIfEmptyInTransactionAsync(
        WriteDbContext database, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        database.ChangeTracker.Clear();
        var stopwatch = Stopwatch.StartNew();
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        await LockAsync(database, cancellationToken);

        if (await database.Customers.AnyAsync(cancellationToken))
        {
            LogSkippedNotEmpty(logger);
            return null;
        }

        var data = await InsertAsync(database, clock, DemoDataGenerator.DefaultSeed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Summarize(data, stopwatch, logger);
    }

    private static async Task<DemoDataSummary> ResetInTransactionAsync(
        WriteDbContext database, TimeProvider clock, ILogger logger, int seed, CancellationToken cancellationToken)
    {
        database.ChangeTracker.Clear();
        var stopwatch = Stopwatch.StartNew();
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        await LockAsync(database, cancellationToken);

        // One statement a table, children first, so that each count is that table's own rows and not a cascade's.
        var deliveries = await database.Deliveries.ExecuteDeleteAsync(cancellationToken);
        var orders = await database.Orders.ExecuteDeleteAsync(cancellationToken);
        var drivers = await database.Drivers.ExecuteDeleteAsync(cancellationToken);
        var customers = await database.Customers.ExecuteDeleteAsync(cancellationToken);
        var idempotencyRecords = await database.IdempotencyRecords.ExecuteDeleteAsync(cancellationToken);
        LogDeleted(logger, customers, drivers, orders, deliveries, idempotencyRecords);

        var data = await InsertAsync(database, clock, seed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Summarize(data, stopwatch, logger);
    }

    private static async Task LockAsync(WriteDbContext database, CancellationToken cancellationToken)
    {
        await database.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({DemoDataLockKey})", cancellationToken);
    }

    /// <summary>Generates data from the stored prices and adds it in batches, inside the caller's transaction.</summary>
    private static async Task<DemoDataSet> InsertAsync(
        WriteDbContext database, TimeProvider clock, int seed, CancellationToken cancellationToken)
    {
        var prices = await database.CylinderPrices.AsNoTracking().ToListAsync(cancellationToken);
        var data = new DemoDataGenerator(prices).Generate(clock, seed);

        // The entities are complete when added, so change detection at each SaveChanges would only cost time.
        var detectChanges = database.ChangeTracker.AutoDetectChangesEnabled;
        database.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            database.Drivers.AddRange(data.Drivers);
            await database.SaveChangesAsync(cancellationToken);

            // The drivers stay tracked, so each delivery takes its driver's id when its customer is added.
            foreach (var batch in data.Customers.Chunk(CustomersPerBatch))
            {
                database.Customers.AddRange(batch);
                await database.SaveChangesAsync(cancellationToken);
            }
        }
        finally
        {
            database.ChangeTracker.AutoDetectChangesEnabled = detectChanges;
            database.ChangeTracker.Clear();
        }

        return data;
    }

    private static DemoDataSummary Summarize(DemoDataSet data, Stopwatch stopwatch, ILogger logger)
    {
        var deliveries = data.Deliveries.ToList();
        var summary = new DemoDataSummary(
            data.Seed,
            data.Customers.Count,
            data.Drivers.Count,
            data.Orders.Count(),
            deliveries.Count,
            deliveries.Count(delivery => delivery.Rating is not null),
            stopwatch.ElapsedMilliseconds);
        LogInserted(logger, summary.Seed, summary.Customers, summary.Drivers, summary.Orders, summary.Deliveries,
            summary.Ratings, summary.ElapsedMilliseconds);
        return summary;
    }

    [LoggerMessage(EventId = 5000, EventName = "DemoDataSkippedNotEmpty", Level = LogLevel.Information,
        Message = "Skipped the demo data because the database already has customers")]
    private static partial void LogSkippedNotEmpty(ILogger logger);

    [LoggerMessage(EventId = 5001, EventName = "DemoDataSkippedDisabled", Level = LogLevel.Information,
        Message = "Skipped the demo data because {ConfigurationKey} is false")]
    private static partial void LogSkippedDisabled(ILogger logger, string configurationKey);

    [LoggerMessage(EventId = 5002, EventName = "DemoDataDeleted", Level = LogLevel.Information,
        Message = "Deleted {Customers} customers, {Drivers} drivers, {Orders} orders, {Deliveries} deliveries "
            + "and {IdempotencyRecords} idempotency records for a demo data reset")]
    private static partial void LogDeleted(
        ILogger logger, int customers, int drivers, int orders, int deliveries, int idempotencyRecords);

    [LoggerMessage(EventId = 5003, EventName = "DemoDataInserted", Level = LogLevel.Information,
        Message = "Inserted demo data from seed {Seed}: {Customers} customers, {Drivers} drivers, {Orders} orders, "
            + "{Deliveries} deliveries and {Ratings} ratings in {ElapsedMilliseconds} ms")]
    private static partial void LogInserted(
        ILogger logger, int seed, int customers, int drivers, int orders, int deliveries, int ratings,
        long elapsedMilliseconds);

    [LoggerMessage(EventId = 5004, EventName = "DemoDataSeedFailed", Level = LogLevel.Error,
        Message = "Failed to insert the demo data, so the platform starts without it. Fix the cause, then reset the "
            + "demo data from the dashboard or with POST /api/v1/admin/demo-data/reset")]
    private static partial void LogSeedFailed(ILogger logger, Exception exception);
}
