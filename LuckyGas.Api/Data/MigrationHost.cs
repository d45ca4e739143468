using LuckyGas.Api.Data.DemoData;
using LuckyGas.Api.Infrastructure;
using Npgsql;

namespace LuckyGas.Api.Data;

/// <summary>Runs <see cref="DatabaseMigrator"/> with the service defaults' logging and telemetry.</summary>
public static class MigrationHost
{
    /// <summary>
    /// Migrates the database named by the migration connection string and creates the first
    /// administrator account, then returns.
    /// </summary>
    /// <exception cref="InvalidOperationException">The migration connection string is missing.</exception>
    public static async Task RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddServiceDefaults();
        using var host = builder.Build();
        await host.StartAsync();

        var connectionString = builder.Configuration.GetConnectionString(DataAccessExtensions.MigrationConnectionName)
            ?? throw new InvalidOperationException(
                $"The connection string '{DataAccessExtensions.MigrationConnectionName}' is missing. " +
                "Start the migrator from the AppHost, which provides it.");
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrator));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await DatabaseMigrator.MigrateAsync(connectionString, logger, timeout.Token);

        var superuserConnectionString = builder.Configuration.GetConnectionString(AuditLogPrivileges.ConnectionName);
        if (string.IsNullOrEmpty(superuserConnectionString))
        {
            AuditLogPrivileges.LogSkipped(logger, AuditLogPrivileges.ConnectionName);
        }
        else
        {
            var applicationRole = new NpgsqlConnectionStringBuilder(connectionString).Username ?? "luckygas";
            await AuditLogPrivileges.ApplyAsync(superuserConnectionString, applicationRole, logger, timeout.Token);
        }

        var bootstrapLogger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminBootstrap));
        await AdminBootstrap.EnsureAdminAsync(
            connectionString, builder.Configuration[AdminBootstrap.PasswordKey], bootstrapLogger, timeout.Token);

        var demoDataLogger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoDataSeeder));
        await DemoDataSeeder.SeedOnFirstStartAsync(connectionString, builder.Configuration, demoDataLogger, timeout.Token);

        await host.StopAsync();
    }
}
